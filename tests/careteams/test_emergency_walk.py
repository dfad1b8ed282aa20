"""The emergency part's routes walked with the patient walk's world: each person gets exactly what the policy
allows (403 otherwise, logged), and the counts page only the municipality's roles."""

import pytest
from django.test import Client
from django.urls import reverse

from renkei.core import policy
from renkei.core.models import AuditEntry
from tests.conftest import client_for

from .walk_world import SHEET_READERS, WRITERS, build_world

pytestmark = pytest.mark.django_db

ROUTES = [("careteams:emergency_sheet", "careteams.view_emergency_sheet"),
          ("careteams:emergency_sheet_print", "careteams.view_emergency_sheet"),
          ("careteams:emergency_sheet_versions", "careteams.view_patient"),
          ("careteams:emergency_sheet_edit", "careteams.edit_emergency_sheet"),
          ("careteams:death_record", "careteams.record_death")]


API = [("/api/v1/patients/{}/emergency-sheet", "careteams.view_emergency_sheet"),
       ("/api/v1/patients/{}/emergency-sheet/versions", "careteams.view_patient")]


def test_every_person_of_the_walk_gets_exactly_what_the_policy_allows_on_the_emergency_routes(api_token_for):
    world = build_world()
    for name, membership in world.members.items():
        client = client_for(membership)
        token = api_token_for(membership)
        for path, action in API:
            allowed = policy.check(membership, action, world.patient)
            status = Client().get(path.format(world.patient.pk), HTTP_AUTHORIZATION=f"Bearer {token}").status_code
            assert (status == 200) == allowed and status in (200, 403), f"{name} {path}: {status}"
        for route, action in ROUTES:
            allowed = policy.check(membership, action, world.patient)
            refusals = AuditEntry.objects.filter(action="refuse").count()
            status = client.get(reverse(route, args=[world.patient.pk])).status_code
            assert (status == 200) == allowed, f"{name} {route}: {status}"
            if not allowed:
                assert status == 403 and AuditEntry.objects.filter(action="refuse").count() == refusals + 1
        sheet_allowed = policy.check(membership, "careteams.view_emergency_sheet", world.patient)
        assert sheet_allowed == (name in SHEET_READERS - {"enrolled_hospital"}), name
        assert policy.check(membership, "careteams.edit_emergency_sheet", world.patient) == (name in WRITERS)


def test_only_the_municipalitys_roles_see_the_counts_page():
    world = build_world()
    for name, membership in world.members.items():
        status = client_for(membership).get(reverse("careteams:counts")).status_code
        expected = name in {"city", "coordinator", "prefecture", "admin", "other_city"}
        assert (status == 200) == expected, f"{name}: {status}"


def test_the_other_citys_staff_see_only_their_own_municipality():
    world = build_world()
    response = client_for(world.members["other_city"]).get(reverse("careteams:counts"))
    assert [row["municipality"] for row in response.context["table"].rows] == [world.other_municipality]
