"""Writes for the collaboration taxonomy: the attributes facilities are asked about, and their categories.

Built-in and shared attributes (municipality empty) belong to every municipality: only a system
administrator changes their names, and nobody deletes them. A municipality adds its own attributes,
edits them, and deactivates them; an attribute that facilities have answered is never deleted.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from renkei.core import policy
from renkei.core.concurrency import lock_checked
from renkei.core.models import Municipality

from ..models import CollaborationAttribute, CollaborationCategory, CollaborationDetail, FacilityKind
from ..taxonomy import HOME_VISIT_ATTRIBUTES, ROUND_THE_CLOCK_ATTRIBUTE

# The coverage computation reads these: they stay active whatever happens.
PROTECTED_CODES = frozenset({*HOME_VISIT_ATTRIBUTES, ROUND_THE_CLOCK_ATTRIBUTE})
# What a municipality may change on its own attributes (the answer type only while nobody has answered).
EDITABLE_FIELDS = ("category", "name", "name_en", "help_text", "value_type", "choices", "applies_to", "visibility",
                   "sort_order")
NAME_FIELDS = ("name", "name_en", "help_text")
_CHOICE_CODE = re.compile(r"^[A-Za-z0-9_-]{1,40}$")


def parse_choices(text: str) -> list[dict[str, str]]:
    """Read the choices editor: one choice a line, "code:名前" or "code:名前:English name" (or just "名前").

    A line without a code gets one from its position ("c1", "c2"…). Raises ValidationError naming the line.
    """
    choices: list[dict[str, str]] = []
    seen: set[str] = set()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip().replace("：", ":")
        if not line:
            continue
        parts = [p.strip() for p in line.split(":")]
        if len(parts) == 1:
            code, name, name_en = f"c{len(choices) + 1}", parts[0], ""
        else:
            code, name, name_en = parts[0], parts[1], ":".join(parts[2:])
        if not _CHOICE_CODE.match(code):
            raise ValidationError(_("Line %(n)s: the code “%(code)s” may use only letters, digits, “_” and “-”.")
                                  % {"n": number, "code": code})
        if not name:
            raise ValidationError(_("Line %(n)s: write a name after the code.") % {"n": number})
        if code in seen:
            raise ValidationError(_("Line %(n)s: the code “%(code)s” is used twice.") % {"n": number, "code": code})
        seen.add(code)
        choice = {"code": code, "name": name[:100]}
        if name_en:
            choice["name_en"] = name_en[:100]
        choices.append(choice)
    return choices


def format_choices(choices: Iterable[dict]) -> str:
    """The choices editor's text for stored choices (inverse of `parse_choices`)."""
    return "\n".join(":".join([c["code"], c["name"], *([c["name_en"]] if c.get("name_en") else [])])
                     for c in choices)


def _new_code(municipality: Municipality | None, name_en: str) -> str:
    prefix = f"m{municipality.code}_" if municipality is not None else "x_"
    base = (prefix + (slugify(name_en).replace("-", "_") or "attribute"))[:54]
    code, n = base, 1
    while CollaborationAttribute.objects.filter(code=code).exists():
        n += 1
        code = f"{base}_{n}"
    return code


def _check(attribute: CollaborationAttribute) -> None:
    types = CollaborationAttribute.ValueType
    if attribute.value_type in (types.CHOICE, types.MULTI_CHOICE) and not attribute.choices:
        raise ValidationError(_("A question with a list of answers needs at least one choice."))
    if attribute.value_type not in (types.CHOICE, types.MULTI_CHOICE):
        attribute.choices = []
    unknown = set(attribute.applies_to) - set(FacilityKind.values)
    if unknown:
        raise ValidationError(_("Unknown facility kind: %(kinds)s") % {"kinds": ", ".join(sorted(unknown))})


def _require_may_edit(membership, attribute: CollaborationAttribute) -> None:
    if attribute.municipality_id is None:
        policy.require(membership, "directory.manage_shared_taxonomy", attribute)
    else:
        policy.require(membership, "directory.manage_taxonomy", attribute)


