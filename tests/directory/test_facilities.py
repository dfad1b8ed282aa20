import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from renkei.core.models import AuditEntry, Role
from renkei.directory.models import CollaborationDetail, Facility, FacilityIdentifier, OpeningHours
from renkei.directory.selectors.directory import counts_by_kind, parse_staff_filter, staff_facilities

from ..factories import DailyLivingAreaFactory, FacilityFactory, OrganizationFactory, set_details

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(make_membership):
    return make_membership(Role.MUNICIPAL_STAFF)


@pytest.fixture
def facility(municipality):
    return FacilityFactory(municipality=municipality, name="福知山ホームクリニック", kana="フクチヤマホームクリニック")


def _entries(object_type, **filters):
    return AuditEntry.objects.filter(object_type=object_type, **filters)


def _form_data(facility, **overrides):
    data = {"kind": facility.kind, "service_type": facility.service_type, "name": facility.name,
            "kana": facility.kana, "municipality_code": facility.municipality.code, "address": facility.address,
            "phone": facility.phone, "latitude": facility.latitude or "", "longitude": facility.longitude or "",
            "coordinate_quality": facility.coordinate_quality}
    data.update(overrides)
    return data


# --- permissions --------------------------------------------------------------------------------------------

def test_staff_of_another_municipality_cannot_edit_a_facility(facility, make_membership, other_municipality,
                                                              login_as):
    outsider = make_membership(Role.MUNICIPAL_STAFF, organization=OrganizationFactory(municipality=other_municipality))
    client = login_as(outsider)
    url = reverse("directory:facility_edit", kwargs={"facility_id": facility.pk})
    assert client.get(url).status_code == 403
    assert client.post(url, _form_data(facility, name="乗っ取り医院")).status_code == 403
    facility.refresh_from_db()
    assert facility.name == "福知山ホームクリニック"
    assert _entries("directory.facility", action="refuse", object_id=str(facility.pk)).exists()


def test_professionals_see_a_facility_but_cannot_edit_or_close_it(facility, make_membership, login_as):
    client = login_as(make_membership(Role.PROFESSIONAL))
    detail = client.get(reverse("directory:facility_detail", kwargs={"facility_id": facility.pk}))
    assert detail.status_code == 200
    assert "福知山ホームクリニック" in detail.content.decode()
    assert reverse("directory:facility_edit", kwargs={"facility_id": facility.pk}) not in detail.content.decode()
    for name in ("facility_edit", "facility_close", "facility_details", "facility_hours", "facility_merge"):
        assert client.get(reverse(f"directory:{name}", kwargs={"facility_id": facility.pk})).status_code == 403
    response = client.post(reverse("directory:facility_close", kwargs={"facility_id": facility.pk}),
                           {"closed_on": "2026-11-01", "reason": "x"})
    assert response.status_code == 403
    facility.refresh_from_db()
    assert facility.status == Facility.Status.OPEN


def test_staff_cannot_create_a_facility_in_another_municipality(staff, other_municipality, login_as):
    client = login_as(staff)
    response = client.post(reverse("directory:facility_create"), {
        "kind": "clinic", "name": "よその医院", "municipality_code": other_municipality.code})
    assert response.status_code == 400
    assert not Facility.objects.filter(name="よその医院").exists()


# --- list --------------------------------------------------------------------------------------------------

def test_the_list_finds_a_facility_by_hiragana_and_counts_by_kind(facility, staff, login_as, municipality):
    FacilityFactory(municipality=municipality, kind="pharmacy", name="駅前薬局", kana="エキマエヤッキョク")
    response = login_as(staff).get(reverse("directory:facility_list"), {"q": "ふくちやま"})
    page = response.context["page"]
    assert [f.pk for f in page] == [facility.pk]
    counts = {k["kind"]: k["count"] for k in response.context["kind_counts"]}
    assert counts["clinic"] == 1 and counts["pharmacy"] == 0


