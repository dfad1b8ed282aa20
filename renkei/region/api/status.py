"""API of the implementation status (§5), under /api/v1/:

    GET /implementation?year=2025&prefecture=26      one row per municipality, the eight statuses
    GET /implementation/{code}/{year}                one municipality's sheet
    PUT /implementation/{code}/{year}                save it (municipal staff; `version` or If-Match: 409 when stale)

Prefecture and 保健所 staff read their own prefecture only (another prefecture: 403, logged); municipal staff get
their own row and, where published, other rows and the aggregates over published sheets; professionals 403.
Counts are of municipalities, never people.
"""


from django.http import Http404, HttpResponse
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from renkei.core import policy
from renkei.core.concurrency import StaleEdit, etag, parse_version
from renkei.core.models import Municipality, Prefecture, Role
from renkei.core.selectors import municipality_or_none

from ..models import Implementation, ItemStatus
from ..selectors import implementation as selectors
from ..services import implementation as services

router = Router(tags=["region"])

VIEW, ANSWER, TABLE = "region.view_implementation", "region.answer_implementation", "region.view_implementation_table"


class TableFilter(Schema):
    year: int = Field(0, description="fiscal year (default: the current one)")
    prefecture: str = Field("", max_length=2, description="prefecture code, e.g. 26 (default: the caller's)")


def _sheet_out(municipality: Municipality, sheet) -> dict:
    items = selectors.item_statuses(sheet)
    return {
        "municipality": {"code": municipality.code, "name": municipality.name},
        "fiscal_year": sheet.fiscal_year if sheet else None,
        "answered": sheet is not None, "confirmed": bool(sheet and sheet.is_confirmed),
        "published": bool(sheet and sheet.is_published), "version": sheet.version if sheet else None,
        "statuses": {item: (items[item].status if item in items else None) for item in services.ITEMS},
        "stage": items["b"].stage if "b" in items and items["b"].stage else None,
    }


def _caller_prefecture(membership) -> Prefecture | None:
    organization = membership.organization
    if organization.prefecture_id:
        return organization.prefecture
    return organization.municipality.prefecture if organization.municipality_id else None


@router.get("/implementation", response=dict, summary="Implementation status of (a)–(h) per municipality")
@policy.api_requires(VIEW)
def implementation_table(request, filters: Query[TableFilter]):
    membership = request.membership
    year = filters.year or selectors.current_fiscal_year()
    if not 2000 <= year <= 2100:
        raise HttpError(400, "年度は2000〜2100で指定してください。 / Give a fiscal year from 2000 to 2100.")
    if filters.prefecture:
        prefecture = Prefecture.objects.filter(code=filters.prefecture.zfill(2)).first()
        if prefecture is None:
            raise HttpError(400, "都道府県コードが不明です。 / Unknown prefecture code.")
    else:
        prefecture = _caller_prefecture(membership)
        if prefecture is None:
            raise HttpError(400, "都道府県コードを指定してください。 / Give a prefecture code.")
    policy.require(membership, TABLE, prefecture)
    rows = selectors.status_matrix(membership, prefecture, year)
    if membership.role in (Role.MUNICIPAL_STAFF, Role.COORDINATOR):
        own = selectors.answering_municipality(membership)
        rows = [row for row in rows if row.sheet is not None or (own is not None and row.municipality.pk == own.pk)]
        counted = [row for row in rows if row.sheet is not None and row.sheet.is_published]
    else:
        counted = [row for row in rows if row.sheet is not None]
    counts = selectors.matrix_counts(counted)
    return {
        "fiscal_year": year, "prefecture": {"code": prefecture.code, "name": prefecture.name},
        "rows": [_sheet_out(row.municipality, row.sheet) for row in rows],
        "aggregates": {"n": len(counted),
                       "items": {item: {status: counts[item].get(status, 0) for status in ItemStatus.values}
                                 for item in services.ITEMS}},
    }


def _municipality(code: str) -> Municipality:
    municipality = municipality_or_none(code)
    if municipality is None or municipality.kind == Municipality.Kind.WARD:
        raise Http404("no such municipality")
    return municipality


