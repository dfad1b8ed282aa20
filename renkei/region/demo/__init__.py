"""The region part of the demo (京都府): each part builds its own piece in `demo/<part>.py`, in this order.

- `status`: the 26 municipalities' answers for two fiscal years (one municipality improving), confirmed;
- `survey`: population for every municipality (bands), a survey round;
- `workspace`: the demo 保健所's jurisdiction;
- `rules`: one wide-area rule adopted by three municipalities, a coordination survey;
- `joint`: one joint training series of several municipalities;
- `practices`: good practices and a sharing meeting.

Idempotent: a second build finds the work done and returns None.
"""

from __future__ import annotations

import importlib

from django.db import transaction

from renkei.core import audit

PARTS = ("survey", "workspace", "status", "rules", "joint", "practices")


def build_region_demo():
    from renkei.core.models import Municipality
    from renkei.core.services.demo import DEMO_MUNICIPALITY_CODE

    city = Municipality.objects.select_related("prefecture").filter(code=DEMO_MUNICIPALITY_CODE).first()
    if city is None:
        return None
    lines: list[str] = []
    with transaction.atomic(), audit.bind(user_label="system: renkei demo"):
        for part in PARTS:
            module = importlib.import_module(f"{__name__}.{part}")
            built = module.build(city)
            if built:
                lines.extend(built)
    return lines or None


def region_demo_summary(lines) -> list[str]:
    return list(lines or [])
