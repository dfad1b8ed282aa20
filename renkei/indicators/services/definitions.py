"""Writing indicator definitions: a municipality's or a prefecture's own, and the built-in library (admins)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from renkei.core import policy
from renkei.core.concurrency import lock_checked

from ..models import IndicatorDefinition
from ..selectors.definitions import own_place

CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,39}$")

# The fields a definition is made of, in the order forms and packages list them (ownership, flags and
# bookkeeping aside). Exports write exactly these; imports read exactly these.
DEFINITION_FIELDS = (
    "code", "name_ja", "name_en", "description", "kind", "scenes", "program_items", "numerator_label",
    "denominator_label", "factor", "unit", "decimals", "higher_is_better", "data_source", "source_url",
    "vintage_note", "caveat", "period_type", "area_levels", "suppression_threshold", "origin", "provider",
    "is_active",
)


def definition_new(membership) -> IndicatorDefinition:
    """An unsaved definition owned by what the member writes for (see `selectors.own_place`)."""
    municipality, prefecture = own_place(membership)
    return IndicatorDefinition(owner_municipality=municipality,
                               owner_prefecture=None if municipality is not None else prefecture,
                               is_builtin=municipality is None and prefecture is None)


def same_code_exists(definition: IndicatorDefinition) -> bool:
    """Another definition of the same owner has this code (codes are unique per owner)."""
    others = IndicatorDefinition.objects.filter(code=definition.code).exclude(pk=definition.pk)
    if definition.owner_municipality_id:
        return others.filter(owner_municipality_id=definition.owner_municipality_id).exists()
    if definition.owner_prefecture_id:
        return others.filter(owner_prefecture_id=definition.owner_prefecture_id,
                             owner_municipality__isnull=True).exists()
    return others.filter(owner_municipality__isnull=True, owner_prefecture__isnull=True).exists()


def definition_save(*, membership, definition: IndicatorDefinition,
                    expected_version: int | None = None) -> IndicatorDefinition:
    """Create or change a definition (policy `indicators.manage_definitions` on the definition itself, so that
    built-ins are for system administrators and others' definitions for nobody else). Audited on save.

    Raises ValidationError (a code already used by the same owner) and StaleEdit (someone saved since)."""
    policy.require(membership, "indicators.manage_definitions", definition)
    if not CODE_PATTERN.match(definition.code or ""):
        raise ValidationError({"code": _("Use letters, digits, “_”, “.” or “-” (at most 40), starting with a "
                                         "letter or digit.")})
    if definition.owner_municipality_id is None:
        definition.is_shared = definition.owner_prefecture_id is not None  # a prefecture's are for all of it
    definition.is_builtin = definition.owner_municipality_id is None and definition.owner_prefecture_id is None
    if definition.denominator_label and definition.factor is None:
        definition.factor = IndicatorDefinition.Factor.ONE
    with transaction.atomic():
        if definition.pk:
            lock_checked(definition, expected_version)
        if same_code_exists(definition):
            raise ValidationError({"code": _("Another indicator of yours already has the code “%(code)s”.")
                                   % {"code": definition.code}})
        definition.save()
    return definition
