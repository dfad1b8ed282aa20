"""`renkei implementation population`: the documented CSV recorded through the indicators engine, all or nothing."""

import io

import pytest
from django.core.management import CommandError, call_command

from renkei.region.selectors.population import populations
from renkei.region.services.population import population_import

from .factories import FY


@pytest.fixture
def bare(db):
    from .factories import build_world

    return build_world(population=False)


def test_the_population_file_is_recorded_for_the_bands(bare, tmp_path):
    path = tmp_path / "population.csv"
    path.write_text(f"市区町村コード,総人口,75歳以上人口,年度\n{bare.fukuchiyama.code},\"76,500\",12500,{FY}\n"
                    f"{bare.ine.jis_code},2000,,{FY}\n", encoding="cp932")
    out = io.StringIO()
    call_command("implementation", "population", str(path), stdout=out)
    assert populations([bare.fukuchiyama, bare.ine], FY) == {bare.fukuchiyama.pk: 76_500, bare.ine.pk: 2_000}


def test_a_bad_row_rejects_the_file_with_its_row_number(bare):
    result = population_import(data=f"市区町村コード,人口\n{bare.fukuchiyama.code},100\n999991,5\n".encode(),
                               fiscal_year=FY)
    assert [e.row for e in result.errors] == [3] and result.errors[0].reason_en
    assert populations([bare.fukuchiyama], FY) == {}


def test_rows_without_a_year_need_the_year_option(bare, tmp_path):
    path = tmp_path / "p.csv"
    path.write_text(f"市区町村コード,総人口\n{bare.ayabe.code},31000\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("implementation", "population", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    call_command("implementation", "population", str(path), "--year", str(FY), stdout=io.StringIO())
    assert populations([bare.ayabe], FY) == {bare.ayabe.pk: 31_000}


def test_the_demo_records_every_municipality_of_the_prefecture_once(bare):
    from renkei.region.demo import survey as demo

    lines = demo.build(bare.fukuchiyama)
    first, last = demo._years()
    found = populations(bare.kyoto_municipalities, last)
    assert len(lines) == 1 and set(found) == {m.pk for m in bare.kyoto_municipalities}
    assert found[bare.ine.pk] < 10_000 < found[bare.fukuchiyama.pk]
    assert len(populations(bare.kyoto_municipalities, first)) == 4
    assert demo.build(bare.fukuchiyama) == []
