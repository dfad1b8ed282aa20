"""API operations of the region's workspace part (mounted under /api/v1/)."""

from ninja import Router

router = Router(tags=["region"])
