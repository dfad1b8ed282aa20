"""Writes that hold under concurrency: a version on each editable object, narrow row locks, one lock order.

- `Versioned` gives a model a `version` that every save of an existing row increments; bulk writes use
  `next_version()` (F("version") + 1).
- A service takes the version its form or API caller started from (`expected_version`) and calls
  `lock_checked(...)` inside its transaction: the row is locked (only that row, `of=("self",)`, and
  FOR NO KEY UPDATE on PostgreSQL, so inserts of rows that refer to it are not blocked) and `StaleEdit` is
  raised when someone else saved in between. Views answer it with a conflict screen (409), the API with 409.
- Lock order (docs/architecture.md): the rows a service writes, parents before children, rows of one model
  by primary key, and the audit chain head last. Every audited write takes the chain head, so a service
  locks every existing row it will write before its first audited save.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.db import connections, models
from django.db.models import F
from django.utils.translation import gettext_lazy as _


class Versioned(models.Model):
    """A model whose rows carry a version: 1 when created, one more at every save of the row."""

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            self.version = (self.version or 0) + 1
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "version"}
        super().save(*args, **kwargs)


def next_version() -> F:
    """The value a bulk UPDATE gives `version`: `.update(..., version=next_version())`."""
    return F("version") + 1


class StaleEdit(Exception):
    """The object changed since the form (or API caller) read it: nothing was written.

    `current` is the object as stored now (locked rows are released when the transaction rolls back);
    `expected_version` is the version the caller started from.
    """

    def __init__(self, current: models.Model, expected_version: int):
        self.current = current
        self.expected_version = expected_version
        self.current_version = current.version
        super().__init__(f"{current._meta.label} #{current.pk}: version {expected_version} was replaced by "
                         f"version {current.version}")


def for_write(queryset: models.QuerySet) -> models.QuerySet:
    """The queryset locking only its own model's rows (not the rows `select_related` joins), as narrowly as
    the database allows: FOR NO KEY UPDATE OF on PostgreSQL, a no-op on SQLite (its writes are serialized)."""
    features = connections[queryset.db].features
    return queryset.select_for_update(of=("self",), no_key=features.has_select_for_no_key_update)


def lock_checked(obj: models.Model, expected_version: int | None) -> models.Model:
    """Lock `obj`'s row, check it is still at `expected_version` (None: no check), and return it as stored.

    `obj.version` is set to the stored version, so that its next save increments the real one.
    Call inside `transaction.atomic()`, before the service's first audited write.
    """
    model = type(obj)
    stored = for_write(model._base_manager.db_manager(obj._state.db or "default")).get(pk=obj.pk)
    if expected_version is not None and stored.version != expected_version:
        raise StaleEdit(stored, expected_version)
    obj.version = stored.version
    return stored


def lock_in_order(model: type[models.Model], pks: Iterable[Any]) -> dict[Any, models.Model]:
    """Lock several rows of one model in primary-key order (the one order every service uses)."""
    rows = for_write(model._base_manager.filter(pk__in=sorted(set(pks))).order_by("pk"))
    return {row.pk: row for row in rows}


def parse_version(value: Any) -> int | None:
    """A version from a form field, a JSON body or an ETag (`"12"`, `W/"12"`); None when absent or not one."""
    if value is None or isinstance(value, bool):
        return None
    text = str(value).strip()
    if text.startswith("W/"):
        text = text[2:]
    text = text.strip('"')
    return int(text) if text.isdecimal() and len(text) < 12 else None


def etag(obj: models.Model) -> str:
    """The ETag of an object as the API sends it: its version, quoted (strong: the version names the content)."""
    return f'"{obj.version}"'


class VersionField(forms.IntegerField):
    """The hidden input carrying the version a form was opened with."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("widget", forms.HiddenInput)
        super().__init__(**kwargs)


def add_version_field(form: forms.BaseForm, obj: models.Model | None) -> None:
    """Give a form the hidden `version` input, opened at `obj`'s version (nothing for a new object)."""
    form.fields["version"] = VersionField(initial=getattr(obj, "version", None) if obj is not None and obj.pk
                                          else None)


def with_version(data, version: int):
    """A copy of submitted form data carrying `version`: the conflict screen's "save mine over theirs"."""
    data = data.copy()
    data["version"] = str(version)
    return data


# --- the conflict screen ------------------------------------------------------------------------------------

EMPTY = "—"


