"""API operations of the region's joint part (mounted under /api/v1/): the joint projects the caller may read."""

import datetime as dt

from ninja import Field, Router, Schema

from renkei.core import policy

from ..selectors import joint as selectors

router = Router(tags=["region"])

VIEW = "region.view_joint_projects"


class JointProjectOut(Schema):
    id: int
    name: str
    prefecture: str = Field(..., description="prefecture code")
    lead_municipality: str = Field(..., description="local government code")
    municipalities: list[str] = Field(..., description="local government codes")
    contractor: str | None
    program_items: list[str]
    started_on: dt.date
    ended_on: dt.date | None
    is_active: bool


@router.get("/region/joint-projects", response=list[JointProjectOut])
@policy.api_requires(VIEW)
def list_joint_projects(request):
    """The joint projects (共同実施・委託) the caller may read: members of the project, the prefecture's staff."""
    return [JointProjectOut(
        id=p.pk, name=p.name, prefecture=p.prefecture.code, lead_municipality=p.lead_municipality.code,
        municipalities=[m.code for m in p.municipalities.all()],
        contractor=p.contractor.name if p.contractor_id else None, program_items=list(p.program_items or []),
        started_on=p.started_on, ended_on=p.ended_on, is_active=selectors.project_is_active(p))
        for p in selectors.visible_projects(request.membership)]
