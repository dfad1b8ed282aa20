"""The 見える化 system's Excel downloads, KDB CSV exports and a municipality's own tables, with saved mappings."""

import datetime as dt
from decimal import Decimal

import pytest

from renkei.indicators.models import IndicatorImportRun, IndicatorValue, PeriodType
from renkei.indicators.services.imports import indicator_file_import, indicator_mapping_save

from .import_support import csv_bytes, kyoto_places, make_definition, xlsx_bytes

pytestmark = pytest.mark.django_db


def value_of(code, area, start):
    return IndicatorValue.objects.get(definition__code=code, area_key=area, period_start=start, is_current=True)


def mieruka_columns(code):
    return {"indicators": [{"definition": code, "value": "*"}]}


def test_mieruka_time_series_reads_periods_across_and_the_output_date_as_vintage():
    places = kyoto_places()
    make_definition("care_certification_rate")
    data = xlsx_bytes({
        "グラフ": [["グラフ"]],
        "表形式（時系列）": [
            ["出力日：2024/06/01"],
            ["認定率（要介護度別）"],
            [None],
            ["地域", "令和3年", "令和4年", "令和5年"],
            ["全国", "18.9", "19.0", "19.4"],
            ["京都府", "20.4", "20.6", "21.0"],
            ["福知山市", "19.1", "19.5", "－"],
        ]})
    mapping = indicator_mapping_save(name="認定率", layout="mieruka", municipality=places["fukuchiyama"],
                                     columns=mieruka_columns("care_certification_rate"),
                                     headers=["地域", "令和3年", "令和4年", "令和5年"])

    run = indicator_file_import(path_or_file=data, file_name="mieruka.xlsx", mapping=mapping)

    assert run.status == IndicatorImportRun.Status.APPLIED, run.report
    assert run.vintage == dt.date(2024, 6, 1)
    assert run.report["sheet"] == "表形式（時系列）"
    assert value_of("care_certification_rate", "N", dt.date(2023, 4, 1)).value == Decimal("19.4")
    assert value_of("care_certification_rate", "M262013", dt.date(2022, 4, 1)).vintage == dt.date(2024, 6, 1)
    assert not IndicatorValue.objects.filter(area_key="M262013", period_start=dt.date(2023, 4, 1)).exists()
    assert run.values_created == 8


def test_mieruka_by_area_with_one_value_column_takes_the_period_from_the_title():
    places = kyoto_places()
    make_definition("care_certification_rate")
    data = xlsx_bytes({"表形式（地域別）": [
        ["出力日:令和6年6月1日"], ["認定率 令和5年"],
        ["保険者名", "認定率(%)"],
        ["福知山市", 19.5], ["舞鶴市", 20.1], ["綾部市", 22.3]]})

    run = indicator_file_import(path_or_file=data, file_name="mieruka.xlsx", mapping="mieruka",
                                municipality=places["fukuchiyama"])

    # No saved mapping fits and the layout names no definition: the file is refused, with the reason.
    assert run.status == "rejected"
    assert "列と指標の対応" in run.report["rejected"][0]["ja"]

    indicator_mapping_save(name="認定率 地域別", layout="mieruka", municipality=places["fukuchiyama"],
                           columns=mieruka_columns("care_certification_rate"), headers=["保険者名", "認定率(%)"])
    run = indicator_file_import(path_or_file=data, file_name="mieruka.xlsx", mapping="mieruka",
                                municipality=places["fukuchiyama"])

    assert run.status == "applied", run.report
    assert run.mapping.name == "認定率 地域別"  # found again by the header
    assert value_of("care_certification_rate", "M262030", dt.date(2023, 4, 1)).value == Decimal("22.3")


def test_kdb_csv_maps_columns_to_definitions_and_reads_areas_by_name():
    places = kyoto_places()
    make_definition("home_visit_patients")
    make_definition("home_visit_rate", rate=True, factor=1000)
    header = ["保険者番号", "保険者名", "年度", "被保険者数", "在宅医療 受診者数", "訪問診療 件数"]
    data = csv_bytes([header,
                      ["260018", "福知山市", "令和5年度", "18,000", "540", "1,234"],
                      ["260026", "舞鶴市", "令和5年度", "20,000", "480", "1,100"]], encoding="cp932")
    indicator_mapping_save(
        name="KDB 市区町村別", layout="kdb", prefecture=places["fukuchiyama"].prefecture, headers=header,
        source_note="KDB 市区町村別データ",
        columns={"area_name": "保険者名", "period": "年度", "indicators": [
            {"definition": "home_visit_patients", "value": "在宅医療 受診者数"},
            {"definition": "home_visit_rate", "numerator": "在宅医療 受診者数", "denominator": "被保険者数"}]})

    run = indicator_file_import(path_or_file=data, file_name="kdb.csv", mapping="kdb",
                                municipality=places["fukuchiyama"])

    assert run.status == "applied", run.report
    rate = value_of("home_visit_rate", "M262021", dt.date(2023, 4, 1))
    assert (rate.numerator, rate.denominator, rate.value) == (480, 20000, 24)
    assert rate.source_note == "KDB 市区町村別データ"
    assert value_of("home_visit_patients", "M262013", dt.date(2023, 4, 1)).value == 540


def test_plain_table_without_a_mapping_takes_columns_named_by_definition_codes():
    places = kyoto_places()
    make_definition("acp_awareness", rate=True, factor=100, owner_municipality=places["fukuchiyama"])
    make_definition("monthly_consultations", period_type=PeriodType.MONTH)
    data = csv_bytes([["地域コード", "地域", "期間", "acp_awareness 分子", "acp_awareness 分母"],
                      ["262013", "福知山市", "令和5年度", "312", "1,040"]])

    run = indicator_file_import(path_or_file=data, file_name="survey.csv", mapping="table",
                                municipality=places["fukuchiyama"])

    assert run.status == "applied", run.report
    assert value_of("acp_awareness", "M262013", dt.date(2023, 4, 1)).value == 30


def test_plain_table_of_monthly_values_refuses_a_yearly_period_with_the_row():
    places = kyoto_places()
    make_definition("monthly_consultations", period_type=PeriodType.MONTH, name_ja="相談件数")
    data = csv_bytes([["市町村名", "年月", "相談件数"],
                      ["福知山市", "2024年4月", "31"],
                      ["福知山市", "2024年度", "300"]])

    run = indicator_file_import(path_or_file=data, file_name="monthly.csv", mapping="table",
                                municipality=places["fukuchiyama"])

    assert run.status == "rejected"
    assert [r["row"] for r in run.report["rejected"]] == [3]
    assert not IndicatorValue.objects.exists()
