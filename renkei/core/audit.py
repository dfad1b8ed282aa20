"""The one audit path: `record()` appends a hash-chained entry; model writes are recorded automatically.

Who acted comes from the audit context that the request middleware (or a management command) binds,
so a service does not pass the request around. Entries are written inside the writer's transaction:
if the write rolls back, so does its entry.

Each entry also records whose object it is (the owner municipality and prefecture, see `owner_of`):
the log shows an entry to the staff of that municipality (or prefecture), whoever acted. Which fields'
values are never written (secrets, person data) is decided in one place, `sensitive_fields`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, models, router, transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone

from .models.audit import AuditChainHead, AuditEntry

GENESIS_HASH = "0" * 64
# Apps whose models are audited automatically; later capabilities add their label here.
AUDITED_APP_LABELS = {"core", "directory", "pdca", "provision", "handoff", "consult", "training", "region",
                      "indicators", "careteams"}
ALWAYS_SENSITIVE_FIELDS = frozenset({"password", "secret", "token", "key_hash", "token_hash"})
# Person data: the log says that such a field changed, never its value (a log entry cannot be erased).
# Models add their own with AUDIT_SENSITIVE_FIELDS (e.g. a survey respondent's name).
PERSON_DATA_FIELDS = frozenset({"email", "display_name"})
ALWAYS_IGNORED_FIELDS = frozenset({"last_login", "updated_at"})
MASK = "***"
CHANGED = "changed"
READ_IDS_KEPT = 100  # ids listed in one read entry; the count is always exact
READ_NAMES_IN_LABEL = 3


@dataclass(frozen=True)
class AuditContext:
    user_id: int | None = None
    user_label: str = ""
    membership_id: int | None = None
    organization_id: int | None = None
    ip_address: str | None = None
    user_agent: str = ""
    reason: str = ""


_context: ContextVar[AuditContext] = ContextVar("renkei_audit_context", default=AuditContext())  # noqa: B039 (frozen)


def current_context() -> AuditContext:
    return _context.get()


@contextmanager
def bind(**fields: Any) -> Iterator[AuditContext]:
    """Bind who is acting (and why) for every entry written inside the block."""
    ctx = replace(_context.get(), **fields)
    token = _context.set(ctx)
    try:
        yield ctx
    finally:
        _context.reset(token)


def bind_membership(membership, **fields: Any):
    """Bind a membership (and its user) as the actor."""
    return bind(
        user_id=membership.user_id,
        user_label=membership.user.email,
        membership_id=membership.pk,
        organization_id=membership.organization_id,
        **fields,
    )


def reason(text: str):
    """Attach the reason for a sensitive action to the entries written inside the block."""
    return bind(reason=text)


def object_type_of(obj_or_model) -> str:
    meta = obj_or_model._meta
    return f"{meta.app_label}.{meta.model_name}"


# --- whose object it is ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Owner:
    """The municipality and prefecture an object belongs to (both None: nobody's, e.g. a user account)."""

    municipality_id: int | None = None
    prefecture_id: int | None = None


NO_OWNER = Owner()


def owner_of(obj: Any) -> Owner:
    """Whose object this is, for the audit log's visibility.

    A model says it with `audit_owner()` (returning a municipality, a prefecture, another object or an
    Owner); without it, its `municipality_id`/`prefecture_id` attributes are read (facilities, survey
    rounds, organizations, daily living areas…). A Municipality or Prefecture owns itself.
    """
    return _with_prefecture(_owner_ids(obj))


def _owner_ids(obj: Any) -> Owner:
    """The owner as far as the object itself tells (the prefecture may still be missing: one query away)."""
    from .models import Municipality, Prefecture

    if obj is None or isinstance(obj, Owner):
        return obj or NO_OWNER
    hook = getattr(obj, "audit_owner", None)
    if callable(hook):
        found = hook()
        return NO_OWNER if found is None or found is obj else _owner_ids(found)
    if isinstance(obj, Municipality):
        return Owner(obj.pk, obj.prefecture_id)
    if isinstance(obj, Prefecture):
        return Owner(None, obj.pk)
    municipality_id = getattr(obj, "municipality_id", None)
    prefecture_id = getattr(obj, "prefecture_id", None)
    if municipality_id is not None and prefecture_id is None:
        prefecture_id = _cached_prefecture_id(obj)
    return Owner(municipality_id, prefecture_id)


def _cached_prefecture_id(obj: Any) -> int | None:
    meta = getattr(obj, "_meta", None)
    try:
        if meta is not None and meta.get_field("municipality").is_cached(obj):
            return obj.municipality.prefecture_id
    except FieldDoesNotExist:  # a property (Membership reads its organization's)
        pass
    return None


def _with_prefecture(owner: Owner) -> Owner:
    from .models import Municipality

    if owner.municipality_id is None or owner.prefecture_id is not None:
        return owner
    prefecture_id = Municipality.objects.filter(pk=owner.municipality_id).values_list(
        "prefecture_id", flat=True).first()
    return Owner(owner.municipality_id, prefecture_id)


# --- whose personal data it is -------------------------------------------------------------------

@dataclass(frozen=True)
class Subject:
    """The person an entry's data is about: ("patient", 12). Empty: not person-identifying data."""

    type: str = ""
    id: int | None = None


NO_SUBJECT = Subject()


def subject_of(obj: Any) -> Subject:
    """The data subject of an object, from its `audit_subject()` (a Subject, or an object that has one)."""
    if obj is None or isinstance(obj, Subject):
        return obj or NO_SUBJECT
    hook = getattr(obj, "audit_subject", None)
    if not callable(hook):
        return NO_SUBJECT
    found = hook()
    if found is None or found is obj:
        return NO_SUBJECT
    return subject_of(found)


# --- which values are never written ---------------------------------------------------------------

def sensitive_fields(model_or_instance) -> frozenset[str]:
    """Fields whose values the log never shows: secrets, person data, and the model's AUDIT_SENSITIVE_FIELDS.

    Names and attnames (`respondent_name`, `confirmed_by_user_id`) both count. The one place this is decided:
    writing masks these values, and the screen and the API mask them again in entries written before.
    """
    names = ALWAYS_SENSITIVE_FIELDS | PERSON_DATA_FIELDS | getattr(model_or_instance, "AUDIT_SENSITIVE_FIELDS",
                                                                  frozenset())
    meta = getattr(model_or_instance, "_meta", None)
    if meta is None:
        return frozenset(names)
    if callable(getattr(model_or_instance, "audit_subject", None)):
        # About a person (a patient…): every field is sensitive by default; the log says what changed, never to what.
        names = names | {f.name for f in meta.concrete_fields}
    attnames = {f.attname for f in meta.concrete_fields if f.name in names}
    return frozenset(names | attnames)


def _canonical(value: Any) -> Any:
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def compute_hash(prev_hash: str, payload: dict[str, Any]) -> str:
    body = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def _payload(entry: AuditEntry) -> dict[str, Any]:
    payload = {
        "seq": entry.seq,
        "at": entry.at.astimezone(dt.UTC).isoformat(),
        "user": entry.user_id_value,
        "user_label": entry.user_label,
        "membership": entry.membership_id_value,
        "organization": entry.organization_id_value,
        "action": entry.action,
        "permission": entry.permission,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_label": entry.object_label,
        "changes": entry.changes,
        "reason": entry.reason,
        "ip": entry.ip_address,
        "user_agent": entry.user_agent,
    }
    # The owner is hashed too, but only when set: entries written before these columns existed (no owner)
    # keep exactly the payload their hash was computed from, and setting or clearing an owner later breaks it.
    if entry.owner_municipality_id is not None:
        payload["owner_municipality"] = entry.owner_municipality_id
    if entry.owner_prefecture_id is not None:
        payload["owner_prefecture"] = entry.owner_prefecture_id
    if entry.subject_id is not None:
        payload["subject"] = [entry.subject_type, entry.subject_id]
    return payload


def record(
    *,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    object_label: str | None = None,
    changes: dict[str, Any] | None = None,
    permission: str = "",
    reason: str = "",
    owner: Any = None,
    subject: Any = None,
) -> AuditEntry:
    """Append one entry to the audit log, chained to the previous one.

    `owner` (a municipality, a prefecture, an object or an Owner) says whose entry it is when `obj` does not
    (a bulk write, a read of many rows); by default it is `owner_of(obj)`. `subject` (a Subject or an object)
    says whose personal data it is about; by default `subject_of(obj)`.
    """
    ctx = _context.get()
    owner = owner_of(owner if owner is not None else obj)
    subject = subject_of(subject if subject is not None else obj)
    if obj is not None:
        object_type = object_type or object_type_of(obj)
        object_id = object_id or obj.pk
        if object_label is None:
            object_label = "" if getattr(obj, "AUDIT_LABEL_IS_SENSITIVE", False) else str(obj)
    with transaction.atomic():
        head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            head = AuditChainHead.objects.create(pk=1, seq=0, hash=GENESIS_HASH)
        entry = AuditEntry(
            seq=head.seq + 1,
            at=timezone.now(),
            user_id_value=ctx.user_id,
            user_label=ctx.user_label[:254],
            membership_id_value=ctx.membership_id,
            organization_id_value=ctx.organization_id,
            action=action,
            permission=permission[:80],
            object_type=object_type[:80],
            object_id=str(object_id)[:64],
            object_label=(object_label or "")[:200],
            changes=_canonical(changes or {}),
            reason=reason or ctx.reason,
            ip_address=ctx.ip_address,
            user_agent=ctx.user_agent[:300],
            owner_municipality_id=owner.municipality_id,
            owner_prefecture_id=owner.prefecture_id,
            subject_type=subject.type or None,
            subject_id=subject.id,
            prev_hash=head.hash,
        )
        entry.hash = compute_hash(entry.prev_hash, _payload(entry))
        entry.save(force_insert=True)
        AuditChainHead.objects.filter(pk=1).update(seq=entry.seq, hash=entry.hash)
    return entry


def record_many(items: list[dict[str, Any]]) -> int:
    """Append one entry per item (each takes `record`'s keyword arguments, `owner` too) in one extension of the chain.

    For bulk services, which audit every object they change: one lock of the chain head and one
    bulk insert instead of three queries per entry.
    """
    if not items:
        return 0
    ctx = _context.get()
    with transaction.atomic():
        head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            head = AuditChainHead.objects.create(pk=1, seq=0, hash=GENESIS_HASH)
        seq, prev_hash, at = head.seq, head.hash, timezone.now()
        entries = []
        for item in items:
            obj = item.get("obj")
            owner = owner_of(item.get("owner") if item.get("owner") is not None else obj)
            subject = subject_of(item.get("subject") if item.get("subject") is not None else obj)
            object_type, object_id = item.get("object_type", ""), item.get("object_id", "")
            object_label = item.get("object_label")
            if obj is not None:
                object_type = object_type or object_type_of(obj)
                object_id = object_id or obj.pk
                if object_label is None:
                    object_label = "" if getattr(obj, "AUDIT_LABEL_IS_SENSITIVE", False) else str(obj)
            seq += 1
            entry = AuditEntry(
                seq=seq, at=at, user_id_value=ctx.user_id, user_label=ctx.user_label[:254],
                membership_id_value=ctx.membership_id, organization_id_value=ctx.organization_id,
                action=item["action"], permission=item.get("permission", "")[:80], object_type=object_type[:80],
                object_id=str(object_id)[:64], object_label=(object_label or "")[:200],
                changes=_canonical(item.get("changes") or {}), reason=item.get("reason") or ctx.reason,
                ip_address=ctx.ip_address, user_agent=ctx.user_agent[:300], prev_hash=prev_hash,
                owner_municipality_id=owner.municipality_id, owner_prefecture_id=owner.prefecture_id,
                subject_type=subject.type or None, subject_id=subject.id,
            )
            entry.hash = compute_hash(prev_hash, _payload(entry))
            prev_hash = entry.hash
            entries.append(entry)
        _insert_entries(entries)
        AuditChainHead.objects.filter(pk=1).update(seq=seq, hash=prev_hash)
    return len(entries)


def _insert_entries(entries: list[AuditEntry]) -> None:
    """bulk_create's rows (the same values, prepared by the same fields) without its per-object compiler work.

    A national import writes one entry per facility, about 245,000; no signal is sent, as with bulk_create.
    """
    connection = connections[router.db_for_write(AuditEntry)]
    fields = [f for f in AuditEntry._meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    sql = (f"INSERT INTO {quote(AuditEntry._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "  # noqa: S608
           f"VALUES ({', '.join(['%s'] * len(fields))})")  # names from the model, values bound
    with connection.cursor() as cursor:
        for start in range(0, len(entries), 1000):
            cursor.executemany(sql, [[f.get_db_prep_save(f.pre_save(entry, True), connection) for f in fields]
                                     for entry in entries[start:start + 1000]])


def record_read(obj: models.Model, *, what: str = "", permission: str = "", reason: str = "") -> AuditEntry:
    """Log a read of person-identifying or professional-only data of one object (one entry per page).

    `what` names the data read in English, marked with gettext_noop at the call site ("respondent names"):
    the log's screen translates it when showing the entry.
    """
    return record(action=AuditEntry.Action.READ, obj=obj, permission=permission, reason=reason,
                  changes={"what": what} if what else None)


def record_reads(objects, *, what: str = "", permission: str = "", reason: str = "") -> list[AuditEntry]:
    """Log one read of many objects (a list, a map feed, an API page): one entry per owner, not one per row.

    Each entry names the first few objects, counts all of them and keeps up to READ_IDS_KEPT ids, so the
    staff of each municipality see that their rows were read. Nothing is written for an empty list.
    Objects about a person (`subject_of`) get one entry each instead (returned: only the grouped entries).
    """
    resolved: dict[Owner, Owner] = {}  # the prefecture is looked up once per municipality, not per row
    by_owner: dict[Owner, list] = {}
    about_people: list[dict[str, Any]] = []
    for obj in objects:
        subject = subject_of(obj)
        if subject.id is not None:
            # Personal data: one entry per person, so each one's access history shows this read.
            about_people.append({"action": AuditEntry.Action.READ, "obj": obj, "subject": subject,
                                 "permission": permission, "reason": reason,
                                 "changes": {"what": what} if what else None})
            continue
        partial = _owner_ids(obj)
        if partial not in resolved:
            resolved[partial] = _with_prefecture(partial)
        by_owner.setdefault(resolved[partial], []).append(obj)
    entries = []
    for owner, group in by_owner.items():
        names = [str(obj) for obj in group[:READ_NAMES_IN_LABEL]]
        label = "、".join(names) + (f" … ({len(group)})" if len(group) > READ_NAMES_IN_LABEL else "")
        changes = {"count": len(group), "ids": [obj.pk for obj in group[:READ_IDS_KEPT]]}
        if what:
            changes = {"what": what, **changes}
        entries.append(record(action=AuditEntry.Action.READ, object_type=object_type_of(group[0]),
                              object_label=label, changes=changes, permission=permission, reason=reason,
                              owner=owner))
    record_many(about_people)
    return entries


@dataclass
class VerificationResult:
    checked: int
    problems: list[str]

    @property
    def is_intact(self) -> bool:
        return not self.problems


def verify(batch_size: int = 5000) -> VerificationResult:
    """Walk the whole chain and report every entry that was changed, removed or inserted."""
    problems: list[str] = []
    expected_prev = GENESIS_HASH
    expected_seq = 1
    checked = 0
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=batch_size):
        checked += 1
        if entry.seq != expected_seq:
            problems.append(f"entries {expected_seq}–{entry.seq - 1} are missing (deleted)")
        if entry.prev_hash != expected_prev:
            problems.append(f"entry {entry.seq}: link to the previous entry is broken")
        if compute_hash(entry.prev_hash, _payload(entry)) != entry.hash:
            problems.append(f"entry {entry.seq}: content does not match its hash (changed)")
        expected_prev = entry.hash
        expected_seq = entry.seq + 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.seq != expected_seq - 1 or head.hash != expected_prev):
        problems.append(f"the chain ends at entry {expected_seq - 1} but was last written at entry {head.seq} "
                        "(latest entries deleted)")
    return VerificationResult(checked=checked, problems=problems)


