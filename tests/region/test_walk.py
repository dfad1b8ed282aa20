"""The region's access walk (§5): every URL under /region/ and every API operation under /api/v1/implementation and
/api/v1/region, with each role of the region world.

Written generically: routes other parts add later are walked too. A route's parameters are filled from real
objects of the world: `code` is a municipality of 京都府, `fiscal_year`/`year` the world's year, and any other
`<name_id>`/`<pk>` the first row of the region (or core) model of that name, or an id that does not exist when the
world has none (then a 404 is as good as a 403, but never a 500).

What must hold: nobody gets a 500; professionals are refused everywhere; 滋賀県's staff are refused on 京都府's
objects; the pages prefecture and 保健所 staff see never hold a patient's, a desk client's or a respondent's name.
"""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from renkei.api import api
from tests.conftest import client_for

from .factories import FY, answer

pytestmark = pytest.mark.django_db

PATIENT_NAME = "試験区別太郎"  # distinctive: appears nowhere else
REQUESTER_NAME = "窓口相談者次郎"
SUBJECT = "対象者三郎"
NAMES = (PATIENT_NAME, REQUESTER_NAME, SUBJECT)
MISSING_ID = 987654321
API_PREFIXES = ("/api/v1/implementation", "/api/v1/region")
PARAMETER = re.compile(r"<(?:(\w+):)?(\w+)>")
API_PARAMETER = re.compile(r"{(\w+)}")


