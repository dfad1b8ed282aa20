"""API operations of the region's survey part (mounted under /api/v1/)."""

from ninja import Router

router = Router(tags=["region"])
