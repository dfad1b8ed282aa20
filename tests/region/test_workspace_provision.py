"""§3 data provision: what the prefecture's staff import reaches only their own municipalities, each row authorised
on the municipality it resolves to; another prefecture's rows are skipped with a reason."""

import csv
import io
from pathlib import Path

import pytest
from django.urls import reverse

from renkei.core.models import AuditEntry, Municipality
from renkei.directory.models import Facility, ImportRun
from renkei.directory.services.imports import import_file
from renkei.region.selectors import workspace as selectors
from tests.conftest import client_for
from tests.factories import MunicipalityFactory, PrefectureFactory

pytestmark = pytest.mark.django_db

MHLW_FILE = Path("/work/shared/data/mhlw/01-1_hospital_facility_info_20250601.csv")
if not MHLW_FILE.exists():  # the repository's copy of shared/ sits beside the work tree
    MHLW_FILE = Path(__file__).resolve().parents[3] / "shared/data/mhlw/01-1_hospital_facility_info_20250601.csv"


@pytest.fixture
def sapporo(world):
    """札幌市 and the wards the file's rows name (中央区 01101, 南区 01106)."""
    if not MHLW_FILE.exists():
        pytest.skip(f"real data file missing: {MHLW_FILE}")
    hokkaido = PrefectureFactory(code="01", name="北海道", kana="ホッカイドウ")
    city = MunicipalityFactory(jis_code="01100", name="札幌市", kana="サッポロシ", prefecture=hokkaido,
                               kind=Municipality.Kind.DESIGNATED_CITY)
    for jis_code, name in (("01101", "札幌市中央区"), ("01106", "札幌市南区")):
        MunicipalityFactory(jis_code=jis_code, name=name, prefecture=hokkaido, kind=Municipality.Kind.WARD,
                            parent=city)
    return hokkaido


def mixed_file() -> bytes:
    """The real file with one 福知山市 hospital added (a copy of its first row with 京都府's codes)."""
    text = MHLW_FILE.read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    header, first = rows[0], list(rows[1])
    first[header.index("ID")] = "2610000000009"
    first[header.index("正式名称")] = "福知山試験病院"
    first[header.index("都道府県コード")] = "26"
    first[header.index("市区町村コード")] = "201"
    first[header.index("所在地")] = "京都府福知山市内記1-1"
    first[header.index("所在地座標（緯度）")] = "35.2966"
    first[header.index("所在地座標（経度）")] = "135.1265"
    out = io.StringIO()
    csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows([*rows, first])
    return out.getvalue().encode("utf-8")


def test_sapporo_rows_imported_by_kyoto_staff_are_skipped_with_a_reason(world, sapporo):
    run = import_file(source="mhlw", file=MHLW_FILE, file_name=MHLW_FILE.name, membership=world.prefecture)
    assert run.outcome == ImportRun.Outcome.APPLIED
    assert run.counts["skipped_out_of_scope"] == 21
    assert not Facility.objects.filter(prefecture=sapporo).exists()
    skipped = run.report["skipped"]
    assert skipped and all("札幌市" in entry["reason"] and entry["reason_en"] for entry in skipped)


def test_a_file_mixing_both_prefectures_writes_only_kyoto_s_rows(world, sapporo):
    run = import_file(source="mhlw", file=mixed_file(), file_name=MHLW_FILE.name, membership=world.prefecture)
    assert run.outcome == ImportRun.Outcome.APPLIED
    assert run.counts["created"] == 1
    assert list(Facility.objects.values_list("name", "municipality__jis_code")) == [("福知山試験病院", "26201")]
    entries = AuditEntry.objects.filter(object_type="directory.facility")
    assert set(entries.values_list("owner_municipality_id", flat=True)) == {world.fukuchiyama.pk}


def test_another_prefecture_s_staff_write_none_of_kyoto_s_rows(world, sapporo):
    run = import_file(source="mhlw", file=mixed_file(), file_name=MHLW_FILE.name, membership=world.other_prefecture)
    assert run.counts["created"] == 0
    assert not Facility.objects.exists()


def test_data_provision_counts_the_facilities_of_the_prefecture_wide_lists(world, sapporo):
    import_file(source="mhlw", file=mixed_file(), file_name=MHLW_FILE.name, membership=world.prefecture)
    rows = {r.municipality: r for r in selectors.data_provision(world.prefecture, world.kyoto_municipalities)}
    assert rows[world.fukuchiyama].facilities == 1
    assert rows[world.maizuru].facilities == 0
    assert "福知山試験病院" not in client_for(world.prefecture).get(reverse("region:data_provision")).content.decode()


def _deaths(*rows) -> bytes:
    lines = ["地域コード,地域,期間,ZT-BASE-04", *(f"{m.code},{m.name},令和6年度,{n}" for m, n in rows)]
    return ("\n".join(lines) + "\n").encode("utf-8")


def test_indicator_values_the_prefecture_imports_reach_each_municipality_s_slice(world):
    from renkei.core import policy
    from renkei.indicators.models import IndicatorValue
    from renkei.indicators.services.imports import indicator_file_import

    run = indicator_file_import(path_or_file=_deaths((world.fukuchiyama, 820), (world.maizuru, 900)),
                                file_name="deaths.csv", mapping="table", membership=world.prefecture)
    assert run.status == "applied", run.report
    values = IndicatorValue.objects.filter(definition__code="ZT-BASE-04", is_current=True)
    assert set(values.values_list("area_key", flat=True)) == {f"M{world.fukuchiyama.code}", f"M{world.maizuru.code}"}
    assert policy.scope(world.official, "indicators.view", values).filter(
        area_key=f"M{world.fukuchiyama.code}").exists()
    rows = {r.municipality: r for r in selectors.data_provision(world.prefecture, world.kyoto_municipalities)}
    assert "ZT-BASE-04" in rows[world.fukuchiyama].indicator_values
    assert "ZT-BASE-04" not in rows[world.ayabe].indicator_values


def test_indicator_rows_of_another_prefecture_reject_kyoto_staff_s_file(world):
    from renkei.indicators.models import IndicatorValue
    from renkei.indicators.services.imports import indicator_file_import

    run = indicator_file_import(path_or_file=_deaths((world.fukuchiyama, 820), (world.otsu, 2900)),
                                file_name="deaths.csv", mapping="table", membership=world.prefecture)
    assert run.status == "rejected"
    assert not IndicatorValue.objects.filter(definition__code="ZT-BASE-04").exists()
