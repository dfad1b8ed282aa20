"""API operations of the region's workspace part (mounted under /api/v1/): the statuses of a fiscal year and the
progress across years, for the prefecture's and 保健所's staff (counts of municipalities only)."""

from ninja import Field, Query, Router, Schema

from renkei.core import policy

from ..selectors import workspace as selectors

router = Router(tags=["region"])


class WorkspaceQuery(Schema):
    fiscal_year: int | None = Field(None, ge=2000, le=2100)
    whole_prefecture: bool = False


class StatusRowOut(Schema):
    municipality_code: str
    municipality_name: str
    state: str  # confirmed, unconfirmed, missing
    statuses: dict[str, str]  # item (a–h) → implemented, planned, not_implemented (confirmed sheets only)
    implemented: int | None


class ProgressItemOut(Schema):
    item: str
    label: str
    implemented: list[int]
    share: list[float]


class ProgressOut(Schema):
    years: list[int]
    confirmed: list[int]
    municipalities: int
    items: list[ProgressItemOut]


@router.get("/region/workspace/statuses", response=list[StatusRowOut])
@policy.api_requires("region.view_workspace")
def workspace_statuses(request, params: Query[WorkspaceQuery]):
    """The municipalities of your prefecture (a 保健所: its jurisdiction unless `whole_prefecture`) with the eight
    statuses of the fiscal year (default: the latest with a confirmed sheet), those not started first."""
    membership = request.membership
    municipalities = selectors.workspace_municipalities(membership, whole_prefecture=params.whole_prefecture)
    year = params.fiscal_year or selectors.default_fiscal_year(membership, municipalities)
    return [{"municipality_code": r.municipality.code, "municipality_name": r.municipality.name, "state": r.state,
             "statuses": r.statuses, "implemented": r.implemented}
            for r in selectors.status_rows(membership, municipalities, year)]


@router.get("/region/workspace/progress", response=ProgressOut)
@policy.api_requires("region.view_workspace")
def workspace_progress(request, params: Query[WorkspaceQuery]):
    """Per fiscal year and item (ア)–(ク): municipalities implementing it among those with a confirmed sheet."""
    membership = request.membership
    municipalities = selectors.workspace_municipalities(membership, whole_prefecture=params.whole_prefecture)
    return selectors.progress(membership, municipalities)
