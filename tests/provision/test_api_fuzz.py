"""Generated requests to the provision API: never a server error, whatever the parameters and bodies."""

import pytest

OPERATIONS = [
    ("/api/v1/provision/groups/{group_id}/shifts", "GET"),
    ("/api/v1/provision/groups/{group_id}/shifts", "POST"),
    ("/api/v1/provision/patients/{patient_id}/who-to-call", "GET"),
    ("/api/v1/provision/enrolments", "POST"),
    ("/api/v1/provision/patients/{patient_id}/admissions", "POST"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "method"), OPERATIONS)
def test_no_generated_provision_request_answers_with_a_server_error(fuzz_schema, world, api_token_for, path,
                                                                     method):
    from hypothesis import HealthCheck, given, settings

    member = world.enrolled if "admissions" in path else world.care_manager if "patients" in path or \
        "enrolments" in path else world.backup
    headers = {"Authorization": f"Bearer {api_token_for(member)}"}
    operation = fuzz_schema[path][method]

    @settings(max_examples=15, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(case=operation.as_strategy())
    def call(case):
        params = case.path_parameters or {}
        if "group_id" in params and params["group_id"] % 2:
            params["group_id"] = world.group.pk  # half the cases on the real group, so the body is what varies
        if "patient_id" in params and params["patient_id"] % 2:
            params["patient_id"] = world.patient.pk
        response = case.call(headers=headers)
        assert response.status_code < 500, f"{case.formatted_path} {case.query} {case.body}: {response.text}"

    call()
