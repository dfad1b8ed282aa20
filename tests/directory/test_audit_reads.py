"""The directory in the audit log: reads of professional-only data and respondent names, exports, and
entries that read as sentences to the municipality that owns the facility."""

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from renkei.core import audit, selectors
from renkei.core.models import AuditEntry, Organization, Role
from renkei.directory import spatial
from renkei.directory.models import CollaborationDetail, SurveyResponse
from renkei.directory.services import surveys as survey_services

from ..factories import FacilityFactory, OrganizationFactory, set_details

pytestmark = pytest.mark.django_db

READ = AuditEntry.Action.READ
PROFESSIONAL_PHONE = "0773-99-1234"


@pytest.fixture(autouse=True)
def _fresh_caches():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def clinic(municipality):
    facility = FacilityFactory(municipality=municipality, name="内記ホームクリニック")
    set_details(facility, scheduled_home_visit=True, professional_phone=PROFESSIONAL_PHONE)
    return facility


@pytest.fixture
def doctor(make_membership):
    return make_membership(Role.PROFESSIONAL, profession="doctor")


@pytest.fixture
def staff(make_membership, municipal_office):
    return make_membership(Role.MUNICIPAL_STAFF, organization=municipal_office)


@pytest.fixture
def other_staff(other_municipality):
    from ..factories import MembershipFactory

    return MembershipFactory(role=Role.MUNICIPAL_STAFF, organization=OrganizationFactory(
        kind=Organization.Kind.MUNICIPALITY_OFFICE, municipality=other_municipality))


def reads(**filters) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=READ, **filters).order_by("seq"))


def visible_to(membership) -> set[int]:
    return set(selectors.audit_entries(membership).values_list("seq", flat=True))


# --- professional-only details --------------------------------------------------------------------

def test_a_professional_opening_a_facility_page_is_one_read_entry_for_the_facilitys_municipality(
        clinic, doctor, staff, other_staff, login_as):
    page = login_as(doctor).get(reverse("directory:facility_detail", args=[clinic.pk])).content.decode()
    assert PROFESSIONAL_PHONE in page
    [entry] = reads(object_type="directory.facility", object_id=str(clinic.pk))
    assert entry.user_id_value == doctor.user_id
    assert entry.permission == "directory.view_professional_details"
    assert entry.summary == gettext("Viewed %(what)s of %(type)s: %(label)s") % {
        "what": gettext("professional-only details"), "type": gettext("facility"), "label": clinic.name}
    assert entry.seq in visible_to(staff)
    assert entry.seq not in visible_to(other_staff)


def test_a_facility_page_without_professional_data_writes_no_read_entry(municipality, doctor, login_as):
    bare = FacilityFactory(municipality=municipality)
    assert login_as(doctor).get(reverse("directory:facility_detail", args=[bare.pk])).status_code == 200
    assert reads() == []


def test_the_staff_map_feed_writes_one_read_entry_per_municipality_not_per_facility(
        clinic, municipality, doctor, login_as):
    others = [FacilityFactory(municipality=municipality) for _ in range(3)]
    for facility in others:
        set_details(facility, professional_phone="0773-00-0000")
    FacilityFactory(municipality=municipality)  # nothing professional: not counted

    response = login_as(doctor).get("/directory/facilities.geojson")

    assert PROFESSIONAL_PHONE in response.content.decode()
    [entry] = reads()
    assert entry.owner_municipality_id == municipality.pk
    assert entry.changes["count"] == 4
    assert sorted(entry.changes["ids"]) == sorted([clinic.pk] + [f.pk for f in others])


def test_the_api_with_a_token_logs_the_read_of_professional_details(clinic, doctor, api_token_for):
    client = Client()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {api_token_for(doctor)}"}
    assert client.get(f"/api/v1/facilities/{clinic.pk}", **headers).status_code == 200
    assert client.get("/api/v1/facilities", {"q": clinic.name}, **headers).status_code == 200
    single, listing = reads()
    assert single.object_id == str(clinic.pk) and single.membership_id_value == doctor.pk
    assert listing.changes["ids"] == [clinic.pk] and listing.owner_municipality_id == clinic.municipality_id


def test_residents_reading_public_fields_write_no_entry(clinic):
    client = Client()
    assert client.get(f"/api/v1/facilities/{clinic.pk}").status_code == 200
    assert client.get("/api/v1/facilities").status_code == 200
    assert reads() == []


