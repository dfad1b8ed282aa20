"""A professional proposes a correction of their own facility; the municipality approves or rejects it."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from renkei.core import policy
from renkei.core.models import AuditEntry, Organization, Role
from renkei.directory.models import CorrectionProposal, Facility
from renkei.directory.services import corrections as services
from tests.factories import FacilityFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

PROPOSE = "directory.propose_correction"
OLD_PHONE, NEW_PHONE = "0773-22-0000", "0773-22-9999"


@pytest.fixture
def clinic_organization(municipality):
    return OrganizationFactory(kind=Organization.Kind.CLINIC, municipality=municipality, name="やまだ内科")


@pytest.fixture
def own_facility(municipality, clinic_organization):
    return FacilityFactory(municipality=municipality, organization=clinic_organization, name="やまだ内科クリニック",
                           phone=OLD_PHONE)


@pytest.fixture
def other_facility(municipality):
    return FacilityFactory(municipality=municipality, organization=OrganizationFactory(municipality=municipality),
                           name="となりの医院", phone=OLD_PHONE)


@pytest.fixture
def doctor(make_membership, clinic_organization):
    return make_membership(Role.PROFESSIONAL, organization=clinic_organization, profession="doctor")


@pytest.fixture
def staff(make_membership, municipal_office):
    return make_membership(Role.MUNICIPAL_STAFF, organization=municipal_office)


def _form(facility, **changes):
    data = {name: getattr(facility, name) or "" for name in services.PROPOSABLE_FIELDS}
    data.update(changes)
    return data


def _propose(doctor, facility, **values):
    return services.correction_propose(facility=facility, membership=doctor, values=values)


# --- who may propose ------------------------------------------------------------------------------------

def test_a_professional_proposes_a_correction_of_their_own_facility_and_it_waits(doctor, own_facility, login_as):
    client = login_as(doctor)
    url = reverse("directory:facility_propose_correction", args=[own_facility.pk])
    assert client.get(url).status_code == 200

    response = client.post(url, _form(own_facility, phone=NEW_PHONE, comment="番号が変わりました"))

    assert response.status_code == 302
    proposal = CorrectionProposal.objects.get()
    assert proposal.changes == {"phone": NEW_PHONE}, "only the changed field is proposed"
    assert proposal.proposed_by == doctor and proposal.decision == "pending"
    own_facility.refresh_from_db()
    assert own_facility.phone == OLD_PHONE, "nothing is published before staff approve"
    entry = AuditEntry.objects.get(object_type="directory.correctionproposal", action="create")
    assert entry.owner_municipality_id == own_facility.municipality_id and entry.user_id_value == doctor.user_id


def test_a_professional_is_refused_another_facilitys_correction_with_a_403(doctor, other_facility, login_as):
    client = login_as(doctor)
    url = reverse("directory:facility_propose_correction", args=[other_facility.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, _form(other_facility, phone=NEW_PHONE)).status_code == 403
    with pytest.raises(PermissionDenied):
        _propose(doctor, other_facility, phone=NEW_PHONE)
    assert not CorrectionProposal.objects.exists()


@pytest.mark.parametrize("role", [Role.SYSTEM_ADMIN, Role.PREFECTURE_STAFF, Role.MUNICIPAL_STAFF, Role.COORDINATOR])
def test_only_professionals_propose_even_in_the_facilitys_own_organization(role, make_membership, own_facility,
                                                                           clinic_organization):
    member = make_membership(role, organization=clinic_organization)
    assert policy.check(member, PROPOSE, own_facility) is False  # staff edit the entry directly instead


def test_the_rule_needs_a_facility_and_lists_nothing(doctor, own_facility):
    assert policy.check(doctor, PROPOSE) is False
    assert policy.check(doctor, PROPOSE, own_facility) is True
    assert policy.scope(doctor, PROPOSE, Facility.objects.all()).count() == 0


def test_the_facility_page_offers_the_proposal_only_to_its_own_professionals(doctor, own_facility, other_facility,
                                                                          staff, login_as):
    link = 'href="{}"'.format
    own = login_as(doctor).get(reverse("directory:facility_detail", args=[own_facility.pk])).content.decode()
    other = login_as(doctor).get(reverse("directory:facility_detail", args=[other_facility.pk])).content.decode()
    as_staff = login_as(staff).get(reverse("directory:facility_detail", args=[own_facility.pk])).content.decode()
    assert link(reverse("directory:facility_propose_correction", args=[own_facility.pk])) in own
    assert "/propose/" not in other and "/propose/" not in as_staff


# --- bad input --------------------------------------------------------------------------------------------

def test_a_proposal_that_changes_nothing_gets_a_clear_message(doctor, own_facility, login_as):
    response = login_as(doctor).post(reverse("directory:facility_propose_correction", args=[own_facility.pk]),
                                     _form(own_facility), HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 400
    assert "Nothing was changed" in response.content.decode() or "変更" in response.content.decode()
    assert not CorrectionProposal.objects.exists()


@pytest.mark.parametrize(("field", "value"), [("website", "javascript:alert(1)"), ("name", "  "),
                                              ("phone", "0" * 41), ("address", "住所" * 200)])
def test_bad_values_are_refused_with_a_message_on_the_field_not_a_500(field, value, doctor, own_facility, login_as):
    response = login_as(doctor).post(reverse("directory:facility_propose_correction", args=[own_facility.pk]),
                                     _form(own_facility, **{field: value}))
    assert response.status_code == 400
    assert response.context["form"].errors.get(field), response.context["form"].errors
    assert not CorrectionProposal.objects.exists()


def test_a_second_proposal_replaces_the_one_still_waiting(doctor, own_facility):
    first = _propose(doctor, own_facility, phone=NEW_PHONE)
    second = _propose(doctor, own_facility, fax="0773-22-1234")
    assert first.pk == second.pk and CorrectionProposal.objects.get().changes == {"fax": "0773-22-1234"}


# --- review ---------------------------------------------------------------------------------------------

def test_the_review_queue_lists_proposals_of_the_staff_members_own_area(doctor, own_facility, staff, login_as,
                                                                       make_membership, other_municipality):
    proposal = _propose(doctor, own_facility, phone=NEW_PHONE)
    page = login_as(staff).get(reverse("directory:survey_review_queue")).content.decode()
    assert reverse("directory:correction_review", args=[proposal.pk]) in page
    elsewhere = make_membership(Role.MUNICIPAL_STAFF, organization=OrganizationFactory(
        kind=Organization.Kind.MUNICIPALITY_OFFICE, municipality=other_municipality))
    client = login_as(elsewhere)
    assert reverse("directory:correction_review", args=[proposal.pk]) not in client.get(
        reverse("directory:survey_review_queue")).content.decode()
    assert client.get(reverse("directory:correction_review", args=[proposal.pk])).status_code == 403


def test_approval_applies_the_change_and_is_audited(doctor, own_facility, staff, login_as):
    proposal = _propose(doctor, own_facility, phone=NEW_PHONE, website="https://yamada.example.jp/")
    client = login_as(staff)
    url = reverse("directory:correction_review", args=[proposal.pk])
    page = client.get(url).content.decode()
    assert OLD_PHONE in page and NEW_PHONE in page

    response = client.post(url, {"action": "approve", "note": ""})

    assert response.status_code == 302
    own_facility.refresh_from_db()
    assert own_facility.phone == NEW_PHONE and own_facility.website == "https://yamada.example.jp/"
    proposal.refresh_from_db()
    assert proposal.decision == "approved" and proposal.reviewed_by == staff.user
    change = AuditEntry.objects.get(object_type="directory.facility", action="update", object_id=str(own_facility.pk))
    assert change.changes["phone"] == [OLD_PHONE, NEW_PHONE]
    assert change.reason == "proposed correction approved" and change.user_id_value == staff.user_id
    decision = AuditEntry.objects.get(object_type="directory.correctionproposal", action="update")
    assert decision.changes["decision"] == ["pending", "approved"]
    assert decision.owner_municipality_id == own_facility.municipality_id


def test_rejection_does_not_change_the_facility_and_tells_the_proposer_why(doctor, own_facility, staff, login_as):
    proposal = _propose(doctor, own_facility, phone=NEW_PHONE)
    client = login_as(staff)
    url = reverse("directory:correction_review", args=[proposal.pk])
    assert client.post(url, {"action": "reject", "note": ""}).status_code == 400, "a rejection needs a note"

    assert client.post(url, {"action": "reject", "note": "代表番号は変わっていません"}).status_code == 302

    own_facility.refresh_from_db()
    assert own_facility.phone == OLD_PHONE
    proposal.refresh_from_db()
    assert proposal.decision == "rejected"
    assert AuditEntry.objects.filter(object_type="directory.correctionproposal", action="update").exists()
    assert not AuditEntry.objects.filter(object_type="directory.facility", action="update").exists()
    own_page = login_as(doctor).get(reverse("directory:facility_propose_correction", args=[own_facility.pk]))
    assert "代表番号は変わっていません" in own_page.content.decode()


def test_a_reviewed_proposal_cannot_be_approved_again(doctor, own_facility, staff):
    proposal = _propose(doctor, own_facility, phone=NEW_PHONE)
    services.correction_reject(proposal=proposal, membership=staff, note="違います")
    with pytest.raises(ValidationError):
        services.correction_approve(proposal=proposal, membership=staff)
    own_facility.refresh_from_db()
    assert own_facility.phone == OLD_PHONE


def test_the_proposer_cannot_approve_their_own_proposal(doctor, own_facility, login_as):
    proposal = _propose(doctor, own_facility, phone=NEW_PHONE)
    assert login_as(doctor).post(reverse("directory:correction_review", args=[proposal.pk]),
                                 {"action": "approve"}).status_code == 403
    with pytest.raises(PermissionDenied):
        services.correction_approve(proposal=proposal, membership=doctor)


def test_showing_the_proposers_name_to_staff_is_a_logged_read(doctor, own_facility, staff, login_as):
    proposal = _propose(doctor, own_facility, phone=NEW_PHONE)
    client = login_as(staff)
    client.get(reverse("directory:survey_review_queue"))
    client.get(reverse("directory:correction_review", args=[proposal.pk]))
    reads = AuditEntry.objects.filter(action=AuditEntry.Action.READ, object_type="directory.correctionproposal")
    assert reads.count() == 2
    assert {entry.owner_municipality_id for entry in reads} == {own_facility.municipality_id}


def test_a_waiting_proposal_is_on_the_home_page_of_the_staff_who_review_it(doctor, own_facility, staff, login_as,
                                                                         make_membership, other_municipality):
    _propose(doctor, own_facility, phone=NEW_PHONE)
    queue = reverse("directory:survey_review_queue")
    items = [item for item in login_as(staff).get("/").context["attention"] if item.url == queue]
    assert [item.order for item in items] == [11]  # the proposal, no survey answer
    assert " 1 " in items[0].text
    elsewhere = make_membership(Role.MUNICIPAL_STAFF, organization=OrganizationFactory(
        kind=Organization.Kind.MUNICIPALITY_OFFICE, municipality=other_municipality))
    assert not [item for item in login_as(elsewhere).get("/").context["attention"] if item.url == queue]