def test_the_list_answers_htmx_with_the_results_only(facility, staff, login_as):
    response = login_as(staff).get(reverse("directory:facility_list"), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "福知山ホームクリニック" in body
    assert "<form" not in body and "<html" not in body


def test_the_list_shows_closed_facilities_only_when_asked(facility, staff, login_as, municipality):
    closed = FacilityFactory(municipality=municipality, status="closed", name="閉院医院")
    client = login_as(staff)
    default = {f.pk for f in client.get(reverse("directory:facility_list")).context["page"]}
    only_closed = {f.pk for f in client.get(reverse("directory:facility_list"), {"status": "closed"}).context["page"]}
    assert default == {facility.pk}
    assert only_closed == {closed.pk}


def test_the_list_finds_stale_details_and_missing_positions(municipality):
    fresh = FacilityFactory(municipality=municipality)
    set_details(fresh, scheduled_home_visit=True)
    stale = FacilityFactory(municipality=municipality)
    set_details(stale, scheduled_home_visit=True)
    CollaborationDetail.objects.filter(facility=stale).update(confirmed_on=dt.date(2020, 1, 1))
    never = FacilityFactory(municipality=municipality, latitude=None, longitude=None)
    params, errors = parse_staff_filter({"stale_months": "12", "municipality": municipality.code})
    assert errors == {}
    assert set(staff_facilities(params)) == {stale, never}
    assert {k["kind"]: k["count"] for k in counts_by_kind(staff_facilities(params))}["clinic"] == 2
    params, _ = parse_staff_filter({"no_position": "1", "municipality": municipality.code})
    assert list(staff_facilities(params)) == [never]


def test_the_list_filters_on_a_capability_kind_and_area(municipality):
    area = DailyLivingAreaFactory(municipality=municipality)
    visits = FacilityFactory(municipality=municipality, daily_living_area=area)
    set_details(visits, urgent_home_visit=True)
    no_visits = FacilityFactory(municipality=municipality, daily_living_area=area)
    set_details(no_visits, urgent_home_visit=False)
    FacilityFactory(municipality=municipality, kind="pharmacy")
    params, _ = parse_staff_filter({"capability": "urgent_home_visit", "municipality": municipality.code})
    assert list(staff_facilities(params)) == [visits]
    params, _ = parse_staff_filter({"area": str(area.pk), "kind": "clinic", "municipality": municipality.code})
    assert set(staff_facilities(params)) == {visits, no_visits}


def test_a_bad_stale_month_count_is_explained_not_a_crash(staff, login_as):
    response = login_as(staff).get(reverse("directory:facility_list"), {"stale_months": "abc"})
    assert response.status_code == 400
    assert "stale_months" in response.context["errors"]


def test_the_list_needs_a_bounded_number_of_queries(staff, login_as, municipality, django_assert_max_num_queries):
    for n in range(30):
        facility = FacilityFactory(municipality=municipality, daily_living_area=DailyLivingAreaFactory(
            municipality=municipality) if n % 3 == 0 else None)
        set_details(facility, scheduled_home_visit=bool(n % 2))
    CollaborationDetail.objects.update(confirmed_on=dt.date(2020, 1, 1))
    client = login_as(staff)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("directory:facility_list"), {"stale_months": "6"})
    assert response.status_code == 200
    assert len(response.context["page"]) == 30


# --- detail -----------------------------------------------------------------------------------------------

def test_the_detail_page_shows_codes_hours_and_dated_details(facility, staff, login_as):
    FacilityIdentifier.objects.create(facility=facility, scheme="mhlw_id", value="2610110000042")
    OpeningHours.objects.create(facility=facility, weekday=0, opens=dt.time(9), closes=dt.time(12))
    set_details(facility, scheduled_home_visit=True, professional_phone="0773-00-1111")
    CollaborationDetail.objects.filter(attribute__code="professional_phone").update(confirmed_on=dt.date(2020, 4, 1))
    body = login_as(staff).get(reverse("directory:facility_detail", kwargs={"facility_id": facility.pk})
                               ).content.decode()
    assert "2610110000042" in body
    assert "09:00–12:00" in body
    assert "0773-00-1111" in body
    assert "令和2年4月1日" in body
    assert "訪問診療" in body


# --- create and edit ----------------------------------------------------------------------------------------

