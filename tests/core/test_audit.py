"""The append-only, hash-chained audit log: automatic entries, masking, tamper detection."""

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from renkei.core import audit
from renkei.core.models import AuditEntry, Organization, Role, User
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


def latest(**filters) -> AuditEntry:
    return AuditEntry.objects.filter(**filters).order_by("-seq").first()


def drop_append_only_guard():
    """What an attacker with database rights would do first (rolled back with the test's transaction)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP TRIGGER core_auditentry_no_change ON core_auditentry")
        else:
            cursor.execute("DROP TRIGGER core_auditentry_no_update")
            cursor.execute("DROP TRIGGER core_auditentry_no_delete")


def test_creating_an_organization_is_recorded_with_its_fields_and_actor(municipality):
    membership = MembershipFactory(role=Role.MUNICIPAL_STAFF)
    with audit.bind_membership(membership, ip_address="192.0.2.7", user_agent="pytest"):
        org = OrganizationFactory(name="みどり診療所", municipality=municipality)
    entry = latest(object_type="core.organization", object_id=str(org.pk))
    assert entry.action == AuditEntry.Action.CREATE
    assert entry.changes["name"] == "みどり診療所"
    assert entry.user_id_value == membership.user_id
    assert entry.membership_id_value == membership.pk
    assert entry.organization_id_value == membership.organization_id
    assert entry.ip_address == "192.0.2.7"
    assert entry.user_agent == "pytest"


def test_an_update_records_old_and_new_values_of_changed_fields_only(municipality):
    org = OrganizationFactory(name="旧名称", municipality=municipality, phone="0773-00-0000")
    org = Organization.objects.get(pk=org.pk)
    org.name = "新名称"
    org.save()
    entry = latest(object_type="core.organization", action=AuditEntry.Action.UPDATE)
    assert entry.changes == {"name": ["旧名称", "新名称"]}


def test_saving_without_changes_writes_no_entry(municipality):
    org = Organization.objects.get(pk=OrganizationFactory(municipality=municipality).pk)
    before = AuditEntry.objects.count()
    org.save()
    assert AuditEntry.objects.count() == before


def test_sensitive_fields_are_named_but_their_values_are_never_stored():
    user = User.objects.create_user("masked@example.jp", "First-Secret-11!", display_name="伏字")
    created = latest(object_type="core.user", action=AuditEntry.Action.CREATE)
    assert created.changes["password"] == audit.MASK
    user = User.objects.get(pk=user.pk)
    user.set_password("Another-Secret-99!")
    user.save()
    entry = latest(object_type="core.user", action=AuditEntry.Action.UPDATE)
    assert entry.changes == {"password": "changed"}
    stored = str(list(AuditEntry.objects.values_list("changes", flat=True)))
    assert "Secret" not in stored and user.password not in stored


def test_a_delete_is_recorded(municipality):
    from tests.factories import DailyLivingAreaFactory

    area = DailyLivingAreaFactory(municipality=municipality, name="消える圏域")
    pk = area.pk
    area.delete()
    entry = latest(object_type="core.dailylivingarea", object_id=str(pk))
    assert entry.action == AuditEntry.Action.DELETE
    assert entry.object_label == "消える圏域"


def test_reads_of_person_identifying_data_go_through_the_same_log():
    user = UserFactory()
    audit.record_read(user, permission="core.view_care_team_record", reason="退院前カンファレンス準備")
    entry = latest(action=AuditEntry.Action.READ)
    assert entry.object_id == str(user.pk)
    assert entry.reason == "退院前カンファレンス準備"


def test_the_entry_rolls_back_with_the_write_it_describes(municipality):
    before = AuditEntry.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        OrganizationFactory(municipality=municipality)
        raise RuntimeError
    assert AuditEntry.objects.count() == before
    assert audit.verify().is_intact


def test_entries_form_an_unbroken_chain(municipality):
    for _ in range(3):
        OrganizationFactory(municipality=municipality)
    entries = list(AuditEntry.objects.order_by("seq"))
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    for previous, entry in zip(entries, entries[1:], strict=False):
        assert entry.prev_hash == previous.hash
    result = audit.verify()
    assert result.is_intact and result.checked == len(entries)


def test_the_orm_refuses_to_change_or_delete_an_entry(municipality):
    OrganizationFactory(municipality=municipality)
    entry = latest()
    entry.reason = "changed"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()


def test_the_database_refuses_to_change_an_entry_even_with_raw_sql(municipality):
    OrganizationFactory(municipality=municipality)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditentry SET reason = 'x'")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditentry")


def test_verify_detects_a_changed_entry(municipality):
    for _ in range(3):
        OrganizationFactory(municipality=municipality)
    drop_append_only_guard()
    target = AuditEntry.objects.order_by("seq")[1]
    AuditEntry.objects.filter(pk=target.pk).update(user_label="someone-else@example.jp")
    result = audit.verify()
    assert not result.is_intact
    assert any(f"entry {target.seq}:" in p and "changed" in p for p in result.problems)


def test_verify_detects_a_deleted_entry_in_the_middle(municipality):
    for _ in range(3):
        OrganizationFactory(municipality=municipality)
    drop_append_only_guard()
    target = AuditEntry.objects.order_by("seq")[1]
    AuditEntry.objects.filter(pk=target.pk).delete()
    result = audit.verify()
    assert any("missing" in p for p in result.problems)


def test_verify_detects_that_the_latest_entries_were_deleted(municipality):
    for _ in range(3):
        OrganizationFactory(municipality=municipality)
    drop_append_only_guard()
    AuditEntry.objects.filter(pk=latest().pk).delete()
    result = audit.verify()
    assert any("latest entries deleted" in p for p in result.problems)


def test_verify_detects_an_entry_rewritten_with_a_recomputed_hash(municipality):
    """Recomputing one entry's hash does not help: the next entry's link no longer matches."""
    for _ in range(3):
        OrganizationFactory(municipality=municipality)
    drop_append_only_guard()
    target = AuditEntry.objects.order_by("seq")[0]
    target.user_label = "forged"
    forged_hash = audit.compute_hash(target.prev_hash, audit._payload(target))
    AuditEntry.objects.filter(pk=target.pk).update(user_label="forged", hash=forged_hash)
    result = audit.verify()
    assert any(f"entry {target.seq + 1}: link" in p for p in result.problems)


def test_the_verify_command_exits_non_zero_when_tampered(municipality, capsys):
    OrganizationFactory(municipality=municipality)
    call_command("audit", "verify")
    assert "intact" in capsys.readouterr().out
    drop_append_only_guard()
    AuditEntry.objects.filter(pk=latest().pk).update(reason="tampered")
    with pytest.raises(CommandError, match="tampered"):
        call_command("audit", "verify")


def test_a_web_request_records_who_and_from_where(login_as, municipality):
    membership = MembershipFactory(role=Role.MUNICIPAL_STAFF,
                                   organization=OrganizationFactory(municipality=municipality))
    client = login_as(membership)
    response = client.post(f"/places/m/{municipality.code}/areas/new/", {"name": "川口圏域", "sort_order": 1},
                           HTTP_USER_AGENT="Browser/1.0", REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 302
    entry = latest(object_type="core.dailylivingarea", action=AuditEntry.Action.CREATE)
    assert entry.changes["name"] == "川口圏域"
    assert entry.membership_id_value == membership.pk
    assert entry.ip_address == "203.0.113.9"
    assert entry.user_agent == "Browser/1.0"


def test_staff_with_the_right_role_can_search_the_log(login_as, municipality):
    office = OrganizationFactory(municipality=municipality)
    staff = MembershipFactory(role=Role.MUNICIPAL_STAFF, organization=office)
    with audit.bind_membership(staff):
        OrganizationFactory(municipality=municipality, name="検索対象クリニック")
    response = login_as(staff).get("/audit/", {"q": "検索対象"})
    assert response.status_code == 200
    assert "検索対象クリニック" in response.content.decode()
    professional = MembershipFactory(role=Role.PROFESSIONAL, organization=office)
    assert login_as(professional).get("/audit/").status_code == 403


def test_loading_an_audited_row_with_deferred_fields_neither_loops_nor_logs_them(db):
    from renkei.core.models import Organization

    from ..factories import OrganizationFactory

    organization = OrganizationFactory(name="旧名")
    loaded = Organization.objects.defer("address").get(pk=organization.pk)
    loaded.name = "新名"
    loaded.save()
    entry = AuditEntry.objects.filter(object_id=str(organization.pk), action="update").latest("seq")
    assert entry.changes == {"name": ["旧名", "新名"]}


# --- who sees an entry: the owner of its object, whoever acted ----------------------------------

def _visible_to(membership) -> set[int]:
    from renkei.core import selectors

    return set(selectors.audit_entries(membership).values_list("seq", flat=True))


@pytest.fixture
def offices(municipality, other_municipality):
    from renkei.core.models import Organization as Org
    from tests.factories import PrefectureFactory

    tokyo = PrefectureFactory(code="13", name="東京都")
    return {
        "home": MembershipFactory(role=Role.MUNICIPAL_STAFF, organization=OrganizationFactory(
            kind=Org.Kind.MUNICIPALITY_OFFICE, municipality=municipality)),
        "other": MembershipFactory(role=Role.MUNICIPAL_STAFF, organization=OrganizationFactory(
            kind=Org.Kind.MUNICIPALITY_OFFICE, municipality=other_municipality)),
        "prefecture": MembershipFactory(role=Role.PREFECTURE_STAFF, organization=OrganizationFactory(
            kind=Org.Kind.PREFECTURE_OFFICE, municipality=None, prefecture=municipality.prefecture)),
        "tokyo": MembershipFactory(role=Role.PREFECTURE_STAFF, organization=OrganizationFactory(
            kind=Org.Kind.PREFECTURE_OFFICE, municipality=None, prefecture=tokyo)),
        "admin": MembershipFactory(role=Role.SYSTEM_ADMIN, organization=OrganizationFactory(
            kind=Org.Kind.MUNICIPALITY_OFFICE, municipality=other_municipality)),
    }


def test_municipal_staff_see_entries_about_their_municipalitys_objects_whoever_acted(offices, municipality):
    from tests.factories import DailyLivingAreaFactory

    with audit.bind_membership(offices["prefecture"]):  # someone outside the municipality acts on its object
        area = DailyLivingAreaFactory(municipality=municipality, name="川口圏域")
    entry = latest(object_type="core.dailylivingarea", object_id=str(area.pk))
    assert entry.owner_municipality_id == municipality.pk
    assert entry.seq in _visible_to(offices["home"])
    assert entry.seq not in _visible_to(offices["other"])


def test_municipal_staff_do_not_see_what_their_own_staff_did_to_another_municipalitys_objects(
        offices, other_municipality):
    from tests.factories import DailyLivingAreaFactory

    with audit.bind_membership(offices["home"]):
        DailyLivingAreaFactory(municipality=other_municipality, name="よその圏域")
    entry = latest(object_type="core.dailylivingarea")
    assert entry.seq not in _visible_to(offices["home"])
    assert entry.seq in _visible_to(offices["other"])


def test_prefecture_staff_see_entries_about_their_prefectures_municipalities_only(offices, municipality):
    from tests.factories import DailyLivingAreaFactory

    DailyLivingAreaFactory(municipality=municipality)
    entry = latest(object_type="core.dailylivingarea")
    assert entry.owner_prefecture_id == municipality.prefecture_id
    assert entry.seq in _visible_to(offices["prefecture"])
    assert entry.seq not in _visible_to(offices["tokyo"])


def test_entries_about_objects_nobody_owns_are_for_administrators_only(offices):
    user = UserFactory()
    entry = latest(object_type="core.user", object_id=str(user.pk))
    assert entry.owner_municipality_id is None and entry.owner_prefecture_id is None
    assert entry.seq in _visible_to(offices["admin"])
    assert not {entry.seq} & (_visible_to(offices["home"]) | _visible_to(offices["prefecture"]))


def test_every_audited_model_says_whose_it_is_without_importing_apps_into_core(municipality):
    from renkei.directory.models import SurveyRound
    from tests.factories import FacilityFactory

    facility = FacilityFactory(municipality=municipality)
    survey_round = SurveyRound(municipality=municipality, title="調査")
    assert audit.owner_of(facility) == audit.Owner(municipality.pk, municipality.prefecture_id)
    assert audit.owner_of(survey_round) == audit.Owner(municipality.pk, municipality.prefecture_id)
    assert audit.owner_of(municipality) == audit.Owner(municipality.pk, municipality.prefecture_id)
    assert audit.owner_of(municipality.prefecture) == audit.Owner(None, municipality.prefecture_id)


def test_the_owner_is_part_of_the_hash(municipality):
    from tests.factories import DailyLivingAreaFactory

    DailyLivingAreaFactory(municipality=municipality)
    target = latest(object_type="core.dailylivingarea")
    drop_append_only_guard()
    AuditEntry.objects.filter(pk=target.pk).update(owner_municipality_id=None)  # hide it from the municipality
    result = audit.verify()
    assert any(f"entry {target.seq}:" in p and "changed" in p for p in result.problems)


def test_entries_without_an_owner_keep_the_hash_they_were_written_with():
    """Entries written before the owner columns existed hashed a payload without them: they still verify."""
    entry = audit.record(action=AuditEntry.Action.LOGIN_FAILED, object_type="core.user", object_label="x@example.jp")
    old_payload = {"seq": entry.seq, "at": entry.at.astimezone(dt.UTC).isoformat(), "user": None,
                   "user_label": "", "membership": None, "organization": None, "action": "login_failed",
                   "permission": "", "object_type": "core.user", "object_id": "", "object_label": "x@example.jp",
                   "changes": {}, "reason": "", "ip": None, "user_agent": ""}
    assert entry.hash == audit.compute_hash(entry.prev_hash, old_payload)
    assert audit.verify().is_intact


# --- sensitive values: written masked, and masked again when shown --------------------------------

def test_person_data_is_logged_as_changed_never_with_its_value():
    user = User.objects.create_user("hanako@example.jp", "First-Secret-11!", display_name="山田花子", kana="ヤマダ")
    created = latest(object_type="core.user", action=AuditEntry.Action.CREATE)
    assert created.changes["email"] == audit.MASK and created.changes["display_name"] == audit.MASK
    user = User.objects.get(pk=user.pk)
    user.display_name = "山田華子"
    user.save()
    assert latest(object_type="core.user", action=AuditEntry.Action.UPDATE).changes == {"display_name": "changed"}
    stored = str(list(AuditEntry.objects.values_list("changes", flat=True)))
    assert "hanako@example.jp" not in stored and "山田華子" not in stored and "ヤマダ" not in stored


def test_sensitive_fields_are_defined_in_one_place_from_a_default_list_and_the_model():
    from renkei.directory.models import SurveyResponse

    assert {"password", "token_hash", "email"} <= audit.sensitive_fields(User)
    assert {"respondent_name", "respondent_role", "email"} <= audit.sensitive_fields(SurveyResponse)
    assert "name" not in audit.sensitive_fields(Organization)


def test_values_logged_before_a_field_was_marked_sensitive_are_masked_on_the_screen_and_in_the_api(
        offices, login_as, api_token_for):
    """An entry written with a plain value (an older version, a service that forgot) never shows it."""
    admin = offices["admin"]
    audit.record(action=AuditEntry.Action.UPDATE, object_type="core.user", object_id="1", object_label="利用者",
                 changes={"email": ["old-address@example.jp", "new-address@example.jp"], "is_active": [True, False]})
    page = login_as(admin).get("/audit/").content.decode()
    assert "old-address@example.jp" not in page and "new-address@example.jp" not in page
    response = login_as(admin).get("/api/v1/audit", HTTP_AUTHORIZATION=f"Bearer {api_token_for(admin)}")
    entry = next(e for e in response.json()["items"] if e["object_type"] == "core.user" and e["object_id"] == "1")
    assert entry["changes"] == {"email": "changed", "is_active": [True, False]}


# --- entries read as sentences -----------------------------------------------------------------------

def test_an_update_reads_as_a_sentence_with_the_changed_fields_by_name(municipality):
    from django.utils.translation import gettext

    from renkei.core.models import DailyLivingArea
    from tests.factories import DailyLivingAreaFactory

    area = DailyLivingArea.objects.get(pk=DailyLivingAreaFactory(municipality=municipality, name="旧圏域").pk)
    area.name, area.description = "新圏域", "中学校区"
    area.save()
    entry = latest(object_type="core.dailylivingarea", action=AuditEntry.Action.UPDATE)
    fields = "、".join([gettext("name"), gettext("description")])
    assert entry.summary == gettext("Changed %(fields)s of %(type)s: %(label)s") % {
        "fields": fields, "type": gettext("daily living area"), "label": "新圏域"}
    assert [(line.field, line.before, line.after) for line in entry.change_lines][0] == (
        gettext("name"), "旧圏域", "新圏域")


def test_the_log_screen_and_the_api_show_sentences_not_object_reprs(offices, municipality, login_as):
    from django.utils.translation import gettext

    from tests.factories import DailyLivingAreaFactory

    with audit.bind_membership(offices["prefecture"]):
        DailyLivingAreaFactory(municipality=municipality, name="川口圏域")
    sentence = gettext("Created %(type)s: %(label)s") % {"type": gettext("daily living area"), "label": "川口圏域"}
    client = login_as(offices["home"])
    assert sentence in client.get("/audit/").content.decode()
    items = client.get("/api/v1/audit").json()["items"]
    assert items[0]["summary"] == sentence


def test_every_audited_model_has_a_verbose_name_and_a_label_of_its_own():
    """Never "SurveyInvitation object (3)" in the log: each audited model names itself and its rows."""
    from django.apps import apps
    from django.db import models

    audited = [m for m in apps.get_models() if audit._is_audited(m)]
    assert len(audited) > 10
    without_name = [m.__name__ for m in audited if "verbose_name" not in m._meta.original_attrs]
    without_label = [m.__name__ for m in audited if m.__str__ is models.Model.__str__]
    assert without_name == [] and without_label == []


def test_reads_of_many_rows_write_one_entry_per_owner_with_a_count(municipality, other_municipality):
    from tests.factories import FacilityFactory

    here = [FacilityFactory(municipality=municipality) for _ in range(5)]
    there = [FacilityFactory(municipality=other_municipality)]
    before = AuditEntry.objects.count()
    entries = audit.record_reads(here + there, what="professional-only details")
    assert AuditEntry.objects.count() == before + 2
    by_owner = {e.owner_municipality_id: e for e in entries}
    assert by_owner[municipality.pk].changes["count"] == 5
    assert by_owner[municipality.pk].changes["ids"] == [f.pk for f in here]
    assert by_owner[other_municipality.pk].object_label == there[0].name
    assert audit.record_reads([]) == []


# --- reads do not pay for the audit: the old values are read just before a write -----------------

def test_loading_a_page_of_audited_rows_takes_no_snapshot_of_them(municipality):
    from unittest import mock

    for _ in range(5):
        OrganizationFactory(municipality=municipality)
    with mock.patch.object(audit, "_field_values", wraps=audit._field_values) as field_values:
        loaded = list(Organization.objects.all())
    assert len(loaded) >= 5
    assert field_values.call_count == 0
    assert not any(hasattr(org, "_audit_snapshot") or hasattr(org, "_audit_before") for org in loaded)


def test_an_update_of_one_row_of_a_loaded_page_logs_its_old_and_new_values(municipality):
    first, second = (OrganizationFactory(municipality=municipality, name=name) for name in ("一番", "二番"))
    page = {org.pk: org for org in Organization.objects.filter(pk__in=[first.pk, second.pk])}
    page[second.pk].name = "二番目"
    page[second.pk].save()
    entry = latest(object_type="core.organization", action=AuditEntry.Action.UPDATE)
    assert (entry.object_id, entry.changes) == (str(second.pk), {"name": ["二番", "二番目"]})


def test_a_write_after_a_concurrent_change_logs_the_value_the_database_held(municipality):
    org = OrganizationFactory(municipality=municipality, name="開いた時の名前")
    opened = Organization.objects.get(pk=org.pk)
    Organization.objects.filter(pk=org.pk).update(name="他の職員が保存した名前")  # someone else, meanwhile
    opened.name = "新しい名前"
    opened.save()
    entry = latest(object_type="core.organization", action=AuditEntry.Action.UPDATE)
    assert entry.changes == {"name": ["他の職員が保存した名前", "新しい名前"]}


def test_overwriting_someone_elses_change_with_a_stale_value_is_logged(municipality):
    org = OrganizationFactory(municipality=municipality, name="名前", phone="0773-00-0000")
    opened = Organization.objects.get(pk=org.pk)
    Organization.objects.filter(pk=org.pk).update(phone="0773-11-1111")
    opened.name = "新しい名前"
    opened.save()  # writes every field: the stale phone too
    entry = latest(object_type="core.organization", action=AuditEntry.Action.UPDATE)
    assert entry.changes == {"name": ["名前", "新しい名前"], "phone": ["0773-11-1111", "0773-00-0000"]}


def test_a_save_with_update_fields_logs_only_the_fields_it_writes(municipality):
    org = Organization.objects.get(pk=OrganizationFactory(municipality=municipality, name="旧", phone="1").pk)
    org.name, org.phone = "新", "2"
    org.save(update_fields=["name"])
    entry = latest(object_type="core.organization", action=AuditEntry.Action.UPDATE)
    assert entry.changes == {"name": ["旧", "新"]}


def test_saving_a_just_created_row_again_writes_no_entry(municipality):
    org = OrganizationFactory(municipality=municipality)
    before = AuditEntry.objects.count()
    org.save()
    assert AuditEntry.objects.count() == before


def test_an_update_reads_the_old_row_once_locked_as_the_write_itself_locks_it(municipality):
    from django.test.utils import CaptureQueriesContext

    org = Organization.objects.get(pk=OrganizationFactory(municipality=municipality).pk)
    org.name = "新"
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        org.save()
    reads = [q["sql"] for q in queries if q["sql"].startswith("SELECT") and '"core_organization"' in q["sql"]]
    assert len(reads) == 1
    if connection.vendor == "postgresql":
        # FOR NO KEY UPDATE, like the UPDATE: rows that only reference this one (FK checks) are not blocked;
        # OF this table and no join (a default ordering may join): no other row is locked.
        assert reads[0].endswith('FOR NO KEY UPDATE OF "core_organization"') and " JOIN " not in reads[0]


def test_the_old_row_is_read_without_the_joins_of_the_models_default_ordering(municipality):
    from django.test.utils import CaptureQueriesContext

    from renkei.core.models import Membership

    from ..factories import MembershipFactory

    membership = Membership.objects.get(pk=MembershipFactory(organization=OrganizationFactory(
        municipality=municipality)).pk)  # Membership orders by its organization's name
    membership.profession = "nurse"
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        membership.save()
    reads = [q["sql"] for q in queries if q["sql"].startswith("SELECT") and 'FROM "core_membership"' in q["sql"]]
    assert len(reads) == 1 and "core_organization" not in reads[0]
