"""The surveys part's section on the series page: response rates, links to the effect table and the links page."""

from renkei.core import policy

from . import registrations
from .sections import series_page


def series_survey_section(membership, series):
    """Rates and links for those who may read the series (its page already asked); None without an instrument."""
    if series.instrument_id is None or not policy.check(membership, "training.view_series", series):
        return None
    from .selectors.surveys import response_rates

    return {"series": series, "rates": response_rates(series),
            "may_links": policy.check(membership, "training.view_participants", series)}


@registrations.on_ready
def register_series_section() -> None:
    series_page.register("surveys", "training/surveys/_series_section.html", series_survey_section, order=40)
