"""Facility search: names in every script, filters, radius, open hours, and what residents may filter on."""

import datetime as dt

import pytest

from renkei.directory import spatial
from renkei.directory.models import OpeningHours
from renkei.directory.reading import kana_for
from renkei.directory.selectors.search import (
    FacilitySearch,
    loose_kana_pattern,
    parse_facility_search,
    search_facilities,
)

from ..factories import DailyLivingAreaFactory, FacilityFactory, set_details

pytestmark = pytest.mark.django_db


def names(result):
    return [hit.facility.name for hit in result.hits]


def search(membership=None, **data):
    params, errors = parse_facility_search(data, membership=membership)
    assert errors == {}
    return search_facilities(params, membership=membership)


@pytest.fixture
def fukuchiyama_clinic(municipality):
    FacilityFactory(municipality=municipality, name="舞鶴クリニック", kana="マイヅルクリニック")
    return FacilityFactory(municipality=municipality, name="福知山医院", kana="フクチヤマイイン")


@pytest.mark.parametrize("q", ["福知山", "ふくちやま", "フクチヤマ", "ﾌｸﾁﾔﾏ", "fukuchiyama", "Fukuchiyama",
                               "fukutiyama", "ＦＵＫＵＣＨＩＹＡＭＡ", "ふくちやま いいん", "福知山 iin"])
def test_every_script_finds_the_same_facility_by_name(fukuchiyama_clinic, q):
    assert names(search(q=q)) == ["福知山医院"]


def test_a_romaji_query_matches_a_long_vowel_spelled_either_way(municipality):
    FacilityFactory(municipality=municipality, name="中央診療所", kana="チュウオウシンリョウジョ")
    assert names(search(q="shinryoujo")) == ["中央診療所"]
    assert names(search(q="shinryojo")) == ["中央診療所"]
    assert names(search(q="chuo")) == ["中央診療所"]


def test_loose_kana_pattern_allows_long_vowels_and_small_kana_either_way():
    import re

    pattern = loose_kana_pattern("シンリョジョ")
    assert pattern == "シ[イー]?ンリ[ョヨ][オウー]?[ジヂ][ョヨ][オウー]?"
    for spelling in ["シンリョウジョ", "シンリョージョ", "シンリヨジヨ"]:
        assert re.fullmatch(pattern, spelling)
    assert not re.fullmatch(pattern, "シンリャジョ")


def test_loose_kana_pattern_refuses_text_that_is_not_all_katakana():
    assert loose_kana_pattern("シンxジョ") == ""


def test_a_romaji_query_with_digits_finds_a_numbered_name(municipality):
    FacilityFactory(municipality=municipality, name="第2診療所", kana="ダイ2シンリョウジョ")
    assert names(search(q="dai2shinryojo")) == ["第2診療所"]


def test_each_term_of_the_query_must_match(fukuchiyama_clinic):
    assert names(search(q="福知山 薬局")) == []


def test_kana_for_reads_a_kanji_name():
    assert kana_for("福知山医院") == "フクチヤマイイン"


def test_kind_filter_keeps_only_that_kind(municipality):
    FacilityFactory(municipality=municipality, name="A薬局", kind="pharmacy")
    FacilityFactory(municipality=municipality, name="B医院", kind="clinic")
    assert names(search(kind="pharmacy")) == ["A薬局"]


def test_closed_facilities_are_left_out_unless_asked_for(municipality):
    FacilityFactory(municipality=municipality, name="閉院医院", kana="ア", status="closed")
    FacilityFactory(municipality=municipality, name="開院医院", kana="イ")
    assert names(search()) == ["開院医院"]
    assert names(search(include_closed="true")) == ["閉院医院", "開院医院"]


def test_results_without_a_centre_are_in_kana_order(municipality):
    for name, kana in [("ウ", "ウ"), ("ア", "ア"), ("イ", "イ")]:
        FacilityFactory(municipality=municipality, name=name, kana=kana)
    assert names(search()) == ["ア", "イ", "ウ"]


def test_facilities_without_kana_come_after_those_with_one(municipality):
    FacilityFactory(municipality=municipality, name="無読み医院", kana="")
    FacilityFactory(municipality=municipality, name="ア医院", kana="アイイン")
    assert names(search()) == ["ア医院", "無読み医院"]


def test_radius_results_are_sorted_by_distance_and_exclude_far_ones(municipality):
    FacilityFactory(municipality=municipality, name="5km", latitude=35.2966 + 0.045, longitude=135.1264)
    FacilityFactory(municipality=municipality, name="1km", latitude=35.2966 + 0.009, longitude=135.1264)
    FacilityFactory(municipality=municipality, name="30km", latitude=35.2966 + 0.27, longitude=135.1264)
    result = search(lat="35.2966", lon="135.1264", radius_km="16")
    assert names(result) == ["1km", "5km"]
    assert [round(h.distance_km, 1) for h in result.hits] == [1.0, 5.0]
    assert result.total == 2


