"""The name search's index (pg_trgm on PostgreSQL, FTS5 trigram on SQLite): same hits as a full scan, kept in
step with every write path, and a page of hits in a bounded number of queries."""

import pytest
from django.db import connection

from renkei.directory import name_index
from renkei.directory.models import Facility
from renkei.directory.selectors.search import (
    FacilitySearch,
    filtered_facilities,
    parse_facility_search,
    search_facilities,
)
from renkei.directory.services.facilities import refresh_derived_fields
from renkei.directory.services.imports import import_file

from ..factories import FacilityFactory
from .test_import_support import facility_header, facility_row, make_kumamoto, write_mhlw

pytestmark = pytest.mark.django_db

NAMES = [("福知山医院", "フクチヤマイイン"), ("中央診療所", "チュウオウシンリョウジョ"),
         ("ほっとステーション舞鶴", "ホットステーションマイヅル"),
         ("訪問看護ステーションさくら", "ホウモンカンゴステーションサクラ"),
         ("大野歯科", "オオノシカ"), ("おの薬局", "オノヤッキョク"), ("Ａ＆Ｂクリニック", "エーアンドビークリニック"),
         ("山田医院", ""), ("医療法人社団 田中内科", "イリョウホウジンシャダンタナカナイカ"),
         ("第2しょうじゅ苑", "ダイニショウジュエン")]
QUERIES = ["福知山", "ふくちやま", "フクチヤマ", "fukuchiyama", "shinryojo", "shinryoujo", "chuo", "ono", "oono",
           "医", "医院", "山", "ノ", "の", "ク", "a&b", "&", "ﾎｯﾄ", "ステーション", "歯科", "内科 田中", "2", "第2",
           "クリニック", "ー", '"', "%", "_", "yakkyoku", "sakura", "nonexistent", "xyz", "病院"]


@pytest.fixture
def facilities(municipality):
    made = [FacilityFactory(municipality=municipality, name=name, kana=kana) for name, kana in NAMES]
    made[2].status = Facility.Status.CLOSED
    made[2].save()
    return made


def hit_ids(q: str, *, use_name_index: bool, include_closed: bool = True) -> set[int]:
    params = FacilitySearch(q=q, include_closed=include_closed)
    return set(filtered_facilities(params, [], use_name_index=use_name_index).values_list("pk", flat=True))


def names(q: str) -> list[str]:
    params, errors = parse_facility_search({"q": q, "include_closed": "true"})
    assert errors == {}
    return [hit.facility.name for hit in search_facilities(params, with_details=False).hits]


@pytest.mark.parametrize("q", QUERIES)
def test_the_indexed_name_search_finds_exactly_what_a_full_scan_finds(facilities, q):
    assert hit_ids(q, use_name_index=True) == hit_ids(q, use_name_index=False)


def test_the_reference_queries_do_find_something(facilities):
    """Guards the test above against comparing empty sets only."""
    found = {q for q in QUERIES if hit_ids(q, use_name_index=False)}
    assert {"福知山", "fukuchiyama", "shinryojo", "oono", "医", "山", "a&b", "ステーション", "内科 田中"} <= found


def test_the_total_and_the_page_come_from_the_same_search(facilities):
    params = FacilitySearch(q="イ", include_closed=True, limit=2)
    result = search_facilities(params, with_details=False)
    assert result.total == len(hit_ids("イ", use_name_index=False)) > 2
    assert len(result.hits) == 2
    beyond = search_facilities(FacilitySearch(q="イ", include_closed=True, limit=2, offset=50), with_details=False)
    assert beyond.hits == [] and beyond.total == result.total  # a page past the end still says how many
    assert search_facilities(FacilitySearch(q="nonexistent"), with_details=False).total == 0


def test_the_index_follows_a_created_an_edited_and_a_deleted_facility(municipality):
    facility = FacilityFactory(municipality=municipality, name="舞鶴共済病院", kana="マイヅルキョウサイビョウイン")
    assert names("共済病院") == ["舞鶴共済病院"]

    facility.name, facility.kana = "舞鶴医療センター", "マイヅルイリョウセンター"
    refresh_derived_fields(facility)
    facility.save()
    assert names("共済病院") == [] and names("医療センター") == ["舞鶴医療センター"]
    assert names("iryousenta") == ["舞鶴医療センター"]

    Facility.objects.filter(pk=facility.pk).update(search_text="ベツノナマエ")  # a bulk write path
    assert names("医療センター") == [] and names("べつのなまえ") == ["舞鶴医療センター"]

    facility.delete()
    assert names("べつのなまえ") == []


def test_bulk_created_facilities_are_in_the_index(municipality):
    rows = [Facility(kind="clinic", name=f"一括登録診療所{n}", kana=f"イッカツトウロクシンリョウジョ{n}",
                     municipality=municipality, prefecture=municipality.prefecture) for n in range(3)]
    for row in rows:
        refresh_derived_fields(row)
    Facility.objects.bulk_create(rows)
    assert len(names("一括登録")) == 3


