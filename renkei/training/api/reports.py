"""reports API (filled by its part)."""

from ninja import Router

router = Router(tags=["training and awareness"])
