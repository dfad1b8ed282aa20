"""A patient's access history: who, when (和暦), what, why; for the team and the responsible person only;
printed as a PDF for a disclosure request, the printing itself logged."""

import base64
import datetime as dt
import re
import zlib

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


def pdf_text(pdf: bytes) -> str:
    """The text drawn in a reportlab PDF with the Japanese CID fonts (UTF-16BE literal strings, Flate streams)."""
    text = []
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        try:
            content = zlib.decompress(stream)
        except zlib.error:
            try:  # reportlab may wrap the stream in ASCII85 (/Filter [/ASCII85Decode /FlateDecode])
                content = zlib.decompress(base64.a85decode(stream.strip(), adobe=True))
            except (ValueError, zlib.error):
                continue
        for literal in re.findall(rb"\(((?:\\.|[^\\)])*)\) Tj", content, re.S):
            raw = re.sub(rb"\\([0-7]{1,3}|.)", lambda m: bytes([int(m[1], 8)]) if m[1][:1].isdigit()
                         else {b"n": b"\n", b"r": b"\r", b"t": b"\t"}.get(m[1], m[1]), literal)
            text.append(raw.decode("utf-16-be", errors="replace"))
    return "".join(text)


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
    text = pdf_text(response.content)
    assert "アクセス記録" in text and patient.name in text and to_wareki(timezone.localdate()) in text
    assert patient.registered_by.organization.name in text
    export = AuditEntry.objects.get(action="export", subject_id=patient.pk)
    assert export.permission == "careteams.view_access_history" and export.changes["file"] == "PDF"
    assert export.changes["count"] >= 1


def test_someone_off_the_team_cannot_print_the_history(patient):
    outsider = professional()
    assert client_for(outsider).get(f"/patients/{patient.pk}/history/pdf/").status_code == 403
    assert not AuditEntry.objects.filter(action="export", subject_id=patient.pk).exists()


def test_the_history_costs_the_same_few_queries_however_many_people_read(patient, django_assert_max_num_queries):
    for _ in range(6):
        member = professional(kind=Kind.VISITING_NURSING_STATION)
        team_with(patient, member)
        client_for(member).get(f"/patients/{patient.pk}/consents/")
    with django_assert_max_num_queries(8):
        rows = access_history(patient)
    assert len({r.person for r in rows if r.kind_code == "read"}) == 6