# --- automatic recording of every create / update / delete -------------------------------------

def _is_audited(sender) -> bool:
    meta = sender._meta
    # Migrations' historical models ("__fake__") are not: they lack the AUDIT_* settings, and the log's own
    # columns may not exist yet at that point of the migration history.
    return (
        sender.__module__ != "__fake__"
        and meta.app_label in AUDITED_APP_LABELS
        and not getattr(sender, "AUDIT_SKIP", False)
        and not meta.auto_created
    )


def _ignored_fields(instance) -> frozenset[str]:
    return ALWAYS_IGNORED_FIELDS | getattr(instance, "AUDIT_IGNORED_FIELDS", frozenset())


def _field_values(instance, names: frozenset[str] | None = None) -> dict[str, Any]:
    # Deferred fields are left out: reading one would load it from the database.
    deferred = instance.get_deferred_fields()
    return {f.attname: getattr(instance, f.attname, None) for f in instance._meta.concrete_fields
            if f.attname not in deferred and (names is None or f.attname in names)}


def _written_fields(instance, update_fields) -> frozenset[str]:
    """The attnames an update writes: `update_fields` if given (Django passes the loaded ones for a deferred row)."""
    concrete = instance._meta.concrete_fields
    if update_fields is not None:
        return frozenset(f.attname for f in concrete if f.name in update_fields or f.attname in update_fields)
    deferred = instance.get_deferred_fields()
    return frozenset(f.attname for f in concrete if f.attname not in deferred and not f.primary_key)


