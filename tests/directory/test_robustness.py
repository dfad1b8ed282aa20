"""Bad input never gets a 500: every directory and portal URL, walked with junk query strings and junk forms.

The walk reuses the core URL-walk world (tests/core/test_policy.py): one object of each kind the directory's
URLs name. Each route is checked by a municipal staff member (a system administrator where the staff member is
refused: shared taxonomy, prefecture screens), and by an anonymous visitor when the route is public.
"""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError
from django.test import Client
from hypothesis import example, given, settings
from hypothesis import strategies as st

from renkei.core.models import AuditEntry
from renkei.directory.importers.common import read_header
from renkei.directory.importers.municipal import suggest_mapping
from renkei.directory.models import Facility, FacilityIdentifier, ImportRun, MeshPopulation
from renkei.directory.selectors.search import FacilitySearch, parse_facility_search

from ..conftest import client_for
from ..core.test_policy import PUBLIC_VIEWS, url_for, web_views, world  # noqa: F401  (world is a fixture)

DIRECTORY_ROUTES = [(route, name) for route, name, _view in web_views()
                    if route.startswith(("directory/", "resources/"))]

HUGE = "99999999999999999999"

# Raw query strings: invalid percent-encoding, huge and negative numbers, impossible dates, repeated parameters.
JUNK_QUERIES = [
    "limit=99999", "limit=-1&offset=-5", f"offset={HUGE}", "limit=abc&offset=1.5",
    f"page={HUGE}", "page=-1", "page=abc&page=2", "page=%FF",
    "lat=abc&lon=135.1", "lat=1e400&lon=-1e400", "lat=nan&lon=inf", "lat=35.3", "lon=135.1&radius_km=5",
    "lat=35.3&lon=135.1&radius_km=-1", "lat=35.3&lon=135.1&radius_km=1e308", "radius_km=abc",
    "open_at=2026-13-45", "open_at=2026-13-45T25:61", "open_at=99999-01-01T00:00", "open_at=now&open_at=x",
    "open_at=9999-12-31T23:59-12:00", "open_at=0001-01-01T00:00%2B14:00", "open_at=0001-01-01T00:00",
    "kind=nonsense", "kind=clinic&kind=clinic&kind=hospital", "kind=%FF%FE", "kinds=x",
    "municipality=abc", "municipality=999999", "municipality=%FF%FE", "municipality=262013&municipality=131016",
    f"municipality={HUGE}", "code=abc", "code=%C2%B2", f"code={HUGE}",
    "area=-1", f"area={HUGE}", "area=abc", "area=%C2%B2",
    "q=" + "%E3%81%82" * 3000, "q=%FF%FE%80", "q=%E2%80%AE%EF%BB%BF", "q=%25%5F%5C", "q=.*%5B(",
    "near=%FF", "near=" + "x" * 1000, "near=%E3%80%92620-0000",
    "capability=nonsense", "capability=" + ",".join(f"c{i}" for i in range(100)), "capability=" + "x" * 100,
    "service=999", "department=a|b", "department=" + "x" * 100,
    "include_closed=maybe", "status=zzz", "status=closed&status=open", "no_position=maybe",
    f"stale_months={HUGE}", "stale_months=-3", "stale_months=abc", "stale_months=%C2%B2",
    "other=%C2%B2", f"other={HUGE}", "other=-1", "other=abc",
    "format=zzz", "format=csv&format=pdf", "mesh=zzz", "scope=zzz", "sort=;drop table x",
    "select_all=1&facility=abc", "facility=%C2%B2", f"facility={HUGE}",
    "%FF=%FF", "a" * 2000 + "=1",
]

# Values for every field a page's forms name, in GET and POST.
JUNK_VALUES = ["", "abc", "-1", "0", HUGE, "1e400", "nan", "2026-13-45", "²", "あ" * 5000, "%FF",
               "\u202e\ufeff\ufffd", "<script>alert(1)</script>", "1.5", "on", "true",
               "一般:²", "一般:𐩀", "𐩀", "#²"]

JUNK_FILES = [b"", b"\xff\xfe\x00\x01garbage", b"{", b'{"type":"FeatureCollection","features":[{"geometry":null}]}',
              b'{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":'
              b'{"type":"Polygon","coordinates":[[[1e400,0]]]}}]}',
              "名称,住所\n".encode("cp932"), b"KEY_CODE,T000876001\n*,*\n",
              "KEY_CODE,T000876001\n,人口（総数）\n52351234,𐩀\n".encode(), b"a,b\n" + b"\"unterminated\n" * 3]

# Names the views read straight from the request, whether or not a page offers them as fields.
REQUEST_NAMES = {"action", "area", "code", "email", "facility", "invitation", "keep", "kind", "municipality", "other",
                 "page", "q", "scope", "stale_months", "status"}

FIELD_NAME = re.compile(r"""<(?:input|select|textarea|button)\b[^>]*?\bname="([^"]+)"[^>]*>""", re.S)
FILE_FIELD = re.compile(r"""<input\b[^>]*?\btype="file"[^>]*>""", re.S)
NAME_ATTRIBUTE = re.compile(r'\bname="([^"]+)"')


