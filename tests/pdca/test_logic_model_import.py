"""Importing and exporting the logic-model table: the real 福知山市 file, "(再)" rows, bad files, the command."""

import csv
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from renkei.core.models import AuditEntry, Scene
from renkei.pdca.importers.logic_model import (
    HEADER,
    SCENE_LABELS,
    measure_match_key,
    parse_logic_model,
    scene_for_label,
    write_csv,
)
from renkei.pdca.models import LogicModel, PlanPeriod
from renkei.pdca.services.logic_model_files import logic_model_export, logic_model_import, report_lines
from renkei.pdca.services.plans import goal_current

from .conftest import FUKUCHIYAMA_FILE


def _cells(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_fukuchiyama_file_imports_with_55_rows_and_shared_measures(staff, municipality, fukuchiyama_bytes):
    result = logic_model_import(membership=staff, municipality=municipality, data=fukuchiyama_bytes,
                                file_name="fukuchiyama-logic-model.csv", fiscal_year=2024)
    assert not result.is_rejected, result.errors()
    model = result.logic_model
    assert model.placements.count() == 55
    assert model.outcomes.count() == 6
    assert model.placements.filter(is_repeat=True).count() == 18
    # "(再)" rows are the same measure, not copies: 55 rows, 38 measures (row 41's first listing is not printed).
    assert model.measures.count() == 55 - 18 + 1
    shared = model.measures.get(text="多職種の顔の見える関係づくりと、日頃から必要な相談や協議ができる雰囲気づくり")
    assert sorted(shared.placements.values_list("number", flat=True)) == [5, 18, 29, 37, 46]
    assert set(model.outcomes.values_list("scene", flat=True)) == {
        Scene.ADMISSION_DISCHARGE, Scene.DAILY_CARE, Scene.EMERGENCY, Scene.END_OF_LIFE,
        Scene.COLLABORATION_SYSTEM, Scene.INFECTION_DISASTER}
    assert model.indicators.filter(outcome__scene=Scene.DAILY_CARE).count() == 10
    assert goal_current(result.plan).text.startswith("全ての福知山市民が")
    assert result.plan.term_number == 9 and result.plan.end_fiscal_year == 2026
    assert {"collaboration_system", "infection_disaster"} <= set(result.plan.scenes)


def test_repeat_row_with_a_note_keeps_its_printed_text(staff, municipality, fukuchiyama_bytes):
    model = logic_model_import(membership=staff, municipality=municipality, data=fukuchiyama_bytes,
                               file_name="f.csv", fiscal_year=2024).logic_model
    row15 = model.placements.get(number=15)
    assert row15.is_repeat and row15.measure.text == "同職種、多職種間連携の検討の場の設定"
    assert row15.text_override == "同職種、多職種間連携の検討の場の設定(※各職種に要相談)"
    assert model.placements.get(number=33).measure_id == model.placements.get(number=10).measure_id


def test_fukuchiyama_file_exports_back_equal_as_csv_cell_by_cell_and_byte_for_byte(staff, municipality,
                                                                                 fukuchiyama_bytes):
    model = logic_model_import(membership=staff, municipality=municipality, data=fukuchiyama_bytes,
                               file_name="f.csv", fiscal_year=2024).logic_model
    content, name, _ = logic_model_export(membership=staff, logic_model=model, file_format="csv")
    assert _cells(content) == _cells(FUKUCHIYAMA_FILE.read_bytes())
    assert content == fukuchiyama_bytes
    assert name.endswith(".csv")
    assert AuditEntry.objects.filter(action="export", object_id=str(model.pk)).exists()


def test_fukuchiyama_file_exports_back_equal_as_xlsx_and_reimports(staff, municipality, fukuchiyama_bytes):
    model = logic_model_import(membership=staff, municipality=municipality, data=fukuchiyama_bytes,
                               file_name="f.csv", fiscal_year=2024).logic_model
    content, _, _ = logic_model_export(membership=staff, logic_model=model, file_format="xlsx")
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    cells = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    assert cells == _cells(fukuchiyama_bytes)
    again = logic_model_import(membership=staff, municipality=municipality, data=content, file_name="f.xlsx",
                               fiscal_year=2024)
    assert again.logic_model.revision == 2
    assert logic_model_export(membership=staff, logic_model=again.logic_model, file_format="csv")[0] \
        == fukuchiyama_bytes


def test_reimport_keeps_measure_keys_and_organizations(staff, municipality, small_file, municipal_office):
    first = logic_model_import(membership=staff, municipality=municipality, data=small_file, file_name="a.csv",
                               fiscal_year=2024).logic_model
    measure = first.measures.get(text="窓口の明確化")
    measure.lead_organizations.add(municipal_office)
    second = logic_model_import(membership=staff, municipality=municipality, data=small_file, file_name="a.csv",
                                fiscal_year=2024).logic_model
    again = second.measures.get(key=measure.key)
    assert list(again.lead_organizations.all()) == [municipal_office]
    assert set(second.outcomes.values_list("key", flat=True)) == set(first.outcomes.values_list("key", flat=True))


def test_cp932_tab_separated_file_imports(staff, municipality, small_file):
    data = small_file.decode("utf-8").replace(",", "\t").encode("cp932")
    result = logic_model_import(membership=staff, municipality=municipality, data=data, file_name="a.txt",
                                fiscal_year=2025)
    assert not result.is_rejected
    assert result.logic_model.placements.count() == 5
    assert result.parsed.encoding == "cp932"


def test_unknown_scene_label_rejects_the_whole_file_with_a_row_message(staff, municipality, small_file):
    data = small_file.decode().replace("3,日常の療養支援", "3,在宅生活").encode()
    result = logic_model_import(membership=staff, municipality=municipality, data=data, file_name="bad.csv",
                                fiscal_year=2024)
    assert result.is_rejected
    assert [(e["row"], e["column"]) for e in result.errors()] == [(4, "場面")]
    assert "在宅生活" in result.errors()[0]["reason"] and "Unknown scene" in result.errors()[0]["reason_en"]
    assert not LogicModel.objects.exists() and not PlanPeriod.objects.exists()


def test_duplicate_number_and_empty_measure_are_reported_together(staff, municipality, small_file):
    data = small_file.decode().replace("2,入退院支援,多職種研修の実施", "1,入退院支援,").encode()
    result = logic_model_import(membership=staff, municipality=municipality, data=data, file_name="bad.csv")
    assert sorted(e["column"] for e in result.errors()) == ["具体的な施策", "番号"]
    lines = report_lines(result, language="en")
    assert "rejected" in lines[0] and any("row 3" in line for line in lines)


def test_file_without_the_layouts_columns_is_rejected(staff, municipality):
    result = logic_model_import(membership=staff, municipality=municipality, data=b"a,b\r\n1,2\r\n",
                                file_name="x.csv")
    assert result.is_rejected and "番号" in result.errors()[0]["reason"]


def test_image_file_is_rejected_not_an_error(staff, municipality):
    result = logic_model_import(membership=staff, municipality=municipality, data=b"\x89PNG\r\n\x1a\n" + b"0" * 50,
                                file_name="x.png")
    assert result.is_rejected


def test_dry_run_writes_nothing(staff, municipality, small_file):
    result = logic_model_import(membership=staff, municipality=municipality, data=small_file, file_name="a.csv",
                                dry_run=True, fiscal_year=2024)
    assert not result.is_rejected and result.counts["measures"] == 3
    assert not PlanPeriod.objects.exists()


def test_another_municipalitys_staff_may_not_import(other_staff, municipality, small_file):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        logic_model_import(membership=other_staff, municipality=municipality, data=small_file, file_name="a.csv")


def test_scene_labels_and_match_keys():
    assert scene_for_label("感染症・災害") == Scene.INFECTION_DISASTER
    assert scene_for_label(" 退院支援 ") == Scene.ADMISSION_DISCHARGE
    assert scene_for_label("多職種連携の体制") == Scene.COLLABORATION_SYSTEM
    assert scene_for_label("在宅生活") is None
    assert measure_match_key("(再)同職種の場の設定(※各職種に要相談)") == measure_match_key("同職種の場の設定")


def test_row_without_indicators_continues_the_block_above(small_file):
    parsed = parse_logic_model(small_file, "a.csv")
    assert [len(block.rows) for block in parsed.blocks] == [2, 2, 1]
    assert parsed.orphan_repeats == []


def test_command_imports_and_exports_the_real_file(staff, municipality, fukuchiyama_bytes, tmp_path):
    out = io.StringIO()
    call_command("logicmodel", "import", str(FUKUCHIYAMA_FILE), "--municipality", municipality.code,
                 "--fiscal-year", "2024", stdout=out)
    assert "取り込みました" in out.getvalue() and "imported" in out.getvalue()
    target = tmp_path / "out.csv"
    call_command("logicmodel", "export", "--municipality", municipality.code, "--format", "csv",
                 "--fiscal-year", "2025", "-o", str(target), stderr=io.StringIO())
    assert target.read_bytes() == fukuchiyama_bytes


def test_command_exits_1_on_a_rejected_file(municipality, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("番号,場面,具体的な施策,成果指標,取り組みの方向性（中間アウトカム）\r\n1,不明,施策,,\r\n",
                   encoding="utf-8")
    out = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("logicmodel", "import", str(bad), "--municipality", municipality.code, stdout=out)
    assert raised.value.returncode == 1
    assert "不明" in out.getvalue()


_text = st.text(alphabet=st.sampled_from(list("施策連携在宅療養支援 ・、。()=+-@abc123")), min_size=1, max_size=30) \
    .map(str.strip).filter(lambda t: t and " / " not in t and not t.startswith(("(再)", "'")))


@given(st.lists(st.tuples(st.sampled_from(list(SCENE_LABELS)), _text, st.lists(_text, min_size=1, max_size=3),
                          st.lists(_text, min_size=1, max_size=4)), min_size=1, max_size=5), _text)
def test_written_tables_read_back_the_same(blocks, goal):
    rows, number = [list(HEADER)], 0
    for scene, outcome, indicators, measures in blocks:
        for index, measure in enumerate(measures):
            number += 1
            rows.append([number, SCENE_LABELS[scene], measure, " / ".join(indicators) if index == 0 else "",
                         outcome if index == 0 else "", goal if number == 1 else ""])
    parsed = parse_logic_model(write_csv(rows), "p.csv")
    assert parsed.is_valid, [e.as_dict() for e in parsed.errors]
    assert parsed.overall_goal == goal
    assert [(b.scene, b.outcome, b.indicators, [r.text for r in b.rows]) for b in parsed.blocks] == [
        (str(scene), outcome, indicators, measures) for scene, outcome, indicators, measures in blocks]


def test_command_exports_xlsx(staff, municipality, small_file, tmp_path):
    logic_model_import(membership=staff, municipality=municipality, data=small_file, file_name="a.csv",
                       fiscal_year=2024)
    target = tmp_path / "out.xlsx"
    call_command("logicmodel", "export", "--municipality", municipality.code, "--format", "xlsx",
                 "--fiscal-year", "2024", "-o", str(target), stderr=io.StringIO())
    sheet = load_workbook(target).worksheets[0]
    assert [c.value for c in next(sheet.iter_rows(min_row=2, max_row=2))][:3] == [1, "入退院支援", "窓口の明確化"]


def test_command_refuses_an_unknown_municipality(db):
    with pytest.raises(CommandError):
        call_command("logicmodel", "export", "--municipality", "999999", "--format", "csv")
