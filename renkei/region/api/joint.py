"""API operations of the region's joint part (mounted under /api/v1/)."""

from ninja import Router

router = Router(tags=["region"])
