"""Break-glass: a stated reason, a short limit, a banner while it lasts, read entries with the reason, and a
review by the responsible person of the breaker's organization."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from renkei.careteams import access
from renkei.careteams.models import BreakGlassAccess
from renkei.careteams.selectors.break_glass import review_list, running_break_glass
from renkei.careteams.services.break_glass import break_glass_end, break_glass_review, break_glass_start
from renkei.core import audit, dashboard, policy
from renkei.core.models import AuditEntry, Organization
from tests.conftest import client_for

from .factories import PatientFactory, professional

Kind = Organization.Kind
REASON = "救急搬送。主治医に連絡がつかない"


@pytest.fixture
def scene(db):
    """A patient, an emergency doctor of another hospital (same prefecture) and that hospital's responsible
    person, plus the responsible person of another organization."""
    patient = PatientFactory()
    hospital = professional(kind=Kind.HOSPITAL, municipality=patient.municipality)
    responsible = professional(organization=hospital.organization, is_responsible_person=True)
    elsewhere = professional(kind=Kind.HOSPITAL, municipality=patient.municipality, is_responsible_person=True)
    return patient, hospital, responsible, elsewhere


def test_break_glass_needs_a_reason_and_a_short_limit(scene):
    patient, doctor, *_ = scene
    with pytest.raises(ValidationError) as error:
        break_glass_start(membership=doctor, patient=patient, reason="  ", minutes=access.BREAK_GLASS_MINUTES + 1)
    assert set(error.value.message_dict) == {"reason", "minutes"}
    glass = break_glass_start(membership=doctor, patient=patient, reason=REASON)
    assert round((glass.expires_at - glass.started_at).total_seconds()) == 30 * 60


def test_break_glass_lets_the_doctor_read_until_it_expires(scene):
    patient, doctor, *_ = scene
    assert not policy.check(doctor, "careteams.view_patient", patient)
    glass = break_glass_start(membership=doctor, patient=patient, reason=REASON, minutes=5)
    assert policy.check(doctor, "careteams.view_patient", patient)
    assert not policy.check(doctor, "careteams.edit_patient", patient)
    BreakGlassAccess.objects.filter(pk=glass.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    access.forget(doctor)
    assert not policy.check(doctor, "careteams.view_patient", patient)
    assert running_break_glass(doctor) == []


def test_a_team_member_does_not_break_glass(scene):
    patient, *_ = scene
    with pytest.raises(ValidationError):
        break_glass_start(membership=patient.registered_by, patient=patient, reason=REASON)


def test_start_and_end_are_audited_with_the_reason_and_the_patient_as_subject(scene):
    patient, doctor, *_ = scene
    with audit.bind_membership(doctor):
        glass = break_glass_start(membership=doctor, patient=patient, reason=REASON)
        break_glass_end(membership=doctor, glass=glass)
    entries = AuditEntry.objects.filter(object_type="careteams.breakglassaccess").order_by("seq")
    assert [(e.action, e.reason, e.subject_id) for e in entries] == [("create", REASON, patient.pk),
                                                                     ("update", REASON, patient.pk)]
    glass.refresh_from_db()
    assert glass.ended_at is not None and not glass.is_active


def test_only_the_breaker_ends_their_access(scene):
    patient, doctor, responsible, _ = scene
    glass = break_glass_start(membership=doctor, patient=patient, reason=REASON)
    with pytest.raises(PermissionDenied):
        break_glass_end(membership=responsible, glass=glass)


def test_reads_during_break_glass_carry_the_reason(scene):
    patient, doctor, *_ = scene
    break_glass_start(membership=doctor, patient=patient, reason=REASON)
    client = client_for(doctor)
    assert client.get(f"/patients/{patient.pk}/consents/").status_code == 200
    read = AuditEntry.objects.filter(action="read", subject_id=patient.pk, membership_id_value=doctor.pk).latest("seq")
    assert read.reason == REASON


def test_the_banner_shows_on_every_page_with_the_time_left_and_ends_now(scene):
    patient, doctor, *_ = scene
    glass = break_glass_start(membership=doctor, patient=patient, reason=REASON, minutes=10)
    client = client_for(doctor)
    page = client.get("/").content.decode()
    assert 'class="banner-danger"' in page and f"/patients/break-glass/{glass.pk}/end/" in page
    assert "10" in page
    assert client.post(f"/patients/break-glass/{glass.pk}/end/").status_code == 302
    assert 'class="banner-danger"' not in client.get("/").content.decode()
    assert client.get(f"/patients/{patient.pk}/consents/").status_code == 403


def test_the_break_glass_screen_explains_the_log_and_shows_no_patient_data(scene):
    patient, doctor, *_ = scene
    client = client_for(doctor)
    page = client.get(f"/patients/{patient.pk}/break-glass/")
    text = page.content.decode()
    assert page.status_code == 200 and patient.name not in text and str(patient.pk) in text
    response = client.post(f"/patients/{patient.pk}/break-glass/", {"reason": REASON, "minutes": 15, "confirm": "on"})
    assert response.status_code == 302
    assert BreakGlassAccess.objects.get(membership=doctor).reason == REASON


def test_a_patient_number_typed_in_leads_to_the_break_glass_screen(scene):
    patient, doctor, *_ = scene
    client = client_for(doctor)
    response = client.get("/patients/break-glass/", {"number": patient.pk})
    assert response.status_code == 302 and response["Location"] == f"/patients/{patient.pk}/break-glass/"
    by_team = client.get("/patients/break-glass/", {"team": patient.care_team.pk})
    assert by_team["Location"] == f"/patients/{patient.pk}/break-glass/"
    assert client.get("/patients/break-glass/", {"number": "abc"}).status_code == 400
    assert client.get(f"/patients/{2**70}/break-glass/").status_code == 404


def test_municipal_staff_cannot_break_glass(scene):
    patient, *_ = scene
    from renkei.core.models import Role
    from tests.factories import MembershipFactory

    staff = MembershipFactory(role=Role.MUNICIPAL_STAFF)
    assert client_for(staff).get(f"/patients/{patient.pk}/break-glass/").status_code == 403


def test_the_review_list_is_for_the_responsible_person_of_the_breakers_organization(scene):
    patient, doctor, responsible, elsewhere = scene
    with audit.bind_membership(doctor):
        glass = break_glass_start(membership=doctor, patient=patient, reason=REASON)
    assert [g.pk for g in review_list(responsible)] == [glass.pk]
    assert review_list(elsewhere) == []
    assert review_list(doctor) == []
    assert client_for(doctor).get("/patients/break-glass/review/").status_code == 403
    page = client_for(responsible).get("/patients/break-glass/review/").content.decode()
    assert REASON in page and patient.name not in page
    with pytest.raises(PermissionDenied):
        break_glass_review(membership=elsewhere, glass=glass, note="確認")


def test_reviewing_marks_it_and_unreviewed_come_first(scene):
    patient, doctor, responsible, _ = scene
    first = break_glass_start(membership=doctor, patient=patient, reason=REASON)
    break_glass_end(membership=doctor, glass=first)
    second = break_glass_start(membership=doctor, patient=PatientFactory(municipality=patient.municipality),
                               reason="夜間の救急外来")
    response = client_for(responsible).post(f"/patients/break-glass/{second.pk}/review/",
                                            {"note": "救急外来の受診記録と一致"})
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.reviewed_by == responsible and second.review_note == "救急外来の受診記録と一致"
    assert [g.pk for g in review_list(responsible)] == [first.pk, second.pk]
    with pytest.raises(ValidationError):
        break_glass_review(membership=responsible, glass=second, note="again")


def test_the_responsible_person_is_asked_on_the_home_page(scene):
    patient, doctor, responsible, elsewhere = scene
    break_glass_start(membership=doctor, patient=patient, reason=REASON)

    def review_items(membership):
        return [item for item in dashboard.attention_for(membership) if item.url == "/patients/break-glass/review/"]

    [item] = review_items(responsible)
    assert " 1 " in f" {item.text} "  # one access waits (in whichever language the page is)
    assert review_items(elsewhere) == [] and review_items(doctor) == []
