"""The one audit path: `record()` appends a hash-chained entry; model writes are recorded automatically.

Who acted comes from the audit context that the request middleware (or a management command) binds,
so a service does not pass the request around. Entries are written inside the writer's transaction:
if the write rolls back, so does its entry.
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

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models.signals import post_delete, post_init, post_save
from django.dispatch import receiver
from django.utils import timezone

from .models.audit import AuditChainHead, AuditEntry

GENESIS_HASH = "0" * 64
# Apps whose models are audited automatically; later capabilities add their label here.
AUDITED_APP_LABELS = {"core", "directory", "pdca", "provision", "handoff", "consult", "training", "region",
                      "indicators"}
ALWAYS_SENSITIVE_FIELDS = frozenset({"password", "secret", "token", "key_hash", "token_hash"})
ALWAYS_IGNORED_FIELDS = frozenset({"last_login", "updated_at"})
MASK = "***"


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


def _canonical(value: Any) -> Any:
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def compute_hash(prev_hash: str, payload: dict[str, Any]) -> str:
    body = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def _payload(entry: AuditEntry) -> dict[str, Any]:
    return {
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
) -> AuditEntry:
    """Append one entry to the audit log, chained to the previous one."""
    ctx = _context.get()
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
            prev_hash=head.hash,
        )
        entry.hash = compute_hash(entry.prev_hash, _payload(entry))
        entry.save(force_insert=True)
        AuditChainHead.objects.filter(pk=1).update(seq=entry.seq, hash=entry.hash)
    return entry


def record_many(items: list[dict[str, Any]]) -> int:
    """Append one entry per item (each takes `record`'s keyword arguments) in one extension of the chain.

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
            )
            entry.hash = compute_hash(prev_hash, _payload(entry))
            prev_hash = entry.hash
            entries.append(entry)
        AuditEntry.objects.bulk_create(entries, batch_size=1000)
        AuditChainHead.objects.filter(pk=1).update(seq=seq, hash=prev_hash)
    return len(entries)


def record_read(obj: models.Model, *, permission: str = "", reason: str = "") -> AuditEntry:
    """Log a read of person-identifying data (called by selectors that return such data)."""
    return record(action=AuditEntry.Action.READ, obj=obj, permission=permission, reason=reason)


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
    return (
        meta.app_label in AUDITED_APP_LABELS
        and not getattr(sender, "AUDIT_SKIP", False)
        and not meta.auto_created
    )


def _sensitive_fields(instance) -> frozenset[str]:
    return ALWAYS_SENSITIVE_FIELDS | getattr(instance, "AUDIT_SENSITIVE_FIELDS", frozenset())


def _ignored_fields(instance) -> frozenset[str]:
    return ALWAYS_IGNORED_FIELDS | getattr(instance, "AUDIT_IGNORED_FIELDS", frozenset())


def _field_values(instance) -> dict[str, Any]:
    # Deferred fields are left out: reading one would load it, which runs post_init again, forever.
    deferred = instance.get_deferred_fields()
    return {f.attname: getattr(instance, f.attname, None) for f in instance._meta.concrete_fields
            if f.attname not in deferred}


def _shown(instance, name: str, value: Any) -> Any:
    return MASK if name in _sensitive_fields(instance) else value


@receiver(post_init)
def _remember_loaded_values(sender, instance, **kwargs):
    if _is_audited(sender) and instance.pk is not None:
        instance._audit_snapshot = _field_values(instance)


@receiver(post_save)
def _record_save(sender, instance, created, raw=False, **kwargs):
    if raw or not _is_audited(sender):
        return
    now = _field_values(instance)
    ignored = _ignored_fields(instance)
    if created:
        changes = {k: _shown(instance, k, v) for k, v in now.items() if k not in ignored and v not in (None, "")}
        record(action=AuditEntry.Action.CREATE, obj=instance, changes=changes)
    else:
        before = getattr(instance, "_audit_snapshot", {})
        changes = {}
        for name, value in now.items():
            if name in ignored or before.get(name, value) == value and name in before:
                continue
            if name not in before:
                changes[name] = _shown(instance, name, value)
            elif name in _sensitive_fields(instance):
                changes[name] = "changed"
            else:
                changes[name] = [before[name], value]
        if changes:
            record(action=AuditEntry.Action.UPDATE, obj=instance, changes=changes)
    instance._audit_snapshot = now


@receiver(post_delete)
def _record_delete(sender, instance, **kwargs):
    if _is_audited(sender):
        record(action=AuditEntry.Action.DELETE, obj=instance)
