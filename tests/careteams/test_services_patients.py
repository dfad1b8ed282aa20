"""Patient and team services, the team selectors and the home items: behaviour and audit entries."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from renkei.careteams import access
from renkei.careteams.home import careteams_attention
from renkei.careteams.models import CareTeamMember, TeamJoinRequest
from renkei.careteams.selectors import find_patient, my_patients
from renkei.careteams.selectors.teams import pending_join_requests, team_of, waiting_invitations_count
from renkei.careteams.services import patients as patient_services
from renkei.careteams.services import teams as team_services
from renkei.core import policy
from renkei.core.concurrency import StaleEdit
from renkei.core.models import AuditEntry, DailyLivingArea, Invitation, Role
from renkei.core.services.organizations import invitation_accept
from tests.factories import MunicipalityFactory, OrganizationFactory

from .factories import ConsentFactory, PatientFactory, professional
from .walk_world import build_world

pytestmark = pytest.mark.django_db

VALUES = {"name": "登録 花子", "kana": "トウロク ハナコ", "birth_date": dt.date(1940, 1, 1)}


def test_register_creates_the_team_with_the_registering_member_in_the_role_chosen():
    me = professional()
    patient = patient_services.patient_register(by=me, values=VALUES, role="visiting_nurse")
    member = patient.care_team.members.get()
    assert (member.membership, member.role, member.organization) == (me, "visiting_nurse", me.organization)
    assert policy.check(me, "careteams.view_patient", patient)  # registering organization: no consent needed


def test_register_derives_the_municipality_from_the_address():
    city = MunicipalityFactory(jis_code="26201", name="福知山市")
    patient = patient_services.patient_register(by=professional(), values={**VALUES,
                                                                           "address": "京都府福知山市字篠尾新町1"})
    assert patient.municipality == city


def test_register_falls_back_to_the_registering_organizations_municipality():
    me = professional()
    patient = patient_services.patient_register(by=me, values={**VALUES, "address": "どこか"})
    assert patient.municipality == me.organization.municipality


def test_the_daily_living_area_comes_from_the_outline_holding_the_address(monkeypatch):
    from renkei.directory.gazetteer import Place
    from renkei.directory.models import AreaShape, Facility
    from renkei.directory.selectors import maps

    city = MunicipalityFactory(jis_code="26201", name="福知山市")
    area = DailyLivingArea.objects.create(municipality=city, name="中央圏域")
    square = {"type": "Polygon", "coordinates": [[[135.0, 35.0], [135.2, 35.0], [135.2, 35.2], [135.0, 35.2],
                                                  [135.0, 35.0]]]}
    AreaShape.objects.create(municipality=city, daily_living_area=area, geometry=square, min_lat=35.0, min_lon=135.0,
                             max_lat=35.2, max_lon=135.2)
    import renkei.directory.gazetteer as gazetteer
    monkeypatch.setattr(gazetteer, "resolve_near", lambda text, municipality=None: Place(
        35.1, 135.1, "篠尾新町", Facility.CoordinateQuality.TOWN))
    assert maps.place_of_address(address="京都府福知山市篠尾新町1") == (city, area)


def test_only_professionals_register():
    staff = OrganizationFactory()
    from tests.factories import MembershipFactory
    with pytest.raises(PermissionDenied):
        patient_services.patient_register(by=MembershipFactory(role=Role.MUNICIPAL_STAFF, organization=staff),
                                          values=VALUES)


def test_update_refuses_a_stale_version_and_writes_nothing():
    patient = PatientFactory()
    old = patient.version
    patient_services.patient_update(by=patient.registered_by, patient=patient, values={"allergies": "卵"},
                                    expected_version=old)
    with pytest.raises(StaleEdit):
        patient_services.patient_update(by=patient.registered_by, patient=patient, values={"allergies": "牛乳"},
                                        expected_version=old)
    patient.refresh_from_db()
    assert patient.allergies == "卵"


def test_writes_are_audited_with_the_patient_as_subject_and_no_values():
    patient = PatientFactory()
    patient_services.patient_update(by=patient.registered_by, patient=patient, values={"main_conditions": "心不全"})
    entry = AuditEntry.objects.filter(subject_type="patient", subject_id=patient.pk, action="update").latest("seq")
    assert entry.changes == {"main_conditions": "changed"}


def test_an_ended_member_loses_access_at_once():
    world = build_world()
    nurse = world.members["nurse"]
    assert policy.check(nurse, "careteams.view_patient", world.patient)
    team_services.team_member_end(by=world.members["care_manager"], member=world.team_members["nurse"],
                                  ended_on=timezone.localdate() - dt.timedelta(days=1))
    assert not policy.check(nurse, "careteams.view_patient", world.patient)


def test_the_end_date_cannot_come_before_the_start():
    patient = PatientFactory()
    nurse = professional()
    with pytest.raises(ValidationError):
        team_services.team_member_add(by=patient.registered_by, team=patient.care_team, role="visiting_nurse",
                                      organization=nurse.organization, membership=nurse,
                                      started_on=dt.date(2026, 5, 1), ended_on=dt.date(2026, 4, 1))


def test_someone_of_another_organization_cannot_be_added_as_its_member():
    patient = PatientFactory()
    nurse = professional()
    with pytest.raises(ValidationError):
        team_services.team_member_add(by=patient.registered_by, team=patient.care_team, role="visiting_nurse",
                                      organization=OrganizationFactory(), membership=nurse)


def test_an_invitation_counts_once_accepted():
    patient = PatientFactory()
    clinic = OrganizationFactory(kind="clinic")
    member = team_services.team_member_invite(by=patient.registered_by, team=patient.care_team,
                                              role="attending_doctor", organization=clinic, email="Doc@Example.jp")
    invitation = member.invitation
    assert (invitation.role, invitation.organization, invitation.email) == (Role.PROFESSIONAL, clinic,
                                                                            "doc@example.jp")
    assert waiting_invitations_count(patient.registered_by) == 1
    assert team_of(patient, record=False).pending == [member]
    from renkei.core.services.organizations import _hash_token
    token = "t" * 43
    Invitation.objects.filter(pk=invitation.pk).update(token_hash=_hash_token(token))
    doctor = invitation_accept(token=token, display_name="医師", kana="イシ", password="x-Strong-pass-1")
    ConsentFactory(patient=patient)
    assert access.team_member(doctor, patient) == CareTeamMember.objects.get(pk=member.pk)
    assert policy.check(doctor, "careteams.view_patient", patient)
    assert waiting_invitations_count(patient.registered_by) == 0


def test_the_invitation_grants_no_more_than_a_professional_membership_whoever_invites():
    patient = PatientFactory()
    member = team_services.team_member_invite(by=patient.registered_by, team=patient.care_team, role="other",
                                              organization=OrganizationFactory(kind="municipality_office"),
                                              email="x@example.jp")
    assert member.invitation.role == Role.PROFESSIONAL


def test_ending_a_pending_invitation_revokes_it():
    patient = PatientFactory()
    member = team_services.team_member_invite(by=patient.registered_by, team=patient.care_team, role="dentist",
                                              organization=OrganizationFactory(), email="d@example.jp")
    team_services.team_member_end(by=patient.registered_by, member=member)
    member.invitation.refresh_from_db()
    assert member.invitation.revoked_at is not None


def test_find_never_reveals_another_teams_patient():
    world = build_world()
    result = find_patient(world.members["outsider"], care_insured_number=world.patient.care_insured_number)
    assert result.patient is None
    assert result.exists_elsewhere_team_id == world.patient.care_team.pk
    assert find_patient(world.members["outsider"], care_insured_number="0000000000").exists_elsewhere_team_id is None


def test_join_request_accepted_adds_the_member_and_declined_does_not():
    world = build_world()
    outsider, other = world.members["outsider"], world.members["other_hospital"]
    first = team_services.request_join(by=outsider, team_id=world.patient.care_team.pk, role="attending_doctor")
    assert team_services.request_join(by=outsider, team_id=world.patient.care_team.pk, role="dentist") == first
    second = team_services.request_join(by=other, team_id=world.patient.care_team.pk, role="other")
    assert {r.pk for r in pending_join_requests(world.members["care_manager"])} == {first.pk, second.pk}
    team_services.team_join_request_decide(by=world.members["care_manager"], join_request=first, accept=True)
    team_services.team_join_request_decide(by=world.members["care_manager"], join_request=second, accept=False)
    assert access.team_member(outsider, world.patient).role == "attending_doctor"
    assert access.team_member(other, world.patient) is None
    with pytest.raises(ValidationError):
        team_services.team_join_request_decide(by=world.members["care_manager"], join_request=second, accept=True)
    assert TeamJoinRequest.objects.get(pk=second.pk).status == "declined"


def test_my_patients_lists_only_my_teams():
    world = build_world()
    assert my_patients(world.members["nurse"]) == [world.patient]
    assert my_patients(world.members["withdrawn"]) == []
    assert my_patients(world.members["outsider"]) == []


def test_the_home_page_names_join_requests_and_waiting_invitations_as_counts():
    world = build_world()
    manager = world.members["care_manager"]
    assert careteams_attention(manager) == []
    team_services.request_join(by=world.members["outsider"], team_id=world.patient.care_team.pk, role="other")
    team_services.team_member_invite(by=manager, team=world.patient.care_team, role="dentist",
                                     organization=OrganizationFactory(), email="d@example.jp")
    texts = [item.text for item in careteams_attention(manager)]
    assert len(texts) == 2
    assert all(world.patient.name not in text for text in texts)
    assert careteams_attention(world.members["outsider"]) == []


def test_the_same_insured_number_is_not_registered_twice():
    existing = PatientFactory()
    with pytest.raises(ValidationError) as error:
        patient_services.patient_register(by=professional(), values={
            **VALUES, "care_insured_number": existing.care_insured_number})
    assert "care_insured_number" in error.value.message_dict


def test_the_home_page_shows_the_join_requests_item():
    from tests.conftest import client_for

    world = build_world()
    team_services.request_join(by=world.members["outsider"], team_id=world.patient.care_team.pk, role="other")
    body = client_for(world.members["care_manager"]).get("/").content.decode()
    assert "/patients/join-requests/" in body
