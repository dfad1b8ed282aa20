"""API operations of the region's practices part (mounted under /api/v1/)."""

from ninja import Router

router = Router(tags=["region"])
