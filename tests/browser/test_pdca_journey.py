"""The PDCA journey of issue 9, end to end in a browser, on the demo's 福知山市:

1. the city's staff set a target for 自宅での死亡の割合 (ZT-T-O01) on the target screen;
2. they import an e-Stat death-place file (dry run, then apply) holding 福知山市's FY2025 figures;
3. the end-of-life dashboard shows the value next to its target with the status, and the choropleth shows
   福知山市 with the value (the map's table, the GeoJSON feed, the Leaflet map drawn);
4. at a meeting of the 看取り・ACP WG they record an action owned by the doctor, due in a few days: the
   doctor's home page lists it as due soon; once its due date has passed it is listed as overdue;
5. the yearly report PDF of the fiscal year lists the action by title.

The server's "today" cannot be moved from the test (the live server runs in this process, but the app reads
the real clock everywhere), so "later" is played by the staff correcting the due date to three days ago
through the action's edit form, which accepts past dates (an action decided late is recorded as it was).

Tiles are blocked, as without network: the choropleth draws the outlines from our own GeoJSON feed.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from urllib.parse import urlsplit

import pytest

from .conftest import CHROMIUM, SKIP_REASON, _new_page, demo_email

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not CHROMIUM.exists(), reason=SKIP_REASON)]

CITY = "262013"
CODE = "ZT-T-O01"  # 自宅での死亡の割合: deaths at home over all deaths, ×100, one decimal, higher is better
FILE_YEAR = 2025  # 令和7年: after the demo's imported years (2022–2024), inside the plan period 2024–2026
# 総数 and the places of death, in e-Stat's column order (see DEATH_PLACE_COLUMNS below): 自宅 171 of 1,000.
FIGURES = [1000, 640, 12, 45, 0, 118, 171, 14]
DEATH_PLACE_COLUMNS = ["総数", "病院", "診療所", "介護医療院・介護老人保健施設", "助産所", "老人ホーム", "自宅",
                       "その他"]
HOME_SHARE = "17.1"
TARGET = {"baseline_value": "15.0", "baseline_fiscal_year": "2023", "year_2024": "15.5", "year_2025": "16.0",
          "final_value": "16.5", "note": "第9期 看取りWGで確認した目標（ブラウザ確認）"}
ACTION_TITLE = "訪問診療医へACP研修の案内を送る"
WIDE = {"width": 1280, "height": 900}


@pytest.fixture
def pdca_demo(demo):
    """The PDCA and indicators demo on top of the module's demo database (the shared browser fixture builds
    the core's and the directory's only). Building it again changes nothing."""
    from renkei.pdca.services.demo import build_pdca_demo

    build_pdca_demo()
    return demo


def _block_tiles(page) -> None:
    from django.conf import settings

    host = urlsplit(settings.RENKEI_TILE_URL).netloc
    if host:
        page.route(re.compile(rf"^https?://{re.escape(host)}/"), lambda route: route.abort())


def _death_place_csv(path) -> None:
    """A 人口動態統計 table as e-Stat's file download shows it: title rows, the header, "26201 福知山市", a note."""
    rows = [
        ["人口動態調査 人口動態統計 確定数 死亡"],
        [f"死亡数，死亡の場所・市区町村別 令和{FILE_YEAR - 2018}年"],
        [],
        ["地域", *DEATH_PLACE_COLUMNS],
        ["26201 福知山市", *map(str, FIGURES)],
        ["注：老人ホームとは、養護老人ホーム、特別養護老人ホーム、軽費老人ホーム及び有料老人ホームをいう。"],
    ]
    path.write_bytes(("\r\n".join(",".join(row) for row in rows) + "\r\n").encode("utf-8"))


def _submit(page) -> None:
    with page.expect_navigation():
        page.click("main form[method=post] button[type=submit]")
    page.wait_for_load_state("load")


def _set_target(page, definition) -> None:
    from renkei.indicators.models import IndicatorTarget

    response = page.goto(f"/indicators/definitions/{definition.pk}/targets/{CITY}/?start=2024")
    assert response.status == 200
    for name, value in TARGET.items():
        page.fill(f"[name={name}]", value)
    _submit(page)
    assert urlsplit(page.url).path == f"/indicators/definitions/{definition.pk}/"
    target = IndicatorTarget.objects.get(definition=definition, municipality__code=CITY, start_fiscal_year=2024)
    assert (target.baseline_value, target.baseline_fiscal_year, target.final_value) == (Decimal("15"), 2023,
                                                                                        Decimal("16.5"))
    assert {row.fiscal_year: row.value for row in target.years.all()} == {2024: Decimal("15.5"), 2025: Decimal(16)}


