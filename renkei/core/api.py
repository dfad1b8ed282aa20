"""Core's API: who am I, places, organizations, the audit log."""

import datetime as dt

from django.http import Http404
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from . import selectors
from .pagination import BoundedLimitOffsetPagination
from .policy import api_requires

router = Router(tags=["core"])


class MembershipOut(Schema):
    id: int
    organization_id: int
    organization_name: str = Field(alias="organization.name")
    role: str
    profession: str


class MeOut(Schema):
    email: str
    display_name: str
    membership: MembershipOut


class PrefectureOut(Schema):
    code: str
    local_government_code: str
    name: str
    kana: str


class MunicipalityOut(Schema):
    code: str
    jis_code: str
    name: str
    kana: str
    kind: str
    prefecture_code: str = Field(alias="prefecture.code")
    parent_code: str | None = None
    abolished_on: dt.date | None = None

    @staticmethod
    def resolve_parent_code(obj) -> str | None:
        return obj.parent.code if obj.parent_id else None


class DailyLivingAreaOut(Schema):
    id: int
    name: str
    kana: str
    description: str


class OrganizationOut(Schema):
    id: int
    kind: str
    name: str
    kana: str
    prefecture_code: str = Field(alias="prefecture.code")
    municipality_code: str | None = None
    address: str
    phone: str
    is_active: bool

    @staticmethod
    def resolve_municipality_code(obj) -> str | None:
        return obj.municipality.code if obj.municipality_id else None


class AuditEntryOut(Schema):
    seq: int
    at: dt.datetime
    user_label: str
    action: str
    summary: str = Field(description="what happened, as a sentence in the caller's language")
    permission: str
    object_type: str
    object_id: str
    object_label: str
    changes: dict = Field(description="changed fields; values of sensitive fields are \"***\" or \"changed\"")
    reason: str

    @staticmethod
    def resolve_changes(entry) -> dict:
        return entry.shown_changes


class MunicipalityFilter(Schema):
    q: str = Field("", max_length=100)
    prefecture: str = Field("", max_length=2, description="2-digit prefecture code")
    include_abolished: bool = False


class OrganizationFilter(Schema):
    q: str = Field("", max_length=100)
    kind: str = Field("", max_length=40)
    municipality: str = Field("", max_length=6, description="6-digit local government code")


class AuditFilter(Schema):
    action: str = Field("", max_length=20)
    object_type: str = Field("", max_length=80)
    user_label: str = Field("", max_length=254)


@router.get("/me", response=MeOut)
@api_requires("core.use_app")
def me(request):
    m = request.membership
    return {"email": m.user.email, "display_name": m.user.display_name, "membership": m}


@router.get("/prefectures", response=list[PrefectureOut])
@api_requires("core.view_places")
def list_prefectures(request):
    return list(selectors.prefectures_with_counts())


@router.get("/municipalities", response=list[MunicipalityOut])
@api_requires("core.view_places")
@paginate(BoundedLimitOffsetPagination)
def list_municipalities(request, filters: Query[MunicipalityFilter]):
    return selectors.municipalities_search(q=filters.q, prefecture_code=filters.prefecture,
                                           include_abolished=filters.include_abolished)


@router.get("/municipalities/{code}", response=MunicipalityOut)
@api_requires("core.view_places")
def get_municipality(request, code: str):
    if not code.isdigit() or len(code) not in (5, 6):
        raise Http404
    return selectors.municipality_by_code(code)


@router.get("/municipalities/{code}/daily-living-areas", response=list[DailyLivingAreaOut])
@api_requires("core.view_places")
def list_daily_living_areas(request, code: str):
    if not code.isdigit() or len(code) not in (5, 6):
        raise Http404
    return list(selectors.municipality_by_code(code).daily_living_areas.all())


@router.get("/organizations", response=list[OrganizationOut])
@api_requires("core.view_organizations")
@paginate(BoundedLimitOffsetPagination)
def list_organizations(request, filters: Query[OrganizationFilter]):
    return selectors.organizations_search(q=filters.q, kind=filters.kind, municipality_code=filters.municipality)


@router.get("/organizations/{organization_id}", response=OrganizationOut)
@api_requires("core.view_organizations")
def get_organization(request, organization_id: int):
    organization = selectors.organizations_search(include_inactive=True).filter(pk=organization_id).first()
    if organization is None:
        raise Http404
    return organization


@router.get("/audit", response=list[AuditEntryOut])
@api_requires("core.view_audit")
@paginate(BoundedLimitOffsetPagination)
def list_audit_entries(request, filters: Query[AuditFilter]):
    return selectors.audit_entries(request.membership, action=filters.action, object_type=filters.object_type,
                                   user_label=filters.user_label)
