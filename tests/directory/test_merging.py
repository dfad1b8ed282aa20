import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from renkei.core.models import AuditEntry, Role
from renkei.directory.models import (
    CollaborationDetail,
    Facility,
    FacilityIdentifier,
    MergeCandidate,
    OpeningHours,
    SurveyInvitation,
    SurveyRound,
)
from renkei.directory.services import merging
from renkei.directory.services.merging import facilities_merge, merge_candidate_dismiss

from ..factories import FacilityFactory, OrganizationFactory, set_details

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(make_membership):
    return make_membership(Role.MUNICIPAL_STAFF)


@pytest.fixture
def pair(municipality):
    """The same clinic listed twice: once from MHLW (with a code), once from the municipal list."""
    keep = FacilityFactory(municipality=municipality, name="ささやま内科", sources={"mhlw": "2026-06"},
                           latitude=None, longitude=None, phone="")
    absorb = FacilityFactory(municipality=municipality, name="ささやま内科医院",
                             sources={"municipal:262013": "2026-04"}, phone="0773-11-2222")
    FacilityIdentifier.objects.create(facility=keep, scheme="mhlw_id", value="2610110000001")
    FacilityIdentifier.objects.create(facility=absorb, scheme="municipal_id", value="M-17")
    FacilityIdentifier.objects.create(facility=absorb, scheme="medical_institution_code", value="2612345678")
    return keep, absorb


def test_merging_moves_codes_details_hours_and_sources_and_closes_the_other(pair, staff):
    keep, absorb = pair
    set_details(keep, urgent_home_visit=False)
    CollaborationDetail.objects.filter(facility=keep).update(confirmed_on=dt.date(2022, 1, 1))
    set_details(absorb, urgent_home_visit=True, scheduled_home_visit=True)
    OpeningHours.objects.create(facility=absorb, weekday=2, opens=dt.time(9), closes=dt.time(17))
    facilities_merge(keep=keep, absorb=absorb, membership=staff)
    keep.refresh_from_db()
    absorb.refresh_from_db()
    assert set(keep.identifiers.values_list("scheme", "value")) == {
        ("mhlw_id", "2610110000001"), ("municipal_id", "M-17"), ("medical_institution_code", "2612345678")}
    assert dict(keep.collaboration_details.values_list("attribute__code", "value")) == {
        "urgent_home_visit": True, "scheduled_home_visit": True}
    assert list(keep.opening_hours.values_list("weekday", flat=True)) == [2]
    assert keep.sources == {"mhlw": "2026-06", "municipal:262013": "2026-04"}
    assert keep.phone == "0773-11-2222" and keep.has_position
    assert absorb.status == Facility.Status.CLOSED
    assert f"#{keep.pk}" in absorb.closed_reason
    assert Facility.objects.filter(pk=absorb.pk).exists(), "never deleted"


def test_older_details_of_the_absorbed_entry_do_not_override_newer_ones(pair, staff):
    keep, absorb = pair
    set_details(keep, urgent_home_visit=True)
    set_details(absorb, urgent_home_visit=False)
    CollaborationDetail.objects.filter(facility=absorb).update(confirmed_on=dt.date(2021, 1, 1))
    facilities_merge(keep=keep, absorb=absorb, membership=staff)
    assert keep.collaboration_details.get().value is True


def test_a_merge_is_audited_with_what_moved(pair, staff):
    keep, absorb = pair
    before = AuditEntry.objects.count()
    facilities_merge(keep=keep, absorb=absorb, membership=staff)
    summary = AuditEntry.objects.filter(object_type="directory.facility", object_id=str(keep.pk),
                                        permission="directory.merge_facilities").get()
    assert summary.changes["merged"]["absorbed_id"] == absorb.pk
    assert sorted(summary.changes["merged"]["identifiers"]) == ["medical_institution_code:2612345678",
                                                                 "municipal_id:M-17"]
    closed = AuditEntry.objects.filter(object_type="directory.facility", object_id=str(absorb.pk),
                                       action="update", permission="").latest("seq")
    assert closed.changes["status"] == ["open", "closed"]
    assert AuditEntry.objects.filter(object_type="directory.facilityidentifier", action="update").count() == 2
    assert AuditEntry.objects.count() > before + 3


