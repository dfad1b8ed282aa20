"""The patient and team screens: status codes, content, read and write entries with the patient as subject."""

import datetime as dt

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from renkei.careteams.models import CareTeamMember, Patient, TeamJoinRequest
from renkei.core.models import AuditEntry, Role
from tests.conftest import client_for
from tests.factories import MembershipFactory, OrganizationFactory

from .factories import PatientFactory, professional, team_with
from .walk_world import build_world

pytestmark = pytest.mark.django_db


def _entries(patient, **kwargs):
    return AuditEntry.objects.filter(subject_type="patient", subject_id=patient.pk, **kwargs)


def test_my_patients_lists_only_my_current_patients_with_role_and_team_size():
    patient = PatientFactory(name="試験 太郎", kana="シケン タロウ")
    PatientFactory(name="他人 花子")
    response = client_for(patient.registered_by).get("/patients/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "試験 太郎" in body and "他人 花子" not in body
    assert "ケアマネジャー" in body or "care manager" in body
    assert _entries(patient, action=AuditEntry.Action.READ).exists()


def test_my_patients_searches_by_kana_and_filters_by_status():
    patient = PatientFactory(name="試験 太郎", kana="シケン タロウ")
    PatientFactory(registered_by=patient.registered_by, name="別人 次郎", kana="ベツジン ジロウ", status="ended")
    client = client_for(patient.registered_by)
    assert "別人" not in client.get("/patients/", {"q": "シケン"}).content.decode()
    ended = client.get("/patients/", {"status": "ended"}).content.decode()
    assert "別人 次郎" in ended and "試験 太郎" not in ended


def test_a_care_manager_registers_a_patient_and_is_on_the_team_in_the_role_chosen():
    me = professional()
    response = client_for(me).post("/patients/new/", {
        "name": "登録 花子", "kana": "トウロク ハナコ", "birth_date": "1940-05-06", "sex": "female",
        "care_insured_number": "1234567890", "my_role": "care_manager", "care_level": "care_2"})
    assert response.status_code == 302
    patient = Patient.objects.get(name="登録 花子")
    member = patient.care_team.members.get()
    assert (member.membership, member.role) == (me, "care_manager")
    assert response["Location"] == f"/patients/{patient.pk}/team/"
    assert _entries(patient, action=AuditEntry.Action.CREATE).count() >= 3  # patient, team, member


def test_registering_with_a_bad_insured_number_is_a_form_error_not_a_500():
    response = client_for(professional()).post("/patients/new/", {
        "name": "x", "kana": "x", "birth_date": "1940-05-06", "care_insured_number": "12ab", "my_role": "nurse"})
    assert response.status_code == 400
    assert not Patient.objects.exists()


def test_the_summary_shows_facts_key_people_and_contacts_and_logs_the_read():
    world = build_world()
    patient = world.patient
    patient.care_level_valid_from, patient.care_level_valid_until = dt.date(2025, 4, 1), dt.date(2027, 3, 31)
    patient.save()
    response = client_for(world.members["nurse"]).get(f"/patients/{patient.pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "令和7年4月1日" in body and "令和9年3月31日" in body
    assert world.key_person.name in body
    assert world.members["doctor"].user.display_name in body
    entry = _entries(patient, action=AuditEntry.Action.READ).latest("seq")
    assert entry.membership_id_value == world.members["nurse"].pk


def test_an_outsider_is_refused_the_summary_and_the_refusal_is_logged():
    world = build_world()
    response = client_for(world.members["outsider"]).get(f"/patients/{world.patient.pk}/")
    assert response.status_code == 403
    assert _entries(world.patient, action=AuditEntry.Action.REFUSE).exists()


def test_a_missing_patient_is_a_404():
    assert client_for(professional()).get("/patients/999999/").status_code == 404


def test_editing_a_patient_logs_the_changed_field_not_its_value():
    patient = PatientFactory()
    client = client_for(patient.registered_by)
    form = client.get(f"/patients/{patient.pk}/edit/")
    assert form.status_code == 200
    data = {k: v for k, v in form.context["form"].initial.items() if v is not None}
    data.update({"allergies": "ペニシリン", "version": patient.version, "birth_date": "1938-04-01"})
    response = client.post(f"/patients/{patient.pk}/edit/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    entry = _entries(patient, action=AuditEntry.Action.UPDATE).latest("seq")
    assert entry.changes["allergies"] == "changed"
    assert "ペニシリン" not in str(entry.changes)


def test_a_stale_edit_gets_the_conflict_screen():
    patient = PatientFactory()
    client = client_for(patient.registered_by)
    data = {"name": patient.name, "kana": patient.kana, "birth_date": "1938-04-01", "sex": "female",
            "version": patient.version}
    Patient.objects.filter(pk=patient.pk).update(version=patient.version + 1)
    response = client.post(f"/patients/{patient.pk}/edit/", {**data, "allergies": "卵"})
    assert response.status_code == 409


def test_key_people_are_added_and_removed_with_entries_about_the_patient():
    patient = PatientFactory()
    client = client_for(patient.registered_by)
    response = client.post(f"/patients/{patient.pk}/key-people/new/", {
        "name": "試験 一郎", "relation": "child", "phone": "090-1111-2222", "sort_order": 0})
    assert response.status_code == 302
    person = patient.key_people.get()
    assert client.post(f"/patients/{patient.pk}/key-people/{person.pk}/remove/").status_code == 302
    assert not patient.key_people.exists()
    assert _entries(patient, action=AuditEntry.Action.DELETE, object_type="careteams.keyperson").exists()


def test_care_can_be_marked_ended():
    patient = PatientFactory()
    response = client_for(patient.registered_by).post(f"/patients/{patient.pk}/status/",
                                                      {"status": "ended", "version": patient.version})
    assert response.status_code == 302
    patient.refresh_from_db()
    assert patient.status == "ended"


def test_the_team_page_shows_current_and_past_members():
    world = build_world()
    response = client_for(world.members["care_manager"]).get(f"/patients/{world.patient.pk}/team/")
    assert response.status_code == 200
    assert response.context["team"].past == [world.team_members["former"]]
    assert world.members["former"].user.display_name in response.content.decode()



def test_a_member_without_an_organization_is_listed_with_their_own_number_or_none():
    """Family and people invited by e-mail may have no organization: the page shows them (it was a 500)."""
    world = build_world()
    team = world.patient.care_team
    CareTeamMember.objects.create(team=team, role="family", person_name="家族 一郎", phone="0773-00-0000")
    CareTeamMember.objects.create(team=team, role="visiting_nurse", person_name="招待 花子",
                                  email="invitee@example.org")
    response = client_for(world.members["care_manager"]).get(f"/patients/{world.patient.pk}/team/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "招待 花子" in body and 'href="tel:0773-00-0000"' in body

def test_the_organization_picker_finds_organizations_by_name():
    patient = PatientFactory()
    OrganizationFactory(name="福知山訪問看護ステーション", kana="フクチヤマホウモンカンゴステーション")
    response = client_for(patient.registered_by).get(f"/patients/{patient.pk}/team/", {"q": "訪問看護"})
    assert "福知山訪問看護ステーション" in response.content.decode()


def test_adding_a_member_of_an_organization_gives_them_the_patient_after_consent():
    patient = PatientFactory()
    nurse = professional(profession="visiting_nurse")
    response = client_for(patient.registered_by).post(f"/patients/{patient.pk}/team/add/", {
        "organization": nurse.organization_id, "membership": nurse.pk, "role": "visiting_nurse"})
    assert response.status_code == 302
    member = patient.care_team.members.get(membership=nurse)
    assert member.role == "visiting_nurse"
    assert _entries(patient, action=AuditEntry.Action.CREATE, object_type="careteams.careteammember").exists()


def test_team_changes_ask_for_the_second_factor_again():
    patient = PatientFactory()
    client = Client()
    from renkei.core import second_factor
    from renkei.core.middleware import MembershipMiddleware, TwoFactorMiddleware
    client.force_login(patient.registered_by.user)
    session = client.session
    session[MembershipMiddleware.KEY] = patient.registered_by.pk
    session[TwoFactorMiddleware.SESSION_KEY] = True
    session.save()
    nurse = professional()
    response = client.post(f"/patients/{patient.pk}/team/add/", {
        "organization": nurse.organization_id, "membership": nurse.pk, "role": "visiting_nurse"})
    assert response.status_code == 200
    assert 'name="reverify_' in response.content.decode()
    assert not patient.care_team.members.filter(membership=nurse).exists()
    assert second_factor.SESSION_KEY not in client.session


def test_a_non_member_cannot_change_the_team_and_is_logged():
    world = build_world()
    nurse = professional()
    response = client_for(world.members["outsider"]).post(f"/patients/{world.patient.pk}/team/add/", {
        "organization": nurse.organization_id, "membership": nurse.pk, "role": "visiting_nurse"})
    assert response.status_code == 403
    assert _entries(world.patient, action=AuditEntry.Action.REFUSE, permission="careteams.manage_team").exists()


def test_ending_a_membership_takes_effect_at_once():
    world = build_world()
    nurse = world.members["nurse"]
    member = world.team_members["nurse"]
    response = client_for(world.members["care_manager"]).post(f"/patients/{world.patient.pk}/team/end/",
                                                              {"member": member.pk})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.ended_on == timezone.localdate()
    # Ended today still counts today (until and including); ending it yesterday removes access.
    member.ended_on = timezone.localdate() - dt.timedelta(days=1)
    member.save()
    assert client_for(nurse).get(f"/patients/{world.patient.pk}/").status_code == 403


def test_inviting_by_email_sends_a_link_without_patient_data_and_waits_for_acceptance():
    patient = PatientFactory(name="秘密 花子")
    clinic = OrganizationFactory(kind="clinic")
    response = client_for(patient.registered_by).post(f"/patients/{patient.pk}/team/invite/", {
        "organization": clinic.pk, "person_name": "招待 医師", "email": "doc@example.jp", "role": "attending_doctor",
        "profession": "doctor"})
    assert response.status_code == 302
    member = patient.care_team.members.get(invitation__isnull=False)
    assert member.is_pending
    assert len(mail.outbox) == 1
    body = mail.outbox[0].subject + mail.outbox[0].body
    assert "/invitation/" in body
    assert "秘密" not in body and patient.kana not in body


def test_family_without_login_and_other_network_link_are_saved():
    patient = PatientFactory()
    client = client_for(patient.registered_by)
    assert client.post(f"/patients/{patient.pk}/team/family/", {"person_name": "試験 次郎",
                                                                 "phone": "090"}).status_code == 302
    assert patient.care_team.members.filter(role="family", person_name="試験 次郎").exists()
    assert client.post(f"/patients/{patient.pk}/team/link/", {
        "external_network": "MCS", "external_url": "https://www.medical-care.net/groups/1"}).status_code == 302
    patient.care_team.refresh_from_db()
    assert patient.care_team.external_network == "MCS"


def test_find_answers_yours_elsewhere_or_not_found_and_never_names_another_teams_patient():
    world = build_world()
    patient = world.patient
    mine = client_for(world.members["care_manager"]).get("/patients/find/",
                                                         {"care_insured_number": patient.care_insured_number})
    assert f"/patients/{patient.pk}/" in mine.content.decode()
    other = client_for(world.members["outsider"]).get("/patients/find/",
                                                      {"care_insured_number": patient.care_insured_number})
    body = other.content.decode()
    assert other.status_code == 200
    assert patient.name not in body and patient.kana not in body and f"/patients/{patient.pk}/" not in body
    assert 'name="team"' in body
    none = client_for(world.members["outsider"]).get("/patients/find/", {"care_insured_number": "0000000001"})
    assert "/patients/new/" in none.content.decode()


def test_join_request_flow_accept_adds_the_member():
    world = build_world()
    outsider = world.members["outsider"]
    response = client_for(outsider).post("/patients/find/join/", {"team": world.patient.care_team.pk,
                                                                  "role": "attending_doctor", "message": "往診"})
    assert response.status_code == 302
    join_request = TeamJoinRequest.objects.get()
    manager = client_for(world.members["care_manager"])
    listing = manager.get("/patients/join-requests/")
    assert outsider.user.display_name in listing.content.decode()
    assert manager.post("/patients/join-requests/", {"join_request": join_request.pk,
                                                     "decision": "accept"}).status_code == 302
    join_request.refresh_from_db()
    assert join_request.status == "accepted"
    assert world.patient.care_team.members.filter(membership=outsider, role="attending_doctor").exists()
    assert _entries(world.patient, permission="careteams.decide_join_request").exists()


def test_someone_off_the_team_cannot_decide_a_join_request():
    world = build_world()
    join_request = TeamJoinRequest.objects.create(team=world.patient.care_team, requested_by=world.members["outsider"],
                                                  role="dentist")
    response = client_for(world.members["colleague"]).post("/patients/join-requests/", {
        "join_request": join_request.pk, "decision": "accept"})
    assert response.status_code == 403
    join_request.refresh_from_db()
    assert join_request.status == "pending"


def test_municipal_staff_do_not_reach_patient_lists():
    staff = MembershipFactory(role=Role.MUNICIPAL_STAFF)
    assert client_for(staff).get("/patients/").status_code == 403
    assert client_for(staff).get("/patients/find/").status_code == 403


def test_an_accepted_invitation_gives_the_invitee_the_patient():
    from renkei.core.services.organizations import invitation_accept

    patient = PatientFactory()
    clinic = OrganizationFactory(kind="clinic")
    client_for(patient.registered_by).post(f"/patients/{patient.pk}/team/invite/", {
        "organization": clinic.pk, "person_name": "招待 医師", "email": "new@example.jp", "role": "attending_doctor"})
    token = mail.outbox[0].body.split("/invitation/")[1].split("/")[0]
    membership = invitation_accept(token=token, display_name="招待 医師", kana="ショウタイ イシ",
                                   password="x-Strong-pass-1")
    # Registered by the care manager's office: consent needed for another organization's member.
    from .factories import ConsentFactory
    ConsentFactory(patient=patient)
    assert CareTeamMember.objects.filter(invitation__accepted_membership=membership).exists()
    assert client_for(membership).get(f"/patients/{patient.pk}/").status_code == 200


def test_team_with_helper_still_works():
    patient = PatientFactory()
    assert team_with(patient, professional()).is_current


@pytest.mark.parametrize("url", ["/patients/{pk}/key-people/99999999999999999999/",
                                 "/patients/{pk}/key-people/99999999999999999999/remove/",
                                 "/patients/99999999999999999999/", "/patients/99999999999999999999/team/"])
def test_huge_ids_are_not_found_not_a_500(url):
    patient = PatientFactory()
    assert client_for(patient.registered_by).get(url.format(pk=patient.pk)).status_code == 404


def test_bad_team_form_input_is_a_400_or_404_not_a_500():
    patient = PatientFactory()
    client = client_for(patient.registered_by)
    assert client.post(f"/patients/{patient.pk}/team/end/", {"member": "99999999999999999999"}).status_code == 400
    assert client.post(f"/patients/{patient.pk}/team/end/", {"member": "12345"}).status_code == 404
    assert client.post(f"/patients/{patient.pk}/team/add/", {"organization": "99999999999999999999",
                                                             "role": "x"}).status_code == 400
    assert client.get(f"/patients/{patient.pk}/team/", {"organization": "99999999999999999999"}).status_code == 200
    assert client.post("/patients/join-requests/", {"join_request": "99999999999999999999",
                                                    "decision": "accept"}).status_code == 404
    assert client.post("/patients/find/join/", {"team": "99999999999999999999", "role": "other"}).status_code == 400
    assert client.get("/patients/find/", {"birth_date": "2026-02-31", "name": "x"}).status_code == 400


def test_a_member_of_another_patients_team_cannot_be_ended_from_this_one():
    patient, other = PatientFactory(), PatientFactory()
    member = other.care_team.members.get()
    response = client_for(patient.registered_by).post(f"/patients/{patient.pk}/team/end/", {"member": member.pk})
    assert response.status_code == 404
    member.refresh_from_db()
    assert member.ended_on is None