def test_staff_create_a_facility_with_codes_and_the_change_is_audited(staff, login_as, municipality):
    response = login_as(staff).post(reverse("directory:facility_create"), {
        "kind": "pharmacy", "name": "かしの木薬局", "kana": "カシノキヤッキョク",
        "municipality_code": municipality.code,
        "postal_code": "６２０００３５", "address": "福知山市内記1-1", "latitude": "35.3", "longitude": "135.12",
        "coordinate_quality": "address", "departments_text": "", "mhlw_id": "2640110000001",
        "corporate_number": "1234567890123"})
    facility = Facility.objects.get(name="かしの木薬局")
    assert response.status_code == 302
    assert facility.postal_code == "620-0035"
    assert facility.coordinate_source == "manual"
    assert set(facility.identifiers.values_list("scheme", "value")) == {
        ("mhlw_id", "2640110000001"), ("corporate_number", "1234567890123")}
    created = _entries("directory.facility", action="create", object_id=str(facility.pk)).get()
    assert created.changes["name"] == "かしの木薬局"
    assert created.user_id_value == staff.user_id
    assert _entries("directory.facilityidentifier", action="create").count() == 2


def test_editing_a_facility_records_before_and_after(facility, staff, login_as):
    response = login_as(staff).post(reverse("directory:facility_edit", kwargs={"facility_id": facility.pk}),
                                    _form_data(facility, phone="0773-99-9999", departments_text="内科、外科"))
    assert response.status_code == 302
    facility.refresh_from_db()
    assert facility.department_list == ["内科", "外科"]
    entry = _entries("directory.facility", action="update", object_id=str(facility.pk)).latest("seq")
    assert entry.changes["phone"] == ["0773-22-0000", "0773-99-9999"]


def test_form_errors_are_in_japanese(facility, staff, login_as):
    response = login_as(staff).post(reverse("directory:facility_edit", kwargs={"facility_id": facility.pk}),
                                    _form_data(facility, name="", latitude="35.3", longitude=""))
    body = response.content.decode()
    assert response.status_code == 400
    assert "このフィールドは必須です。" in body
    assert response.context["form"].errors["longitude"]


def test_a_position_outside_japan_is_refused_with_a_message(facility, staff, login_as):
    response = login_as(staff).post(reverse("directory:facility_edit", kwargs={"facility_id": facility.pk}),
                                    _form_data(facility, latitude="0", longitude="0"))
    assert response.status_code == 400
    assert "latitude" in response.context["form"].errors
    facility.refresh_from_db()
    assert facility.latitude == 35.2966


def test_a_code_of_another_facility_is_refused_and_nothing_is_saved(facility, staff, login_as, municipality):
    other = FacilityFactory(municipality=municipality)
    FacilityIdentifier.objects.create(facility=other, scheme="mhlw_id", value="2610110000077")
    response = login_as(staff).post(reverse("directory:facility_edit", kwargs={"facility_id": facility.pk}),
                                    _form_data(facility, phone="0773-11-1111", mhlw_id="2610110000077"))
    assert response.status_code == 400
    facility.refresh_from_db()
    assert facility.phone == "0773-22-0000"


def test_opening_hours_take_several_periods_a_day_and_holidays(facility, staff, login_as):
    data = {f"day_{d}": "" for d in range(8)}
    data.update(day_0="9:00-12:00, 14:00-18:00", day_5="９:００〜１２:００", day_7="10:00-12:00")
    response = login_as(staff).post(reverse("directory:facility_hours", kwargs={"facility_id": facility.pk}), data)
    assert response.status_code == 302
    rows = sorted((h.weekday, h.opens, h.closes) for h in facility.opening_hours.all())
    assert rows == [(0, dt.time(9), dt.time(12)), (0, dt.time(14), dt.time(18)), (5, dt.time(9), dt.time(12)),
                    (7, dt.time(10), dt.time(12))]
    assert _entries("directory.openinghours", action="create").count() == 4


def test_bad_opening_hours_are_explained(facility, staff, login_as):
    data = {f"day_{d}": "" for d in range(8)}
    data.update(day_1="18:00-9:00")
    response = login_as(staff).post(reverse("directory:facility_hours", kwargs={"facility_id": facility.pk}), data)
    assert response.status_code == 400
    assert response.context["form"].errors["day_1"]
    assert not facility.opening_hours.exists()


