"""The directory's JSON API: /api/v1/facilities."""

from ninja import Router

router = Router(tags=["directory"])