@router.get("/implementation/{code}/{year}", response=dict, summary="One municipality's sheet for a fiscal year")
@policy.api_requires(VIEW)
def implementation_sheet(request, code: str, year: int, response: HttpResponse):
    membership = request.membership
    municipality = _municipality(code)
    sheet = selectors.with_items(Implementation.objects.filter(
        municipality=municipality, fiscal_year=year)).first()
    policy.require(membership, VIEW, sheet if sheet is not None else municipality)
    if sheet is None:
        raise Http404("not answered")
    response["ETag"] = etag(sheet)
    out = _sheet_out(municipality, sheet)
    out.update(training_contents=sheet.training_contents, difficulties=sheet.difficulties,
               support_wishes=sheet.support_wishes,
               items=[{"item": row.item, "status": row.status, "stage": row.stage, "operation": row.operation,
                       "contractor": row.contractor.name if row.contractor else row.contractor_name,
                       "joint_with": [m.code for m in row.joint_with.all()],
                       "prefecture_supported": row.prefecture_supported} for row in sheet.items.all()])
    return out


class ItemIn(Schema):
    item: str = Field(..., max_length=1)
    status: str = Field(..., max_length=20)
    stage: str = Field("", max_length=20)
    operation: str = Field("", max_length=20)
    contractor_name: str = Field("", max_length=120)
    joint_with: list[str] = Field(default_factory=list, description="municipality codes")
    prefecture_supported: bool | None = None


class SheetIn(Schema):
    items: list[ItemIn] = Field(default_factory=list)
    training_contents: list[str] | None = None
    difficulties: list[str] | None = None
    support_wishes: list[str] | None = None
    note: str | None = Field(None, max_length=2000)
    confirm: bool = False
    publish: bool | None = None
    version: int | None = None


@router.put("/implementation/{code}/{year}", response={200: dict, 409: dict, 412: dict, 422: dict},
            summary="Save one municipality's sheet (its staff)")
@policy.api_requires(ANSWER)
def implementation_put(request, code: str, year: int, payload: SheetIn, response: HttpResponse):
    membership = request.membership
    municipality = _municipality(code)
    policy.require(membership, ANSWER, municipality)
    expected = payload.version
    header = request.headers.get("If-Match", "").strip()
    if header and header != "*":
        expected = parse_version(header.split(",")[0])
        if expected is None:
            return Status(412, {"detail": 'If-Match は ETag（例："3"）にしてください。 / If-Match must be an ETag, '
                                          'e.g. "3".'})
    partners = dict(Municipality.objects.filter(code__in={c for i in payload.items for c in i.joint_with})
                    .values_list("code", "pk"))
    unknown = sorted({c for i in payload.items for c in i.joint_with} - set(partners))
    if unknown:
        return Status(422, {"detail": f"共同実施の相手の市区町村コードが不明です：{', '.join(unknown)} / "
                                      f"unknown partner municipality codes: {unknown}"})
    answers = [services.ItemAnswer(item=i.item, status=i.status, stage=i.stage, operation=i.operation,
                                   contractor_name=i.contractor_name,
                                   joint_with_ids=[partners[c] for c in i.joint_with],
                                   prefecture_supported=i.prefecture_supported) for i in payload.items]
    try:
        sheet = services.implementation_save(
            membership=membership, municipality=municipality, fiscal_year=year, items=answers,
            training_contents=payload.training_contents, difficulties=payload.difficulties,
            support_wishes=payload.support_wishes, note=payload.note, confirm=payload.confirm,
            publish=payload.publish, expected_version=expected, keep_confirmation=False,
            survey_round=selectors.open_round_for(municipality, year))
    except StaleEdit as stale:
        response["ETag"] = etag(stale.current)
        return Status(409, {"detail": "あなたが読んだ後に他の人がこの回答を保存しました。何も変更していません。 / "
                                      "Someone else saved these answers after you read them. Nothing was changed.",
                            "current_version": stale.current_version, "your_version": stale.expected_version})
    except services.ImplementationError as error:
        return Status(422, {"detail": f"{error.ja} / {error.en}"})
    sheet = selectors.with_items(Implementation.objects.filter(pk=sheet.pk)).get()
    response["ETag"] = etag(sheet)
    return Status(200, _sheet_out(municipality, sheet))
