"""The indicators' background job: `indicators.compute`, queued when the records providers read have changed.

The directory queues it after a coverage recomputation finishes (`directory/jobs.py`), which itself follows
every import and every change of facilities in municipalities that use coverage: values are updated as the
work happens. A job waiting for the same area absorbs later requests (one `key` per area).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from renkei.core.tasks import JobError, job_enqueue, job_kind

COMPUTE_JOB = "indicators.compute"


@job_kind(COMPUTE_JOB, label=_("Indicator computation"))
def compute_job(*, municipality_id: int | None = None, prefecture_id: int | None = None,
                period: str | None = None) -> dict:
    """Recompute the computed indicators of a municipality or a prefecture (current periods unless `period`)."""
    from renkei.core.models import Municipality, Prefecture

    from .periods import PeriodError
    from .services.compute import indicators_compute

    municipality = prefecture = None
    if municipality_id is not None:
        municipality = Municipality.objects.select_related("prefecture").filter(pk=municipality_id).first()
        if municipality is None:
            raise JobError(_("The municipality %(id)s no longer exists."), id=municipality_id)
    elif prefecture_id is not None:
        prefecture = Prefecture.objects.filter(pk=prefecture_id).first()
        if prefecture is None:
            raise JobError(_("The prefecture %(id)s no longer exists."), id=prefecture_id)
    try:
        result = indicators_compute(municipality=municipality, prefecture=prefecture, period=period)
    except PeriodError as exc:
        raise JobError(_("Cannot compute the indicators: %(error)s"), error=exc.en) from exc
    return result.as_dict()


def schedule_indicators_compute(*, municipality=None, prefecture=None, period: str | None = None,
                                requested_by=None, inline: bool = False):
    """Queue a recomputation of a municipality's (or a prefecture's) computed indicators; one waits per area."""
    if municipality is not None:
        arguments, key = {"municipality_id": municipality.pk}, f"indicators-compute:M{municipality.pk}"
    elif prefecture is not None:
        arguments, key = {"prefecture_id": prefecture.pk}, f"indicators-compute:P{prefecture.pk}"
    else:
        raise ValueError("a municipality or a prefecture is needed")
    if period:
        arguments["period"] = period
        key += f":{period}"
    return job_enqueue(kind=COMPUTE_JOB, arguments=arguments, municipality=municipality, prefecture=prefecture,
                       key="" if inline else key, requested_by=requested_by, inline=inline)