# --- collaboration details ---------------------------------------------------------------------------------

def test_editing_details_saves_only_changed_answers_with_who_and_when(facility, staff, login_as):
    set_details(facility, urgent_home_visit=True)
    CollaborationDetail.objects.filter(facility=facility).update(confirmed_on=dt.date(2024, 1, 1))
    client = login_as(staff)
    url = reverse("directory:facility_details", kwargs={"facility_id": facility.pk})
    form = client.get(url).context["form"]
    data = {name: field.initial for name, field in form.fields.items() if field.initial not in (None, "", [])}
    data.update(attr_scheduled_home_visit="yes", attr_how_to_meet_doctor=["phone", "fax"],
                attr_care_plan_meeting_attendance="within_30_min")
    response = client.post(url, data)
    assert response.status_code == 302
    details = {d.attribute.code: d for d in facility.collaboration_details.select_related("attribute")}
    assert details["scheduled_home_visit"].value is True
    assert details["how_to_meet_doctor"].value == ["fax", "phone"]
    assert details["scheduled_home_visit"].confirmed_on == timezone.localdate()
    assert staff.user.display_name in details["scheduled_home_visit"].confirmed_by
    assert details["scheduled_home_visit"].source == "staff"
    assert details["urgent_home_visit"].confirmed_on == dt.date(2024, 1, 1), "unchanged answers keep their date"
    assert _entries("directory.collaborationdetail", action="create").filter(
        changes__value=["fax", "phone"]).exists()


def test_answering_unanswered_removes_a_detail(facility, staff, login_as):
    set_details(facility, urgent_home_visit=True)
    response = login_as(staff).post(reverse("directory:facility_details", kwargs={"facility_id": facility.pk}),
                                    {"attr_urgent_home_visit": ""})
    assert response.status_code == 302
    assert not facility.collaboration_details.exists()
    assert _entries("directory.collaborationdetail", action="delete").exists()


def test_confirm_unchanged_restamps_every_detail_today(facility, staff, login_as):
    set_details(facility, urgent_home_visit=True, delivery=False)
    CollaborationDetail.objects.filter(facility=facility).update(confirmed_on=dt.date(2023, 5, 1))
    response = login_as(staff).post(reverse("directory:facility_details_reconfirm",
                                            kwargs={"facility_id": facility.pk}))
    assert response.status_code == 302
    dates = set(facility.collaboration_details.values_list("confirmed_on", flat=True))
    values = dict(facility.collaboration_details.values_list("attribute__code", "value"))
    assert dates == {timezone.localdate()}
    assert values == {"urgent_home_visit": True, "delivery": False}


def test_the_details_form_asks_only_what_applies_to_the_kind(municipality, staff, login_as):
    pharmacy = FacilityFactory(municipality=municipality, kind="pharmacy")
    fields = login_as(staff).get(reverse("directory:facility_details", kwargs={"facility_id": pharmacy.pk})
                                 ).context["form"].fields
    assert "attr_sterile_preparation" in fields
    assert "attr_scheduled_home_visit" not in fields


# --- close and reopen -------------------------------------------------------------------------------------

def test_closing_keeps_the_row_and_reopening_clears_the_reason(facility, staff, login_as):
    client = login_as(staff)
    response = client.post(reverse("directory:facility_close", kwargs={"facility_id": facility.pk}),
                           {"closed_on": "2026-10-31", "reason": "廃止届"})
    assert response.status_code == 302
    facility.refresh_from_db()
    assert (facility.status, facility.closed_on, facility.closed_reason) == ("closed", dt.date(2026, 10, 31), "廃止届")
    entry = _entries("directory.facility", action="update", object_id=str(facility.pk)).latest("seq")
    assert entry.changes["status"] == ["open", "closed"]
    client.post(reverse("directory:facility_reopen", kwargs={"facility_id": facility.pk}))
    facility.refresh_from_db()
    assert (facility.status, facility.closed_on, facility.closed_reason) == ("open", None, "")


