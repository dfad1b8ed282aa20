"""The indicators' JSON API: /api/v1/indicators (definitions) and /api/v1/indicators/{code}/values.

Members see the definitions they may use and the values of their own prefecture's areas and the nation
(policy scopes `indicators.view_definitions`, `indicators.view`). Anonymous callers (open data, the residents'
page) see only the definitions some municipality marked public and only those municipalities' values, with
small counts suppressed as "<10" (`suppression.suppressed`).
"""

import io
from decimal import Decimal

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from renkei.core import policy
from renkei.core.spreadsheets import SafeCsvWriter
from renkei.directory.api import ANONYMOUS_ALLOWED

from .models import IndicatorDefinition, IndicatorValue, Kind
from .periods import Period, PeriodError
from .selectors import definitions as selectors
from .suppression import is_suppressed, suppression_label

router = Router(tags=["indicators"])


class DefinitionQuery(Schema):
    scene: str = Field("", description="scene value, e.g. end_of_life")
    kind: str = Field("", description="structure, process or outcome")
    q: str = Field("", description="text in the code, names or description")


class DefinitionOut(Schema):
    code: str
    name_ja: str
    name_en: str
    description: str
    kind: str
    scenes: list[str]
    program_items: list[str]
    numerator_label: str
    denominator_label: str
    factor: int
    unit: str
    decimals: int
    higher_is_better: bool | None
    data_source: str
    source_url: str
    vintage_note: str
    caveat: str
    period_type: str
    area_levels: list[str]
    suppression_threshold: int
    origin: str
    owner: str = Field(description="“builtin”, “P26” (a prefecture's) or “M262013” (a municipality's)")
    is_shared: bool


class ValueQuery(Schema):
    area: str = Field("", description="area key (N, P26, M262013, D<id>) or a municipality's 6- or 5-digit code; "
                                      "blank: every area you may see")
    from_: str = Field("", alias="from", description="first period key, e.g. FY2022, 2024Q1, 2024-05")
    to: str = Field("", description="last period key")
    format: str = Field("json", description="json or csv")


class ValueOut(Schema):
    period: str = Field(description="period key, e.g. FY2024")
    label: str = Field(description="the period as officials write it, e.g. 令和6年度")
    area: str = Field(description="area key")
    area_name: str
    numerator: float | str | None = Field(description="a number, or “<10” when suppressed for public callers")
    denominator: float | None
    value: float | str | None
    origin: str
    source: str
    vintage: str | None = Field(description="ISO date the data are as of")


class ErrorOut(Schema):
    detail: str
    errors: dict[str, str] = {}


def _owner_key(definition: IndicatorDefinition) -> str:
    if definition.owner_municipality_id:
        return f"M{definition.owner_municipality.code}"
    if definition.owner_prefecture_id:
        return f"P{definition.owner_prefecture.code}"
    return "builtin"


def definition_out(definition: IndicatorDefinition) -> dict:
    from .services.definitions import DEFINITION_FIELDS

    out = {name: getattr(definition, name) for name in DEFINITION_FIELDS if name not in ("provider", "is_active")}
    out.update(owner=_owner_key(definition), is_shared=definition.is_shared)
    return out


def _number(value) -> float | None:
    return None if value is None else float(Decimal(value))


def value_out(value: IndicatorValue, definition: IndicatorDefinition, *, public: bool) -> dict:
    period = Period(value.period_start, value.period_type)
    hidden = public and is_suppressed(value, definition)
    mark = suppression_label(definition)
    return {
        "period": period.key, "label": period.label, "area": value.area_key,
        "area_name": selectors.area_name_of(value),
        "numerator": mark if hidden else _number(value.numerator),
        "denominator": _number(value.denominator),
        "value": mark if hidden else (None if value.value is None
                                      else round(float(value.value), max(definition.decimals, 0) + 3)),
        "origin": value.origin, "source": value.source_note,
        "vintage": value.vintage.isoformat() if value.vintage else None,
    }


def _invalid(errors: dict[str, str]):
    return Status(422, {"detail": _("Some parameters are not valid. See “errors” for each one."), "errors": errors})


@router.get("/indicators", response={200: list[DefinitionOut], 422: ErrorOut}, auth=ANONYMOUS_ALLOWED)
@policy.api_public("indicators.view_definitions")
def list_indicators(request, filters: Query[DefinitionQuery]):
    """Indicator definitions you may use (anonymous callers: those a municipality shows its residents)."""
    membership = getattr(request, "membership", None)
    parsed = selectors.parse_definition_filter({"scene": filters.scene, "kind": filters.kind, "q": filters.q})
    if parsed.errors:
        return _invalid(parsed.errors)
    if membership is not None:
        queryset = selectors.definitions_visible(membership, parsed)
    else:
        queryset = selectors.public_definitions().select_related("owner_municipality", "owner_prefecture")
        if parsed.kind in Kind.values:
            queryset = queryset.filter(kind=parsed.kind)
        if parsed.scene:
            queryset = queryset.filter(scenes__icontains=f'"{parsed.scene}"')
        for term in parsed.q.split():
            queryset = queryset.filter(code__icontains=term) | queryset.filter(name_ja__icontains=term)
    return Status(200, [definition_out(d) for d in queryset])


@router.get("/indicators/{code}/values", response={200: list[ValueOut], 404: ErrorOut, 422: ErrorOut},
            auth=ANONYMOUS_ALLOWED)
@policy.api_public("indicators.view")
def indicator_values(request, code: str, params: Query[ValueQuery]):
    """Current values of one indicator by area and period (`format=csv` for a CSV file).

    The code is resolved in your reach: your municipality's own definition first, then your prefecture's, then
    one shared in the prefecture, then the built-in one. Values outside what you may see are not returned."""
    membership = getattr(request, "membership", None)
    errors: dict[str, str] = {}
    area = None
    language_ja = getattr(request, "LANGUAGE_CODE", "ja") == "ja"
    if params.area:
        try:
            area = selectors.area_from_key(params.area)
        except selectors.AreaError as error:
            errors["area"] = error.ja if language_ja else error.en
    if params.format not in ("json", "csv"):
        errors["format"] = _("Use json or csv.")
    if membership is not None:
        definition = selectors.definition_by_code(membership, code)
    else:
        definition = selectors.public_definition_by_code(
            code, municipality=area.municipality if area is not None and area.municipality is not None else None)
    if definition is None:
        return Status(404, {"detail": _("There is no indicator with this code that you may see.")})
    try:
        first, last = selectors.parse_period_range(definition, params.from_, params.to)
    except PeriodError as error:
        errors["from" if params.from_ else "to"] = error.ja if language_ja else error.en
    if errors:
        return _invalid(errors)
    keys = [area.key] if area is not None else []
    if membership is not None:
        values = selectors.value_series(membership, definition, area_keys=keys, first=first, last=last)
    else:
        values = selectors.public_values(definition, area_keys=keys, first=first, last=last)
    rows = [value_out(v, definition, public=membership is None) for v in values]
    if params.format == "csv":
        return _csv(definition, rows)
    return Status(200, rows)


CSV_COLUMNS = ("period", "label", "area", "area_name", "numerator", "denominator", "value", "origin", "source",
               "vintage")


def _csv(definition: IndicatorDefinition, rows: list[dict]) -> HttpResponse:
    buffer = io.StringIO()
    writer = SafeCsvWriter(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows([row[name] for name in CSV_COLUMNS] for row in rows)
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="indicator-{definition.code}.csv"'
    return response
