"""cases API (filled by its part)."""

from ninja import Router

router = Router(tags=["consultation desk"])
