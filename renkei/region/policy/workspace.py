"""Rules of §3 beyond `status.py`: data provision (what the prefecture has given its municipalities).

The workspace's home, drill-down, resource map and 保健所 jurisdictions use the rules in `status.py`
(`region.view_workspace`, `region.view_municipality_profile`, `region.manage_health_center_area`).
"""

from __future__ import annotations

from renkei.core import policy

from .common import ADMIN, PREFECTURE, is_prefecture_staff_of, prefecture_id_of


def reads_data_provision(membership, obj) -> bool:
    """The prefecture's staff (its office and its 保健所) for their prefecture (obj: it or one of its
    municipalities); system administrators."""
    if membership.role == ADMIN:
        return True
    if membership.role != PREFECTURE:
        return False
    return obj is None or is_prefecture_staff_of(membership, prefecture_id_of(obj))


policy.register("region.view_data_provision", reads_data_provision)