def _import(page, tmp_path) -> None:
    from renkei.indicators.models import IndicatorImportRun, IndicatorValue

    csv = tmp_path / "estat-deaths-by-place-R7.csv"
    _death_place_csv(csv)
    assert page.goto("/indicators/imports/upload/").status == 200
    page.set_input_files("input[name=file]", str(csv))
    page.select_option("select[name=mapping]", "estat-death-place")
    _submit(page)
    run = IndicatorImportRun.objects.latest("pk")
    assert urlsplit(page.url).path == f"/indicators/imports/{run.pk}/"
    assert run.status == IndicatorImportRun.Status.DRY_RUN, run.report
    assert page.locator("[data-count=rejected]").inner_text().strip() == "0"
    change = page.locator(f"tr[data-change=created][data-definition='{CODE}'][data-area='M{CITY}']")
    assert change.count() == 1 and HOME_SHARE in change.inner_text()
    assert not IndicatorValue.objects.filter(import_run=run).exists()  # a dry run writes nothing

    with page.expect_navigation():
        page.click(f"form[action='/indicators/imports/{run.pk}/apply/'] button[type=submit]")
    applied = IndicatorImportRun.objects.latest("pk")
    assert urlsplit(page.url).path == f"/indicators/imports/{applied.pk}/"
    assert applied.status == IndicatorImportRun.Status.APPLIED
    assert page.locator("[data-status=applied]").count() == 1
    value = IndicatorValue.objects.get(definition__code=CODE, definition__owner_municipality=None,
                                       area_key=f"M{CITY}", period_start=dt.date(FILE_YEAR, 4, 1), is_current=True)
    assert (value.import_run_id, value.value, value.numerator, value.denominator) == (
        applied.pk, Decimal(HOME_SHARE), 171, 1000)


def _dashboard(page) -> None:
    from renkei.indicators.periods import fiscal_year

    assert page.goto(f"/indicators/scene/end_of_life/?municipality={CITY}").status == 200
    page.wait_for_selector("canvas[data-chart-ready='1']")
    card = page.locator(f"#indicator-{CODE}")
    assert card.get_attribute("data-status") == "on_track"  # 17.1 % against FY2025's target of 16.0 %
    row = card.locator("tbody tr", has=page.locator("th", has_text=fiscal_year(FILE_YEAR).label))
    assert row.count() == 1
    cells = [text.strip() for text in row.locator("td").all_inner_texts()]
    assert cells[0] == HOME_SHARE and cells[-1] == "16.0", cells  # the city's value … the target
    chart = page.evaluate(f"Chart.getChart(document.querySelector('#indicator-{CODE} canvas')).data.datasets"
                          ".map(d => d.data)")
    assert 17.1 in chart[0] and 16.0 in chart[-1]  # the city's line and the dashed target line

    page.select_option("#id_map", CODE)
    page.click(".indicator-map-section button[type=submit]")
    page.wait_for_selector("#indicator-choropleth.leaflet-container")
    page.wait_for_selector("#indicator-choropleth .leaflet-overlay-pane canvas")  # the outlines were drawn
    own = page.locator(f"#indicator-map table tr[data-area='M{CITY}']")
    own.wait_for()
    assert own.locator("td.number").inner_text().strip() == HOME_SHARE
    feed = page.locator("#indicator-choropleth").get_attribute("data-overlay-url")
    response = page.request.get(feed)
    assert response.status == 200
    features = {f["id"]: f["properties"] for f in response.json()["features"]}
    assert features[f"M{CITY}"]["name"] == f"福知山市: {HOME_SHARE}"


