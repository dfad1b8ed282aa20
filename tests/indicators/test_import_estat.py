"""e-Stat files as they are downloaded: 人口動態統計 死亡の場所 and 年齢別人口, wide and long, CSV, TSV, Excel."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from renkei.core.models import Municipality
from renkei.indicators.models import IndicatorImportRun, IndicatorValue
from renkei.indicators.services.imports import indicator_file_import

from .import_support import (
    csv_bytes,
    death_place_definitions,
    death_place_wide,
    kyoto_places,
    population_definitions,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db

FUKUCHIYAMA = [900, 600, 10, 40, 0, 100, 150, 0]  # 総数 … その他


def current(code: str, area: str, year: int = 2023) -> IndicatorValue:
    return IndicatorValue.objects.get(definition__code=code, area_key=area, period_start=dt.date(year, 4, 1),
                                      is_current=True)


def test_wide_death_place_file_records_shares_and_counts_for_each_area():
    kyoto_places()
    death_place_definitions()
    data = csv_bytes(death_place_wide([("00000 全国", [1576016, 1015000, 20000, 70000, 0, 181000, 268000, 22016]),
                                       ("26000 京都府", [30000, 20000, 300, 1200, 0, 3500, 4500, 500]),
                                       ("26201 福知山市", FUKUCHIYAMA),
                                       ("26202 舞鶴市", [1000, 700, "-", 50, "-", 90, 140, 20])]))
    run = indicator_file_import(path_or_file=data, file_name="death_place.csv", mapping="estat-death-place")

    assert run.status == IndicatorImportRun.Status.APPLIED, run.report
    assert run.rows_read == 5  # four areas and the note line
    home = current("ZT-T-O01", "M262013")
    assert (home.numerator, home.denominator) == (Decimal(150), Decimal(900))
    assert home.value == Decimal("16.666667")
    assert current("ZT-BASE-04", "M262013").value == 900
    assert current("ZT-T-O03", "M262013").numerator == 250  # 自宅 + 老人ホーム
    assert current("ZT-T-O05", "N").numerator == 1015000 + 20000  # 病院 + 診療所
    assert current("ZT-T-O05", "M262021").numerator == 700  # e-Stat's "-" is none: 0 in the sum
    assert current("ZT-T-O02", "P26").value == Decimal("11.666667")
    assert current("ZT-T-O04", "M262021").numerator == 50
    assert home.origin == "imported" and home.import_run == run
    assert run.values_created == 4 * 6


def test_e_stat_api_csv_in_long_format_reads_the_classification_as_measures():
    kyoto_places()
    death_place_definitions()
    rows = [["RESULT"], ["STATUS", "0"], ["TABLE_INF", "0003411698"], ["VALUE"],
            ["tab_code", "表章項目", "cat01_code", "死亡の場所", "cat02_code", "性別", "area_code", "地域",
             "time_code", "時間軸(年次)", "unit", "value", "annotation"]]
    for place, code, number in [("総数", "00", 900), ("病院", "01", 600), ("自宅", "07", 150),
                                ("老人ホーム", "06", 100), ("介護医療院・介護老人保健施設", "03", 40)]:
        rows.append(["100", "死亡数", code, place, "0", "総数", "26201", "福知山市", "2023000000", "2023年",
                     "人", str(number), ""])
        rows.append(["100", "死亡数", code, place, "1", "男", "26201", "福知山市", "2023000000", "2023年",
                     "人", str(number // 2), ""])
    run = indicator_file_import(path_or_file=csv_bytes(rows), file_name="getSimpleStatsData.csv",
                                mapping="estat-death-place")

    assert run.status == "applied", run.report
    assert run.report["shape"] == "long"
    home = current("ZT-T-O01", "M262013")
    assert (home.numerator, home.denominator) == (150, 900)  # the 総数 sex rows, not the 男 ones
    assert current("ZT-T-O03", "M262013").numerator == 250
    assert not IndicatorValue.objects.filter(definition__code="ZT-T-O05").exists()  # no 診療所 in this file


def test_e_stat_database_download_with_japanese_code_columns_and_units_in_headers():
    kyoto_places()
    death_place_definitions()
    rows = [["統計表ID：", "0003411698"], ["表題：", "死亡の場所別にみた市区町村別死亡数"], [],
            ["表章項目 コード", "表章項目", "地域 コード", "地域", "時間軸(年次) コード", "時間軸(年次)", "/死亡の場所",
             "総数【人】", "病院【人】", "自宅【人】", "老人ホーム【人】", "注釈"],
            ["100", "死亡数", "26203", "綾部市", "2022000000", "2022年", "", "500", "300", "75", "x", ""],
            ["100", "死亡数", "26203", "綾部市", "2023000000", "2023年", "", "520", "310", "80", "60", ""]]
    run = indicator_file_import(path_or_file=csv_bytes(rows, encoding="utf-8-sig"), file_name="estat.csv",
                                mapping="estat-death-place")

    assert run.status == "applied", run.report
    assert current("ZT-T-O01", "M262030", 2022).value == Decimal(15)
    assert current("ZT-T-O01", "M262030", 2023).numerator == 80
    # 2022's 老人ホーム is secret ("x"): nothing recorded from it, and the file is not rejected.
    assert not IndicatorValue.objects.filter(definition__code__in=["ZT-T-O02", "ZT-T-O03"],
                                             period_start=dt.date(2022, 4, 1)).exists()
    assert run.report["suppressed"] >= 2


def test_cp932_tab_separated_file_with_full_width_numbers_and_prefecture_in_names():
    kyoto_places()
    death_place_definitions()
    rows = [["市区町村", "総数", "病院", "自宅", "老人ホーム", "介護医療院・介護老人保健施設"],
            ["京都府福知山市", "１，２００", "８００", "２００", "…", "χ"],
            ["京都府 舞鶴市", "1,000", "700", "140", "90", "＊"]]
    run = indicator_file_import(path_or_file=csv_bytes(rows, encoding="cp932", delimiter="\t"),
                                file_name="R5_死亡の場所.csv", mapping="estat-death-place")

    assert run.status == "applied", run.report
    assert run.report["encoding"] == "cp932"
    home = current("ZT-T-O01", "M262013")  # the year comes from the file name (R5 = 2023)
    assert (home.numerator, home.denominator) == (200, 1200)
    assert current("ZT-T-O01", "M262021").value == 14


def test_excel_file_with_title_rows_and_a_year_column_in_wareki():
    kyoto_places()
    death_place_definitions()
    data = xlsx_bytes({"死亡の場所": [
        ["人口動態統計（確定数）"], ["死亡の場所別死亡数"], [None],
        ["年次", "市区町村コード", "市区町村名", "総数", "病院", "自宅", "老人ホーム"],
        ["令和4年", "262013", "福知山市", 880, 590, 140, 95],
        ["R5", "262013", "福知山市", 900, 600, 150, 100],
    ]})
    run = indicator_file_import(path_or_file=data, file_name="shibou.xlsx", mapping="estat-death-place")

    assert run.status == "applied", run.report
    assert run.report["header_row"] == 4
    assert current("ZT-T-O01", "M262013", 2022).numerator == 140
    assert current("ZT-T-O01", "M262013", 2023).numerator == 150


def test_population_by_five_year_age_groups_sums_the_aged_population():
    kyoto_places()
    population_definitions()
    ages = ["0～4歳", "5～64歳", "65～69歳", "70～74歳", "75～79歳", "80～84歳", "85歳以上"]
    rows = [["年齢（5歳階級）別人口　令和5年1月1日現在"],
            ["地域", "総数", *ages],
            ["26201 福知山市", "76,000", "3,000", "49,000", "6,000", "6,000", "5,000", "4,000", "3,000"]]
    run = indicator_file_import(path_or_file=csv_bytes(rows), file_name="pop.csv", mapping="estat-population-age")

    assert run.status == "applied", run.report
    assert current("ZT-BASE-03", "M262013", 2022).value == 24000  # 65+; 2023-01-01 lies in FY2022
    assert current("ZT-BASE-02", "M262013", 2022).value == 12000  # 75+
    assert current("ZT-BASE-01", "M262013", 2022).value == 76000


FULL_WIDTH = str.maketrans("0123456789,", "０１２３４５６７８９，")


@pytest.mark.django_db
@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(counts=st.lists(st.integers(min_value=0, max_value=2_000_000), min_size=8, max_size=8),
       full_width=st.booleans(), encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp932"]),
       delimiter=st.sampled_from([",", "\t"]))
def test_any_death_place_file_reads_the_same_numbers_whatever_its_writing(counts, full_width, encoding, delimiter):
    from renkei.indicators.importers.areas import AreaResolver
    from renkei.indicators.importers.build import values_from
    from renkei.indicators.importers.layouts import layout_named, read_file

    if not Municipality.objects.filter(jis_code="26201").exists():
        kyoto_places()
    definitions = {d.code: d for d in death_place_definitions_once()}
    total = sum(counts)
    cells = [f"{n:,}" for n in [total, *counts[1:]]]
    if full_width:
        cells = [c.translate(FULL_WIDTH) for c in cells]
    data = csv_bytes(death_place_wide([("26201 福知山市", cells)]), encoding=encoding, delimiter=delimiter)

    parsed = read_file(data, layout_named("estat-death-place"), file_name="x.csv")
    built = values_from(parsed, definitions=definitions, resolver=AreaResolver())

    assert not built.errors
    numerators = {p.item.definition.code: p.item.numerator for p in built.items}
    assert numerators["ZT-BASE-04"] == total
    assert numerators["ZT-T-O01"] == counts[6]  # 自宅
    assert numerators["ZT-T-O05"] == counts[1] + counts[2]  # 病院 + 診療所


def death_place_definitions_once():
    from renkei.indicators.models import IndicatorDefinition

    if not IndicatorDefinition.objects.filter(code="ZT-BASE-04").exists():
        death_place_definitions()
    return IndicatorDefinition.objects.all()
