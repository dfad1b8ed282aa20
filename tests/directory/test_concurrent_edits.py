"""Edits that hold under concurrency: versions, the conflict screen, the API's 409, narrow locks, no deadlock."""

import datetime as dt
import json
import re
import threading

import pytest
from django.core.cache import cache
from django.db import close_old_connections, connection, transaction
from django.urls import reverse
from django.utils import timezone

from renkei.core import audit
from renkei.core.concurrency import StaleEdit
from renkei.core.models import AuditEntry, Role
from renkei.directory.models import (
    CollaborationAttribute,
    CollaborationCategory,
    Facility,
    FacilityIdentifier,
    OpeningHours,
    SurveyInvitation,
)
from renkei.directory.services import facilities as facility_services
from renkei.directory.services import merging
from renkei.directory.services.imports import import_file
from renkei.directory.services.surveys import survey_answer_submit, survey_round_create

from ..factories import FacilityFactory
from .test_import_municipal import standard_file
from .test_import_support import make_kumamoto


@pytest.fixture
def staff(make_membership):
    return make_membership(Role.MUNICIPAL_STAFF)


@pytest.fixture
def colleague(make_membership):
    return make_membership(Role.MUNICIPAL_STAFF)


@pytest.fixture
def facility(municipality):
    return FacilityFactory(municipality=municipality, name="福知山ホームクリニック", kana="フクチヤマホームクリニック",
                           phone="0773-22-0000", description="")


def _edit_url(facility, name="facility_edit"):
    return reverse(f"directory:{name}", kwargs={"facility_id": facility.pk})


def _form_data(facility, **overrides):
    data = {"kind": facility.kind, "service_type": facility.service_type, "name": facility.name,
            "kana": facility.kana, "municipality_code": facility.municipality.code, "address": facility.address,
            "phone": facility.phone, "latitude": facility.latitude or "", "longitude": facility.longitude or "",
            "coordinate_quality": facility.coordinate_quality, "version": facility.version}
    data.update(overrides)
    return data


def _opened_version(response) -> int:
    body = response.content.decode()
    marker = 'name="version" value="'
    start = body.index(marker) + len(marker)
    return int(body[start:body.index('"', start)])


# --- versions -----------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_every_save_of_a_facility_makes_a_new_version(facility):
    assert facility.version == 1
    facility.phone = "0773-11-1111"
    facility_services.facility_save(facility=facility)
    facility_services.opening_hours_replace(facility=facility, periods={0: [(dt.time(9), dt.time(12))]})
    facility_services.collaboration_details_confirm(facility=facility, answers={"scheduled_home_visit": True},
                                                    confirmed_by="山田")
    facility_services.facility_close(facility=facility, reason="廃止")
    facility.refresh_from_db()
    assert facility.version == 5


@pytest.mark.django_db
def test_a_save_from_an_older_version_is_refused_and_writes_nothing(facility):
    entries = AuditEntry.objects.count()
    facility.phone = "0773-99-9999"
    with pytest.raises(StaleEdit) as raised:
        facility_services.facility_save(facility=facility, expected_version=0)
    assert (raised.value.current_version, raised.value.current.phone) == (1, "0773-22-0000")
    facility.refresh_from_db()
    assert (facility.phone, facility.version, AuditEntry.objects.count()) == ("0773-22-0000", 1, entries)


@pytest.mark.django_db
def test_each_save_logs_its_version_change_in_the_audit_log(facility):
    facility.phone = "0773-11-1111"
    facility_services.facility_save(facility=facility, expected_version=1)
    entry = AuditEntry.objects.filter(object_type="directory.facility", action="update").latest("seq")
    assert entry.changes["version"] == [1, 2] and entry.changes["phone"] == ["0773-22-0000", "0773-11-1111"]


