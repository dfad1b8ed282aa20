"""Who may do what in provision, and above all: the backup hospital reads the emergency sheet only while enrolled."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from renkei.careteams.models import Consent
from renkei.core import policy
from renkei.core.models import AuditEntry
from renkei.provision.models import PatientEnrolment
from renkei.provision.services import enrolments as services

SHEET = "careteams.view_emergency_sheet"


@pytest.mark.django_db
def test_the_enrolled_hospital_reads_the_emergency_sheet(world):
    assert policy.check(world.enrolled, SHEET, world.patient)


@pytest.mark.django_db
def test_a_hospital_the_patient_is_not_enrolled_with_is_refused_and_the_refusal_is_logged(world):
    with pytest.raises(PermissionDenied):
        policy.require(world.not_enrolled, SHEET, world.patient)
    entry = AuditEntry.objects.get(action=AuditEntry.Action.REFUSE, permission=SHEET)
    assert entry.object_id == str(world.patient.pk)


@pytest.mark.django_db
def test_a_hospital_whose_enrolment_ended_is_refused_and_the_refusal_is_logged(world):
    with pytest.raises(PermissionDenied):
        policy.require(world.ended, SHEET, world.patient)
    assert AuditEntry.objects.filter(action=AuditEntry.Action.REFUSE, permission=SHEET).count() == 1


@pytest.mark.django_db
def test_ending_an_enrolment_takes_effect_at_once(world):
    enrolment = PatientEnrolment.objects.get(hospital=world.enrolled.organization)
    services.enrolment_end(membership=world.care_manager, enrolment=enrolment)
    world.enrolled._careteams_cache = {}
    assert not policy.check(world.enrolled, SHEET, world.patient)


@pytest.mark.django_db
def test_a_proposed_enrolment_not_yet_accepted_gives_no_access(world):
    services.enrolment_propose(membership=world.care_manager, patient=world.patient,
                               hospital=world.not_enrolled.organization)
    assert not policy.check(world.not_enrolled, SHEET, world.patient)


@pytest.mark.django_db
def test_an_enrolment_starting_tomorrow_is_not_current_yet(world):
    enrolment = services.enrolment_propose(membership=world.care_manager, patient=world.patient,
                                           hospital=world.not_enrolled.organization,
                                           starts_on=timezone.localdate() + dt.timedelta(days=1))
    services.enrolment_decide(membership=world.not_enrolled, enrolment=enrolment, accept=True)
    assert not policy.check(world.not_enrolled, SHEET, world.patient)


@pytest.mark.django_db
def test_the_enrolled_hospital_does_not_see_the_patient_nor_the_timeline(world):
    assert not policy.check(world.enrolled, "careteams.view_patient", world.patient)
    assert not policy.check(world.enrolled, "careteams.view_timeline", world.patient)
    assert not policy.check(world.enrolled, "provision.view_contacts", world.patient)


@pytest.mark.django_db
def test_only_the_enrolled_hospital_records_an_emergency_admission(world):
    services.admission_record(membership=world.enrolled, patient=world.patient, admitted_at=timezone.now(),
                              reason="発熱")
    for refused in (world.not_enrolled, world.ended, world.attending):
        with pytest.raises(PermissionDenied):
            services.admission_record(membership=refused, patient=world.patient, admitted_at=timezone.now(),
                                      reason="発熱")
    assert AuditEntry.objects.filter(action=AuditEntry.Action.REFUSE,
                                     permission="provision.record_admission").count() == 3


@pytest.mark.django_db
def test_a_team_member_sees_who_to_call_and_an_outsider_does_not(world):
    assert policy.check(world.care_manager, "provision.view_contacts", world.patient)
    assert policy.check(world.nurse, "provision.view_contacts", world.patient)
    assert not policy.check(world.outsider, "provision.view_contacts", world.patient)


@pytest.mark.django_db
def test_cover_group_members_manage_its_rota_and_others_do_not(world):
    assert policy.check(world.covering, "provision.manage_rota", world.group)
    assert not policy.check(world.outsider, "provision.manage_rota", world.group)
    assert not policy.check(world.enrolled, "provision.view_group", world.group)


@pytest.mark.django_db
def test_proposing_an_enrolment_needs_a_consent_covering_emergencies(world):
    assert policy.check(world.nurse, "provision.propose_enrolment", world.patient)
    Consent.objects.filter(patient=world.patient).update(purposes=["care"])
    assert not policy.check(world.nurse, "provision.propose_enrolment", world.patient)


@pytest.mark.django_db
def test_only_the_proposed_hospital_accepts(world):
    enrolment = services.enrolment_propose(membership=world.care_manager, patient=world.patient,
                                           hospital=world.not_enrolled.organization)
    with pytest.raises(PermissionDenied):
        services.enrolment_decide(membership=world.enrolled, enrolment=enrolment, accept=True)
    services.enrolment_decide(membership=world.not_enrolled, enrolment=enrolment, accept=True)
    world.not_enrolled._careteams_cache = {}
    assert policy.check(world.not_enrolled, SHEET, world.patient)


@pytest.mark.django_db
def test_patient_rules_are_refused_to_tokens_without_patient_data(world):
    world.care_manager.api_scope = "no_patient_data"
    assert not policy.check(world.care_manager, "provision.view_contacts", world.patient)