def test_an_import_keeps_the_index_in_step(db, tmp_path):
    make_kumamoto()

    def run(name, date):
        path = write_mhlw(tmp_path / f"01-1_hospital_facility_info_{date}.csv", facility_header(),
                          [facility_row("4310000000001", name, "熊本市中央区新屋敷1-17-1")])
        return import_file(source="mhlw", file=path, file_name=path.name)

    run("熊本中央病院", "20260101")
    assert names("熊本中央") == ["熊本中央病院"]
    run("熊本しんやしき病院", "20260601")  # the same facility renamed by the next edition
    assert names("熊本中央") == [] and names("しんやしき") == ["熊本しんやしき病院"]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite keeps the FTS5 table with triggers")
def test_the_index_is_rebuilt_after_a_migration_dropped_its_triggers(municipality):
    FacilityFactory(municipality=municipality, name="綾部市立病院", kana="アヤベシリツビョウイン")
    with connection.cursor() as cursor:  # what SQLite's table rebuild during an AlterField does
        for trigger in name_index.TRIGGERS:
            cursor.execute(f"DROP TRIGGER {trigger}")
    FacilityFactory(municipality=municipality, name="綾部協立病院", kana="アヤベキョウリツビョウイン")

    from django.apps import apps

    from renkei.directory.apps import restore_facility_indexes

    restore_facility_indexes(apps.get_app_config("directory"), using="default")
    assert names("綾部") == ["綾部協立病院", "綾部市立病院"]  # both, in kana order
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
                       [f"{name_index.FTS_TABLE}%"])
        assert cursor.fetchone()[0] == len(name_index.TRIGGERS)
        table = name_index.FTS_TABLE
        cursor.execute(f"SELECT rowid FROM {table} WHERE {table} MATCH %s", ['"綾部協立"'])  # noqa: S608
        assert len(cursor.fetchall()) == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigram index of PostgreSQL")
def test_postgresql_extracts_trigrams_from_japanese_and_has_the_index(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT cardinality(show_trgm('山田医院'))")
        assert cursor.fetchone()[0] == 5
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [name_index.PG_INDEX])
        assert "gin_trgm_ops" in cursor.fetchone()[0]


@pytest.mark.parametrize("q", ["医院", "fukuchiyama", "ステーション"])
def test_a_page_of_name_hits_takes_a_bounded_number_of_queries(facilities, django_assert_max_num_queries, q):
    params = FacilitySearch(q=q, limit=50)
    search_facilities(params)  # the taxonomy cache is per process
    with django_assert_max_num_queries(6):
        result = search_facilities(params)
        for hit in result.hits:
            list(hit.facility.opening_hours.all())
            list(hit.facility.collaboration_details.all())
    assert result.hits


@pytest.mark.parametrize(("term", "spellings"), [
    ("shinryojo", ["シンリョウジョ", "シンリョージョ", "シンリヨジヨ", "シーンリョジョ"]),
    ("chuo", ["チュウオウ", "チューオー", "チユオ"]),
    ("sakura", ["サクラ", "サークラ"]),
])
def test_every_spelling_a_loose_pattern_matches_starts_with_one_of_its_index_lookups(term, spellings):
    import re

    from renkei.core.text import romaji_to_katakana
    from renkei.directory.selectors.search import loose_kana_pattern, loose_pattern_spellings

    pattern = loose_kana_pattern(romaji_to_katakana(term))
    lookups = loose_pattern_spellings(pattern)
    assert lookups and all(len(lookup) >= 3 for lookup in lookups)
    for spelling in spellings:
        assert re.fullmatch(pattern, spelling)
        assert any(spelling.startswith(lookup) for lookup in lookups)


def test_a_dense_search_counts_and_pages_in_the_same_order_as_a_sparse_one(facilities, monkeypatch):
    from renkei.directory.selectors import search as search_module

    params = FacilitySearch(q="イ", include_closed=True, limit=3, offset=1)
    sparse = search_facilities(params, with_details=False)
    monkeypatch.setattr(search_module, "SPARSE_HITS", 2)  # every search with 3+ hits takes the dense path
    dense = search_facilities(params, with_details=False)
    assert dense.total == sparse.total > 3
    assert [h.facility.pk for h in dense.hits] == [h.facility.pk for h in sparse.hits]
    assert len(dense.hits) == 3


def test_the_map_feeds_load_details_but_not_hours(facilities):
    result = search_facilities(FacilitySearch(q="医院"), with_hours=False)
    cache = result.hits[0].facility._prefetched_objects_cache
    assert "collaboration_details" in cache and "opening_hours" not in cache


def test_api_rows_carry_hours_and_details_as_values(facilities):
    import datetime as dt

    from renkei.directory.models import OpeningHours

    OpeningHours.objects.create(facility=facilities[0], weekday=0, opens=dt.time(9), closes=dt.time(12))
    result = search_facilities(FacilitySearch(q="福知山"), as_rows=True)
    [hit] = result.hits
    assert hit.facility is None and hit.row["name"] == "福知山医院" and hit.row["municipality__code"]
    assert [(p.weekday, p.opens.hour, p.closes.hour) for p in hit.row["hours"]] == [(0, 9, 12)]