@pytest.mark.django_db
def test_an_import_that_updates_or_closes_facilities_bumps_their_versions():
    kumamoto = make_kumamoto()
    existing = FacilityFactory(name="旧名称クリニック", municipality=kumamoto.wards.get(name="熊本市南区"),
                               address="熊本市南区近見1-2-3")
    FacilityIdentifier.objects.create(facility=existing, scheme="medical_institution_code", value="4310123")
    data = standard_file('431001,1,熊本市,みなみクリニック,,診療所,熊本市南区近見１丁目２－３,,,,,,,4310123,,,,,,,,')

    run = import_file(source="municipal", file=data, file_name="medical.csv", municipality=kumamoto)

    assert run.counts["updated"] == 1
    existing.refresh_from_db()
    assert (existing.name, existing.version) == ("みなみクリニック", 2)


@pytest.mark.django_db
def test_a_merge_bumps_the_versions_of_both_facilities(facility, municipality, staff):
    other = FacilityFactory(municipality=municipality, name="福知山ホームクリニック分院")
    merging.facilities_merge(keep=facility, absorb=other, membership=staff)
    facility.refresh_from_db()
    other.refresh_from_db()
    assert (facility.version, other.version, other.status) == (2, 2, Facility.Status.CLOSED)


# --- the conflict screen ------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_a_form_opened_before_someone_elses_save_gets_the_conflict_screen(facility, staff, colleague, login_as):
    mine, theirs = login_as(staff), login_as(colleague)
    opened_by_me = _opened_version(mine.get(_edit_url(facility)))
    opened_by_them = _opened_version(theirs.get(_edit_url(facility)))
    assert opened_by_me == opened_by_them == 1
    saved = theirs.post(_edit_url(facility), _form_data(facility, phone="0773-11-1111", version=opened_by_them))
    assert saved.status_code == 302
    entries = AuditEntry.objects.count()

    response = mine.post(_edit_url(facility), _form_data(facility, phone="0773-99-9999", version=opened_by_me))

    assert response.status_code == 409
    body = response.content.decode()
    assert 'id="conflict"' in body and 'data-field="phone"' in body
    assert "0773-11-1111" in body and "0773-99-9999" in body  # their value now, and mine
    assert colleague.user.email in body or (colleague.user.display_name or "") in body  # who saved
    assert 'name="version" value="2"' in body  # a new submit carries the new version
    facility.refresh_from_db()
    assert (facility.phone, facility.version) == ("0773-11-1111", 2)  # not overwritten
    assert AuditEntry.objects.count() == entries  # the rejected save wrote nothing to the log


@pytest.mark.django_db
def test_saving_again_from_the_conflict_screen_applies_my_values_over_theirs(facility, staff, colleague, login_as):
    login_as(colleague).post(_edit_url(facility), _form_data(facility, phone="0773-11-1111", version=1))
    conflict = login_as(staff).post(_edit_url(facility), _form_data(facility, phone="0773-99-9999", version=1))
    assert conflict.status_code == 409

    again = login_as(staff).post(_edit_url(facility),
                                 _form_data(facility, phone="0773-99-9999", version=_opened_version(conflict)))

    assert again.status_code == 302
    facility.refresh_from_db()
    assert (facility.phone, facility.version) == ("0773-99-9999", 3)