def _record_action(page):
    from django.utils import timezone

    from renkei.core.models import Membership
    from renkei.pdca.models import Action, Issue, Meeting

    meeting = Meeting.objects.filter(council__name="看取り・ACP WG", council__municipality__code=CITY,
                                     status=Meeting.Status.HELD).order_by("-held_on").first()
    issue = Issue.objects.filter(council=meeting.council, scene="end_of_life").order_by("pk").first()
    assert page.goto(f"/pdca/meetings/{meeting.pk}/").status == 200
    with page.expect_navigation():
        page.click(f"a[href='/pdca/meetings/{meeting.pk}/actions/new/']")
    offered = set(page.locator("select[name=owner] option").evaluate_all("options => options.map(o => o.value)"))
    doctor = Membership.objects.filter(user__email=demo_email("doctor"), pk__in=[int(v) for v in offered if v])
    assert doctor.count() == 1, "the WG's chair (the demo doctor) is offered as owner"
    doctor = doctor.get()
    due = timezone.localdate() + dt.timedelta(days=4)
    page.fill("[name=title]", ACTION_TITLE)
    page.select_option("select[name=issue]", str(issue.pk))
    page.select_option("select[name=owner]", str(doctor.pk))
    page.fill("[name=due_on]", due.isoformat())
    assert page.locator("select[name=scene]").input_value() == "end_of_life"  # from the WG's meeting
    _submit(page)
    assert urlsplit(page.url).path == f"/pdca/meetings/{meeting.pk}/"
    action = Action.objects.get(title=ACTION_TITLE)
    assert (action.owner_id, action.due_on, action.meeting_id, action.status) == (doctor.pk, due, meeting.pk, "open")
    assert page.locator(f"tr[data-action='{action.pk}']").count() == 1
    return action


def _attention_text(page, action) -> str:
    page.goto("/")
    link = page.locator(f"#attention a[href='/pdca/actions/{action.pk}/update/']")
    assert link.count() == 1, "the owner's home page lists the action"
    return link.inner_text().strip()


def _expected(message: str, action, due) -> str:
    from django.utils import translation
    from django.utils.translation import gettext

    from renkei.core.templatetags.renkei import wareki

    with translation.override("ja"):
        return gettext(message) % {"title": action.title, "due": wareki(due)}


def _make_overdue(page, action):
    from django.utils import timezone

    past = timezone.localdate() - dt.timedelta(days=3)
    assert page.goto(f"/pdca/actions/{action.pk}/edit/").status == 200
    page.fill("[name=due_on]", past.isoformat())
    _submit(page)
    assert urlsplit(page.url).path == f"/pdca/actions/{action.pk}/"
    action.refresh_from_db()
    assert action.due_on == past and action.is_overdue()
    return past


def _report_lists(page, action) -> None:
    from renkei.pdca.selectors.turn import current_fiscal_year
    from tests.directory.test_exports import pdf_drawn_text

    fiscal_year = current_fiscal_year()
    assert page.goto(f"/pdca/report/?municipality={CITY}&fy={fiscal_year}").status == 200
    with page.expect_download() as info:
        page.click(f"a[href='/pdca/report/{CITY}/{fiscal_year}/pdf/']")
    download = info.value
    assert download.suggested_filename.endswith(".pdf")
    content = open(download.path(), "rb").read()  # noqa: SIM115, PTH123 (Playwright keeps the file)
    assert content.startswith(b"%PDF")
    assert ACTION_TITLE in pdf_drawn_text(content)


def test_staff_set_a_target_import_deaths_see_them_and_an_overdue_action_reaches_its_owner_and_the_report(
        browser, pdca_demo, live_server, page_errors, login, screenshot, settings, tmp_path):
    from renkei.indicators.models import IndicatorDefinition

    settings.DATA_DIR = tmp_path / "data"  # the uploaded file waits there between the dry run and the apply
    definition = IndicatorDefinition.objects.get(code=CODE, owner_municipality=None, owner_prefecture=None)
    staff_context, staff = _new_page(browser, live_server, page_errors, viewport=WIDE)
    doctor_context, doctor = _new_page(browser, live_server, page_errors, viewport=WIDE)
    try:
        _block_tiles(staff)
        login(staff, demo_email("city"))
        _set_target(staff, definition)
        _import(staff, tmp_path)
        _dashboard(staff)
        screenshot(staff, "pdca_journey_dashboard")

        action = _record_action(staff)
        login(doctor, demo_email("doctor"))
        assert _attention_text(doctor, action) == _expected("Action due soon: %(title)s (due %(due)s)", action,
                                                            action.due_on)
        past = _make_overdue(staff, action)
        assert _attention_text(doctor, action) == _expected("Overdue action: %(title)s (due %(due)s)", action, past)

        _report_lists(staff, action)
    finally:
        staff_context.close()
        doctor_context.close()
    assert not page_errors.messages, page_errors.messages
