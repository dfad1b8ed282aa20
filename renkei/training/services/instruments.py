"""Writes for survey instruments: a municipality's own, a copy of a built-in to adapt, and their items.

A built-in instrument (no municipality) is read only. An item that already has answers is never edited in place
(its answers would change meaning): it is retired and a new item added. Retired items keep their answers and stay
in the effect table of the series that asked them.
"""

from __future__ import annotations

import contextlib

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from renkei.core import audit, policy

from ..models import Instrument, InstrumentItem

MANAGE = "training.manage_instruments"


def _acting(membership):
    return audit.bind_membership(membership) if membership is not None else contextlib.nullcontext()


def _free_code(municipality, base: str) -> str:
    taken = set(Instrument.objects.filter(municipality=municipality).values_list("code", flat=True))
    number = 1
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


def instrument_create(*, municipality, name: str, description: str = "", membership) -> Instrument:
    """A municipality's own instrument, without items yet."""
    policy.require(membership, MANAGE, municipality)
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Enter a name.")})
    with _acting(membership), transaction.atomic():
        return Instrument.objects.create(municipality=municipality, code=_free_code(municipality, "own"),
                                         name=name[:120], description=description.strip())


def instrument_copy(*, instrument: Instrument, municipality, membership) -> Instrument:
    """A municipality's copy of an instrument (built-in or its own) with the active items, to adapt."""
    policy.require(membership, "training.view_instruments", instrument)
    policy.require(membership, MANAGE, municipality)
    with _acting(membership), transaction.atomic():
        copy = Instrument.objects.create(
            municipality=municipality, code=_free_code(municipality, instrument.code[:30]),
            name=(_("%(name)s (copy)") % {"name": instrument.name})[:120], description=instrument.description,
            source=instrument.source)
        for item in instrument.items.filter(is_active=True).order_by("order", "pk"):
            InstrumentItem.objects.create(
                instrument=copy, order=item.order, text=item.text, kind=item.kind, scale_min=item.scale_min,
                scale_max=item.scale_max, low_label=item.low_label, high_label=item.high_label,
                subscale=item.subscale)
    return copy


def _clean_item(kind: str, text: str, scale_min: int, scale_max: int) -> None:
    errors = {}
    if not text.strip():
        errors["text"] = _("Enter the question.")
    if kind not in InstrumentItem.Kind.values:
        errors["kind"] = _("Choose a scale or free text.")
    elif kind == InstrumentItem.Kind.LIKERT and not (0 <= scale_min < scale_max <= 10):
        errors["scale_max"] = _("The highest answer must be above the lowest, at most 10.")
    if errors:
        raise ValidationError(errors)


def instrument_item_add(*, instrument: Instrument, text: str, kind: str = "likert", scale_min: int = 1,
                        scale_max: int = 4, low_label: str = "", high_label: str = "", subscale: str = "",
                        membership) -> InstrumentItem:
    """Add a question at the end of the instrument."""
    policy.require(membership, MANAGE, instrument)
    _clean_item(kind, text, scale_min, scale_max)
    with _acting(membership), transaction.atomic():
        last = instrument.items.aggregate(last=Max("order"))["last"] or 0
        likert = kind == InstrumentItem.Kind.LIKERT
        return InstrumentItem.objects.create(
            instrument=instrument, order=last + 10, text=text.strip()[:300], kind=kind,
            scale_min=scale_min if likert else 1, scale_max=scale_max if likert else 4,
            low_label=low_label.strip()[:60] if likert else "", high_label=high_label.strip()[:60] if likert else "",
            subscale=subscale.strip()[:60] if likert else "")


def instrument_item_update(*, item: InstrumentItem, text: str, low_label: str = "", high_label: str = "",
                           subscale: str = "", membership) -> InstrumentItem:
    """Change the wording of a question nobody has answered yet; an answered one must be retired and replaced."""
    policy.require(membership, MANAGE, item.instrument)
    if item.answers.exists():
        raise ValidationError(_("This question already has answers: changing it would change what they mean. "
                                "Retire it and add a new question instead."))
    _clean_item(item.kind, text, item.scale_min, item.scale_max)
    with _acting(membership), transaction.atomic():
        item.text, item.low_label, item.high_label, item.subscale = (
            text.strip()[:300], low_label.strip()[:60], high_label.strip()[:60], subscale.strip()[:60])
        item.save()
    return item


def instrument_item_move(*, item: InstrumentItem, direction: str, membership) -> InstrumentItem:
    """Swap a question with its neighbour above ("up") or below ("down") among the active ones."""
    policy.require(membership, MANAGE, item.instrument)
    with _acting(membership), transaction.atomic():
        items = list(item.instrument.items.filter(is_active=True).order_by("order", "pk"))
        index = next((i for i, other in enumerate(items) if other.pk == item.pk), None)
        target = None if index is None else index - 1 if direction == "up" else index + 1
        if target is None or not 0 <= target < len(items):
            return item
        items[index], items[target] = items[target], items[index]
        for position, other in enumerate(items, start=1):
            if other.order != position * 10:
                other.order = position * 10
                other.save(update_fields=["order"])
    item.refresh_from_db()
    return item


def instrument_item_retire(*, item: InstrumentItem, membership) -> InstrumentItem:
    """Stop asking a question; its answers stay and keep counting for the series that asked it."""
    policy.require(membership, MANAGE, item.instrument)
    with _acting(membership), transaction.atomic():
        if item.is_active:
            item.is_active = False
            item.save(update_fields=["is_active"])
    return item
