"""The desk API under /api/v1/desk/…: counts only, never a case's contents."""

from ninja import Router

from . import cases, desks, reports

router = Router()
for module in (desks, cases, reports):
    router.add_router("/", module.router)