def region_routes(patterns=None, prefix=""):
    """(route, view) of every URL pattern under region/."""
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            yield from region_routes(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            if route.startswith("region/"):
                yield route, entry.callback


def region_operations():
    get_resolver().url_patterns  # noqa: B018  (loading the URLs mounts the API's routers)
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            full = "/api/v1" + prefix.rstrip("/") + path
            if not full.startswith(API_PREFIXES):
                continue
            for operation in path_view.operations:
                for method in operation.methods:
                    yield method, full, operation.view_func


# Parameters whose name is not their model's: the model (app label, model name).
ALIASES = {"rule_set_id": ("handoff", "ruleset"), "rule_id": ("handoff", "ruleset"),
           "adoption_id": ("region", "ruleadoption"), "survey_id": ("region", "coordinationsurvey"),
           "project_id": ("core", "jointproject"), "round_id": ("region", "surveyround")}


def _model_for(name: str):
    """The region (or core) model a parameter names: `practice_id` → Practice, `joint_project_id` → JointProject."""
    if name in ALIASES:
        return apps.get_model(*ALIASES[name])
    wanted = name.removesuffix("_id").replace("_", "")
    for label in ("region", "core"):
        for model in apps.get_app_config(label).get_models():
            if model._meta.model_name == wanted:
                return model
    return None


def _value(name: str, world, *, owned_by_kyoto: dict) -> str:
    if name == "code":
        return world.fukuchiyama.code
    if name in ("fiscal_year", "year"):
        return str(FY)
    model = _model_for(name)
    if model is None:
        return str(MISSING_ID)
    row = model.objects.order_by("-pk").first()  # the newest: the walk world made it (not a seeded row)
    if row is None:
        return str(MISSING_ID)
    owned_by_kyoto[name] = True
    return str(row.pk)


def fill(route: str, world) -> tuple[str, bool]:
    """The URL with real ids, and whether it names an object of 京都府 (all the world's region objects are)."""
    owned: dict = {}
    url = PARAMETER.sub(lambda m: _value(m.group(2), world, owned_by_kyoto=owned), route)
    url = API_PARAMETER.sub(lambda m: _value(m.group(1), world, owned_by_kyoto=owned), url)
    takes_object = bool(PARAMETER.search(route) or API_PARAMETER.search(route))
    return ("/" + url if not url.startswith("/") else url), takes_object


@pytest.fixture
def walk_world(world):
    from tests.careteams.factories import PatientFactory
    from tests.consult.factories import CaseFactory, DeskFactory

    answer(world.fukuchiyama, "IIPNIIIN", fiscal_year=FY - 1)
    answer(world.fukuchiyama, "IIPNIIII")
    answer(world.ine, "NNNNNNNN", confirm=False)
    patient = PatientFactory(registered_by=world.professional, name=PATIENT_NAME)
    desk = DeskFactory(municipality=world.fukuchiyama)
    CaseFactory(desk=desk, requester_name=REQUESTER_NAME, subject_description=SUBJECT, patient=patient)
    _one_of_each_part(world)
    return world


def _one_of_each_part(world) -> None:
    """A row of every kind the region's routes take, all of 京都府: a round, a wide-area rule with an adoption and
    a coordination survey, a joint project, a published practice and a sharing meeting."""
    import datetime as dt

    from renkei.handoff.services.rules import NATIONAL_STEPS, rule_set_create
    from renkei.region.services.implementation import round_open
    from renkei.region.services.rules import adoption_record, coordination_survey_create

    from .joint_factories import build_joint
    from .practices_helpers import meeting, practice

    round_open(membership=world.prefecture, fiscal_year=FY, prefecture=world.kyoto, title="実施状況調査")
    rule = rule_set_create(membership=world.prefecture, name="中丹圏域退院調整ルール", area_kind="area_group",
                           area_group=world.chutan, effective_from=dt.date(FY, 4, 1),
                           steps=[dict(step) for step in NATIONAL_STEPS])
    adoption_record(membership=world.prefecture, rule_set=rule, municipality=world.fukuchiyama,
                    adopted_on=dt.date(FY, 6, 1))
    coordination_survey_create(membership=world.prefecture, prefecture=world.kyoto, title="退院調整状況調査",
                               area_group=world.chutan,
                               month=dt.date(FY, 5, 1))
    build_joint(world)
    practice(world.official, status="published")
    meeting(world.prefecture, prefecture=world.kyoto, invited=[world.fukuchiyama, world.maizuru])


def roles(world) -> dict:
    return {"official": world.official, "coordinator": world.coordinator, "neighbour": world.neighbour_official,
            "small_town": world.small_town_official, "prefecture": world.prefecture,
            "health_center": world.health_center_staff, "other_prefecture": world.other_prefecture,
            "other_official": world.other_official, "professional": world.professional, "admin": world.admin}


def test_the_walk_finds_the_workspace_routes():
    routes = [route for route, _view in region_routes()]
    for expected in ("region/", "region/municipalities/<str:code>/", "region/map/", "region/data/",
                     "region/health-centers/"):
        assert expected in routes
    assert any(path.startswith("/api/v1/region/workspace") for _m, path, _f in region_operations())


def test_no_region_page_gives_anyone_a_500(walk_world):
    for name, membership in roles(walk_world).items():
        client = client_for(membership)
        for route, _view in region_routes():
            url, _ = fill(route, walk_world)
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                assert response.status_code < 500, f"{name} {method.upper()} {url}: {response.status_code}"


def test_professionals_are_refused_every_region_page(walk_world):
    client = client_for(walk_world.professional)
    for route, _view in region_routes():
        url, _ = fill(route, walk_world)
        status = client.get(url).status_code
        assert status in (403, 404), f"a professional got {status} from {url}"
        assert status == 403 or str(MISSING_ID) in url, f"{url}: {status}"


def test_another_prefecture_s_staff_are_refused_this_prefecture_s_objects(walk_world):
    client = client_for(walk_world.other_prefecture)
    walked = 0
    for route, _view in region_routes():
        url, takes_object = fill(route, walk_world)
        if not takes_object or str(MISSING_ID) in url:
            continue
        status = client.get(url).status_code
        assert status in (403, 404), f"滋賀県's staff got {status} from {url}"
        walked += 1
    assert walked >= 1


def test_another_prefecture_s_staff_see_none_of_this_prefecture_s_municipalities_on_the_workspace(walk_world):
    client = client_for(walk_world.other_prefecture)
    for url in ("/region/", "/region/map/", "/region/data/"):
        html = client.get(url).content.decode()
        assert "舞鶴市" not in html and "伊根町" not in html, url


def test_prefecture_and_health_center_pages_hold_no_person_s_name(walk_world):
    for membership in (walk_world.prefecture, walk_world.health_center_staff):
        client = client_for(membership)
        for route, _view in region_routes():
            url, _ = fill(route, walk_world)
            for query in ("", "?whole=1", f"?year={FY - 1}", "?layer=progress"):
                html = client.get(url + query).content.decode()
                for name in NAMES:
                    assert name not in html, f"{name} on {url}{query}"


def _api(client: Client, method: str, url: str, membership):
    from renkei.core.services.accounts import api_token_create

    token = api_token_create(membership=membership, name="walk")[1]
    body = {} if method == "GET" else {"data": "{}", "content_type": "application/json"}
    return client.generic(method, url, HTTP_AUTHORIZATION=f"Bearer {token}", **body)


def test_no_region_api_operation_gives_anyone_a_500_and_professionals_are_refused(walk_world):
    client = Client()
    operations = list(region_operations())
    assert operations
    for name, membership in roles(walk_world).items():
        for method, path, _func in operations:
            url, _ = fill(path, walk_world)
            response = _api(client, method, url, membership)
            assert response.status_code < 500, f"{name} {method} {url}: {response.status_code}"
            if name == "professional":
                assert response.status_code in (403, 404), f"a professional got {response.status_code} from {url}"
            if name in ("prefecture", "health_center"):
                for person in NAMES:
                    assert person not in response.content.decode(), f"{person} in {method} {url}"


def test_another_prefecture_s_api_reads_none_of_this_prefecture_s_statuses(walk_world):
    response = _api(Client(), "GET", "/api/v1/region/workspace/statuses", walk_world.other_prefecture)
    assert response.status_code == 200
    codes = {row["municipality_code"] for row in response.json()}
    assert walk_world.fukuchiyama.code not in codes
    assert walk_world.otsu.code in codes
