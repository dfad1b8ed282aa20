import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from renkei.core.models import AuditEntry
from renkei.provision.models import CoverArrangement, EmergencyAdmission, PatientEnrolment, RotaShift, ShiftKind
from tests.conftest import client_for

from .factories import cover_group, doctor


@pytest.mark.django_db
def test_the_index_lists_my_groups_with_their_gaps(world):
    response = client_for(world.attending).get(reverse("provision:index"))
    assert response.status_code == 200
    assert world.group.name in response.content.decode()


@pytest.mark.django_db
def test_a_hospital_professional_sees_the_hospitals_enrolments_on_the_index(world):
    body = client_for(world.enrolled).get(reverse("provision:index")).content.decode()
    assert world.patient.name in body
    assert world.patient.name not in client_for(world.not_enrolled).get(reverse("provision:index")).content.decode()


@pytest.mark.django_db
def test_the_calendar_marks_holidays_and_flags_gaps_in_red(world):
    url = reverse("provision:group_detail", kwargs={"group_id": world.group.pk}) + "?month=2027-01"
    body = client_for(world.attending).get(url).content.decode()
    assert "成人の日" in body and "元日" in body
    assert 'class="rota-shift gap"' in body
    assert "令和9年1月" in body


@pytest.mark.django_db
def test_a_bad_month_shows_the_current_month_instead_of_failing(world):
    url = reverse("provision:group_detail", kwargs={"group_id": world.group.pk}) + "?month=99999-99"
    assert client_for(world.attending).get(url).status_code == 200


@pytest.mark.django_db
def test_someone_outside_the_group_is_refused_its_calendar(world):
    url = reverse("provision:group_detail", kwargs={"group_id": world.group.pk})
    assert client_for(world.outsider).get(url).status_code == 403


@pytest.mark.django_db
def test_a_huge_group_number_is_not_found(world):
    assert client_for(world.attending).get("/provision/groups/99999999999999999999999/").status_code == 404


@pytest.mark.django_db
def test_a_member_assigns_a_shift(world):
    url = reverse("provision:shift_edit", kwargs={"group_id": world.group.pk, "date": "2027-01-11",
                                                  "kind": "holiday_day"})
    response = client_for(world.backup).post(url, {"covering": world.covering.pk, "phone": "090-9999-0000"})
    assert response.status_code == 302
    shift = RotaShift.objects.get(group=world.group, date=dt.date(2027, 1, 11), kind=ShiftKind.HOLIDAY_DAY)
    assert shift.covering == world.covering and shift.phone == "090-9999-0000"


@pytest.mark.django_db
def test_a_shift_the_day_does_not_need_is_not_found(world):
    url = reverse("provision:shift_edit", kwargs={"group_id": world.group.pk, "date": "2027-01-12",
                                                  "kind": "holiday_day"})
    assert client_for(world.backup).get(url).status_code == 404
    bad = reverse("provision:shift_edit", kwargs={"group_id": world.group.pk, "date": "2027-02-30", "kind": "night"})
    assert client_for(world.backup).get(bad).status_code == 404


@pytest.mark.django_db
def test_a_clinic_doctor_creates_a_group_and_is_its_first_member(world):
    response = client_for(world.outsider).post(reverse("provision:group_create"), {
        "name": "新しいグループ", "kind": "doctors", "municipality": world.patient.municipality_id})
    assert response.status_code == 302
    assert world.outsider.cover_groups.get().name == "新しいグループ"


@pytest.mark.django_db
def test_the_patients_page_says_who_to_call_and_logs_the_read(world):
    url = reverse("provision:patient_contacts", kwargs={"patient_id": world.patient.pk})
    body = client_for(world.nurse).get(url).content.decode()
    assert world.enrolled.organization.name in body
    assert AuditEntry.objects.filter(action=AuditEntry.Action.READ, subject_id=world.patient.pk,
                                     permission="provision.view_contacts").exists()


@pytest.mark.django_db
def test_the_patients_page_is_refused_to_the_enrolled_hospital_and_outsiders(world):
    url = reverse("provision:patient_contacts", kwargs={"patient_id": world.patient.pk})
    assert client_for(world.enrolled).get(url).status_code == 403
    assert client_for(world.outsider).get(url).status_code == 403


@pytest.mark.django_db
def test_the_team_proposes_the_hospital_accepts_and_either_ends(world):
    hospital = world.not_enrolled
    url = reverse("provision:enrolment_propose", kwargs={"patient_id": world.patient.pk})
    response = client_for(world.care_manager).post(url, {"hospital": hospital.organization_id,
                                                         "starts_on": timezone.localdate().isoformat()})
    assert response.status_code == 302
    enrolment = PatientEnrolment.objects.get(hospital=hospital.organization)
    assert enrolment.status == "proposed"
    assert world.patient.name in client_for(hospital).get(reverse("provision:enrolment_list")).content.decode()
    decide = reverse("provision:enrolment_decide", kwargs={"enrolment_id": enrolment.pk})
    assert client_for(world.enrolled).post(decide, {"decision": "accept"}).status_code == 403
    assert client_for(hospital).post(decide, {"decision": "accept"}).status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.status == "active" and enrolment.enrolled_by == hospital
    end = reverse("provision:enrolment_end", kwargs={"enrolment_id": enrolment.pk})
    assert client_for(world.care_manager).post(end).status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.status == "ended" and not enrolment.is_current


@pytest.mark.django_db
def test_the_enrolled_hospital_records_an_emergency_admission(world):
    url = reverse("provision:admission_new", kwargs={"patient_id": world.patient.pk})
    response = client_for(world.enrolled).post(url, {"admitted_at": "2026-01-02T03:04", "reason": "呼吸苦"})
    assert response.status_code == 302
    assert EmergencyAdmission.objects.get().hospital == world.enrolled.organization
    assert client_for(world.not_enrolled).get(url).status_code == 403
    assert client_for(world.ended).post(url, {"admitted_at": "2026-01-02T03:04", "reason": "x"}).status_code == 403


@pytest.mark.django_db
def test_a_team_member_links_the_patient_to_a_cover_group(world):
    other = cover_group([doctor(world.patient.municipality)], name="別のグループ")
    url = reverse("provision:cover_arrange", kwargs={"patient_id": world.patient.pk})
    assert client_for(world.nurse).post(url, {"group": other.pk}).status_code == 302
    assert CoverArrangement.objects.get(team__patient=world.patient).group == other


@pytest.mark.django_db
def test_the_summary_section_template_shows_the_call_plan_to_the_team(world, rf):
    from django.template.loader import render_to_string

    html = render_to_string("provision/_patient_section.html", {"patient": world.patient,
                                                                "membership": world.nurse})
    assert world.enrolled.organization.name in html
    assert render_to_string("provision/_patient_section.html", {"patient": world.patient,
                                                                "membership": world.outsider}).strip() == ""


@pytest.mark.django_db
def test_proposing_an_enrolment_asks_for_the_second_factor_again_when_it_is_old(world):
    from renkei.core import second_factor

    client = client_for(world.care_manager)
    session = client.session
    session[second_factor.SESSION_KEY] = 0
    session.save()
    url = reverse("provision:enrolment_propose", kwargs={"patient_id": world.patient.pk})
    response = client.post(url, {"hospital": world.not_enrolled.organization_id,
                                 "starts_on": timezone.localdate().isoformat()})
    assert "reverify_" in response.content.decode()  # the page asks for the code (or password) again
    assert not PatientEnrolment.objects.filter(hospital=world.not_enrolled.organization).exists()