def form_fields(response) -> tuple[set[str], set[str]]:
    """The field names of the forms on a page, and which of them take files."""
    if "html" not in response.get("Content-Type", ""):
        return set(), set()
    html = response.content.decode(errors="replace")
    files = {m.group(1) for tag in FILE_FIELD.findall(html) if (m := NAME_ATTRIBUTE.search(tag))}
    return set(FIELD_NAME.findall(html)) - {"csrfmiddlewaretoken"}, files


def junk_path_variants(route: str, world) -> list[str]:  # noqa: F811
    """The route with its parameters replaced by ids and codes that exist nowhere or cannot exist."""
    variants = []
    for value in (HUGE, "0", "²", "abc", "x" * 300):
        url = re.sub(r"<(?:int|str|slug)?:?[a-z_0-9]+>", value, route)
        variants.append("/" + url)
    return variants


def assert_no_server_error(client: Client, method: str, url: str, data=None, *, who: str) -> int:
    response = getattr(client, method)(url, data) if data is not None else getattr(client, method)(url)
    shown = data if not isinstance(data, dict) else {k: (v[:40] if isinstance(v, str) else v)
                                                      for k, v in data.items()}
    assert response.status_code < 500, f"{who}: {method.upper()} {url[:300]} {str(shown)[:300]} " \
                                       f"gave {response.status_code}"
    return response.status_code


def walk_with_junk(client: Client, url: str, *, who: str) -> int:
    """GET and POST the URL with every junk query and every junk value in each of its forms' fields."""
    requests = 0
    first = client.get(url, follow=True)  # POST-only views redirect to the page holding their form
    assert first.status_code < 500, f"{who}: GET {url} gave {first.status_code}"
    fields, file_fields = form_fields(first)
    fields |= REQUEST_NAMES
    for query in JUNK_QUERIES:
        assert_no_server_error(client, "get", f"{url}?{query}", who=who)
        requests += 1
    assert_no_server_error(client, "post", url, {}, who=who)
    for value in JUNK_VALUES:
        plain = {name: value for name in fields - file_fields}
        assert_no_server_error(client, "get", url, plain, who=who)
        assert_no_server_error(client, "post", url, plain, who=who)
        assert_no_server_error(client, "post", url, {name: [value, "1", value] for name in fields - file_fields},
                               who=who)
        requests += 3
    for content in JUNK_FILES if file_fields else []:
        for value in ("", "abc", "1", "2020", "areas", "outline", "municipal", "mhlw", "kaigo", "262013"):
            data = {name: value for name in fields - file_fields}
            data.update({name: SimpleUploadedFile("junk.csv", content) for name in file_fields})
            assert_no_server_error(client, "post", url, data, who=who)
            requests += 1
    return requests


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "name"), DIRECTORY_ROUTES, ids=[name for _route, name in DIRECTORY_ROUTES])
def test_no_directory_url_answers_junk_input_with_a_server_error(world, route, name):  # noqa: F811
    url = url_for(route, world)
    city = client_for(world.members["city"])
    # The administrator walks the screens the municipal staff member is refused (shared taxonomy, prefecture).
    reaching = city if city.get(url).status_code != 403 else client_for(world.members["admin"])
    callers = [("staff", reaching)]
    if name in PUBLIC_VIEWS:
        callers.append(("anonymous", Client()))
    requests = 0
    for who, client in callers:
        requests += walk_with_junk(client, url, who=who)
        for junk_url in junk_path_variants(route, world):
            assert_no_server_error(client, "get", junk_url, who=who)
            assert_no_server_error(client, "post", junk_url, {}, who=who)
    assert requests >= len(callers) * len(JUNK_QUERIES)


def test_the_walk_covers_every_directory_and_portal_route():
    names = {name for _route, name in DIRECTORY_ROUTES}
    assert {"portal:search", "portal:facilities_geojson", "directory:facility_merge", "directory:survey_round_links",
            "directory:import_upload", "directory:coverage_shapes_upload", "directory:export_download"} <= names
    assert len(names) >= 60


# --- the search parser, fuzzed ---------------------------------------------------------------------

SEARCH_PARAMETERS = ["q", "kind", "service", "capability", "department", "area", "municipality", "open_at", "lat",
                     "lon", "radius_km", "near", "include_closed", "limit", "offset"]