def _display(field: forms.Field, value: Any) -> str:
    """A submitted or stored form value as a person reads it (choice labels, not codes)."""
    if value in (None, "", [], ()):
        return EMPTY
    choices = getattr(field, "choices", None)
    if choices is not None:
        labels = {str(k): str(v) for k, v in choices if not isinstance(v, list | tuple)}
        values = value if isinstance(value, list | tuple) else [value]
        return "、".join(labels.get(str(getattr(v, "pk", v)), str(v)) for v in values)
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    return str(value)


def conflict_rows(submitted: forms.BaseForm, current: forms.BaseForm, *, changed_by_others: Iterable[str] = (),
                  sensitive: Iterable[str] = ()) -> list[dict[str, Any]]:
    """The fields where the value stored now differs from the one this user submitted.

    `current` is the same form, unbound, over the object as stored now. Each row: label, field name, the
    value now, the submitted value, and whether another person's save since the form was opened changed it.
    Sensitive fields (the audit rules') show as masked.
    """
    from .audit import MASK

    changed_by_others, sensitive = set(changed_by_others), set(sensitive)
    rows = []
    for name, field in submitted.fields.items():
        if name == "version" or field.widget.is_hidden or name not in current.fields:
            continue
        now, mine = current[name].value(), submitted[name].value()
        if not field.has_changed(now, mine):
            continue
        masked = name in sensitive
        rows.append({"name": name, "label": field.label or name,
                     "current": MASK if masked else _display(field, now),
                     "mine": MASK if masked else _display(field, mine),
                     "changed_by_others": name in changed_by_others})
    return rows


def saves_since(obj: models.Model, version: int | None, *, limit: int = 20) -> list[dict[str, Any]]:
    """Who saved `obj` after `version` and when, from the audit log (each save logs its version change).

    Each item: `at`, `user_label`, `fields` (the names of the fields that save changed, version aside).
    """
    from .audit import object_type_of
    from .models import AuditEntry

    if version is None:
        return []
    entries = (AuditEntry.objects.filter(object_type=object_type_of(obj), object_id=str(obj.pk),
                                         action=AuditEntry.Action.UPDATE)
               .order_by("-seq").only("at", "user_label", "changes")[:limit])
    saves = []
    for entry in entries:
        change = (entry.changes or {}).get("version")
        if not (isinstance(change, list) and len(change) == 2 and isinstance(change[1], int)):
            continue
        if change[1] <= version:
            break
        saves.append({"at": entry.at, "user_label": entry.user_label,
                      "fields": sorted(set(entry.changes) - {"version"})})
    return saves[::-1]


def conflict_context(*, submitted: forms.BaseForm, current: forms.BaseForm, stale: StaleEdit,
                     reload_url: str) -> dict[str, Any]:
    """What the conflict screen shows (template `_conflict.html`): the saves since the form was opened,
    the differing fields (marked where those saves changed them) and the link that reloads the saved values."""
    from .audit import sensitive_fields

    obj = stale.current
    saves = saves_since(obj, stale.expected_version)
    changed = {name for save in saves for name in save["fields"]}
    for save in saves:
        save["field_labels"] = [_field_label(obj, name) for name in save["fields"]]
    return {"saves": saves, "reload_url": reload_url, "current_version": stale.current_version,
            "rows": conflict_rows(submitted, current, changed_by_others=changed,
                                  sensitive=sensitive_fields(obj))}


def render_conflict(request, template: str, context: dict, *, form: forms.BaseForm, current_form: forms.BaseForm,
                    stale: StaleEdit, rebind: Callable[[Any], forms.BaseForm]):
    """The conflict screen (409): the form's own page with the differences on top (`_conflict.html`, included
    by the template when `conflict` is set) and the user's entry kept in the form, now carrying the stored
    version, so that saving it again replaces the other person's values.

    `current_form` is the form unbound over the object as stored now; `rebind(data)` builds the form again
    over it from the submitted data.
    """
    from django.shortcuts import render

    context["conflict"] = conflict_context(submitted=form, current=current_form, stale=stale,
                                           reload_url=request.path)
    context["form"] = rebind(with_version(request.POST, stale.current_version))
    context["form"].is_valid()
    return render(request, template, context, status=409)


def _field_label(obj: models.Model, name: str) -> str:
    try:
        return str(obj._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:  # an attname ("municipality_id") or a name the model no longer has
        field = next((f for f in obj._meta.concrete_fields if f.attname == name), None)
        return str(field.verbose_name) if field is not None else name
