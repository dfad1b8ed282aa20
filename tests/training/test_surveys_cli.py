"""`renkei training effect SERIES_ID [--format table|csv] [--by item|profession]`."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from .survey_helpers import paired_dataset


def run(*args) -> str:
    out = io.StringIO()
    call_command("training", "effect", *[str(a) for a in args], stdout=out)
    return out.getvalue()


def test_the_table_lists_each_item_with_its_pairs_and_p_value(world):
    paired_dataset(world)
    output = run(world.series.pk)
    lines = output.splitlines()
    assert "pairs 6" in lines[0] and "only before 2" in lines[0] and "only after 1" in lines[0]
    item = next(line for line in lines if line.startswith("他の職種の役割や仕事の内容がわかる"))
    assert "全体 / all" in item and " 6 " in item and "0.0625" in item and "83.3%" in item and "large" in item
    assert any(line.startswith("合計点 / total") for line in lines)


def test_csv_by_profession_gives_a_row_per_item_and_profession(world):
    paired_dataset(world)
    output = run(world.series.pk, "--format", "csv", "--by", "profession")
    rows = list(csv.reader(io.StringIO(output.split("\n", 1)[1])))
    assert rows[0][:3] == ["設問 / item", "職種 / profession", "ペア数 / pairs"]
    body = rows[1:]
    assert len(body) == 2 * (9 + 1 + 1)  # two professions × (nine items, one subscale, the total)
    assert {row[2] for row in body} == {"3"}
    assert all(row[4] == "ペア不足 / too few pairs" for row in body)


def test_an_unknown_series_exits_1_with_a_message_in_both_languages(db):
    with pytest.raises(CommandError) as error:
        run(999999)
    assert error.value.returncode == 1
    assert "見つかりません" in str(error.value) and "unknown training series" in str(error.value)
    with pytest.raises(CommandError):
        run("abc")
