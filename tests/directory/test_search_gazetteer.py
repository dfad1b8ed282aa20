"""Placing a resident's "near" text (postal code, address, municipality name) without network."""

import pytest

from renkei.directory.gazetteer import resolve_near

from ..factories import FacilityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def positioned(municipality):
    FacilityFactory(municipality=municipality, address="京都府福知山市字篠尾新町1-1", latitude=35.30, longitude=135.12)
    FacilityFactory(municipality=municipality, address="京都府福知山市字篠尾新町3-5", latitude=35.32, longitude=135.14)
    FacilityFactory(municipality=municipality, address="京都府福知山市字内記10", latitude=35.40, longitude=135.20)


def test_an_address_with_its_prefecture_is_placed_at_the_centroid_of_its_town(positioned):
    place = resolve_near("京都府福知山市字篠尾新町2丁目")
    assert (round(place.lat, 3), round(place.lon, 3), place.quality) == (35.31, 135.13, "town")
    assert place.label == "福知山市篠尾新町"


def test_full_width_and_spaces_in_an_address_do_not_matter(positioned):
    assert resolve_near("福知山市　字篠尾新町２－３").quality == "town"


def test_a_municipality_name_is_placed_at_the_median_of_its_facilities(positioned):
    place = resolve_near("福知山市")
    assert (place.lat, place.lon, place.quality, place.label) == (35.32, 135.14, "municipality", "福知山市")


def test_a_municipality_name_in_hiragana_is_understood(positioned):
    assert resolve_near("ふくちやまし").label == "福知山市"


def test_a_town_we_know_nothing_about_falls_back_to_the_municipality(positioned):
    assert resolve_near("福知山市字大江町999").quality == "municipality"


def test_a_town_alone_is_placed_within_the_given_municipality(positioned, municipality):
    assert resolve_near("字篠尾新町", municipality=municipality).quality == "town"
    assert resolve_near("字篠尾新町") is None


def test_an_unknown_postal_code_places_nowhere(positioned):
    assert resolve_near("000-0000") is None


def test_a_postal_code_of_a_municipality_without_facilities_places_nowhere(municipality):
    assert resolve_near("620-0035") is None
