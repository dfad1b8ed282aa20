"""Reads of the collaboration taxonomy for its management screen."""

from __future__ import annotations

from django.db.models import Count, Q

from renkei.core import policy

from ..models import CollaborationAttribute, CollaborationCategory, FacilityKind


def taxonomy_by_category(membership, municipality) -> list[dict]:
    """[{"category", "attributes"}] in display order: the shared questions and the municipality's own,
    each with how many facilities answered it (`answers`) and the names of the kinds it is asked of.

    A municipality's own questions are listed only to those who manage it (the policy's scope), even when
    another municipality's code is asked for.
    """
    visible = policy.scope(membership, "directory.manage_taxonomy", CollaborationAttribute.objects.all())
    attributes = (visible.filter(Q(municipality__isnull=True) | Q(municipality=municipality))
                  .select_related("category", "municipality").annotate(answers=Count("details")))
    kinds = dict(FacilityKind.choices)
    categories: dict[int, dict] = {c.pk: {"category": c, "attributes": []}
                                   for c in CollaborationCategory.objects.order_by("sort_order", "code")}
    for attribute in attributes:
        attribute.kind_labels = [kinds.get(k, k) for k in attribute.applies_to]
        categories[attribute.category_id]["attributes"].append(attribute)
    return list(categories.values())
