"""The region API under /api/v1/: implementation status, the report, wide-area and joint work."""

from ninja import Router

from . import joint, practices, rules, status, survey, workspace

router = Router()
for module in (status, survey, workspace, rules, joint, practices):
    router.add_router("/", module.router)
