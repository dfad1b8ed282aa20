"""The region demo's workspace part: the demo 保健所 (京都府中丹西保健所, created by the core demo) looks after the
中丹 municipalities, so the 保健所 user's home starts with them."""

from __future__ import annotations

from renkei.core.models import Municipality, Organization

from ..models import HealthCenterArea

HEALTH_CENTER_NAME = "京都府中丹西保健所"
# 福知山市, 舞鶴市, 綾部市 (中丹医療圏); the demo's 保健所 reads the rest of 京都府 through the switch.
JURISDICTION_JIS_CODES = ("26201", "26202", "26203")


def build(city) -> list[str]:
    """Build this part for the demo prefecture of `city`; return the lines to print (none when built before)."""
    health_center = Organization.objects.filter(kind=Organization.Kind.PUBLIC_HEALTH_CENTER, name=HEALTH_CENTER_NAME,
                                                prefecture_id=city.prefecture_id).first()
    if health_center is None:
        return []
    area, created = HealthCenterArea.objects.get_or_create(health_center=health_center)
    if not created and area.municipalities.exists():
        return []
    municipalities = list(Municipality.objects.filter(jis_code__in=JURISDICTION_JIS_CODES,
                                                      prefecture_id=city.prefecture_id).order_by("code"))
    area.municipalities.set(municipalities)
    return [f"region: {HEALTH_CENTER_NAME} covers {'、'.join(m.name for m in municipalities)}"]