def test_a_merge_is_all_or_nothing(pair, staff, monkeypatch):
    keep, absorb = pair
    set_details(absorb, urgent_home_visit=True)

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(merging, "_resolve_candidates", broken)
    entries = AuditEntry.objects.count()
    with pytest.raises(RuntimeError):
        facilities_merge(keep=keep, absorb=absorb, membership=staff)
    assert set(absorb.identifiers.values_list("value", flat=True)) == {"M-17", "2612345678"}
    assert absorb.collaboration_details.count() == 1
    absorb.refresh_from_db()
    assert absorb.status == Facility.Status.OPEN
    assert AuditEntry.objects.count() == entries


def test_survey_links_move_unless_the_kept_entry_has_one_in_that_round(pair, staff, municipality):
    keep, absorb = pair
    first = SurveyRound.objects.create(municipality=municipality, title="2025")
    second = SurveyRound.objects.create(municipality=municipality, title="2026")
    expires = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    SurveyInvitation.objects.create(survey_round=first, facility=keep, token_hash="a" * 64, expires_at=expires)
    SurveyInvitation.objects.create(survey_round=first, facility=absorb, token_hash="b" * 64, expires_at=expires)
    SurveyInvitation.objects.create(survey_round=second, facility=absorb, token_hash="c" * 64, expires_at=expires)
    facilities_merge(keep=keep, absorb=absorb, membership=staff)
    assert set(keep.survey_invitations.values_list("token_hash", flat=True)) == {"a" * 64, "c" * 64}


def test_merging_needs_the_right_to_merge_both_entries(pair, make_membership, other_municipality):
    keep, absorb = pair
    outsider = make_membership(Role.MUNICIPAL_STAFF, organization=OrganizationFactory(municipality=other_municipality))
    with pytest.raises(PermissionDenied):
        facilities_merge(keep=keep, absorb=absorb, membership=outsider)
    professional = make_membership(Role.PROFESSIONAL)
    with pytest.raises(PermissionDenied):
        facilities_merge(keep=keep, absorb=absorb, membership=professional)
    assert absorb.identifiers.count() == 2


def test_an_entry_cannot_be_merged_with_itself_or_twice(pair, staff):
    keep, absorb = pair
    with pytest.raises(ValidationError):
        facilities_merge(keep=keep, absorb=keep, membership=staff)
    facilities_merge(keep=keep, absorb=absorb, membership=staff)
    absorb.refresh_from_db()
    with pytest.raises(ValidationError):
        facilities_merge(keep=keep, absorb=absorb, membership=staff)


def test_the_review_screen_merges_a_candidate_keeping_the_chosen_entry(pair, staff, login_as):
    keep, absorb = pair
    candidate = MergeCandidate.objects.create(facility=absorb, other=keep, score=0.9, reason="same name and address")
    client = login_as(staff)
    page = client.get(reverse("directory:merge_candidate_list"))
    assert page.status_code == 200
    assert "ささやま内科医院" in page.content.decode()
    response = client.post(reverse("directory:merge_candidate_merge", kwargs={"candidate_id": candidate.pk}),
                           {"keep": keep.pk})
    assert response.status_code == 302
    candidate.refresh_from_db()
    absorb.refresh_from_db()
    assert candidate.status == MergeCandidate.Status.MERGED
    assert candidate.decided_by == staff.user
    assert absorb.status == "closed"
    assert keep.identifiers.count() == 3


def test_not_the_same_dismisses_the_pair_for_good(pair, staff, login_as):
    keep, absorb = pair
    candidate = MergeCandidate.objects.create(facility=keep, other=absorb, score=0.7, reason="same address")
    response = login_as(staff).post(reverse("directory:merge_candidate_dismiss", kwargs={"candidate_id": candidate.pk}))
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert candidate.status == MergeCandidate.Status.DISMISSED
    assert AuditEntry.objects.filter(object_type="directory.mergecandidate", action="update").exists()
    absorb.refresh_from_db()
    assert absorb.status == "open"


def test_dismissing_needs_the_merge_right(pair, make_membership):
    keep, absorb = pair
    candidate = MergeCandidate.objects.create(facility=keep, other=absorb, score=0.7, reason="same address")
    with pytest.raises(PermissionDenied):
        merge_candidate_dismiss(candidate=candidate, membership=make_membership(Role.PROFESSIONAL))


