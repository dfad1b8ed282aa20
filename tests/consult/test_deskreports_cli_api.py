"""`renkei desk report` (its table, CSV and bad input) and `GET /api/v1/desk/counts` (counts, masking for the
prefecture, 403 logged for another municipality, no contents in the JSON)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from renkei.core.models import AuditEntry

from .factories import CaseFactory

SECRETS = ("R7-0901", "在宅酸素の業者を知りたい", "佐藤太郎", "075-000-0000", "長男と二人暮らしの80代男性")


def at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(10), tzinfo=timezone.get_current_timezone())


@pytest.fixture
def cases(world):
    CaseFactory(desk=world.desk, received_at=at(dt.date(2025, 4, 2)), status="closed", outcome="resolved",
                closed_on=dt.date(2025, 4, 4), number=SECRETS[0], question=SECRETS[1], requester_name=SECRETS[2],
                requester_contact=SECRETS[3], subject_description=SECRETS[4])
    CaseFactory(desk=world.desk, received_at=at(dt.date(2025, 4, 20)), status="closed", outcome="referred",
                closed_on=dt.date(2025, 6, 1), scene="emergency", requester_kind="hospital")
    CaseFactory(desk=world.desk, received_at=at(dt.date(2025, 5, 7)), scene="emergency", requester_kind="family")
    return world


def run(*args) -> str:
    import io

    out = io.StringIO()
    call_command("desk", "report", *args, stdout=out)
    return out.getvalue()


def test_the_command_prints_the_monthly_table(cases):
    out = run("--municipality", cases.municipality.code, "--from", "2025-04", "--to", "2025-06")
    lines = out.splitlines()
    assert lines[0].startswith(f"{cases.municipality.name} ({cases.municipality.code}) 2025-04〜2025-06")
    april = next(line.split() for line in lines if line.startswith("2025-04"))
    assert april == ["2025-04", "2", "1", "1/2", "50.0%", "2"]
    total = next(line for line in lines if line.startswith("計"))
    assert total.split()[-5:] == ["3", "2", "1/3", "33.3%", "22"]  # median of 2 and 42 days
    for secret in SECRETS:
        assert secret not in out


def test_the_command_prints_csv(cases):
    out = run("--municipality", cases.municipality.jis_code, "--from", "2025-04", "--to", "2025-05",
              "--format", "csv")
    rows = [line.split(",") for line in out.replace("\r", "").splitlines()]
    assert rows[0][0] == "月 / month"
    assert rows[1] == ["2025-04", "2", "1", "1/2 50.0%", "2"]
    assert rows[2] == ["2025-05", "1", "0", "0/1 0.0%", ""]


@pytest.mark.parametrize("args,message", [
    (["--municipality", "999999"], "市区町村コード「999999」が見つかりません"),
    (["--from", "2025/13"], "月「2025/13」を読めません"),
    (["--from", "2025-06", "--to", "2025-04"], "開始の月が終わりの月より後です"),
])
def test_the_command_refuses_unknown_codes_and_unreadable_months_with_exit_1(world, args, message):
    if "--municipality" not in args:
        args = ["--municipality", world.municipality.code, *args]
    with pytest.raises(CommandError) as error:
        run(*args)
    assert message in str(error.value) and " / " in str(error.value)
    assert error.value.returncode == 1


def api(membership, token_for, query: str):
    return Client().get(f"/api/v1/desk/counts?{query}", HTTP_AUTHORIZATION=f"Bearer {token_for(membership)}")


def test_the_api_gives_monthly_counts_by_scene_requester_and_outcome(cases, api_token_for):
    response = api(cases.official, api_token_for, f"municipality={cases.municipality.code}&from=2025-04&to=2025-06")
    assert response.status_code == 200
    body = response.json()
    april, may, june = body["months"]
    assert (april["month"], april["received"], april["closed"]) == ("2025-04", 2, 1)
    assert april["by_scene"]["daily_care"] == 1 and april["by_scene"]["emergency"] == 1
    assert april["by_requester_kind"]["hospital"] == 1 and april["by_requester_kind"]["care_manager"] == 1
    assert april["closed_by_outcome"]["resolved"] == 1
    assert june["closed_by_outcome"]["referred"] == 1 and may["by_requester_kind"]["family"] == 1
    assert body["small_counts_masked"] is False and not april["masked"]


def test_the_api_masks_small_counts_for_the_prefecture(cases, api_token_for):
    body = api(cases.prefecture, api_token_for, f"municipality={cases.municipality.code}&from=2025-04&to=2025-04"
               ).json()
    (april,) = body["months"]
    assert body["small_counts_masked"] is True and april["masked"] is True
    assert april["received"] is None and april["by_scene"]["emergency"] is None
    assert april["by_scene"]["end_of_life"] == 0  # zero points at nobody


def test_the_json_carries_no_contents(cases, api_token_for):
    text = api(cases.official, api_token_for, f"municipality={cases.municipality.code}&from=2025-04&to=2025-06"
               ).content.decode()
    for secret in SECRETS:
        assert secret not in text and json.dumps(secret)[1:-1] not in text


def test_another_municipalitys_caller_is_refused_and_logged(cases, api_token_for):
    before = AuditEntry.objects.filter(action=AuditEntry.Action.REFUSE, permission="consult.view_reports").count()
    response = api(cases.neighbour_coordinator, api_token_for, f"municipality={cases.municipality.code}")
    assert response.status_code == 403
    assert AuditEntry.objects.filter(action=AuditEntry.Action.REFUSE,
                                     permission="consult.view_reports").count() == before + 1


@pytest.mark.parametrize("query", ["municipality=abc", "municipality=999999", "from=2025-99",
                                   "from=2025-06&to=2025-01"])
def test_bad_input_is_a_400_with_a_message(world, api_token_for, query):
    if "municipality" not in query:
        query += f"&municipality={world.municipality.code}"
    response = api(world.official, api_token_for, query)
    assert response.status_code == 400
    assert " / " in response.json()["detail"]
