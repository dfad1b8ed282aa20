"""The append-only, hash-chained audit log: automatic entries, masking, tamper detection."""

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
