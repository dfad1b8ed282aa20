"""A patient's access history: who, when (和暦), what, why; for the team and the responsible person only;
printed as a PDF for a disclosure request, the printing itself logged."""

import datetime as dt

import pytest
from django.utils import timezone

from renkei.careteams.selectors.history import access_history, history_entries
from renkei.careteams.services.break_glass import break_glass_start
from renkei.core.models import AuditEntry, Organization
from renkei.core.wareki import to_wareki
from tests.conftest import client_for

from .factories import ConsentFactory, PatientFactory, professional, team_with
from .walk_world import HISTORY_READERS, build_world

Kind = Organization.Kind


@pytest.fixture
def patient(db):
    patient = PatientFactory()
    ConsentFactory(patient=patient)
    return patient


def test_the_history_shows_who_read_what_and_when_in_wareki(patient):
    nurse = professional(kind=Kind.VISITING_NURSING_STATION)
    team_with(patient, nurse)
    client_for(nurse).get(f"/patients/{patient.pk}/consents/")
    rows = access_history(patient)
    read = next(r for r in rows if r.kind_code == "read" and r.person == nurse.user.display_name)
    assert read.organization == nurse.organization.name
    assert read.when.startswith(to_wareki(timezone.localdate()))
    assert "consents" in read.what or "同意" in read.what
    assert AuditEntry.objects.filter(action="read", subject_id=patient.pk, changes__what="access history").exists()


def test_the_history_gives_the_break_glass_reason(patient):
    doctor = professional(kind=Kind.HOSPITAL, municipality=patient.municipality)
    break_glass_start(membership=doctor, patient=patient, reason="救急搬送時の確認")
    client_for(doctor).get(f"/patients/{patient.pk}/consents/")
    page = client_for(patient.registered_by).get(f"/patients/{patient.pk}/history/").content.decode()
    assert "救急搬送時の確認" in page and doctor.user.display_name in page


def test_the_history_filters_by_period(patient):
    client_for(patient.registered_by).get(f"/patients/{patient.pk}/consents/")
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    assert history_entries(patient, since=tomorrow).count() == 0
    assert history_entries(patient, until=timezone.localdate()).count() > 0
    response = client_for(patient.registered_by).get(f"/patients/{patient.pk}/history/",
                                                     {"since": tomorrow.isoformat()})
    assert response.status_code == 200 and response.context["count"] == 0
    bad = client_for(patient.registered_by).get(f"/patients/{patient.pk}/history/",
                                                {"since": "2026-02-01", "until": "2026-01-01"})
    assert bad.status_code == 400


def test_exactly_the_team_and_the_responsible_person_see_the_history(db):
    world = build_world()
    url = f"/patients/{world.patient.pk}/history/"
    for name, membership in world.members.items():
        status = client_for(membership).get(url).status_code
        assert status == (200 if name in HISTORY_READERS else 403), name
    refusals = AuditEntry.objects.filter(action="refuse", permission="careteams.view_access_history",
                                         subject_id=world.patient.pk)
    assert refusals.count() == len(world.members) - len(HISTORY_READERS)


def test_the_history_prints_as_a_pdf_and_the_printing_is_logged(patient):
    client_for(patient.registered_by).get(f"/patients/{patient.pk}/consents/")
    response = client_for(patient.registered_by).get(f"/patients/{patient.pk}/history/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-") and b"HeiseiKakuGo-W5" in response.content
    export = AuditEntry.objects.get(action="export", subject_id=patient.pk)
    assert export.permission == "careteams.view_access_history" and export.changes["file"] == "PDF"
    assert export.changes["count"] >= 1


def test_someone_off_the_team_cannot_print_the_history(patient):
    outsider = professional()
    assert client_for(outsider).get(f"/patients/{patient.pk}/history/pdf/").status_code == 403
    assert not AuditEntry.objects.filter(action="export", subject_id=patient.pk).exists()
