"""The handoff page and the list pages with several sections read a bounded number of queries: adding patients,
forms, sendings, conferences and exchanges does not add queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from renkei.handoff.services import documents as document_services
from renkei.handoff.services import handoffs as services
from tests.conftest import client_for

from .conference_helpers import propose
from .factories import build_world, open_handoff


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def _with_forms_and_conference(world, handoff) -> None:
    document = document_services.document_save(membership=world.care_manager, handoff=handoff,
                                               kind="admission_info", data={})
    document_services.document_send(membership=world.care_manager, document=document, recipients=[
        document_services.Recipient(organization=world.discharge_nurse.organization)])
    propose(world, handoff)


def _another_patient_at(world):
    """A second patient (their own team and consent) admitted to the first world's hospital."""
    other = build_world()
    handoff = open_handoff(other, hospital=world.hospital)
    document = document_services.document_save(membership=other.care_manager, handoff=handoff,
                                               kind="admission_info", data={})
    document_services.document_send(membership=other.care_manager, document=document, recipients=[
        document_services.Recipient(organization=world.discharge_nurse.organization)])
    return other, handoff


def test_the_handoff_page_reads_as_many_queries_with_many_forms_conferences_and_exchanges(world):
    handoff = open_handoff(world, days_ago=3)
    _with_forms_and_conference(world, handoff)
    client = client_for(world.discharge_nurse)
    url = f"/handoffs/{handoff.pk}/"
    _queries(client, url)  # warm the caches of the first request (session, translations)
    few = _queries(client, url)
    for kind in ("screening", "discharge_summary", "nursing_summary"):
        document_services.document_save(membership=world.discharge_nurse, handoff=handoff, kind=kind, data={})
    document_services.document_save(membership=world.care_manager, handoff=handoff, kind="admission_info",
                                    data={})
    propose(world, handoff, days=(5, 6))
    propose(world, handoff, days=(7,))
    for hours in (30, 20, 10):
        services.exchange_record(membership=world.care_manager, handoff=handoff,
                                 occurred_at=timezone.now() - dt.timedelta(hours=hours), direction="to_hospital",
                                 channel="phone", professions=["care_manager"], summary="電話で確認")
    many = _queries(client, url)
    assert many <= few, f"{few} queries with one of each, {many} with several"
    assert many <= 60


@pytest.mark.parametrize("url", ["/handoffs/", "/", "/handoffs/conferences/mine/"])
def test_the_lists_read_as_many_queries_for_six_patients_as_for_three(world, url, monkeypatch):
    from renkei.handoff import document_hooks, workflow_hooks

    # The home page lists the first steps due and forms waiting for receipt one by one (each line asks the
    # policy), then one line for the rest.
    monkeypatch.setattr(document_hooks, "HOME_LIMIT", 1)
    monkeypatch.setattr(workflow_hooks, "HOME_LIMIT", 1)
    handoff = open_handoff(world, days_ago=3)
    _with_forms_and_conference(world, handoff)
    client = client_for(world.discharge_nurse)

    def more_patients(count: int) -> None:
        for _ in range(count):
            other, other_handoff = _another_patient_at(world)
            propose(other, other_handoff, by=world.discharge_nurse)

    more_patients(2)  # the home page's first lines may be about two different patients
    _queries(client, url)
    three = _queries(client, url)
    more_patients(3)
    six = _queries(client, url)
    assert six <= three, f"{url}: {three} queries for three patients, {six} for six"


def test_the_home_page_sums_up_the_forms_waiting_beyond_the_first_admissions_in_one_line(world, monkeypatch):
    from renkei.core import dashboard
    from renkei.handoff import document_hooks

    monkeypatch.setattr(document_hooks, "HOME_LIMIT", 2)
    for _ in range(3):
        _another_patient_at(world)
    items = [i for i in dashboard.attention_for(world.discharge_nurse) if "/handoffs/" in i.url]
    lines = [i for i in items if "/documents/" in i.url]
    assert len(lines) == 2
    more = [i for i in items if i.url == "/handoffs/"]
    assert len(more) == 1 and "1" in more[0].text
