"""A training participant answers the pre survey on a phone through their link, attends, answers the post survey
on the phone, and the staff's effect table then counts their pair (issue 12's second "done when").

Staff issue the links through the links page. The attendance is recorded straight through
`renkei.training.models.Attendance`: the attendance screen belongs to another part of the issue. Six other
participants' pairs are seeded so that the table shows a p value (five pairs or more).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from .conftest import CHROMIUM, SKIP_REASON, WIDTHS_JS, demo_email

pytestmark = pytest.mark.browser

if not CHROMIUM.exists():
    pytest.skip(SKIP_REASON, allow_module_level=True)
pytest.importorskip("playwright.sync_api")

DEMO_CITY_CODE = "262013"
PARTICIPANT = "ブラウザ研修 参加者"


def _assert_no_errors(errors, where: str) -> None:
    assert errors.messages == [], f"browser errors on {where}:\n" + "\n".join(errors.messages)


def _series():
    """A series in 福知山市 starting in three days, with the built-in instrument, our participant and six others
    who answered both surveys (paper answers, factories)."""
    from django.utils import timezone

    from renkei.core.models import Municipality
    from renkei.training.models import Instrument, Phase, Registration, TrainingSeries, TrainingSession
    from tests.training.factories import answer

    city = Municipality.objects.get(code=DEMO_CITY_CODE)
    series = TrainingSeries.objects.create(
        municipality=city, title="ブラウザ多職種連携研修", fiscal_year=2026,
        instrument=Instrument.objects.get(municipality=None, code="renkei-collaboration-short"))
    session = TrainingSession.objects.create(series=series, starts_at=timezone.now() + dt.timedelta(days=3),
                                             place="市民会館")
    for n, (before, after) in enumerate([(1, 3), (2, 3), (2, 4), (1, 2), (2, 4), (3, 4)]):
        other = Registration.objects.create(series=series, name=f"既存の参加者{n}", profession="care_manager")
        answer(other, Phase.PRE, [before] * 9)
        answer(other, Phase.POST, [after] * 9)
    participant = Registration.objects.create(series=series, name=PARTICIPANT, profession="visiting_nurse")
    return series, session, participant


def _issue_link(page, series, participant, phase: str) -> str:
    page.goto(f"/training/series/{series.pk}/surveys/")
    page.check(f"main input[name=phase][value={phase}]")
    with page.expect_navigation():
        page.click("main form button.button-primary")
    link = page.locator(f"code.survey-link[data-registration='{participant.pk}']").inner_text().strip()
    assert re.fullmatch(r"https?://[^/]+/events/s/[A-Za-z0-9_-]+/", link), link
    return link


def _answer_on_phone(phone_page, link: str, value_index: int, title: str, screenshot, name: str) -> None:
    response = phone_page.goto(link)
    assert response is not None and response.status == 200
    assert phone_page.locator("main h1").inner_text() == title
    assert PARTICIPANT not in phone_page.locator("body").inner_text()
    items = phone_page.locator("main fieldset.survey-item")
    assert items.count() == 9
    for n in range(items.count()):
        choice = items.nth(n).locator("label.survey-choice").nth(value_index)
        box = choice.bounding_box()
        assert box is not None and box["height"] >= 44 and box["width"] >= 44, f"touch target too small: {box}"
        choice.tap()
    phone_page.fill("main textarea", "多職種の顔がわかった")
    width, inner = phone_page.evaluate(WIDTHS_JS)
    assert width <= inner + 1, f"the answer page is {width}px wide on a phone"
    screenshot(phone_page, name)
    with phone_page.expect_navigation():
        phone_page.click("main button.survey-submit")
    assert phone_page.locator("main h1").count() == 1
    assert phone_page.locator("main [role=status]").count() == 1


def test_a_participant_answers_before_and_after_on_a_phone_and_the_effect_table_counts_the_pair(
        page, phone_page, login, page_errors, screenshot):
    from renkei.training.models import Attendance, Phase, SurveyResponse
    from renkei.training.views.public_surveys import phase_title

    series, session, participant = _series()
    login(page, demo_email("city"))

    page.goto(f"/training/series/{series.pk}/effect/")
    first_row = page.locator("#effect-table tbody tr").first
    assert first_row.locator("td").first.inner_text().strip() == "6"

    # 1. Before the training: staff issue the links, the participant answers on a phone.
    pre_link = _issue_link(page, series, participant, "pre")
    _answer_on_phone(phone_page, pre_link, 0, phase_title(Phase.PRE), screenshot, "training_pre_survey_phone")
    assert SurveyResponse.objects.filter(registration=participant, phase=Phase.PRE).exists()

    # 2. The training: they attend (recorded directly; the attendance screen is another part's).
    Attendance.objects.create(registration=participant, session=session, attended=True)

    # 3. After the training: a post link, answered on the phone.
    post_link = _issue_link(page, series, participant, "post")
    _answer_on_phone(phone_page, post_link, 3, phase_title(Phase.POST), screenshot, "training_post_survey_phone")

    # 4. The effect table now counts seven pairs, with a p value, and the nurse's own profession row.
    page.goto(f"/training/series/{series.pk}/effect/")
    first_row = page.locator("#effect-table tbody tr").first
    cells = [cell.inner_text().strip() for cell in first_row.locator("td").all()]
    assert cells[0] == "7"
    assert re.fullmatch(r"0\.0\d\d \*", cells[4]), cells
    nurse = page.locator("#effect-professions tbody tr", has_text="訪問看護師")
    assert nurse.locator("td").first.inner_text().strip() == "1"
    assert page.locator("canvas#effect-chart").count() == 1
    screenshot(page, "training_effect_table")
    _assert_no_errors(page_errors, "the effect page")
