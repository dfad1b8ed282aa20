"""The patient access walk: every patient screen and API operation (careteams and provision), as every kind of
person in `walk_world.build_world()` and anonymously, and exactly who gets what.

Who should get in is written down here per policy action (not asked of the policy: that would test the
policy against itself). A new route whose action or parameters this file does not know fails the walk until
someone decides who may use it. Refusals must be 403 and in the audit log; every page an allowed person reads
about the patient must leave a read entry naming the patient as its subject.
"""

from __future__ import annotations

import pytest
from django.test import Client

from renkei.core.models import AuditEntry, Role
from tests.core.test_policy import api_operations, web_views

from ..conftest import client_for
from .walk_world import HISTORY_READERS, READERS, SHEET_READERS, WRITERS, build_world

PATIENT_ROUTES = ("patients/", "provision/")
PATIENT_API = ("/api/v1/patients", "/api/v1/provision")

PEOPLE = ("care_manager", "nurse", "doctor", "withdrawn", "former", "colleague", "outsider", "break_glass",
          "responsible", "enrolled_hospital", "other_hospital", "city", "coordinator", "prefecture", "admin",
          "other_city")
PROFESSIONALS = {"care_manager", "nurse", "doctor", "withdrawn", "former", "colleague", "outsider", "break_glass",
                 "responsible", "enrolled_hospital", "other_hospital"}
COUNT_VIEWERS = {"city", "coordinator", "prefecture", "admin", "other_city"}

# Who gets each action on the world's patient (or, without an object, at all).
EXPECTED: dict[str, set[str]] = {
    "careteams.register_patient": PROFESSIONALS,
    "careteams.find_patient": PROFESSIONALS,
    "careteams.request_join": PROFESSIONALS,
    "careteams.list_patients": PROFESSIONALS,
    "careteams.break_glass": PROFESSIONALS - {"care_manager", "nurse", "doctor"},
    "careteams.view_patient": READERS,
    "careteams.view_timeline": READERS,
    "careteams.view_post": READERS,
    "careteams.download_attachment": READERS,
    "careteams.edit_patient": WRITERS,
    "careteams.manage_team": WRITERS,
    "careteams.decide_join_request": WRITERS,
    "careteams.manage_consent": WRITERS,
    "careteams.post_timeline": WRITERS,
    "careteams.acknowledge_post": WRITERS,
    "careteams.edit_emergency_sheet": WRITERS,
    "careteams.record_death": WRITERS,
    "careteams.view_emergency_sheet": SHEET_READERS,
    "careteams.view_access_history": HISTORY_READERS,
    "careteams.review_break_glass": {"responsible"},
    "careteams.view_counts": COUNT_VIEWERS,
    "careteams.end_break_glass": {"break_glass"},  # only who broke the glass ends it early
    # provision (ウ): the world's cover group is the doctor's; the enrolled hospital's enrolment is current.
    "provision.use": PROFESSIONALS,
    "provision.create_group": {"nurse", "doctor", "outsider", "break_glass", "enrolled_hospital", "other_hospital"},
    "provision.view_group": {"doctor"},
    "provision.manage_rota": {"doctor"},
    "provision.list_enrolments": {"enrolled_hospital", "other_hospital"},
    "provision.view_contacts": WRITERS,
    "provision.arrange_cover": WRITERS,
    "provision.propose_enrolment": WRITERS,
    "provision.decide_enrolment": {"other_hospital"},  # the proposal waiting for the other hospital
    "provision.end_enrolment": WRITERS | {"enrolled_hospital"},
    "provision.record_admission": {"enrolled_hospital"},
}

# Routes whose declared action is a gate (any professional) and whose object decides: who really gets them.
EXPECTED_BY_ROUTE: dict[str, set[str]] = {
    # The responsible person of the office reviews its own staff's accesses; the world's was broken by a doctor
    # of another clinic, so nobody may mark it reviewed.
    "careteams:break_glass_review_mark": set(),
    # Any professional of the prefecture may open the page, which shows the patient's number only; those who
    # already see the patient are sent to the patient, a team member without consent is told to ask the team.
    "careteams:break_glass_start": PROFESSIONALS,
    "POST /api/v1/patients/{patient_id}/break-glass": PROFESSIONALS,
    "careteams:break_glass_open": PROFESSIONALS,  # typing a patient number: the number is decided on the next page
    "GET /api/v1/provision/groups/{group_id}/shifts": {"doctor"},
    "POST /api/v1/provision/groups/{group_id}/shifts": {"doctor"},
    "GET /api/v1/provision/groups/{group_id}/gaps": {"doctor"},
    "GET /api/v1/provision/patients/{patient_id}/who-to-call": WRITERS,
    "POST /api/v1/provision/enrolments": WRITERS,
    "POST /api/v1/provision/enrolments/{enrolment_id}/decision": {"other_hospital"},
    "POST /api/v1/provision/enrolments/{enrolment_id}/end": WRITERS | {"enrolled_hospital"},
    "GET /api/v1/provision/patients/{patient_id}/admissions": WRITERS | {"enrolled_hospital"},
    "POST /api/v1/provision/patients/{patient_id}/admissions": {"enrolled_hospital"},
}


