"""The built-in library: every definition complete, sources named, seeded idempotently by code."""

import re

import pytest

from renkei.core.models.program import ProgramItem, Scene
from renkei.indicators import registry
from renkei.indicators.library import (
    DEFINITIONS,
    POPULATION_65_PLUS,
    POPULATION_75_PLUS,
    POPULATION_TOTAL,
    seed_library,
)
from renkei.indicators.models import AreaLevel, IndicatorDefinition, Kind, Origin, PeriodType
from tests.factories import MunicipalityFactory

from .factories import builtin

CODE = re.compile(r"^ZT-(BASE-\d{2}|[DAETC]-[SPO]\d{2})$")


def test_the_library_holds_about_thirty_definitions_with_unique_stable_codes():
    codes = [d["code"] for d in DEFINITIONS]
    assert 30 <= len(codes) <= 80  # 67 with the desk's, training's and awareness's (issue 12)
    assert len(set(codes)) == len(codes)
    assert all(CODE.match(code) for code in codes), [c for c in codes if not CODE.match(c)]


@pytest.mark.parametrize("spec", DEFINITIONS, ids=lambda d: d["code"])
def test_every_definition_is_fully_filled(spec):
    for name in ("name_ja", "name_en", "description", "numerator_label", "unit", "data_source", "vintage_note"):
        assert spec[name].strip(), name
    assert spec["kind"] in Kind.values
    assert set(spec["scenes"]) <= set(Scene.values)
    assert spec["program_items"] and set(spec["program_items"]) <= set(ProgramItem.values)
    assert spec["factor"] in IndicatorDefinition.Factor.values
    assert spec["period_type"] in PeriodType.values
    assert spec["area_levels"] and set(spec["area_levels"]) <= set(AreaLevel.values)
    assert spec["origin"] in Origin.values
    assert spec["suppression_threshold"] in (0, 10)
    assert spec["higher_is_better"] in (True, False, None)
    # A rate is scaled; a count is not; a mean (days per case) divides without scaling.
    if spec["unit"] == "日":
        assert spec["factor"] == 1 and spec["denominator_label"]
    else:
        assert (spec["factor"] > 1) == bool(spec["denominator_label"])


@pytest.mark.parametrize("spec", DEFINITIONS, ids=lambda d: d["code"])
def test_computed_definitions_name_a_registered_provider_and_the_others_none(spec):
    if spec["origin"] == Origin.COMPUTED:
        assert registry.provider(spec["provider"]) is not None, spec["provider"]
    else:
        assert spec["provider"] == ""


def test_facility_counts_are_never_suppressed_and_patient_counts_under_ten_are():
    for spec in DEFINITIONS:
        if spec["unit"] == "施設":
            assert spec["suppression_threshold"] == 0, spec["code"]
        if "患者" in spec["numerator_label"]:
            assert spec["suppression_threshold"] == 10, spec["code"]


def test_home_death_shares_carry_the_caveat_that_they_include_unattended_deaths():
    home = [d for d in DEFINITIONS if d["code"] in ("ZT-T-O01", "ZT-T-O03")]
    assert len(home) == 2
    for spec in home:
        assert "孤独死" in spec["caveat"] and "医師" in spec["caveat"]
        assert spec["origin"] == Origin.IMPORTED and "人口動態統計" in spec["data_source"]


def test_population_denominators_are_imported_from_e_stat():
    for code in (POPULATION_TOTAL, POPULATION_75_PLUS, POPULATION_65_PLUS):
        spec = next(d for d in DEFINITIONS if d["code"] == code)
        assert spec["origin"] == Origin.IMPORTED and "e-Stat" in spec["data_source"]
        assert AreaLevel.MUNICIPALITY in spec["area_levels"]


def test_the_directory_indicators_the_issue_names_are_computed():
    computed = {d["provider"] for d in DEFINITIONS if d["origin"] == Origin.COMPUTED}
    assert {"directory.home_visit_clinics_per_100k_75plus", "directory.round_the_clock_nursing_share",
            "directory.home_care_support_clinics", "directory.population_beyond_home_visit_reach",
            "directory.details_confirmed_within_12_months"} <= computed


def test_handoff_consultation_and_training_indicators_are_entered_until_their_apps_compute_them():
    entered = {d["code"] for d in DEFINITIONS if d["origin"] == Origin.ENTERED}
    assert "ZT-A-P04" in entered  # the survey's 退院調整率 stays entered beside the handoff's measured rate
    computed = {"ZT-C-P02", "ZT-C-P03", "ZT-C-P04", "ZT-C-P05", "ZT-C-O01"}  # the desk's and training's apps
    assert not computed & entered


def test_the_migration_seeded_the_library(db):
    assert IndicatorDefinition.objects.filter(is_builtin=True).count() == len(DEFINITIONS)
    assert builtin("ZT-D-S01").provider == "directory.home_visit_clinics_per_100k_75plus"


def test_seeding_again_changes_nothing(db):
    before = dict(IndicatorDefinition.objects.values_list("code", "version"))
    assert seed_library() == {"created": 0, "updated": 0, "unchanged": len(DEFINITIONS)}
    assert dict(IndicatorDefinition.objects.values_list("code", "version")) == before


def test_seeding_restores_a_changed_builtin_and_recreates_a_missing_one(db):
    definition = builtin("ZT-E-S02")
    definition.name_ja = "書き換え"
    definition.save()
    builtin("ZT-C-P04").delete()
    assert seed_library() == {"created": 1, "updated": 1, "unchanged": len(DEFINITIONS) - 2}
    assert builtin("ZT-E-S02").name_ja == "24時間対応の訪問看護ステーションの割合"
    assert builtin("ZT-C-P04").is_builtin


def test_seeding_leaves_an_administrators_deactivation_alone(db):
    IndicatorDefinition.objects.filter(code="ZT-D-S03").update(is_active=False)
    seed_library()
    assert builtin("ZT-D-S03").is_active is False


def test_seeding_never_touches_a_municipalitys_definition_with_a_builtin_code(db):
    municipality = MunicipalityFactory()
    own = IndicatorDefinition.objects.create(code="ZT-D-S01", owner_municipality=municipality, name_ja="独自の指標",
                                             kind="structure", origin=Origin.ENTERED)
    seed_library()
    own.refresh_from_db()
    assert own.name_ja == "独自の指標" and own.origin == Origin.ENTERED and own.version == 1
    assert IndicatorDefinition.objects.filter(code="ZT-D-S01").count() == 2