def test_reads_do_not_make_the_spatial_index_rebuild(clinic):
    before = spatial.audit_head()
    audit.record_read(clinic, what="professional-only details")
    assert not spatial.written_since(before, spatial.audit_head(), ("directory.facility",))
    clinic.name = "改名クリニック"
    clinic.save()
    assert spatial.written_since(before, spatial.audit_head(), ("directory.facility",))


# --- survey answers and respondent names -----------------------------------------------------------

@pytest.fixture
def answered(staff, clinic, municipality):
    survey_round, issued = survey_services.survey_round_create(
        municipality=municipality, title="令和8年度 連携情報の確認", message="",
        due_on=timezone.localdate() + dt.timedelta(days=30), facilities=[clinic], membership=staff)
    token = re.search(r"/survey/answer/([^/]+)/$", issued[0].link).group(1)
    return survey_services.survey_answer_submit(token=token, answers={"scheduled_home_visit": True}, corrections={},
                                                respondent_name="山田 花子", respondent_role="院長", comment="")


def test_the_respondents_name_is_never_written_to_the_log(answered):
    created = AuditEntry.objects.filter(object_type="directory.surveyresponse", action="create").latest("seq")
    assert created.changes["respondent_name"] == audit.MASK
    assert created.object_label == "内記ホームクリニック"
    stored = str(list(AuditEntry.objects.values_list("changes", "object_label")))
    assert "山田 花子" not in stored


@pytest.mark.parametrize("screen", ["review", "queue", "round", "history"])
def test_each_screen_showing_respondent_names_is_one_read_entry(screen, answered, staff, login_as):
    url = {"review": reverse("directory:survey_response_review", args=[answered.pk]),
           "queue": reverse("directory:survey_review_queue"),
           "round": reverse("directory:survey_round_detail", args=[answered.invitation.survey_round_id]),
           "history": reverse("directory:survey_facility_history", args=[answered.invitation.facility_id])}[screen]
    page = login_as(staff).get(url).content.decode()
    assert "山田 花子" in page
    [entry] = reads(permission="directory.manage_surveys")
    assert entry.changes["what"] == "respondent names"
    assert entry.owner_municipality_id == answered.invitation.facility.municipality_id
    assert gettext("respondent names") in entry.summary


def test_an_approval_reads_as_a_sentence_to_the_facilitys_municipality_whoever_approved(
        answered, staff, municipality, login_as):
    from ..factories import MembershipFactory

    prefecture_staff = MembershipFactory(role=Role.PREFECTURE_STAFF, organization=OrganizationFactory(
        kind=Organization.Kind.PREFECTURE_OFFICE, municipality=None, prefecture=municipality.prefecture))
    with audit.bind_membership(prefecture_staff):
        survey_services.survey_response_approve(response=answered, membership=prefecture_staff)
    entry = AuditEntry.objects.filter(object_type="directory.surveyresponse", action="update").latest("seq")
    sentence = gettext("Approved the survey answer: %(label)s") % {"label": "内記ホームクリニック"}
    assert entry.summary == sentence
    assert SurveyResponse.objects.get(pk=answered.pk).decision == SurveyResponse.Decision.APPROVED
    assert sentence in login_as(staff).get("/audit/", {"action": "update"}).content.decode()


def test_collaboration_details_are_labelled_by_facility_and_question_not_by_ids(clinic):
    detail = CollaborationDetail.objects.select_related("attribute").get(
        facility=clinic, attribute__code="professional_phone")
    entry = AuditEntry.objects.filter(object_type="directory.collaborationdetail",
                                      object_id=str(detail.pk)).latest("seq")
    assert entry.object_label == f"内記ホームクリニック: {detail.attribute.name}"
    assert entry.changes["confirmed_by"] == audit.MASK  # a person's name
    assert entry.summary == gettext("Created %(type)s: %(label)s") % {
        "type": gettext("collaboration detail"), "label": entry.object_label}


# --- exports ---------------------------------------------------------------------------------------

def test_an_export_is_an_entry_the_municipality_sees(clinic, staff, other_staff, municipality, login_as):
    url = reverse("directory:export_download", args=[municipality.code]) + "?format=csv_medical"
    response = login_as(staff).get(url)
    assert response.status_code == 200
    b"".join(response.streaming_content)
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).latest("seq")
    assert entry.owner_municipality_id == municipality.pk
    assert entry.seq in visible_to(staff) and entry.seq not in visible_to(other_staff)
    assert entry.summary == gettext("Exported data: %(label)s (%(file)s)") % {
        "label": str(municipality), "file": entry.changes["file"]}
