"""Cells of the CSV and Excel files Renkei writes never become live formulas (OWASP CSV injection)."""

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from renkei.core.spreadsheets import SafeCsvWriter, csv_value, excel_row, is_formula_like


@pytest.mark.parametrize("text", ["=HYPERLINK(\"https://evil.example\",\"x\")", "+1+1", "-2+3", "@SUM(A1)",
                                  "\t=1", "\r=1", "=", "-"])
def test_text_starting_like_a_formula_gets_a_leading_quote_in_csv(text):
    assert csv_value(text) == "'" + text


@pytest.mark.parametrize("value", [-5, -2.5, 0, "-12.5", "+81", "0773-22-1111", "内科", "", None, "a=b"])
def test_numbers_and_ordinary_text_are_left_alone_in_csv(value):
    assert csv_value(value) == value


def test_the_csv_writer_neutralises_every_field_it_writes():
    buffer = io.StringIO()
    SafeCsvWriter(buffer).writerow(["=1+1", -3, "@x", "ok"])
    assert next(csv.reader(io.StringIO(buffer.getvalue()))) == ["'=1+1", "-3", "'@x", "ok"]


def test_excel_text_is_a_string_cell_and_numbers_stay_numbers():
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("a")
    sheet.append(excel_row(sheet, ["=HYPERLINK(\"https://evil.example\")", "-1+2", -5, 3.5, "内科"]))
    buffer = io.BytesIO()
    workbook.save(buffer)
    cells = next(load_workbook(buffer)["a"].iter_rows())
    assert [c.data_type for c in cells] == ["s", "s", "n", "n", "s"]
    assert [c.value for c in cells] == ["=HYPERLINK(\"https://evil.example\")", "-1+2", -5, 3.5, "内科"]
    assert cells[0].quotePrefix and cells[1].quotePrefix and not cells[4].quotePrefix


@given(st.text(max_size=30))
def test_no_neutralised_csv_field_starts_like_a_formula(text):
    value = csv_value(text)
    assert not is_formula_like(value)
    assert value == text or value == "'" + text