def test_a_centre_without_radius_sorts_everything_by_distance(municipality):
    FacilityFactory(municipality=municipality, name="far", latitude=35.5, longitude=135.1264)
    FacilityFactory(municipality=municipality, name="near", latitude=35.3, longitude=135.1264)
    FacilityFactory(municipality=municipality, name="nowhere", latitude=None, longitude=None)
    assert names(search(lat="35.2966", lon="135.1264")) == ["near", "far", "nowhere"]


def test_capability_filter_keeps_facilities_that_answered_yes(municipality):
    yes = FacilityFactory(municipality=municipality, name="訪問する")
    no = FacilityFactory(municipality=municipality, name="訪問しない")
    FacilityFactory(municipality=municipality, name="未回答")
    set_details(yes, scheduled_home_visit=True)
    set_details(no, scheduled_home_visit=False)
    assert names(search(capability="scheduled_home_visit")) == ["訪問する"]


def test_residents_cannot_filter_by_professional_only_attributes(municipality):
    from renkei.directory.models import CollaborationAttribute

    code = CollaborationAttribute.objects.filter(visibility="professional").values_list("code", flat=True)[0]
    params, errors = parse_facility_search({"capability": code})
    assert "capability" in errors and "専門職" in errors["capability"] and "professionals" in errors["capability"]
    result = search_facilities(FacilitySearch(capabilities=[code]), membership=None)
    assert result.hits == [] and "capability" in result.errors


def test_professionals_may_filter_by_professional_only_attributes(municipality, make_membership):
    from renkei.core.models import Role
    from renkei.directory.models import CollaborationAttribute

    attribute = CollaborationAttribute.objects.filter(visibility="professional", value_type="yes_no").first()
    facility = FacilityFactory(municipality=municipality, name="連絡可")
    set_details(facility, **{attribute.code: True})
    membership = make_membership(Role.PROFESSIONAL)
    assert names(search(membership=membership, capability=attribute.code)) == ["連絡可"]


def test_department_filter_matches_a_whole_department(municipality):
    FacilityFactory(municipality=municipality, name="内科医院", departments="|内科|")
    FacilityFactory(municipality=municipality, name="心療内科医院", departments="|心療内科|")
    assert names(search(department="内科")) == ["内科医院"]


def test_area_filter_keeps_facilities_of_that_daily_living_area(municipality):
    area = DailyLivingAreaFactory(municipality=municipality)
    FacilityFactory(municipality=municipality, name="圏域内", daily_living_area=area)
    FacilityFactory(municipality=municipality, name="圏域外")
    assert names(search(area=str(area.pk))) == ["圏域内"]


def test_municipality_filter_keeps_that_municipality(municipality, other_municipality):
    FacilityFactory(municipality=municipality, name="福知山の")
    FacilityFactory(municipality=other_municipality, name="舞鶴の")
    assert names(search(municipality=other_municipality.code)) == ["舞鶴の"]


def test_open_at_on_a_holiday_excludes_clinics_closed_on_holidays(municipality):
    # 2026-11-23 is 勤労感謝の日, a Monday.
    closed = FacilityFactory(municipality=municipality, name="祝日休診", kana="シュクジツキュウシン",
                             closed_on_holidays=True)
    open_ = FacilityFactory(municipality=municipality, name="祝日も診療", kana="シュクジツモシンリョウ")
    for facility in (closed, open_):
        OpeningHours.objects.create(facility=facility, weekday=0, opens=dt.time(9), closes=dt.time(12))
    assert names(search(open_at="2026-11-23T10:00")) == ["祝日も診療"]
    assert names(search(open_at="2026-11-30T10:00")) == ["祝日休診", "祝日も診療"]


def test_near_a_postal_code_centres_on_facilities_of_its_town(municipality):
    # 620-0035 is 福知山市内記 in Japan Post's data.
    FacilityFactory(municipality=municipality, name="内記の医院", address="京都府福知山市字内記1-1",
                    latitude=35.30, longitude=135.12)
    FacilityFactory(municipality=municipality, name="遠い医院", address="京都府福知山市字篠尾新町9",
                    latitude=35.40, longitude=135.12)
    result = search(near="〒620-0035", radius_km="5")
    assert result.center_quality == "town"
    assert result.center_label == "〒620-0035 福知山市内記"
    assert names(result) == ["内記の医院"]


def test_near_an_address_centres_on_its_town(municipality):
    FacilityFactory(municipality=municipality, name="篠尾の医院", address="京都府福知山市字篠尾新町1-1",
                    latitude=35.30, longitude=135.12)
    result = search(near="福知山市字篠尾新町2丁目3番")
    assert result.center == (35.30, 135.12) and result.center_quality == "town"


