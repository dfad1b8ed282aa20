"""The handoff API under /api/v1/handoffs/…: the same policy and read entries as the screens."""

from ninja import Router

from . import conferences, documents, fhir, measures, rules, workflow

router = Router()
for module in (workflow, documents, conferences, rules, measures, fhir):
    router.add_router("/", module.router)
