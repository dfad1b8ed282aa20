"""Generated requests to every handoff API operation never get a 5xx, for callers who may act: the care manager
(home side), the hospital's discharge nurse (hospital side) and municipal staff (rules, report).

The operations are read from the OpenAPI schema, so operations added later are fuzzed too. Each generated case is
sent as generated, and once more aimed at the world's real handoff, form, conference and step, so that the
operations are reached past the 404 of a random id.
"""

import pytest
from hypothesis import HealthCheck, given, settings

from renkei.api import api
from renkei.handoff.services import documents as document_services

from .conference_helpers import propose
from .factories import build_world, open_handoff

OPENAPI = api.get_openapi_schema(path_prefix="/api/v1/")
OPERATIONS = sorted((path, method.upper()) for path, operations in OPENAPI["paths"].items()
                    if path.startswith("/api/v1/handoffs") for method in operations
                    if method in ("get", "post", "put", "patch", "delete"))
CALLERS = ("care_manager", "discharge_nurse", "municipal")


@pytest.fixture
def aimed(db):
    world = build_world()
    handoff = open_handoff(world)
    document = document_services.document_save(membership=world.care_manager, handoff=handoff,
                                               kind="admission_info", data={})
    conference = propose(world, handoff)
    step = handoff.steps.order_by("order").first()
    real = {"handoff_id": handoff.pk, "document_id": document.pk, "conference_id": conference.pk,
            "key": step.key, "rule_set_id": handoff.rule_set_id}
    return world, real


def test_there_are_handoff_operations_to_fuzz():
    assert ("/api/v1/handoffs/{handoff_id}/documents/{document_id}/send", "POST") in OPERATIONS
    assert ("/api/v1/handoffs/conferences/{conference_id}/hold", "POST") in OPERATIONS


@pytest.mark.parametrize(("path", "method"), OPERATIONS)
def test_no_generated_handoff_request_answers_with_a_server_error(fuzz_schema, aimed, api_token_for, path, method):
    world, real = aimed
    operation = fuzz_schema[path][method]
    statuses: list[int] = []
    tokens = {name: api_token_for(getattr(world, name)) for name in CALLERS}

    @settings(max_examples=5, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                     HealthCheck.filter_too_much])
    @given(case=operation.as_strategy())
    def call(case):
        for name, token in tokens.items():
            for aimed_at_world in (False, True):
                if aimed_at_world and case.path_parameters:
                    case.path_parameters = {k: real.get(k, v) for k, v in case.path_parameters.items()}
                response = case.call(headers={"Authorization": f"Bearer {token}"})
                statuses.append(response.status_code)
                assert response.status_code < 500, (f"{name} {case.method} {case.formatted_path} {case.query} "
                                                    f"{case.body}: {response.text[:500]}")

    call()
    assert statuses
    assert 401 not in statuses