@pytest.mark.django_db
def test_the_conflict_screen_is_available_in_english(facility, staff, colleague, login_as, settings):
    settings.LANGUAGE_CODE = "en"
    login_as(colleague).post(_edit_url(facility), _form_data(facility, phone="0773-11-1111", version=1))
    client = login_as(staff)
    client.cookies["django_language"] = "en"
    response = client.post(_edit_url(facility), _form_data(facility, phone="0773-99-9999", version=1),
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 409
    assert "Someone else saved this entry after you opened the form" in response.content.decode()


@pytest.mark.django_db
def test_opening_hours_saved_from_an_older_form_show_the_conflict_screen(facility, staff, colleague, login_as):
    url = _edit_url(facility, "facility_hours")
    opened = _opened_version(login_as(staff).get(url))
    login_as(colleague).post(url, {"day_0": "9:00-12:00", "version": opened})

    response = login_as(staff).post(url, {"day_0": "14:00-18:00", "version": opened})

    assert response.status_code == 409
    assert "9:00-12:00" in response.content.decode() and "14:00-18:00" in response.content.decode()
    assert list(OpeningHours.objects.filter(facility=facility).values_list("opens", flat=True)) == [dt.time(9)]


@pytest.mark.django_db
def test_collaboration_details_saved_from_an_older_form_show_the_conflict_screen(facility, staff, colleague,
                                                                                 login_as):
    url = _edit_url(facility, "facility_details")
    opened = _opened_version(login_as(staff).get(url))
    login_as(colleague).post(url, {"attr_scheduled_home_visit": "yes", "version": opened})

    response = login_as(staff).post(url, {"attr_scheduled_home_visit": "no", "version": opened})

    assert response.status_code == 409
    detail = facility.collaboration_details.get(attribute__code="scheduled_home_visit")
    assert detail.value is True


@pytest.mark.django_db
def test_a_question_edited_from_an_older_form_shows_the_conflict_screen(staff, colleague, login_as, municipality):
    category = CollaborationCategory.objects.get(code="home_medical_care")
    attribute = CollaborationAttribute.objects.create(
        code="m_test_tube", category=category, municipality=municipality, name="胃ろう交換", value_type="yes_no")
    url = reverse("directory:attribute_edit", kwargs={"attribute_id": attribute.pk})
    opened = _opened_version(login_as(staff).get(url))
    data = {"category": category.pk, "value_type": "yes_no", "visibility": "public", "version": opened}
    assert login_as(colleague).post(url, {**data, "name": "在宅での胃ろう交換"}).status_code == 302

    response = login_as(staff).post(url, {**data, "name": "胃ろうの交換"})

    assert response.status_code == 409
    assert "在宅での胃ろう交換" in response.content.decode() and "胃ろうの交換" in response.content.decode()
    attribute.refresh_from_db()
    assert (attribute.name, attribute.version) == ("在宅での胃ろう交換", 2)


@pytest.mark.django_db
def test_a_category_renamed_from_an_older_form_shows_the_conflict_screen(make_membership, login_as):
    admin, other_admin = make_membership(Role.SYSTEM_ADMIN), make_membership(Role.SYSTEM_ADMIN)
    category = CollaborationCategory.objects.get(code="home_medical_care")
    url = reverse("directory:category_edit", kwargs={"category_id": category.pk})
    opened = _opened_version(login_as(admin).get(url))
    data = {"name_en": category.name_en, "sort_order": category.sort_order, "version": opened}
    assert login_as(other_admin).post(url, {**data, "name": "在宅医療（訪問診療）"}).status_code == 302

    response = login_as(admin).post(url, {**data, "name": "在宅医療の体制"})

    assert response.status_code == 409
    category.refresh_from_db()
    assert category.name == "在宅医療（訪問診療）"


# --- the API ------------------------------------------------------------------------------------------------

def _patch(client, facility, body, token, **headers):
    return client.patch(f"/api/v1/facilities/{facility.pk}", json.dumps(body), content_type="application/json",
                        HTTP_AUTHORIZATION=f"Bearer {token}", **headers)


@pytest.mark.django_db
def test_the_api_gives_the_version_and_its_etag(client, facility):
    response = client.get(f"/api/v1/facilities/{facility.pk}")
    assert (response.json()["version"], response.headers["ETag"]) == (1, '"1"')


@pytest.mark.django_db
def test_an_api_change_with_the_current_version_is_applied(client, facility, staff, api_token_for):
    response = _patch(client, facility, {"phone": "0773-11-1111"}, api_token_for(staff), HTTP_IF_MATCH='"1"')
    assert response.status_code == 200
    assert (response.json()["phone"], response.json()["version"], response.headers["ETag"]) == (
        "0773-11-1111", 2, '"2"')


@pytest.mark.django_db
def test_an_api_change_from_an_older_version_answers_409_and_writes_nothing(client, facility, staff,
                                                                            api_token_for):
    token = api_token_for(staff)
    assert _patch(client, facility, {"phone": "0773-11-1111", "version": 1}, token).status_code == 200
    entries = AuditEntry.objects.count()

    response = _patch(client, facility, {"phone": "0773-99-9999", "version": 1}, token)

    assert response.status_code == 409
    body = response.json()
    assert (body["current_version"], body["your_version"], body["current"]) == (2, 1, {"phone": "0773-11-1111"})
    assert "保存" in body["detail"]
    assert response.headers["ETag"] == '"2"'
    facility.refresh_from_db()
    assert facility.phone == "0773-11-1111" and AuditEntry.objects.count() == entries


@pytest.mark.django_db
def test_an_api_change_from_an_older_if_match_answers_409(client, facility, staff, api_token_for):
    token = api_token_for(staff)
    _patch(client, facility, {"phone": "0773-11-1111"}, token)
    response = _patch(client, facility, {"phone": "0773-99-9999"}, token, HTTP_IF_MATCH='W/"1"')
    assert response.status_code == 409


@pytest.mark.django_db
def test_an_api_change_without_a_version_is_applied_last_write_wins(client, facility, staff, api_token_for):
    token = api_token_for(staff)
    _patch(client, facility, {"phone": "0773-11-1111"}, token)
    response = _patch(client, facility, {"phone": "0773-99-9999"}, token)
    assert (response.status_code, response.json()["version"]) == (200, 3)


@pytest.mark.django_db
def test_an_unreadable_if_match_answers_412(client, facility, staff, api_token_for):
    response = _patch(client, facility, {"phone": "0773-99-9999"}, api_token_for(staff), HTTP_IF_MATCH="abc")
    assert response.status_code == 412


@pytest.mark.django_db
def test_staff_of_another_municipality_cannot_change_a_facility_by_api(client, facility, make_membership,
                                                                       other_municipality, api_token_for):
    from ..factories import OrganizationFactory

    outsider = make_membership(Role.MUNICIPAL_STAFF, organization=OrganizationFactory(municipality=other_municipality))
    response = _patch(client, facility, {"phone": "0773-99-9999"}, api_token_for(outsider))
    assert response.status_code == 403


@pytest.mark.django_db
def test_the_openapi_schema_documents_the_409(client):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/facilities/{facility_id}"]["patch"]
    assert {"200", "409", "412", "422"} <= set(operation["responses"])


# --- no deadlock under concurrent writes (PostgreSQL) ---------------------------------------------------------

def _run_concurrently(*actions, rounds: int):
    """Run the actions in threads, each `rounds` times; return the errors they raised."""
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(actions))

    def worker(action):
        try:
            for i in range(rounds):
                barrier.wait(timeout=30)
                action(i)
        except BaseException as error:  # noqa: BLE001 - collected and asserted on
            errors.append(error)
            barrier.abort()
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=worker, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return errors


