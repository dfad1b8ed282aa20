"""Marking indicators public on a municipality's residents' page (small counts are suppressed there).

Publication is the municipality's own decision (rule indicators.publish: its staff and coordinators). Each
change is audited: the publication rows are in an audited app, so creating and deleting one writes its entry.
"""

from __future__ import annotations

import contextlib

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max

from renkei.core import audit, policy
from renkei.core.models import Municipality

from ..models import IndicatorDefinition, IndicatorPublication


def _acting(membership):
    return audit.bind_membership(membership) if membership is not None else contextlib.nullcontext()


def publication_set(*, membership, municipality: Municipality, definition: IndicatorDefinition,
                    is_public: bool) -> IndicatorPublication | None:
    """Show (or stop showing) one indicator on the municipality's residents' page; returns the publication.

    The definition must be one the member may use (the built-in library, the prefecture's, their own); the
    same state again writes nothing."""
    policy.require(membership, "indicators.publish", municipality)
    usable = policy.scope(membership, "indicators.view_definitions", IndicatorDefinition.objects.filter(
        pk=definition.pk, is_active=True)).exists()
    if not usable:
        raise PermissionDenied("indicators.view_definitions")
    with transaction.atomic(), _acting(membership):
        current = IndicatorPublication.objects.select_for_update().filter(
            municipality=municipality, definition=definition).first()
        if not is_public:
            if current is not None:
                current.delete()
            return None
        if current is not None:
            return current
        last = IndicatorPublication.objects.filter(municipality=municipality).aggregate(n=Max("sort_order"))["n"]
        return IndicatorPublication.objects.create(
            municipality=municipality, definition=definition, sort_order=(last or 0) + 1,
            published_by=membership.user)
