"""The training and awareness API under /api/v1/training/… and the public calendar feed."""

from ninja import Router

from . import awareness, reports, series, surveys

router = Router()
for module in (series, surveys, awareness, reports):
    router.add_router("/", module.router)
