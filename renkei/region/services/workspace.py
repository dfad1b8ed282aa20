"""Writes of §3: a 保健所's jurisdiction (which municipalities it looks after)."""

from __future__ import annotations

from django.db import transaction

from renkei.core import audit, policy
from renkei.core.models import AuditEntry, Municipality, Organization

from ..models import HealthCenterArea


class JurisdictionError(ValueError):
    """A municipality outside the 保健所's prefecture; `ja` and `en` are the message."""

    def __init__(self, ja: str, en: str):
        super().__init__(en)
        self.ja, self.en = ja, en


def health_center_area_set(*, membership, health_center: Organization, municipalities: list[Municipality]
                           ) -> HealthCenterArea:
    """Set the municipalities a 保健所 covers (authorised on the 保健所, audited with the codes before and after)."""
    policy.require(membership, "region.manage_health_center_area", health_center)
    if health_center.kind != Organization.Kind.PUBLIC_HEALTH_CENTER:
        raise JurisdictionError("保健所ではありません。", "This organization is not a public health center.")
    outside = [m for m in municipalities if m.prefecture_id != health_center.prefecture_id]
    if outside:
        raise JurisdictionError(f"{outside[0].name} は保健所と同じ都道府県の市区町村ではありません。",
                                f"{outside[0].name} is not in the health center's prefecture.")
    with transaction.atomic():
        area, _created = HealthCenterArea.objects.get_or_create(health_center=health_center)
        before = sorted(area.municipalities.values_list("code", flat=True))
        area.municipalities.set(municipalities)
        after = sorted(m.code for m in municipalities)
        if before != after:  # the many-to-many change is not a field save: recorded here
            audit.record(action=AuditEntry.Action.UPDATE, obj=area, changes={"municipalities": [before, after]},
                         permission="region.manage_health_center_area", owner=health_center)
    return area
