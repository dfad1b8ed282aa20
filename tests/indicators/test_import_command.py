"""`renkei indicators import`: the report on stdout, exit status 1 when the file is rejected."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from renkei.indicators.models import IndicatorImportRun, IndicatorValue

from .import_support import csv_bytes, death_place_definitions, death_place_wide, kyoto_places

pytestmark = pytest.mark.django_db


@pytest.fixture
def death_file(tmp_path):
    kyoto_places()
    death_place_definitions()
    path = tmp_path / "死亡の場所_2023.csv"
    path.write_bytes(csv_bytes(death_place_wide([("26201 福知山市", [900, 600, 10, 40, 0, 100, 150, 0])])))
    return path


def test_command_imports_a_death_place_file_and_prints_the_counts(death_file, capsys):
    call_command("indicators", "import", str(death_file), "--mapping", "estat-death-place")

    out = capsys.readouterr().out
    assert "死亡の場所_2023.csv" in out
    assert "新規 6" in out
    assert IndicatorValue.objects.filter(area_key="M262013", is_current=True).count() == 6


def test_command_dry_run_writes_nothing_and_lists_what_would_change(death_file, capsys):
    call_command("indicators", "import", str(death_file), "--mapping", "estat-death-place", "--dry-run")

    out = capsys.readouterr().out
    assert "created: ZT-T-O01 M262013 FY2023" in out
    assert not IndicatorValue.objects.exists()
    assert IndicatorImportRun.objects.get().status == IndicatorImportRun.Status.DRY_RUN


def test_command_exits_1_with_the_rows_reasons_when_the_file_is_rejected(tmp_path, capsys):
    kyoto_places()
    death_place_definitions()
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes(death_place_wide([("26201 福知山市", [900, 600, 10, 40, 0, 100, 150, 0]),
                                                 ("99999 どこか市", [1, 1, 0, 0, 0, 0, 0, 0])])))

    with pytest.raises(CommandError) as error:
        call_command("indicators", "import", str(path), "--mapping", "estat-death-place")

    assert error.value.returncode == 1
    assert "6 行目" in capsys.readouterr().out
    assert not IndicatorValue.objects.exists()


def test_command_refuses_an_unknown_mapping_without_a_municipality(death_file):
    with pytest.raises(CommandError, match="not a built-in layout"):
        call_command("indicators", "import", str(death_file), "--mapping", "my-survey")


def test_command_uses_a_saved_mapping_of_the_municipality_by_its_name(tmp_path, capsys):
    from renkei.indicators.services.imports import indicator_mapping_save

    from .import_support import make_definition

    places = kyoto_places()
    make_definition("home_visit_patients")
    header = ["保険者名", "年度", "在宅医療 受診者数"]
    columns = {"indicators": [{"definition": "home_visit_patients", "value": "在宅医療 受診者数"}]}
    indicator_mapping_save(name="KDB", layout="kdb", municipality=places["fukuchiyama"], headers=header,
                           columns=columns)
    path = tmp_path / "kdb.csv"
    path.write_bytes(csv_bytes([header, ["福知山市", "R5", "540"]], encoding="cp932"))

    call_command("indicators", "import", str(path), "--mapping", "KDB", "--municipality", "262013")

    assert IndicatorValue.objects.get(definition__code="home_visit_patients").value == 540
    assert IndicatorImportRun.objects.get().mapping.name == "KDB"