def attribute_create(*, membership, municipality: Municipality | None, category: CollaborationCategory, name: str,
                     name_en: str = "", help_text: str = "", value_type: str, choices: list[dict] | None = None,
                     applies_to: list[str] | None = None, visibility: str = CollaborationAttribute.Visibility.PUBLIC,
                     sort_order: int | None = None) -> CollaborationAttribute:
    """Add an attribute to a municipality's own taxonomy (or, for a system administrator, the shared one)."""
    if municipality is None:
        policy.require(membership, "directory.manage_shared_taxonomy")
    else:
        policy.require(membership, "directory.manage_taxonomy", municipality)
    attribute = CollaborationAttribute(
        category=category, municipality=municipality, name=name.strip(), name_en=name_en.strip(),
        help_text=help_text.strip(), value_type=value_type, choices=choices or [], applies_to=applies_to or [],
        visibility=visibility, is_active=True)
    if sort_order is None:
        last = category.attributes.order_by("-sort_order").values_list("sort_order", flat=True).first()
        sort_order = (last or 0) + 10
    attribute.sort_order = sort_order
    _check(attribute)
    with transaction.atomic():
        attribute.code = _new_code(municipality, name_en)
        attribute.full_clean()
        attribute.save()
    return attribute


def attribute_update(*, membership, attribute: CollaborationAttribute, expected_version: int | None = None,
                     **changes) -> CollaborationAttribute:
    """Change an attribute. Built-in ones: names only. Answered ones keep their answer type and used choices.

    StaleEdit when the attribute changed since `expected_version` (the version the form was opened with).
    """
    _require_may_edit(membership, attribute)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(_("These fields cannot be changed: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    if attribute.is_builtin:
        changes = {k: v for k, v in changes.items() if k in NAME_FIELDS}
    answered = CollaborationDetail.objects.filter(attribute=attribute)
    if "value_type" in changes and changes["value_type"] != attribute.value_type and answered.exists():
        raise ValidationError(_("Facilities have already answered this question, so its answer type cannot change. "
                                "Deactivate it and add a new one instead."))
    if "choices" in changes:
        kept = {c["code"] for c in changes["choices"]}
        used = set()
        for value in answered.values_list("value", flat=True):
            used.update(value if isinstance(value, list) else [value])
        dropped = sorted(str(code) for code in used - kept if isinstance(code, str))
        if dropped and attribute.value_type in (CollaborationAttribute.ValueType.CHOICE,
                                                CollaborationAttribute.ValueType.MULTI_CHOICE):
            raise ValidationError(_("These choices are in facilities' answers and cannot be removed: %(codes)s")
                                  % {"codes": ", ".join(dropped)})
    for name, value in changes.items():
        setattr(attribute, name, value.strip() if isinstance(value, str) else value)
    _check(attribute)
    with transaction.atomic():
        lock_checked(attribute, expected_version)
        attribute.full_clean()
        attribute.save()
    return attribute


def attribute_set_active(*, membership, attribute: CollaborationAttribute, active: bool) -> CollaborationAttribute:
    """Deactivate (hidden from forms, answers kept) or reactivate an attribute."""
    _require_may_edit(membership, attribute)
    if not active and attribute.code in PROTECTED_CODES:
        raise ValidationError(_("“%(name)s” is used to compute coverage gaps and stays in use.")
                              % {"name": attribute.name})
    with transaction.atomic():
        lock_checked(attribute, None)
        attribute.is_active = active
        attribute.save()
    return attribute


def attribute_delete(*, membership, attribute: CollaborationAttribute) -> None:
    """Delete a municipality's own attribute that no facility has answered (a mistake just made)."""
    _require_may_edit(membership, attribute)
    if attribute.is_builtin or attribute.municipality_id is None:
        raise ValidationError(_("Attributes of the shared taxonomy are never deleted; deactivate it instead."))
    with transaction.atomic():
        if CollaborationDetail.objects.filter(attribute=attribute).exists():
            raise ValidationError(_("Facilities have answered “%(name)s”: deactivate it instead of deleting it.")
                                  % {"name": attribute.name})
        attribute.delete()


def category_save(*, membership, category: CollaborationCategory,
                  expected_version: int | None = None) -> CollaborationCategory:
    """Add or rename a category of the shared taxonomy (system administrators); StaleEdit when it changed since
    `expected_version`."""
    policy.require(membership, "directory.manage_shared_taxonomy")
    with transaction.atomic():
        if category.pk is not None and not category._state.adding:
            lock_checked(category, expected_version)
        if not category.code:
            base = (slugify(category.name_en).replace("-", "_") or "category")[:54]
            code, n = base, 1
            while CollaborationCategory.objects.filter(code=code).exists():
                n += 1
                code = f"{base}_{n}"
            category.code = code
        category.full_clean()
        category.save()
    return category