def test_closing_needs_a_reason(facility, staff, login_as):
    response = login_as(staff).post(reverse("directory:facility_close", kwargs={"facility_id": facility.pk}),
                                    {"closed_on": "2026-10-31", "reason": ""})
    assert response.status_code == 400
    facility.refresh_from_db()
    assert facility.status == "open"


def test_every_staff_screen_renders_for_staff(facility, staff, login_as, municipality):
    client = login_as(staff)
    urls = [reverse("directory:facility_list"), reverse("directory:facility_create"),
            reverse("directory:merge_candidate_list"), reverse("directory:taxonomy")]
    urls += [reverse(f"directory:{name}", kwargs={"facility_id": facility.pk})
             for name in ("facility_detail", "facility_edit", "facility_hours", "facility_details", "facility_close",
                          "facility_merge", "facility_position")]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url


def test_the_detail_page_links_the_survey_history_and_the_position_feed(facility, staff, login_as):
    client = login_as(staff)
    body = client.get(reverse("directory:facility_detail", kwargs={"facility_id": facility.pk})).content.decode()
    assert reverse("directory:survey_facility_history", args=[facility.pk]) in body
    assert reverse("directory:facility_position", kwargs={"facility_id": facility.pk}) in body
    feed = client.get(reverse("directory:facility_position", kwargs={"facility_id": facility.pk})).json()
    assert feed["features"][0]["geometry"]["coordinates"] == [135.1264, 35.2966]


def test_a_name_typed_in_roman_letters_finds_the_facility(facility, staff, login_as):
    response = login_as(staff).get(reverse("directory:facility_list"), {"q": "fukuchiyama"})
    assert [f.pk for f in response.context["page"]] == [facility.pk]


def test_bad_filters_are_shown_in_the_htmx_results(staff, login_as):
    response = login_as(staff).get(reverse("directory:facility_list"), {"stale_months": "0"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'class="error"' in response.content.decode()


def test_the_stale_list_offers_a_survey_round_for_those_facilities(facility, staff, login_as):
    body = login_as(staff).get(reverse("directory:facility_list"), {"stale_months": "12", "kind": "clinic"}
                               ).content.decode()
    assert reverse("directory:survey_round_create") + "?stale_months=12&amp;kind=clinic" in body


def test_the_detail_page_needs_a_bounded_number_of_queries(facility, staff, login_as,
                                                           django_assert_max_num_queries):
    for scheme, value in (("mhlw_id", "2610110000099"), ("care_office", "2670100001-130")):
        FacilityIdentifier.objects.create(facility=facility, scheme=scheme, value=value)
    for day in range(8):
        OpeningHours.objects.create(facility=facility, weekday=day, opens=dt.time(9), closes=dt.time(17))
    set_details(facility, scheduled_home_visit=True, urgent_home_visit=True, how_to_meet_doctor=["phone"],
                professional_phone="0773-00-0000", accepting_new_clients=True)
    client = login_as(staff)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("directory:facility_detail", kwargs={"facility_id": facility.pk}))
    assert response.status_code == 200


def test_a_new_facility_with_a_taken_code_is_not_created(staff, login_as, municipality):
    FacilityIdentifier.objects.create(facility=FacilityFactory(municipality=municipality), scheme="mhlw_id",
                                      value="2610110000055")
    response = login_as(staff).post(reverse("directory:facility_create"), {
        "kind": "clinic", "name": "重複医院", "municipality_code": municipality.code, "mhlw_id": "2610110000055",
        "coordinate_quality": "unknown"})
    assert response.status_code == 400
    assert "2610110000055" in " ".join(response.context["form"].non_field_errors())
    assert response.context["facility"].pk is None
    assert not Facility.objects.filter(name="重複医院").exists()


def test_beds_by_type_are_edited_one_a_line_and_summed(facility, staff, login_as):
    response = login_as(staff).post(reverse("directory:facility_edit", kwargs={"facility_id": facility.pk}),
                                    _form_data(facility, beds_text="一般:40\n療養：19"))
    assert response.status_code == 302
    facility.refresh_from_db()
    assert (facility.beds, facility.beds_total) == ({"一般": 40, "療養": 19}, 59)