def test_pairs_with_a_third_entry_follow_the_kept_one(pair, staff, municipality):
    keep, absorb = pair
    third = FacilityFactory(municipality=municipality)
    candidate = MergeCandidate.objects.create(facility=absorb, other=third, score=0.6, reason="same address")
    facilities_merge(keep=keep, absorb=absorb, membership=staff)
    candidate.refresh_from_db()
    assert (candidate.facility_id, candidate.other_id, candidate.status) == (keep.pk, third.pk, "pending")


def test_manual_merge_from_the_facility_page(pair, staff, login_as):
    keep, absorb = pair
    client = login_as(staff)
    url = reverse("directory:facility_merge", kwargs={"facility_id": absorb.pk})
    suggestions = client.get(url, {"q": "ささやま"}).context["partners"]
    assert keep in suggestions
    compare = client.get(url, {"other": keep.pk})
    assert compare.context["pair"]["b"] == keep
    response = client.post(url, {"other": keep.pk, "keep": "other"})
    assert response.status_code == 302
    assert response["Location"] == reverse("directory:facility_detail", kwargs={"facility_id": keep.pk})
    absorb.refresh_from_db()
    assert absorb.status == "closed"


def test_professionals_cannot_open_the_merge_screens(pair, make_membership, login_as):
    client = login_as(make_membership(Role.PROFESSIONAL))
    assert client.get(reverse("directory:merge_candidate_list")).status_code == 403
    assert client.get(reverse("directory:facility_merge", kwargs={"facility_id": pair[0].pk})).status_code == 403


def test_the_review_list_needs_a_bounded_number_of_queries(staff, login_as, municipality,
                                                           django_assert_max_num_queries):
    for n in range(10):
        a, b = FacilityFactory(municipality=municipality), FacilityFactory(municipality=municipality)
        FacilityIdentifier.objects.create(facility=a, scheme="mhlw_id", value=f"26101100001{n:02d}")
        MergeCandidate.objects.create(facility=a, other=b, score=0.8, reason="same name and address")
    client = login_as(staff)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("directory:merge_candidate_list"))
    assert len(response.context["pairs"]) == 10


def test_the_merged_entry_links_to_the_kept_one(pair, staff, login_as):
    keep, absorb = pair
    facilities_merge(keep=keep, absorb=absorb, membership=staff)
    response = login_as(staff).get(reverse("directory:facility_detail", kwargs={"facility_id": absorb.pk}))
    assert response.context["merged_into"] == keep.pk


def test_staff_cannot_merge_their_entry_into_another_municipalitys_facility_or_take_one_in(
        pair, staff, other_municipality):
    own = pair[1]
    foreign = FacilityFactory(municipality=other_municipality, name="まいづる内科", phone="0773-62-0000")
    for keep, absorb in ((foreign, own), (own, foreign)):
        with pytest.raises(PermissionDenied):
            facilities_merge(keep=keep, absorb=absorb, membership=staff)
    foreign.refresh_from_db()
    own.refresh_from_db()
    assert foreign.status == own.status == Facility.Status.OPEN
    assert own.identifiers.count() == 2 and not foreign.identifiers.exists()


def test_a_merge_is_authorised_on_the_stored_entries_not_on_the_instances_passed(pair, staff, other_municipality):
    keep, _absorb = pair
    foreign = FacilityFactory(municipality=other_municipality, name="まいづる内科")
    foreign.municipality = keep.municipality  # a stale or tampered instance claims to be ours

    with pytest.raises(PermissionDenied):
        facilities_merge(keep=keep, absorb=foreign, membership=staff)
    foreign.refresh_from_db()
    assert foreign.status == Facility.Status.OPEN


def test_a_merge_writes_an_entry_for_each_facility_shown_to_its_municipality(pair, staff, municipality):
    from renkei.core.selectors import audit_entries

    from ..factories import MembershipFactory, PrefectureFactory

    keep, absorb = pair
    prefecture_office = OrganizationFactory(municipality=None, prefecture=PrefectureFactory(), name="京都府庁",
                                            kind="prefecture_office")
    prefecture_staff = MembershipFactory(role=Role.PREFECTURE_STAFF, organization=prefecture_office)

    facilities_merge(keep=keep, absorb=absorb, membership=prefecture_staff)

    owner = audit_entries(staff).filter(permission="directory.merge_facilities")
    assert set(owner.values_list("object_id", flat=True)) == {str(keep.pk), str(absorb.pk)}
    absorbed = owner.get(object_id=str(absorb.pk))
    assert absorbed.changes["merged_into"]["kept_id"] == keep.pk
    assert absorbed.owner_municipality_id == municipality.pk