# Pages about a patient that show none of their data (the break-glass form shows the number only).
SHOWS_NO_PATIENT_DATA = {"careteams:break_glass_start"}


def patient_routes():
    return [(route, name, view) for route, name, view in web_views() if route.startswith(PATIENT_ROUTES)]


def patient_operations():
    return [(method, path, func) for method, path, func in api_operations() if path.startswith(PATIENT_API)]


def values_for(world, route: str = "") -> dict[str, object]:
    """The ids a patient route's parameters take in the world."""
    deciding = "decide" in route or "decision" in route
    return {
        "glass_id": world.break_glass.pk,
        "attachment_id": world.attachment.pk,
        "group_id": world.group.pk,
        "date": world.shift.date.isoformat(),
        "kind": world.shift.kind,
        "enrolment_id": world.proposal.pk if deciding else world.enrolment.pk,
        "find": f"find?care_insured_number={world.patient.care_insured_number}",
        "patient_id": world.patient.pk,
        "post_id": world.post.pk,
        "consent_id": world.consent.pk,
        "key_person_id": world.key_person.pk,
        "member_id": world.team_members["nurse"].pk,
        "break_glass_id": world.break_glass.pk,
    }


def fill(route: str, values: dict) -> str:
    url = route
    if route.endswith("/find"):  # the API's find needs an identifier to look for
        url = route[: -len("find")] + str(values["find"])
    for name, value in values.items():
        for converter in ("int", "str", "slug", ""):
            url = url.replace(f"<{converter}:{name}>" if converter else f"<{name}>", str(value))
        url = url.replace("{" + name + "}", str(value))
    assert "<" not in url and "{" not in url, f"the access walk does not know how to fill {route}"
    return url if url.startswith("/") else "/" + url


def expected_for(action: str, key: str = "") -> set[str]:
    if key in EXPECTED_BY_ROUTE:
        return EXPECTED_BY_ROUTE[key]
    assert action in EXPECTED, f"the access walk does not say who may {action}: add it to EXPECTED"
    return EXPECTED[action]