def _stored_values(sender, instance, names: frozenset[str], using: str) -> dict[str, Any] | None:
    """The row as the database holds it now, just before the write (None: no such row, the save inserts).

    Inside a transaction the row is locked as the UPDATE itself would lock it (FOR NO KEY UPDATE on
    PostgreSQL), so nobody changes it between this read and the write and the old values logged are exact.
    """
    # No ordering: a model's default ordering may join other tables (an invitation orders by its facility's
    # kana), and a lock would then take the joined rows too; `of` keeps it on this row whatever the query.
    rows = sender._base_manager.using(using).filter(pk=instance.pk).order_by()
    connection = connections[using]
    if connection.in_atomic_block and connection.features.has_select_for_update:
        rows = rows.select_for_update(of=("self",), no_key=connection.features.has_select_for_no_key_update)
    return rows.values(*names).first() if names else rows.values("pk").first()


def _unchanged(instance, name: str, old: Any, new: Any) -> bool:
    """Whether the database's value equals the one being written (a "2026-04-01" assigned to a date field does)."""
    if old == new:
        return True
    try:
        return old == instance._meta.get_field(_field_name(instance, name)).to_python(new)
    except (ValidationError, FieldDoesNotExist, TypeError, ValueError):
        return False


def _field_name(instance, attname: str) -> str:
    return next((f.name for f in instance._meta.concrete_fields if f.attname == attname), attname)


