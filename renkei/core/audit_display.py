"""The audit log in words: one sentence per entry, its changed fields by their names, sensitive values masked.

Entries keep what was true when they were written (type, id, label, changes); this module turns them into
what a municipal officer reads ("アンケート回答を承認しました: みどり診療所"), in the viewer's language.
The screen and the API both read entries through it, so neither shows a value that `audit.sensitive_fields`
marks, not even one written before the field was marked.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from . import audit
from .models.audit import AuditEntry

Action = AuditEntry.Action
VALUE_CHARS = 120  # a long value (an answer sheet, a JSON list) is cut in the log's screen


@dataclass(frozen=True)
class ChangeLine:
    """One changed field as shown: its name, the value before (updates only) and after."""

    field: str
    before: str
    after: str
    is_masked: bool = False


def model_of(object_type: str) -> type[models.Model] | None:
    """The model an entry's object_type ("directory.facility") names, None when gone or never a model."""
    if "." not in object_type:
        return None
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def type_label(object_type: str) -> str:
    model = model_of(object_type)
    return str(model._meta.verbose_name) if model is not None else object_type


def _field(model, key: str):
    if model is None:
        return None
    try:
        return model._meta.get_field(key)
    except FieldDoesNotExist:
        for field in model._meta.concrete_fields:
            if field.attname == key:
                return field
    return None


def field_label(model, key: str) -> str:
    """A changed field by its verbose name ("name" → 名称), the stored key when the model has no such field."""
    field = _field(model, key)
    return str(field.verbose_name) if field is not None else key


def masked_changes(entry: AuditEntry) -> dict[str, Any]:
    """The entry's changes with every sensitive value replaced: "***" for a value, "changed" for an update."""
    sensitive = audit.sensitive_fields(model_of(entry.object_type))
    shown = {}
    for key, value in (entry.changes or {}).items():
        if key not in sensitive or value in (audit.MASK, audit.CHANGED):
            shown[key] = value
        elif entry.action == Action.UPDATE and isinstance(value, list):
            shown[key] = audit.CHANGED
        else:
            shown[key] = audit.MASK
    return shown


def _value(field, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if field is not None and field.choices:
        labels = {str(code): label for code, label in field.flatchoices}
        if str(value) in labels:
            return str(labels[str(value)])
    text = str(value)
    return text if len(text) <= VALUE_CHARS else text[:VALUE_CHARS] + "…"


def change_lines(entry: AuditEntry) -> list[ChangeLine]:
    """The changed fields of a create, update or delete, by name, with masked values shown as words."""
    if entry.action not in (Action.CREATE, Action.UPDATE, Action.DELETE):
        return []
    model = model_of(entry.object_type)
    lines = []
    for key, value in masked_changes(entry).items():
        field = _field(model, key)
        label = field_label(model, key)
        if value == audit.MASK:
            lines.append(ChangeLine(label, "", _("(not recorded)"), is_masked=True))
        elif value == audit.CHANGED:
            lines.append(ChangeLine(label, "", _("changed"), is_masked=True))
        elif entry.action == Action.UPDATE and isinstance(value, list) and len(value) == 2:
            lines.append(ChangeLine(label, _value(field, value[0]), _value(field, value[1])))
        else:
            lines.append(ChangeLine(label, "", _value(field, value)))
    return lines


def _join(names: list[str]) -> str:
    return (", " if (get_language() or "").startswith("en") else "、").join(names)


def _update_sentence(model, entry: AuditEntry) -> str | None:
    """A model's own words for a change of state (AUDIT_UPDATE_SENTENCES: {(field, new value): msgid})."""
    sentences = getattr(model, "AUDIT_UPDATE_SENTENCES", None) or {}
    for key, value in (entry.changes or {}).items():
        # A list of codes (topics, indicators: [[before…], [after…]]) names no state: only scalars are looked up.
        if isinstance(value, list) and len(value) == 2 and not isinstance(value[1], list | dict):
            sentence = sentences.get((key, value[1]))
            if sentence is not None:
                return str(sentence)
    return None


def sentence(entry: AuditEntry) -> str:
    """What happened, as one sentence in the viewer's language."""
    model = model_of(entry.object_type)
    values = {
        "type": type_label(entry.object_type) if entry.object_type else _("an object"),
        "label": entry.object_label or (f"#{entry.object_id}" if entry.object_id else "—"),
        "permission": entry.permission or "—",
    }
    changes = entry.changes or {}
    action = entry.action
    if action == Action.CREATE:
        return _("Created %(type)s: %(label)s") % values
    if action == Action.UPDATE:
        special = _update_sentence(model, entry)
        if special is not None:
            return special % values
        names = [field_label(model, key) for key in changes]
        if not names:
            return _("Changed %(type)s: %(label)s") % values
        return _("Changed %(fields)s of %(type)s: %(label)s") % {**values, "fields": _join(names)}
    if action == Action.DELETE:
        return _("Deleted %(type)s: %(label)s") % values
    if action == Action.READ:
        what = changes.get("what")
        if what:
            return _("Viewed %(what)s of %(type)s: %(label)s") % {**values, "what": _(str(what))}
        return _("Viewed %(type)s: %(label)s") % values
    if action == Action.REFUSE:
        if entry.object_type:
            return _("Refused access to %(type)s (%(permission)s): %(label)s") % values
        return _("Refused an action (%(permission)s)") % values
    if action == Action.EXPORT:
        if changes.get("file"):
            return _("Exported data: %(label)s (%(file)s)") % {**values, "file": changes["file"]}
        return _("Exported data: %(label)s") % values
    if action == Action.LOGIN:
        return _("Logged in")
    if action == Action.LOGIN_FAILED:
        return _("Login failed: %(label)s") % values
    if action == Action.LOGOUT:
        return _("Logged out")
    if action == Action.BULK:
        return _("Changed many %(type)s at once: %(label)s") % values
    return f"{entry.get_action_display()}: {values['label']}"
