"""fhir API."""

from ninja import Router

router = Router(tags=["handoffs"])
