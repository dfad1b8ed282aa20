"""The desk's records as .xlsx: the columns, no person data, one `export` entry naming the count, a recent second
factor, and a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import io
import time

from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from renkei.consult.models import CaseResource
from renkei.consult.selectors.case_export import COLUMNS, case_export_rows
from renkei.core import second_factor
from renkei.core.models import AuditEntry
from tests.conftest import client_for
from tests.pdca.factories import IssueFactory

from .factories import CaseActionFactory, CaseFactory

PERSONAL = ("山田花子", "090-1234-5678", "独居の90代女性", "夜間の吸引をどうするか", "家族は遠方で")


def a_case(world):
    received = dt.datetime(2025, 4, 3, 9, 30, tzinfo=timezone.get_current_timezone())
    issue = IssueFactory(municipality=world.municipality, title="夜間対応の訪問看護が足りない")
    case = CaseFactory(desk=world.desk, number="R7-0003", received_at=received, status="closed", outcome="referred",
                       closed_on=dt.date(2025, 4, 10), channel="fax", requester_kind="care_manager",
                       requester_facility=world.care_office, scene="daily_care", requester_name=PERSONAL[0],
                       requester_contact=PERSONAL[1], subject_description=PERSONAL[2], question=PERSONAL[3],
                       outcome_note=PERSONAL[4], raised_issue=issue)
    case.topics.add(world.topic("find_home_doctor"))
    action = CaseActionFactory(case=case, kind="resources", done_on=dt.date(2025, 4, 4), note=PERSONAL[4])
    CaseActionFactory(case=case, kind="follow_up", done_on=dt.date(2025, 4, 10))
    for clinic in (world.clinic_a, world.clinic_b):
        CaseResource.objects.create(case=case, facility=clinic, action=action, suggested_on=dt.date(2025, 4, 4))
    return case


def workbook_rows(response) -> list[tuple]:
    book = load_workbook(io.BytesIO(response.content))
    return list(book["相談記録"].iter_rows(values_only=True))


def test_one_row_per_case_with_the_report_columns_and_no_person_data(world):
    a_case(world)
    CaseFactory(desk=world.desk, number="R7-0004")
    CaseFactory(desk=world.neighbour_desk, number="R7-9999")  # another desk's case is not in the file
    response = client_for(world.coordinator).get(f"/desk/{world.desk.pk}/cases/export.xlsx")
    assert response.status_code == 200
    rows = workbook_rows(response)
    assert list(rows[1]) == COLUMNS
    first = rows[2]
    assert first[0] == "R7-0003" and first[1].date() == dt.date(2025, 4, 3) and first[2].date() == dt.date(2025, 4, 10)
    assert first[7] == "試験居宅介護支援事業所"
    assert first[9] == "訪問診療・往診をする医師を探したい"
    assert (first[11], first[12]) == (7, 2)
    assert set(first[13].split("、")) == {"みどり在宅クリニック", "あおば診療所"}
    assert first[14] == "夜間対応の訪問看護が足りない"
    assert [row[0] for row in rows[2:]] == ["R7-0003", "R7-0004"]
    text = repr(rows)
    for value in PERSONAL:
        assert value not in text


def test_the_export_is_one_audit_entry_naming_the_count(world):
    a_case(world)
    client_for(world.official).get(f"/desk/{world.desk.pk}/cases/export.xlsx")
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).get()
    assert entry.permission == "consult.export_cases" and entry.changes["count"] == 1
    assert entry.owner_municipality_id == world.municipality.pk


def test_the_export_asks_for_the_second_factor_again_when_it_is_old(world):
    client = client_for(world.coordinator)
    session = client.session
    session[second_factor.SESSION_KEY] = int(time.time()) - 24 * 3600
    session.save()
    response = client.get(f"/desk/{world.desk.pk}/cases/export.xlsx")
    assert response.status_code == 302 and response["Location"].startswith(reverse("core:reverify"))
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).exists()


def test_the_rows_take_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    for _ in range(5):
        a_case_copy = CaseFactory(desk=world.desk)
        a_case_copy.topics.add(world.topic("acp"))
        CaseActionFactory(case=a_case_copy)
    with django_assert_max_num_queries(3):
        rows = case_export_rows(world.desk)
    assert len(rows) == 5 and all(row.topics == "人生会議・意思決定の支援" for row in rows)
