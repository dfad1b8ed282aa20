"""Reads of single facilities and their collaboration details, shaped for screens, API and exports."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import get_language, gettext_noop

from renkei.core import policy

from ..models import CollaborationAttribute, CollaborationDetail, Facility


@dataclass
class DetailView:
    """One collaboration detail as a viewer sees it."""

    code: str
    name: str
    value: Any
    display: str
    is_yes: bool
    confirmed_on: dt.date
    confirmed_by: str
    is_professional: bool
    is_stale: bool


@dataclass
class CategoryView:
    code: str
    name: str
    details: list[DetailView] = field(default_factory=list)


# What a read entry says was seen (translated when the audit log shows it).
PROFESSIONAL_DATA = gettext_noop("professional-only details")
PROFESSIONAL_PERMISSION = "directory.view_professional_details"


def may_see_professional_details(membership) -> bool:
    """Logged-in members see professional contact lines; residents on the public portal do not."""
    return membership is not None and policy.check(membership, "directory.view_professional_details")


def shows_professional_data(categories: list[CategoryView]) -> bool:
    """True when the details shown include professional-only ones or who confirmed them (a person's name):
    the read is then an audit entry."""
    return any(d.is_professional or d.confirmed_by for c in categories for d in c.details)


def has_professional_details(facility: Facility) -> bool:
    """True when the facility's (prefetched) details include an active professional-only one (map popups)."""
    return any(d.attribute.is_active and d.attribute.visibility == CollaborationAttribute.Visibility.PROFESSIONAL
               for d in facility.collaboration_details.all())


def attribute_label(attribute: CollaborationAttribute) -> str:
    return attribute.name_en if get_language() == "en" and attribute.name_en else attribute.name


def display_value(attribute: CollaborationAttribute, value: Any) -> str:
    """A detail's value as words in the current language ("可", "30分以内なら参加可", "電話、FAX")."""
    english = get_language() == "en"
    if attribute.value_type == CollaborationAttribute.ValueType.YES_NO:
        if english:
            return "yes" if value else "no"
        return "可" if value else "不可"
    names = {c["code"]: (c.get("name_en") if english and c.get("name_en") else c["name"]) for c in attribute.choices}
    if isinstance(value, list):
        return ("、" if not english else ", ").join(names.get(v, str(v)) for v in value)
    if attribute.value_type == CollaborationAttribute.ValueType.CHOICE:
        return names.get(value, str(value))
    return "" if value is None else str(value)


def stale_before(months: int, today: dt.date | None = None) -> dt.date:
    """The date before which a confirmation counts as stale (`months` whole months ago)."""
    today = today or timezone.localdate()
    month = today.month - months
    year = today.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    day = min(today.day, 28)
    return dt.date(year, month, day)


def visible_collaboration_details(facility: Facility, membership, *, stale_months: int = 12,
                                  details: list[CollaborationDetail] | None = None) -> list[CategoryView]:
    """The facility's details grouped by category, without professional-only ones for residents.

    Pass `details` when they were prefetched (lists, exports) to avoid a query per facility.
    """
    professional = may_see_professional_details(membership)
    if details is None:
        details = list(facility.collaboration_details.select_related("attribute__category"))
    threshold = stale_before(stale_months)
    categories: dict[str, CategoryView] = {}
    english = get_language() == "en"
    for detail in sorted(details, key=lambda d: (d.attribute.category.sort_order, d.attribute.sort_order)):
        attribute = detail.attribute
        if not attribute.is_active:
            continue
        is_professional = attribute.visibility == CollaborationAttribute.Visibility.PROFESSIONAL
        if is_professional and not professional:
            continue
        category = attribute.category
        view = categories.setdefault(category.code, CategoryView(
            category.code, category.name_en if english and category.name_en else category.name))
        view.details.append(DetailView(
            code=attribute.code, name=attribute_label(attribute), value=detail.value,
            display=display_value(attribute, detail.value), is_yes=detail.is_yes,
            # Who confirmed is a person's name (a survey respondent, a staff member): professionals only.
            confirmed_on=detail.confirmed_on, confirmed_by=detail.confirmed_by if professional else "",
            is_professional=is_professional,
            is_stale=detail.confirmed_on < threshold))
    return list(categories.values())


def attributes_for(kind: str, municipality=None):
    """The active attributes asked of a facility of this kind (shared ones plus the municipality's own)."""
    from django.db.models import Q

    queryset = CollaborationAttribute.objects.filter(is_active=True).select_related("category").filter(
        Q(municipality__isnull=True) | Q(municipality=municipality))
    return [a for a in queryset if a.applies_to_kind(kind)]