def test_near_text_that_places_nowhere_gives_a_clear_message(municipality):
    result = search(near="どこにもない町")
    assert result.hits == []
    assert result.errors["near"].startswith("住所から位置を特定できませんでした")


@pytest.mark.parametrize(("data", "field"), [
    ({"kind": "castle"}, "kind"), ({"radius_km": "150", "lat": "35", "lon": "135"}, "radius_km"),
    ({"lat": "10", "lon": "135"}, "lat"), ({"lat": "35"}, "lon"), ({"open_at": "tomorrow"}, "open_at"),
    ({"limit": "0"}, "limit"), ({"limit": "201"}, "limit"), ({"offset": "-1"}, "offset"),
    ({"radius_km": "5"}, "radius_km"), ({"service": "999"}, "service"), ({"capability": "flying"}, "capability"),
    ({"municipality": "abc"}, "municipality"), ({"area": "x"}, "area"), ({"lat": "nan", "lon": "135"}, "lat"),
])
def test_bad_parameters_get_a_message_in_japanese_and_english(db, data, field):
    _params, errors = parse_facility_search(data)
    assert set(errors) == {field}
    assert " / " in errors[field]


def test_a_rolled_back_audit_chain_counts_as_a_change():
    assert spatial.written_since((5, "aaa"), (5, "bbb"), ("directory.facility",))
    assert spatial.written_since((5, "aaa"), (4, "ccc"), ("directory.facility",))
    assert not spatial.written_since((5, "aaa"), (5, "aaa"), ("directory.facility",))


def test_a_page_of_fifty_results_costs_a_bounded_number_of_queries(municipality, django_assert_max_num_queries):
    for i in range(60):
        facility = FacilityFactory(municipality=municipality, name=f"医院{i}")
        OpeningHours.objects.create(facility=facility, weekday=0, opens=dt.time(9), closes=dt.time(12))
        if i % 2:
            set_details(facility, scheduled_home_visit=True)
    params, _ = parse_facility_search({"lat": "35.2966", "lon": "135.1264", "radius_km": "10"})
    search_facilities(params)  # builds the spatial index
    with django_assert_max_num_queries(8):
        result = search_facilities(params)
        for hit in result.hits:
            list(hit.facility.opening_hours.all())
            list(hit.facility.collaboration_details.all())
            str(hit.facility.municipality)
    assert len(result.hits) == 50 and result.total == 60


def test_the_spatial_index_notices_a_facility_added_by_another_process(municipality):
    FacilityFactory(municipality=municipality, name="既存")
    assert names(search(lat="35.2966", lon="135.1264", radius_km="5")) == ["既存"]
    # Saved without positions_changed(), as another process's write looks from here: only its audit entry tells.
    FacilityFactory(municipality=municipality, name="新規", latitude=35.2967)
    assert names(search(lat="35.2966", lon="135.1264", radius_km="5")) == ["既存", "新規"]


def test_a_radius_search_by_kind_alone_keeps_only_open_facilities_of_that_kind(municipality):
    FacilityFactory(municipality=municipality, name="薬局", kind="pharmacy")
    FacilityFactory(municipality=municipality, name="閉局", kind="pharmacy", status="closed")
    FacilityFactory(municipality=municipality, name="医院", kind="clinic")
    assert names(search(kind="pharmacy", lat="35.2966", lon="135.1264", radius_km="3")) == ["薬局"]
    assert names(search(kind="pharmacy", lat="35.2966", lon="135.1264", radius_km="3",
                        include_closed="1")) == ["薬局", "閉局"]


def test_a_radius_search_by_capability_follows_a_changed_answer(municipality):
    facility = FacilityFactory(municipality=municipality, name="訪問する")
    set_details(facility, scheduled_home_visit=True)
    around = {"lat": "35.2966", "lon": "135.1264", "radius_km": "3", "capability": "scheduled_home_visit"}
    assert names(search(**around)) == ["訪問する"]
    set_details(facility, scheduled_home_visit=False)
    assert names(search(**around)) == []


def test_a_radius_search_with_a_name_keeps_the_matching_facilities_by_distance(municipality):
    FacilityFactory(municipality=municipality, name="遠い福知山医院", kana="トオイフクチヤマイイン", latitude=35.33)
    FacilityFactory(municipality=municipality, name="近い福知山医院", kana="チカイフクチヤマイイン", latitude=35.30)
    FacilityFactory(municipality=municipality, name="近い薬局", kana="チカイヤッキョク", latitude=35.2966)
    result = search(q="fukuchiyama", lat="35.2966", lon="135.1264", radius_km="10")
    assert names(result) == ["近い福知山医院", "遠い福知山医院"] and result.total == 2
