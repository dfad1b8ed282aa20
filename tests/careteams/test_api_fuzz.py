"""Generated requests to every patient operation (careteams, and provision's when installed) never get a 5xx.

Generic: the operations are read from the OpenAPI schema, so the ones other parts add are fuzzed too. Each
generated case is sent as generated, and once more aimed at the real patient of the world (and its team
members), so that the operations are reached past the 404 of a random id.
"""

import pytest
from hypothesis import HealthCheck, given, settings

from renkei.api import api

from .walk_world import build_world

PREFIXES = ("/api/v1/patients", "/api/v1/provision")
OPENAPI = api.get_openapi_schema(path_prefix="/api/v1/")
OPERATIONS = sorted((path, method.upper()) for path, operations in OPENAPI["paths"].items()
                    if path.startswith(PREFIXES) for method in operations
                    if method in ("get", "post", "put", "patch", "delete"))


@pytest.fixture
def world(db):
    return build_world()


def test_there_are_patient_operations_to_fuzz():
    assert ("/api/v1/patients/{patient_id}", "PATCH") in OPERATIONS


@pytest.mark.parametrize(("path", "method"), OPERATIONS)
def test_no_generated_patient_request_answers_with_a_server_error(fuzz_schema, world, api_token_for, path,
                                                                  method):
    headers = {"Authorization": f"Bearer {api_token_for(world.members['care_manager'])}"}
    operation = fuzz_schema[path][method]
    real = {"patient_id": world.patient.pk, "member_id": world.team_members["nurse"].pk}
    statuses: list[int] = []

    @settings(max_examples=8, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                     HealthCheck.filter_too_much])
    @given(case=operation.as_strategy())
    def call(case):
        for aimed in (False, True):
            if aimed and case.path_parameters:
                case.path_parameters = {k: real.get(k, v) for k, v in case.path_parameters.items()}
            response = case.call(headers=headers)
            statuses.append(response.status_code)
            assert response.status_code < 500, (f"{case.method} {case.formatted_path} {case.query} {case.body}: "
                                                f"{response.text[:500]}")

    call()
    assert statuses
    assert 401 not in statuses  # the token was accepted: the fuzz reached the operations
