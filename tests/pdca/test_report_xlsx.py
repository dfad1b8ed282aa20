"""The yearly evaluation report as an Excel workbook: summary, one sheet per scene, indicator data."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from renkei.core.models import AuditEntry, Role
from renkei.pdca.reports.xlsx import report_workbook
from renkei.pdca.selectors.report import yearly_report

from .factories import ActionFactory, PdcaCycleFactory
from .turn_data import OVERDUE_TITLE, build_turn


@pytest.fixture
def data(municipality):
    return build_turn(municipality)


def _workbook(municipality):
    return load_workbook(io.BytesIO(report_workbook(yearly_report(municipality, 2024, today=dt.date(2026, 12, 6)))))


def _rows(sheet):
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def _row_starting(sheet, first):
    return next(row for row in _rows(sheet) if row and row[0] == first)


def test_the_workbook_has_a_summary_a_sheet_per_scene_and_the_indicator_data(data, municipality):
    workbook = _workbook(municipality)
    assert workbook.sheetnames == ["概要", "日常の療養支援", "入退院支援", "急変時の対応", "看取り", "指標データ"]


def test_the_summary_counts_statuses_and_overdue_actions_as_numbers(data, municipality):
    PdcaCycleFactory(plan=data.plan, scene="end_of_life", fiscal_year=2024, stage="check", check_assessment="partly")
    sheet = _workbook(municipality)["概要"]
    assert sheet["A1"].value == "令和6年度 在宅医療・介護連携推進事業 評価報告書"
    assert _row_starting(sheet, "年度")[1:3] == ["令和6年度", 2024]
    row = _row_starting(sheet, "看取り")
    assert row[1:10] == ["評価（C）", 1, 1, 1, 0, 1, 0, 2, "一部達成"]
    assert row[10] == dt.datetime(2024, 7, 10)
    assert _row_starting(sheet, "日常の療養支援")[1] == "未着手"


def test_the_scene_sheet_lists_the_overdue_action_with_owner_and_due_date(data, municipality):
    sheet = _workbook(municipality)["看取り"]
    row = _row_starting(sheet, OVERDUE_TITLE)
    assert row[1] == "連携 花子（福知山市役所 高齢者福祉課）"
    assert row[2] == dt.datetime(2024, 9, 30) and row[5] == "期限超過"
    due_cell = next(c for r in sheet.iter_rows() for c in r if c.value == dt.datetime(2024, 9, 30))
    assert "ggge" in due_cell.number_format  # shown in 和暦


def test_the_scene_sheet_holds_the_logic_model_and_indicators_with_numbers(data, municipality):
    sheet = _workbook(municipality)["看取り"]
    assert _row_starting(sheet, "目指す姿")[1] == "望む場所で最期まで暮らせる"
    measure = _row_starting(sheet, 1)
    assert measure[1:3] == ["ACP研修会を年2回開催する", "実施中"] and "在宅看取り率" in measure[3]
    indicator = _row_starting(sheet, "EOL01")
    assert indicator[1:9] == ["在宅看取り率", "%", 20.0, "令和5年度", 23.5, 22.0, 26.0, "順調"]


def test_the_indicator_data_sheet_has_one_row_per_year_with_values_and_targets(data, municipality):
    rows = [row for row in _rows(_workbook(municipality)["指標データ"]) if row[1] == "EOL01"]
    assert [(row[4], row[6], row[7]) for row in rows] == [(2023, 20.0, None), (2024, 23.5, 22.0),
                                                          (2025, None, 24.0), (2026, None, 26.0)]


def test_text_that_looks_like_a_formula_stays_text(data, municipality):
    ActionFactory(municipality=municipality, title="=HYPERLINK(\"http://evil\")", due_on=dt.date(2024, 8, 1))
    workbook = _workbook(municipality)
    cell = next(c for r in workbook["看取り"].iter_rows() for c in r if c.value == "=HYPERLINK(\"http://evil\")")
    assert cell.data_type == "s" and cell.quotePrefix


def test_the_xlsx_download_is_audited(data, make_membership, login_as, municipality):
    staff = make_membership(Role.COORDINATOR, organization=data.office)
    response = login_as(staff).get(reverse("pdca:report_download", args=[municipality.code, 2024, "xlsx"]))
    assert response.status_code == 200
    assert load_workbook(io.BytesIO(response.content)).sheetnames[0] == "概要"
    assert AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT, changes__format="xlsx").count() == 1
