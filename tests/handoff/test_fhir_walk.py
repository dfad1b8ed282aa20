"""The FHIR documents' routes walked: every person of the world gets what the policy allows, and nothing else."""

import pytest

from renkei.handoff.models import DocumentKind

from .factories import open_handoff
from .fhir_world import discharged, document, give_code
from .walk import Route, members_of, walk_api, walk_web

pytestmark = pytest.mark.django_db


@pytest.fixture
def handoff(world):
    give_code(world)
    stay = discharged(world, open_handoff(world, days_ago=5))
    document(world, stay)
    document(world, stay, DocumentKind.REFERRAL)
    return stay


def test_every_fhir_screen_is_walked(world, handoff):
    base = f"/handoffs/{handoff.pk}/fhir"
    outcomes = walk_web([
        Route(f"{base}/referral.json", "handoff.view_handoff", handoff),
        Route(f"{base}/discharge-summary.json", "handoff.view_handoff", handoff),
        Route(f"{base}/import/", "handoff.write_document", handoff),
        Route(f"{base}/import/", "handoff.write_document", handoff, method="post"),
    ], members_of(world))
    assert all(seen == {True, False} for seen in outcomes.values())


def test_every_fhir_api_operation_is_walked(world, handoff, api_token_for):
    base = f"/api/v1/handoffs/{handoff.pk}/fhir"
    walk_api([
        Route(f"{base}/referral", "handoff.view_handoff", handoff),
        Route(f"{base}/discharge-summary", "handoff.view_handoff", handoff),
        Route(f"/api/v1/handoffs/fhir?handoff_id={handoff.pk}", "handoff.write_document", handoff, method="post"),
    ], members_of(world), api_token_for)


def test_the_walk_reaches_every_route_of_the_fhir_module():
    from renkei.handoff.views import fhir as views

    assert {p.name for p in views.urlpatterns} == {"fhir_referral_download", "fhir_discharge_summary_download",
                                                   "fhir_import"}
    for pattern in views.urlpatterns:
        assert pattern.callback.policy_action in ("handoff.view_handoff", "handoff.write_document")


def test_every_fhir_api_operation_asks_the_policy():
    from renkei.handoff.api import fhir as api

    for path_operation in api.router.path_operations.values():
        for operation in path_operation.operations:
            assert getattr(operation.view_func, "policy_action", None) in (
                "handoff.view_handoff", "handoff.write_document"), operation.view_func
