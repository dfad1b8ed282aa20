"""The desk report's numbers on known cases: months, the 30-day share, median/mean/90th percentile, breakdowns,
the wards of a designated city, small numbers masked for the prefecture, the screen, its files and bad input."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from renkei.consult.models import Case
from renkei.consult.selectors.reports import (
    ReportError,
    chart_data,
    desk_report,
    municipality_of_code,
    parse_month,
    span_of,
    wareki_month,
)
from renkei.core.models import AuditEntry, Municipality
from tests.conftest import client_for
from tests.factories import MunicipalityFactory

from .factories import CaseFactory, DeskFactory

TODAY = dt.date(2025, 6, 10)


def at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12), tzinfo=timezone.get_current_timezone())


def case(world, received: dt.date, closed: dt.date | None = None, **fields) -> Case:
    if closed is not None:
        fields.update(status=Case.Status.CLOSED, outcome=fields.get("outcome", "resolved"), closed_on=closed)
    return CaseFactory(desk=world.desk, received_at=at(received), **fields)


@pytest.fixture
def known(world):
    """Five cases of 2025: A 5 days, B 40 days, C 10 days, D open since 1 May, E open since 25 May."""
    case(world, dt.date(2025, 4, 1), dt.date(2025, 4, 6), requester_kind="care_manager", channel="phone")
    case(world, dt.date(2025, 4, 10), dt.date(2025, 5, 20), requester_kind="hospital", channel="fax",
         scene="admission_discharge", outcome="referred")
    c = case(world, dt.date(2025, 4, 15), dt.date(2025, 4, 25), requester_kind="family", channel="visit")
    c.topics.add(world.topic("acp"), world.topic("find_home_doctor"))
    case(world, dt.date(2025, 5, 1), requester_kind="care_manager", scene="end_of_life").topics.add(world.topic("acp"))
    case(world, dt.date(2025, 5, 25), requester_kind="care_manager")
    return world


def report(world, **kwargs):
    return desk_report(world.municipality, dt.date(2025, 4, 1), dt.date(2025, 6, 30), suppress=False, today=TODAY,
                       **kwargs)


def test_the_months_count_received_closed_and_open_at_month_end(known):
    months = report(known).months
    assert [(m.label, m.received, m.closed, m.open_at_end) for m in months] == [
        ("R7年4月", 3, 2, 1), ("R7年5月", 2, 1, 2), ("R7年6月", 0, 0, None)]


def test_time_to_close_is_the_median_mean_and_90th_percentile_of_the_closed_cases(known):
    closing = report(known).closing
    assert (closing.closed, closing.median_days, closing.mean_days, closing.p90_days) == (3, 10.0, 18.3, 40)


def test_the_30_day_share_leaves_out_open_cases_younger_than_30_days(known):
    closing = report(known).closing
    # judged: A, B, C (closed) and D (open 40 days); E (16 days) cannot be judged yet. Within: A and C.
    assert (closing.within_30, closing.judged_30, closing.within_30_share) == (2, 4, 50.0)


def test_the_yearly_totals_cover_the_fiscal_year(known):
    (year,) = report(known).years
    assert (year.label, year.received, year.closed, year.closing.within_30_share) == ("R7年度", 5, 3, 50.0)


def test_volumes_by_requester_channel_scene_topic_and_outcome(known):
    built = report(known)
    by = {b.key: {code: n for code, _label, n in b.rows} for b in built.breakdowns}
    assert by["requester_kind"] == {"care_manager": 3, "hospital": 1, "family": 1}
    assert by["channel"] == {"phone": 3, "fax": 1, "visit": 1}
    assert by["scene"] == {"daily_care": 3, "admission_discharge": 1, "end_of_life": 1}
    assert by["topic"] == {"find_home_doctor": 1, "acp": 2}
    assert by["outcome"] == {"resolved": 2, "referred": 1}


def test_a_wards_cases_count_for_its_designated_city(world):
    city = MunicipalityFactory(prefecture=world.municipality.prefecture, kind=Municipality.Kind.DESIGNATED_CITY)
    ward = MunicipalityFactory(prefecture=city.prefecture, kind=Municipality.Kind.WARD, parent=city)
    ward_desk = DeskFactory(municipality=ward)
    CaseFactory(desk=ward_desk, received_at=at(dt.date(2025, 4, 3)))
    built = desk_report(city, dt.date(2025, 4, 1), dt.date(2025, 4, 30), suppress=False, today=TODAY)
    assert built.total_received == 1
    assert desk_report(ward, dt.date(2025, 4, 1), dt.date(2025, 4, 30), suppress=False,
                       today=TODAY).total_received == 1


def test_another_municipalitys_cases_are_not_counted(known):
    CaseFactory(desk=known.neighbour_desk, received_at=at(dt.date(2025, 4, 3)))
    assert report(known).total_received == 5


def test_two_queries_whatever_the_number_of_cases(known, django_assert_max_num_queries):
    for day in range(1, 20):
        case(known, dt.date(2025, 4, day), dt.date(2025, 4, day + 3))
    with django_assert_max_num_queries(2):
        built = report(known)
    assert built.total_received == 24


def test_a_masked_report_shows_small_counts_as_under_ten_and_charts_carry_no_number(known):
    built = desk_report(known.municipality, dt.date(2025, 4, 1), dt.date(2025, 6, 30), suppress=True, today=TODAY)
    data = chart_data(built)
    assert data["months"]["received"] == [None, None, 0]
    assert all(n is None for n in data["breakdowns"]["requester_kind"]["counts"])


def test_prefecture_staff_see_under_ten_and_the_municipalitys_staff_exact_numbers(world):
    for day in (1, 2, 3):
        case(world, timezone.localdate() - dt.timedelta(days=day))
    url = f"/desk/report/?municipality={world.municipality.code}"
    seen_by_prefecture = client_for(world.prefecture).get(url).content.decode()
    seen_by_official = client_for(world.other_official).get(url).content.decode()
    assert "&lt;10" in seen_by_prefecture
    assert "&lt;10" not in seen_by_official
    assert "<dd>3</dd>" in seen_by_official


def test_the_report_page_shows_no_case_text_name_or_number(world):
    case(world, timezone.localdate(), number="R7-0777", question="胃ろうの方の受け入れ先", requester_name="鈴木一郎",
         requester_contact="090-0000-0000")
    for viewer in (world.official, world.prefecture, world.coordinator):
        page = client_for(viewer).get(f"/desk/report/?municipality={world.municipality.code}").content.decode()
        for secret in ("R7-0777", "胃ろうの方の受け入れ先", "鈴木一郎", "090-0000-0000"):
            assert secret not in page


def test_the_report_defaults_to_the_current_fiscal_year():
    assert span_of("", "", today=dt.date(2026, 1, 15)) == (dt.date(2025, 4, 1), dt.date(2026, 1, 31))
    assert span_of("2025-04", "", today=dt.date(2026, 1, 15)) == (dt.date(2025, 4, 1), dt.date(2026, 3, 31))


@pytest.mark.parametrize("start,end", [("2025-13", ""), ("abc", ""), ("2026-04", "2025-04"), ("2020-01", "2026-01")])
def test_unreadable_or_backward_or_too_long_spans_are_refused_with_a_message(start, end):
    with pytest.raises(ReportError) as error:
        span_of(start, end)
    assert error.value.ja and error.value.en


def test_bad_input_on_the_screen_is_a_400_in_japanese_and_english(world):
    client = client_for(world.official)
    response = client.get(f"/desk/report/?municipality={world.municipality.code}&from=2025-99")
    assert response.status_code == 400
    assert "月「2025-99」を読めません" in response.content.decode()
    assert "Cannot read the month" in response.content.decode()
    assert client_for(world.prefecture).get("/desk/report/?municipality=999999").status_code == 400


def test_months_read_in_several_writings_and_label_in_wareki():
    assert parse_month("2025年4月") == parse_month("２０２５-０４") == dt.date(2025, 4, 1)
    assert wareki_month(dt.date(2019, 4, 1)) == "H31年4月"
    assert wareki_month(dt.date(2019, 5, 1)) == "R1年5月"


def test_an_unknown_code_is_a_report_error(db):
    with pytest.raises(ReportError):
        municipality_of_code("12")


def test_the_report_file_is_excel_or_csv_masked_as_on_the_screen_and_logged(known):
    url = (f"/desk/report/export/?municipality={known.municipality.code}&from=2025-04&to=2025-06")
    response = client_for(known.prefecture).get(url + "&format=xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    months = [row for row in book["月別"].iter_rows(values_only=True)]
    assert ("R7年4月", "<10", "<10", "<10", "<10", "<10", None, None) in months
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).latest("seq")
    assert entry.changes["format"] == "xlsx" and entry.changes["masked"] is True
    csv_text = client_for(known.official).get(url + "&format=csv").content.decode("utf-8-sig")
    assert "R7年4月,3,2,1,2,3,66.7,7.5" in csv_text.replace("\r", "")
    assert AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).count() == 2