@pytest.fixture
def world(db):
    """The careteams walk world, with an attachment on its post, the enrolled hospital's current enrolment, a
    proposal waiting for the other hospital, and the doctor's cover group with a night shift."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from renkei.careteams import storage
    from renkei.careteams.models import Attachment
    from renkei.provision.models import CoverGroup, PatientEnrolment, RotaShift

    world = build_world()
    stored = storage.save_patient_file(patient_id=world.patient.pk,
                                       upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4 walk"))
    world.attachment = Attachment.objects.create(
        post=world.post, patient=world.patient, original_name=stored.original_name,
        content_type=stored.content_type, size=stored.size, sha256=stored.sha256, storage_path=stored.storage_path)
    form = storage.save_patient_file(patient_id=world.patient.pk, upload=SimpleUploadedFile("同意書.pdf", b"%PDF-1.4"))
    world.consent.form_file, world.consent.form_file_name = form.storage_path, form.original_name
    world.consent.save()
    orgs, m = world.organizations, world.members
    world.enrolment = PatientEnrolment.objects.create(
        patient=world.patient, hospital=orgs.enrolled_hospital, status=PatientEnrolment.Status.ACTIVE,
        starts_on=timezone.localdate(), proposed_by=m["care_manager"], enrolled_by=m["enrolled_hospital"],
        decided_at=timezone.now())
    world.proposal = PatientEnrolment.objects.create(
        patient=world.patient, hospital=orgs.other_hospital, proposed_by=m["care_manager"])
    world.group = CoverGroup.objects.create(name="試験 連携グループ", municipality=world.municipality)
    world.group.members.set([m["doctor"]])
    world.group.organizations.set([orgs.clinic])
    world.shift = RotaShift.objects.create(group=world.group, date=timezone.localdate(), kind="night",
                                           covering=m["doctor"], phone="0773-00-0000")
    return world


def refusals() -> int:
    return AuditEntry.objects.filter(action=AuditEntry.Action.REFUSE).count()


def patient_reads(membership, patient) -> int:
    return AuditEntry.objects.filter(action=AuditEntry.Action.READ, membership_id_value=membership.pk,
                                     subject_type="patient", subject_id=str(patient.pk)).count()


@pytest.mark.django_db
def test_anonymous_people_are_sent_to_login_from_every_patient_page(world):
    client = Client()
    routes = patient_routes()
    assert routes, "no patient routes found"
    for route, _name, _view in routes:
        url = fill(route, values_for(world, route))
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            if method == "get" and response.status_code == 405:
                continue  # a POST-only action: nothing to show, nothing to log in for
            assert response.status_code == 302 and response["Location"].startswith("/login/"), (
                f"anonymous {method.upper()} {url}: {response.status_code}")


@pytest.mark.django_db
def test_every_person_gets_exactly_the_patient_pages_they_should(world):
    """GET every patient page as every person: the allowed read it (and leave a read entry about the patient),
    everybody else gets a 403 that is in the audit log."""
    clients = {who: client_for(world.members[who]) for who in PEOPLE}
    results: dict[str, dict[str, int]] = {}
    for route, name, view in patient_routes():
        action = getattr(view, "policy_action", None)
        assert action, f"{name} does not ask the policy"
        allowed = expected_for(action, name)
        url = fill(route, values_for(world, route))
        for who in PEOPLE:
            membership = world.members[who]
            before_refusals, before_reads = refusals(), patient_reads(membership, world.patient)
            status = clients[who].get(url).status_code
            results.setdefault(name, {})[who] = status
            if status == 405:
                continue  # a POST-only action: its refusals are walked with POST below
            if who in allowed:
                assert status not in (401, 403, 404) and status < 500, f"{who} GET {url} ({action}): {status}"
                if status == 200 and "<int:patient_id>" in route and name not in SHOWS_NO_PATIENT_DATA:
                    assert patient_reads(membership, world.patient) > before_reads, (
                        f"{who} read {url} without a read entry about the patient")
            else:
                assert status == 403, f"{who} must be refused GET {url} ({action}) but got {status}"
                assert refusals() == before_refusals + 1, f"the refusal of {who} on {url} is not logged"
    assert results


@pytest.mark.django_db
def test_nobody_outside_a_rule_can_write_to_a_patient(world):
    """POST to every patient page as everybody the rule leaves out: 403, logged, and nothing changed."""
    clients = {who: client_for(world.members[who]) for who in PEOPLE}
    for route, name, view in patient_routes():  # noqa: B007 (name picks the route's expectations)
        action = view.policy_action
        url = fill(route, values_for(world, route))
        for who in sorted(set(PEOPLE) - expected_for(action, name)):
            before_refusals = refusals()
            before_writes = AuditEntry.objects.exclude(action__in=(AuditEntry.Action.READ,
                                                                   AuditEntry.Action.REFUSE)).count()
            status = clients[who].post(url, {}).status_code
            assert status == 403, f"{who} must be refused POST {url} ({action}) but got {status}"
            assert refusals() == before_refusals + 1
            assert AuditEntry.objects.exclude(action__in=(AuditEntry.Action.READ, AuditEntry.Action.REFUSE)
                                              ).count() == before_writes, f"{who} changed something via {url}"


@pytest.mark.django_db
def test_every_patient_api_operation_refuses_anonymous_callers(world, client):
    for method, path, _func in patient_operations():
        response = client.generic(method, fill(path, values_for(world, path)))
        assert response.status_code == 401, f"anonymous {method} {path}: {response.status_code}"


@pytest.mark.django_db
def test_every_person_gets_exactly_the_patient_api_operations_they_should(world, api_token_for):
    tokens = {who: api_token_for(world.members[who]) for who in PEOPLE}
    client = Client()
    operations = patient_operations()
    assert operations, "no patient API operations found"
    for method, path, func in operations:
        action = getattr(func, "policy_action", None)
        assert action, f"{method} {path} does not ask the policy"
        allowed = expected_for(action, f"{method} {path}")
        url = fill(path, values_for(world, path))
        body = {} if method == "GET" else {"data": "{}", "content_type": "application/json"}
        for who in PEOPLE:
            if method != "GET" and who in allowed:
                continue  # a write of nothing by someone allowed is the operation's own tests' business
            before = refusals()
            response = client.generic(method, url, HTTP_AUTHORIZATION=f"Bearer {tokens[who]}", **body)
            if who in allowed:
                assert response.status_code == 200, f"{who} {method} {url} ({action}): {response.status_code}"
            elif method != "GET" and response.status_code == 422:
                # An empty body is refused as invalid before anyone is asked: nothing read, nothing written.
                assert "patient" not in response.content.decode().lower() or "detail" in response.json()
            else:
                assert response.status_code == 403, f"{who} must be refused {method} {url}: {response.status_code}"
                assert refusals() == before + 1, f"the API refusal of {who} on {url} is not logged"


@pytest.mark.django_db
def test_a_token_without_patient_data_is_refused_every_patient_operation(world, api_token_for):
    from renkei.core.models import APIToken

    token = api_token_for(world.members["care_manager"])
    APIToken.objects.filter(membership=world.members["care_manager"]).update(scope="no_patient_data")
    client = Client()
    for method, path, func in patient_operations():
        if method != "GET" or func.policy_action == "careteams.view_counts":
            continue
        response = client.get(fill(path, values_for(world, path)), HTTP_AUTHORIZATION=f"Bearer {token}")
        assert response.status_code == 403, f"a no-patient-data token got {response.status_code} from {path}"


def test_the_walk_knows_every_person_of_the_world():
    assert set(PEOPLE) == PROFESSIONALS | COUNT_VIEWERS
    assert Role.PROFESSIONAL
