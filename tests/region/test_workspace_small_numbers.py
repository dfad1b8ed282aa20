"""Small numbers (core.small_numbers): counts of people from 1 to 9 are "<10" outside their municipality; the
threshold is a setting; the region's profile, consult's desk report and the indicators library follow it."""

import pytest
from django.template import Context, Template
from django.test import override_settings
from django.urls import reverse

from renkei.core import small_numbers
from renkei.core.small_numbers import masked_count, masked_share
from renkei.region.selectors import workspace as selectors
from tests.conftest import client_for


def test_a_small_count_is_masked_outside_its_municipality():
    assert masked_count(3, outside=True) == "<10"


def test_a_small_count_is_shown_inside_its_municipality():
    assert masked_count(3, outside=False) == 3


def test_zero_and_counts_from_the_threshold_up_are_shown():
    assert masked_count(0, outside=True) == 0
    assert masked_count(10, outside=True) == 10


@override_settings(RENKEI_SMALL_NUMBER_THRESHOLD=5)
def test_the_threshold_comes_from_the_setting():
    assert masked_count(7, outside=True) == 7
    assert masked_count(4, outside=True) == "<5"


def test_a_share_over_a_masked_numerator_is_not_shown():
    assert masked_share(3, 40, outside=True) is None
    assert masked_share(3, 40, outside=False) == 7.5
    assert masked_share(12, 40, outside=True) == 30.0


def test_the_template_filter_masks_for_outside_viewers():
    template = Template("{% load small_numbers %}{{ n|masked_count:outside }}")
    assert template.render(Context({"n": 4, "outside": True})) == "&lt;10"
    assert template.render(Context({"n": 4, "outside": False})) == "4"


@override_settings(RENKEI_SMALL_NUMBER_THRESHOLD=5)
def test_the_consult_desk_report_reads_the_threshold():
    from renkei.consult.selectors.reports import count

    assert count(7, suppress=True).text == "7"
    assert count(4, suppress=True).text == "<5"


def test_the_indicators_library_takes_its_patients_threshold_from_the_setting():
    from renkei.indicators.library import PATIENTS

    assert small_numbers.threshold() == PATIENTS


def _record_patients(world, municipality, count):
    from renkei.indicators.services.imports import indicator_file_import

    data = f"地域コード,地域,期間,ZT-D-P03\n{municipality.code},{municipality.name},令和6年度,{count}\n".encode()
    run = indicator_file_import(path_or_file=data, file_name="dental.csv", mapping="table",
                                membership=world.prefecture)
    assert run.status == "applied", run.report


@pytest.mark.django_db
def test_the_profile_masks_a_small_count_of_patients_for_the_prefecture(world):
    _record_patients(world, world.ine, 3)
    scenes = selectors.municipality_indicators(world.prefecture, world.ine, fiscal_year=2025)
    shown = [row.own for scene in scenes for row in scene.rows if row.definition.code == "ZT-D-P03"]
    assert shown == ["<10"]
    html = client_for(world.prefecture).get(reverse("region:municipality_profile", args=[world.ine.code])).content
    assert "&lt;10" in html.decode()


@pytest.mark.django_db
def test_the_municipality_sees_its_own_small_count(world):
    _record_patients(world, world.ine, 3)
    scenes = selectors.municipality_indicators(world.small_town_official, world.ine, fiscal_year=2025)
    shown = [row.own for scene in scenes for row in scene.rows if row.definition.code == "ZT-D-P03"]
    assert shown == ["3"]


@pytest.mark.django_db
def test_counts_of_municipalities_are_never_masked(world):
    from .factories import answer

    answer(world.fukuchiyama, "INNNNNNN")
    data = selectors.progress(world.prefecture, world.kyoto_municipalities)
    assert data["items"][0]["implemented"] == [1]