search_values = st.one_of(
    st.text(max_size=60),
    st.integers(min_value=-10**30, max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.datetimes().map(lambda d: d.isoformat()),
    st.sampled_from(["now", "clinic", "262013", "26201", "2026-13-45T10:00", "²", "１２", "1e400", "-0", "+5"]),
)
search_data = st.dictionaries(st.sampled_from(SEARCH_PARAMETERS),
                              st.one_of(search_values, st.lists(search_values, max_size=4)), max_size=8)


@pytest.mark.django_db
@settings(max_examples=300, deadline=None)
@given(data=search_data)
@example(data={"capability": "\x00"})  # once generated on PostgreSQL: a DataError instead of a message
def test_the_search_parser_answers_any_input_with_parameters_or_messages(data):
    params, errors = parse_facility_search(data)
    assert isinstance(params, FacilitySearch)
    assert all(isinstance(key, str) and isinstance(message, str) and " / " in message
               for key, message in errors.items())
    if not errors:
        assert 1 <= params.limit <= 1000 and params.offset >= 0
        assert params.radius_km is None or params.radius_km > 0
        assert (params.lat is None) == (params.lon is None)


@pytest.mark.django_db
@pytest.mark.parametrize("name, value", [("capability", "home\x00visit"), ("capability", ["scheduled_home_visit",
                                          "\x00"]), ("q", "内科\x00"), ("near", "福知山市\x1b"), ("kind", "clinic\x7f"),
                                          ("municipality", "26201\x00"), ("department", "内\x85科")])
def test_a_control_character_in_a_search_parameter_is_refused_with_a_message(name, value):
    params, errors = parse_facility_search({name: value, "limit": "10"})
    assert set(errors) == {name}
    assert errors[name] == (f"{name} に使えない文字（制御文字）が含まれています。 / "
                            f"{name} contains a control character, which is not allowed.")
    assert params.capabilities == [] and params.q == "" and params.near == "" and params.limit == 10


@pytest.mark.django_db
@pytest.mark.parametrize("moment", ["9999-12-31T23:59-12:00", "0001-01-01T00:00+14:00", "0001-01-01T00:00",
                                    "9999-12-31T23:59:59"])
def test_a_moment_at_the_edge_of_the_calendar_is_refused_with_a_message(moment):
    params, errors = parse_facility_search({"open_at": moment})
    assert params.open_at is None
    assert "open_at" in errors and " / " in errors["open_at"]


def test_a_moment_within_the_years_served_is_read():
    params, errors = parse_facility_search({"open_at": "2030-05-05T10:00"})
    assert errors == {} and (params.open_at.year, params.open_at.hour) == (2030, 10)


# --- imports are all-or-nothing per file ------------------------------------------------------------------

def _fail_midway(*args, **kwargs):
    raise DatabaseError("injected: the disk filled up halfway through the file")


@pytest.mark.django_db
def test_an_import_failing_after_its_facilities_are_written_leaves_no_partial_rows(monkeypatch):
    from renkei.directory.services import imports as import_services

    from .test_import_support import make_kumamoto, real_file

    city = make_kumamoto()
    data = real_file("byouin_list_byouin_list.csv").read_bytes()
    _, header, sample = read_header(data)
    mapping = import_services.column_mapping_save(municipality=city, name="list", kind="",
                                                  columns=suggest_mapping(header, sample), headers=header)
    bulk_before = AuditEntry.objects.filter(action=AuditEntry.Action.BULK).count()
    # Identifiers and hours are written after the facilities' bulk_create: fail there.
    monkeypatch.setattr(import_services, "_insert_rows", _fail_midway)
    with pytest.raises(DatabaseError):
        import_services.import_file(source="municipal", file=data, file_name="list.csv", mapping=mapping,
                                    municipality=city)
    assert Facility.objects.count() == 0
    assert FacilityIdentifier.objects.count() == 0
    assert not ImportRun.objects.filter(outcome=ImportRun.Outcome.APPLIED).exists()
    assert AuditEntry.objects.filter(action=AuditEntry.Action.BULK).count() == bulk_before

    monkeypatch.undo()  # the same file then imports whole
    run = import_services.import_file(source="municipal", file=data, file_name="list.csv", mapping=mapping,
                                      municipality=city)
    assert run.outcome == ImportRun.Outcome.APPLIED and Facility.objects.count() == run.counts["created"] > 0


@pytest.mark.django_db
def test_a_population_file_failing_after_its_rows_are_written_leaves_no_partial_rows(monkeypatch):
    from renkei.directory.services import population

    from .test_coverage_population import HEADER_1KM, estat_file

    monkeypatch.setattr(population, "audit", SimpleNamespace(record=_fail_midway))
    with pytest.raises(DatabaseError):
        population.mesh_population_import(file=estat_file(HEADER_1KM, "52350523,0,,,3200,1,1,1,1",
                                                          "52350524,0,,,10,1,1,1,1"),
                                          file_name="tblT001140S5235.txt", survey_year=2020)
    assert MeshPopulation.objects.count() == 0
    assert not ImportRun.objects.filter(outcome=ImportRun.Outcome.APPLIED).exists()


@pytest.mark.django_db
def test_the_facility_api_answers_junk_queries_without_a_server_error(world, api_token_for):  # noqa: F811
    token = api_token_for(world.members["doctor"])
    urls = ["/api/v1/facilities", f"/api/v1/facilities/{world.directory.facility.pk}",
            f"/api/v1/facilities/{HUGE}", "/api/v1/facilities/0"]
    for headers in ({}, {"HTTP_AUTHORIZATION": f"Bearer {token}"}):
        client = Client(**headers)
        for url in urls:
            for query in JUNK_QUERIES:
                assert_no_server_error(client, "get", f"{url}?{query}", who="api")
