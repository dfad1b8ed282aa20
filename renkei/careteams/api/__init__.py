"""The patient API under /api/v1/patients/…: the same policy and read entries as the screens."""

from ninja import Router

from . import consent, emergency, patients, timeline

router = Router()
router.add_router("/", patients.router)
router.add_router("/", consent.router)
router.add_router("/", timeline.router)
router.add_router("/", emergency.router)