ROUNDS = 60  # on main's code, 40 rounds of survey answers against hours edits deadlocked about once

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's")


def _survey_token(coordinator, facility) -> str:
    _survey_round, issued = survey_round_create(
        facilities=[facility], membership=coordinator, municipality=coordinator.organization.municipality,
        title="令和8年度 連携情報の確認", message="", due_on=timezone.localdate() + dt.timedelta(days=30))
    return re.search(r"/survey/answer/([^/]+)/$", issued[0].link).group(1)


def _logged_versions(facility) -> list[int]:
    """The versions the audit log saw the facility's saves make, in order (each entry logs [before, after])."""
    entries = AuditEntry.objects.filter(object_type="directory.facility", object_id=str(facility.pk),
                                        action="update").order_by("seq")
    changes = [e.changes["version"] for e in entries if "version" in e.changes]
    assert all(after == before + 1 for before, after in changes)
    return [after for _before, after in changes]


def _edit(facility_pk: int, i: int, *, with_version: bool) -> None:
    """A staff edit as the screens make it: read, change, save (a newer save meanwhile is a conflict, not an error)."""
    facility = Facility.objects.get(pk=facility_pk)
    facility.phone = f"0773-00-{i:04d}"
    try:
        with transaction.atomic():
            facility_services.facility_save(facility=facility,
                                            expected_version=facility.version if with_version else None)
            facility_services.facility_identifiers_set(facility=facility, codes={"municipal_id": [f"m-{i}"]})
        # The hours screen writes the periods (audited rows) and the note on the facility row: on main this
        # took the audit chain before the facility row and deadlocked with a survey answer holding it.
        facility_services.opening_hours_replace(
            facility=facility, periods={0: [(dt.time(9 + i % 2), dt.time(12))]}, hours_note=f"第{i}版",
            expected_version=facility.version if with_version else None)
        facility_services.collaboration_details_confirm(
            facility=facility, answers={"scheduled_home_visit": i % 2 == 0}, confirmed_by="職員",
            expected_version=facility.version if with_version else None)
    except StaleEdit:
        pass


@postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_survey_answers_and_staff_edits_of_the_same_facility_never_deadlock(municipality, make_membership):
    cache.clear()
    coordinator = make_membership(Role.COORDINATOR)
    facility = FacilityFactory(municipality=municipality, name="やまだ内科クリニック")
    token = _survey_token(coordinator, facility)

    def answer(i):
        survey_answer_submit(token=token, answers={"scheduled_home_visit": i % 2 == 0},
                             corrections={"phone": f"0773-99-{i:04d}"}, respondent_name="山田 花子")

    errors = _run_concurrently(answer, lambda i: _edit(facility.pk, i, with_version=False), rounds=ROUNDS)

    assert errors == []
    assert audit.verify().is_intact
    facility.refresh_from_db()
    assert _logged_versions(facility) == list(range(2, facility.version + 1))  # each save one version, none lost
    assert SurveyInvitation.objects.get().status == SurveyInvitation.Status.ANSWERED


@postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_staff_edits_of_the_same_facility_never_deadlock_and_never_overwrite_unseen(municipality):
    facility = FacilityFactory(municipality=municipality, name="やまだ内科クリニック")
    saved: list[int] = []

    def edit(i):
        before = Facility.objects.get(pk=facility.pk).version
        _edit(facility.pk, i, with_version=True)
        if Facility.objects.get(pk=facility.pk).version > before:
            saved.append(i)

    errors = _run_concurrently(edit, edit, rounds=ROUNDS)

    assert errors == []
    assert audit.verify().is_intact
    facility.refresh_from_db()
    assert _logged_versions(facility) == list(range(2, facility.version + 1))  # each save from the one before
    assert saved, "some edits went through"


@postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_survey_answer_locks_only_its_invitation_and_not_the_facility_or_the_municipality(municipality,
                                                                                          make_membership):
    cache.clear()
    coordinator = make_membership(Role.COORDINATOR)
    facility = FacilityFactory(municipality=municipality, name="やまだ内科クリニック")
    token = _survey_token(coordinator, facility)
    statements = []

    def remember(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(remember):
        survey_answer_submit(token=token, answers={"scheduled_home_visit": True}, corrections={},
                             respondent_name="山田 花子")
    locking = [sql for sql in statements if " FOR " in sql and "UPDATE" in sql.split(" FOR ")[-1]]
    invitation_lock = next(sql for sql in locking if 'FROM "directory_surveyinvitation"' in sql)
    assert 'OF "directory_surveyinvitation"' in invitation_lock and "NO KEY UPDATE" in invitation_lock
    assert SurveyInvitation.objects.get().status == SurveyInvitation.Status.ANSWERED
