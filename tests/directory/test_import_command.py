"""renkei import mhlw|municipal|kaigo FILE…: reports, exit codes, mappings found by header signature."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from django.utils.translation import gettext

from renkei.directory.importers.common import read_header
from renkei.directory.importers.municipal import suggest_mapping
from renkei.directory.models import Facility, ImportRun
from renkei.directory.services.imports import column_mapping_save

from .test_import_support import facility_header, facility_row, hours_header, make_kumamoto, real_file, write_mhlw


def ja(text: str, **values) -> str:
    """`text` as the command prints it: in the installation's language (Japanese)."""
    with translation.override("ja"):
        return gettext(text) % values if values else gettext(text)


@pytest.fixture
def kumamoto(db):
    return make_kumamoto()


def run_command(*args) -> str:
    out = io.StringIO()
    call_command("import", *args, stdout=out)
    return out.getvalue()


def test_mhlw_files_import_facility_file_first_and_print_the_report(kumamoto, tmp_path):
    facilities = write_mhlw(tmp_path / "01-1_hospital_facility_info_20260601.csv", facility_header(),
                            [facility_row("4310000000001", "熊本中央病院", "熊本市中央区新屋敷1-17-1")])
    monday = {"ID": "4310000000001", "診療科目名": "内科", "月_診療開始時間": "9:00", "月_診療終了時間": "12:00"}
    hours = write_mhlw(tmp_path / "01-2_hospital_speciality_hours_20260601.csv", hours_header(), [monday])

    output = run_command("mhlw", str(hours), str(facilities))

    with translation.override("ja"):  # the operator reads the report in the installation's language
        applied = str(ImportRun.Outcome.APPLIED.label)
    assert f"01-1_hospital_facility_info_20260601.csv: {applied}" in output
    with translation.override("ja"):
        rows, created = gettext("rows read"), gettext("created")
    assert f"{rows} 1, {created} 1" in output and "rows read" not in output  # labels in the operator's language
    assert Facility.objects.get().departments == "|内科|"


def test_a_rejected_file_exits_non_zero_and_prints_each_reason(kumamoto, tmp_path):
    path = write_mhlw(tmp_path / "01-1_hospital_facility_info_20260601.csv", facility_header(),
                      [facility_row("4310000000001", "熊本中央病院", "熊本市中央区新屋敷1-17-1"),
                       facility_row("123", "壊れた行", "熊本市中央区")])
    out = io.StringIO()

    with pytest.raises(CommandError) as raised:
        call_command("import", "mhlw", str(path), stdout=out)

    assert raised.value.returncode == 1
    assert ja("row %(row)s", row=3) + ": ID「123」が 13 桁の数字ではありません。" in out.getvalue()
    assert Facility.objects.count() == 0


def test_dry_run_writes_nothing(kumamoto, tmp_path):
    path = write_mhlw(tmp_path / "01-1_hospital_facility_info_20260601.csv", facility_header(),
                      [facility_row("4310000000001", "熊本中央病院", "熊本市中央区新屋敷1-17-1")])

    output = run_command("mhlw", str(path), "--dry-run")

    with translation.override("ja"):
        dry_run = str(ImportRun.Outcome.DRY_RUN.label)
    assert dry_run in output and Facility.objects.count() == 0
    assert ImportRun.objects.get().outcome == ImportRun.Outcome.DRY_RUN


def test_an_own_layout_without_a_saved_mapping_stops_with_advice(kumamoto):
    with pytest.raises(CommandError, match="browser"):
        call_command("import", "municipal", str(real_file("yakkyoku_list_yakkyoku_list.csv")),
                     "--municipality", "431001", stdout=io.StringIO())


def test_an_own_layout_uses_the_saved_mapping_with_the_same_header(kumamoto):
    path = real_file("yakkyoku_list_yakkyoku_list.csv")
    _, header, sample = read_header(path.read_bytes())
    column_mapping_save(municipality=kumamoto, name="薬局一覧", kind="", columns=suggest_mapping(header, sample),
                        headers=header)

    output = run_command("municipal", str(path), "--municipality", "431001")

    assert f"{ja('rows read')} 400, {ja('created')} 400" in output


def test_a_named_mapping_can_be_chosen(kumamoto):
    path = real_file("yakkyoku_list_original_yakkyoku_list.csv")
    _, header, sample = read_header(path.read_bytes())
    column_mapping_save(municipality=kumamoto, name="薬局", kind="pharmacy", columns=suggest_mapping(header, sample),
                        headers=header)

    output = run_command("municipal", str(path), "--municipality", "431001", "--mapping", "薬局", "--dry-run")

    assert f"{ja('created')} 400" in output


def test_unknown_municipality_and_missing_files_are_clear_errors(kumamoto, tmp_path):
    with pytest.raises(CommandError, match="Unknown municipality"):
        call_command("import", "kaigo", str(tmp_path), "--municipality", "999999")
    with pytest.raises(CommandError, match="No such file"):
        call_command("import", "kaigo", str(tmp_path / "missing.csv"))


DENTAL_LIST = ("全国地方公共団体コード,ID,地方公共団体名,名称,名称_カナ,医療機関の種類,所在地_連結表記,緯度,経度,"
               "電話番号,診療科目\n"
               "431001,1,熊本市,スマイルこども,,,熊本市中央区手取本町1-2,32.80,130.70,096-000-0000,\n")


def test_the_kind_of_a_list_without_kinds_is_given_with_kind(kumamoto, tmp_path):
    path = tmp_path / "431001_dental.csv"
    path.write_text(DENTAL_LIST, encoding="utf-8")

    with pytest.raises(CommandError):
        run_command("municipal", str(path), "--no-coverage")
    run_command("municipal", str(path), "--kind", "dental_clinic", "--no-coverage")

    assert Facility.objects.get().kind == "dental_clinic"


def test_a_failed_coverage_recomputation_is_reported_as_a_failure_without_a_traceback(kumamoto, tmp_path,
                                                                                      monkeypatch, caplog):
    from renkei.directory.models import CoverageRun
    from renkei.directory.services import coverage

    def spread(run):
        raise ValueError("the facilities of 熊本市中央区 spread over 1,234,567 cells: check their positions")

    monkeypatch.setattr(coverage, "_compute_and_store", spread)
    path = tmp_path / "431001_dental.csv"
    path.write_text(DENTAL_LIST.replace("スマイルこども,,,", "スマイルこども,,歯科診療所,"), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()

    with pytest.raises(CommandError) as raised:
        call_command("import", "municipal", str(path), stdout=out, stderr=err)

    assert raised.value.returncode == 1
    assert Facility.objects.count() == 1  # the import itself stays applied
    assert "spread over 1,234,567 cells" in err.getvalue()
    assert ja("Coverage gaps recomputed for %(count)s municipalities.", count=1) not in out.getvalue()
    assert CoverageRun.objects.get().status == CoverageRun.Status.FAILED
    failures = [r for r in caplog.records if r.levelname == "ERROR" and "coverage run" in r.getMessage()]
    assert failures and not any(r.exc_info for r in failures)  # logged with its reason, no traceback