def _shown(instance, name: str, value: Any) -> Any:
    return MASK if name in sensitive_fields(instance) else value


# Loading a row costs nothing for the audit: a page of 100 facilities is only read. The old values of an
# update are read from the database on pre_save, one query per write of an audited row, and only the
# fields that the write sends.
@receiver(pre_save)
def _remember_stored_values(sender, instance, raw=False, using=None, update_fields=None, **kwargs):
    instance.__dict__.pop("_audit_before", None)
    if raw or instance.pk is None or not _is_audited(sender):
        return
    # A new row whose primary key has a default (a UUID) is inserted without an UPDATE first: nothing to read.
    if instance._state.adding and instance._meta.pk.has_default():
        return
    names = _written_fields(instance, update_fields)
    instance._audit_before = (names, _stored_values(sender, instance, names, using or instance._state.db))


@receiver(post_save)
def _record_save(sender, instance, created, raw=False, **kwargs):
    if raw or not _is_audited(sender):
        return
    ignored = _ignored_fields(instance)
    if created:
        now = _field_values(instance)
        changes = {k: _shown(instance, k, v) for k, v in now.items() if k not in ignored and v not in (None, "")}
        record(action=AuditEntry.Action.CREATE, obj=instance, changes=changes)
        return
    names, before = instance.__dict__.pop("_audit_before", (None, None))
    before = before or {}
    changes = {}
    for name, value in _field_values(instance, names).items():
        if name in ignored or (name in before and _unchanged(instance, name, before[name], value)):
            continue
        if name not in before:
            changes[name] = _shown(instance, name, value)
        elif name in sensitive_fields(instance):
            changes[name] = CHANGED
        else:
            changes[name] = [before[name], value]
    if changes:
        record(action=AuditEntry.Action.UPDATE, obj=instance, changes=changes)


@receiver(post_delete)
def _record_delete(sender, instance, **kwargs):
    if _is_audited(sender):
        record(action=AuditEntry.Action.DELETE, obj=instance)
