"""Reads of indicator definitions, values and targets for the screens and the API, built from the policy's scopes.

Deny by default: every function takes the viewer's membership and starts from `policy.scope(...)`; anonymous
callers (the residents' page and the open API) go through the `public_*` functions, which only reach what a
municipality marked public (`IndicatorPublication`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from itertools import groupby

from django.db.models import Q, QuerySet
from django.utils import timezone

from renkei.core import policy
from renkei.core.models import DailyLivingArea, Municipality, Prefecture
from renkei.core.models.program import ProgramItem, Scene

from ..areas import Area
from ..models import (
    AreaLevel,
    IndicatorDefinition,
    IndicatorPublication,
    IndicatorTarget,
    IndicatorValue,
    Kind,
    Origin,
)
from ..periods import Period, PeriodError, parse_period

# 介護保険事業計画: three fiscal years; 第9期 is FY2024–2026, then 2027–2029 …
PLAN_PERIOD_YEARS = 3
PLAN_PERIOD_ANCHOR = 2024
PLAN_PERIOD_ANCHOR_NUMBER = 9
MAX_QUERY_LENGTH = 100


# --- definitions -------------------------------------------------------------------------------------------

@dataclass
class DefinitionFilter:
    scene: str = ""
    kind: str = ""
    origin: str = ""
    program_item: str = ""
    owner: str = ""  # "", "builtin", "own", "shared"
    q: str = ""
    errors: dict[str, str] = field(default_factory=dict)


OWNER_FILTERS = ("builtin", "own", "shared")


def parse_definition_filter(params) -> DefinitionFilter:
    """The list's filters from a query string; unknown values are dropped with a message, never a 500."""
    from django.utils.translation import gettext as _

    found = DefinitionFilter()
    for name, allowed in (("scene", Scene.values), ("kind", Kind.values), ("origin", Origin.values),
                          ("program_item", ProgramItem.values), ("owner", OWNER_FILTERS)):
        value = (params.get(name) or "").strip()
        if value and value not in allowed:
            found.errors[name] = _("Unknown value “%(value)s” for %(name)s: the filter was left out.") % {
                "value": value[:40], "name": name}
            value = ""
        setattr(found, name, value)
    found.q = (params.get("q") or "").strip()[:MAX_QUERY_LENGTH]
    return found


def definitions_visible(membership, filters: DefinitionFilter | None = None) -> QuerySet[IndicatorDefinition]:
    """Definitions the member may use (policy `indicators.view_definitions`), filtered, in code order.

    Scenes and program items are JSON lists: matched in Python-free SQL with `contains` where the database
    supports it, else with a text match on the JSON (SQLite has no JSON containment)."""
    queryset = policy.scope(membership, "indicators.view_definitions",
                            IndicatorDefinition.objects.select_related("owner_municipality", "owner_prefecture"))
    filters = filters or DefinitionFilter()
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.origin:
        queryset = queryset.filter(origin=filters.origin)
    if filters.scene:
        queryset = queryset.filter(scenes__icontains=f'"{filters.scene}"')
    if filters.program_item:
        queryset = queryset.filter(program_items__icontains=f'"{filters.program_item}"')
    if filters.owner == "builtin":
        queryset = queryset.filter(owner_municipality__isnull=True, owner_prefecture__isnull=True)
    elif filters.owner == "own":
        queryset = queryset.filter(_own_q(membership))
    elif filters.owner == "shared":
        queryset = queryset.filter(Q(owner_municipality__isnull=False) | Q(owner_prefecture__isnull=False)) \
            .exclude(_own_q(membership))
    for term in filters.q.split():
        queryset = queryset.filter(Q(code__icontains=term) | Q(name_ja__icontains=term) | Q(name_en__icontains=term)
                                   | Q(description__icontains=term))
    return queryset.order_by("code", "pk")


def _own_q(membership) -> Q:
    municipality, prefecture = own_place(membership)
    if municipality is not None:
        return Q(owner_municipality=municipality)
    if prefecture is not None:
        return Q(owner_prefecture=prefecture, owner_municipality__isnull=True)
    return Q(owner_municipality__isnull=True, owner_prefecture__isnull=True)


def own_place(membership) -> tuple[Municipality | None, Prefecture | None]:
    """Whose definitions a member writes: municipal staff and coordinators their municipality's, prefecture staff
    their prefecture's; system administrators the built-in library's (None, None)."""
    from renkei.core.models import Role

    organization = membership.organization
    if membership.role in (Role.MUNICIPAL_STAFF, Role.COORDINATOR) and organization.municipality_id:
        return organization.municipality, organization.municipality.prefecture
    if membership.role == Role.PREFECTURE_STAFF:
        return None, organization.prefecture
    return None, None


def definition_for_page(membership, definition_id: int) -> IndicatorDefinition | None:
    """One definition within the member's reach (None for missing and out of reach alike: the same 404)."""
    if not 0 < definition_id < 2**62:
        return None
    queryset = IndicatorDefinition.objects.select_related("owner_municipality__prefecture", "owner_prefecture")
    if membership is not None:
        queryset = policy.scope(membership, "indicators.view_definitions", queryset)
    return queryset.filter(pk=definition_id).first()


def reach_order(definition: IndicatorDefinition, municipality_id: int | None, prefecture_id: int | None) -> int:
    """How close a definition is to a place: its own municipality's 0, its prefecture's 1, shared 2, built-in 3."""
    if definition.owner_municipality_id is not None:
        return 0 if definition.owner_municipality_id == municipality_id else 2
    if definition.owner_prefecture_id is not None:
        return 1 if definition.owner_prefecture_id == prefecture_id else 2
    return 3


def definition_by_code(membership, code: str) -> IndicatorDefinition | None:
    """The definition a code names for this member: their municipality's own first, then their prefecture's,
    then one shared in the prefecture, then the built-in one (codes are unique per owner, not overall)."""
    code = (code or "").strip()
    if not code or len(code) > 40:
        return None
    candidates = list(policy.scope(membership, "indicators.view_definitions",
                                   IndicatorDefinition.objects.filter(code=code)))
    if not candidates:
        return None
    organization = membership.organization
    return min(candidates, key=lambda d: (reach_order(d, organization.municipality_id, organization.prefecture_id),
                                          d.pk))


# --- areas --------------------------------------------------------------------------------------------------

class AreaError(ValueError):
    def __init__(self, ja: str, en: str):
        super().__init__(en)
        self.ja, self.en = ja, en


def area_from_key(key: str) -> Area:
    """An area from its key ("N", "P26", "M262013", "D12") or a municipality's 6- or 5-digit code."""
    text = (key or "").strip().upper()
    try:
        if text == "N":
            return Area.nation()
        if text.startswith("P") and text[1:].isdecimal() and len(text) <= 3:
            return Area.of_prefecture(Prefecture.objects.get(code=text[1:].zfill(2)))
        if text.startswith("M") and text[1:].isdecimal() and len(text) == 7:
            return Area.of_municipality(Municipality.objects.select_related("prefecture").get(code=text[1:]))
        if text.startswith("D") and text[1:].isdecimal() and len(text) < 12:
            return Area.of_daily_living_area(DailyLivingArea.objects.select_related(
                "municipality__prefecture").get(pk=int(text[1:])))
        if text.isdecimal() and len(text) in (5, 6):
            field_name = "code" if len(text) == 6 else "jis_code"
            return Area.of_municipality(Municipality.objects.select_related("prefecture").get(**{field_name: text}))
    except (Prefecture.DoesNotExist, Municipality.DoesNotExist, DailyLivingArea.DoesNotExist):
        raise AreaError(f"地域「{key[:30]}」は見つかりません。", f"There is no area “{key[:30]}”.") from None
    raise AreaError(f"地域「{key[:30]}」を読めません（例: M262013、262013、P26、N）。",
                    f"Cannot read the area “{key[:30]}” (e.g. M262013, 262013, P26, N).")


def home_area(membership) -> Area:
    """The area a member's screens start from: their municipality, else their prefecture, else the nation."""
    organization = membership.organization
    if organization.municipality_id:
        return Area.of_municipality(organization.municipality)
    if organization.prefecture_id:
        return Area.of_prefecture(organization.prefecture)
    return Area.nation()


def areas_to_view(membership, definition: IndicatorDefinition | None = None) -> list[Area]:
    """The areas offered on a definition's page: the member's municipality and its daily living areas, their
    prefecture (and, for prefecture staff, its municipalities), the nation; limited to the definition's levels."""
    organization = membership.organization
    areas: list[Area] = []
    if organization.municipality_id:
        municipality = organization.municipality
        areas.append(Area.of_municipality(municipality))
        areas += [Area.of_daily_living_area(a) for a in
                  DailyLivingArea.objects.filter(municipality=municipality).select_related("municipality__prefecture")
                  .order_by("name")]
    prefecture = organization.prefecture
    if prefecture is not None:
        areas.append(Area.of_prefecture(prefecture))
        if not organization.municipality_id:
            areas += [Area.of_municipality(m) for m in
                      Municipality.objects.filter(prefecture=prefecture, abolished_on__isnull=True)
                      .select_related("prefecture").order_by("code")]
    areas.append(Area.nation())
    if definition is not None and definition.area_levels:
        areas = [a for a in areas if a.level in definition.area_levels]
    return areas


def areas_for_entry(membership, definition: IndicatorDefinition) -> list[Area]:
    """Areas a member may record a value of this definition for (policy `indicators.record_values`)."""
    from ..policy import NATION

    return [a for a in areas_to_view(membership, definition)
            if policy.check(membership, "indicators.record_values", a.owner if a.owner is not None else NATION)]


# --- values -------------------------------------------------------------------------------------------------

def value_series(membership, definition: IndicatorDefinition, *, area_keys: list[str],
                 first: Period | None = None, last: Period | None = None) -> list[IndicatorValue]:
    """Current values of one definition for the areas and period range, those the member may read
    (`indicators.view`), ordered by area then period; None membership is the system (no scope)."""
    queryset = IndicatorValue.objects.filter(definition=definition, is_current=True)
    if area_keys:
        queryset = queryset.filter(area_key__in=area_keys)
    if first is not None:
        queryset = queryset.filter(period_start__gte=first.start)
    if last is not None:
        queryset = queryset.filter(period_start__lte=last.start)
    if membership is not None:
        queryset = policy.scope(membership, "indicators.view", queryset)
    return list(queryset.select_related("recorded_by", "municipality", "prefecture", "daily_living_area",
                                        "import_run")
                .order_by("area_key", "period_start"))


@dataclass
class PeriodValues:
    """One period of one area: the current value and the values it corrected (newest first)."""

    period: Period
    current: IndicatorValue | None
    history: list[IndicatorValue]


def values_with_history(membership, definition: IndicatorDefinition, area: Area) -> list[PeriodValues]:
    """Every period of one area with a value, newest period first, each with its corrections (one query)."""
    queryset = policy.scope(membership, "indicators.view", IndicatorValue.objects.filter(
        definition=definition, area_key=area.key)).select_related("recorded_by", "import_run")
    rows = sorted(queryset, key=lambda v: (v.period_start, v.recorded_at, v.pk), reverse=True)
    out = []
    for start, group in groupby(rows, key=lambda v: v.period_start):
        group = list(group)
        current = next((v for v in group if v.is_current), None)
        out.append(PeriodValues(Period(start, group[0].period_type), current,
                                [v for v in group if v is not current]))
    return out


def value_history(value: IndicatorValue) -> list[IndicatorValue]:
    """Every value recorded for the same definition, area and period, newest first (the current one included)."""
    return list(IndicatorValue.objects.filter(definition_id=value.definition_id, area_key=value.area_key,
                                              period_start=value.period_start)
                .select_related("recorded_by").order_by("-recorded_at", "-pk"))


def parse_period_range(definition: IndicatorDefinition, first: str, last: str) -> tuple[Period | None, Period | None]:
    """`from`/`to` keys in the definition's period type (either may be blank); raises PeriodError."""
    start = parse_period(first, definition.period_type) if first else None
    end = parse_period(last, definition.period_type) if last else None
    if start and end and end.start < start.start:
        raise PeriodError("期間の終わりが始まりより前です。", "The end of the period range is before its start.")
    return start, end


# --- targets ------------------------------------------------------------------------------------------------

def plan_period_start(fiscal_year: int) -> int:
    """The first fiscal year of the 介護保険事業計画 period containing `fiscal_year` (2025 → 2024)."""
    return PLAN_PERIOD_ANCHOR + (fiscal_year - PLAN_PERIOD_ANCHOR) // PLAN_PERIOD_YEARS * PLAN_PERIOD_YEARS


def plan_period_number(start_fiscal_year: int) -> int:
    """第N期: 2024 → 9."""
    return PLAN_PERIOD_ANCHOR_NUMBER + (start_fiscal_year - PLAN_PERIOD_ANCHOR) // PLAN_PERIOD_YEARS


def current_plan_period_start(today: dt.date | None = None) -> int:
    from ..models import fiscal_year_of

    return plan_period_start(fiscal_year_of(today or timezone.localdate()))


def target_for(definition: IndicatorDefinition, municipality: Municipality, start_fiscal_year: int
               ) -> IndicatorTarget | None:
    """The municipality's target for one definition and plan period, its yearly targets prefetched."""
    return (IndicatorTarget.objects.filter(definition=definition, municipality=municipality,
                                           start_fiscal_year=start_fiscal_year)
            .select_related("set_by").prefetch_related("years").first())


def targets_of(membership, municipality: Municipality, *, start_fiscal_year: int | None = None
               ) -> list[IndicatorTarget]:
    """A municipality's targets (of one plan period when given) of definitions the member may use."""
    if not policy.check(membership, "indicators.view", municipality):
        return []
    definitions = policy.scope(membership, "indicators.view_definitions", IndicatorDefinition.objects.all())
    queryset = IndicatorTarget.objects.filter(municipality=municipality, definition__in=definitions)
    if start_fiscal_year is not None:
        queryset = queryset.filter(start_fiscal_year=start_fiscal_year)
    return list(queryset.select_related("definition").prefetch_related("years")
                .order_by("definition__code", "start_fiscal_year"))


# --- the public (anonymous) reach -----------------------------------------------------------------------------

def public_definitions(*, municipality: Municipality | None = None) -> QuerySet[IndicatorDefinition]:
    """Definitions some municipality (or the given one) shows on its residents' page."""
    publications = IndicatorPublication.objects.all()
    if municipality is not None:
        publications = publications.filter(municipality=municipality)
    return IndicatorDefinition.objects.filter(pk__in=publications.values("definition_id"), is_active=True) \
        .order_by("code", "pk")


def public_definition_by_code(code: str, *, municipality: Municipality | None = None) -> IndicatorDefinition | None:
    """A published definition by code: closest to `municipality` when given, else the built-in one first."""
    code = (code or "").strip()
    if not code or len(code) > 40:
        return None
    candidates = list(public_definitions(municipality=municipality).filter(code=code))
    if not candidates:
        return None
    municipality_id = municipality.pk if municipality else None
    prefecture_id = municipality.prefecture_id if municipality else None
    return min(candidates, key=lambda d: (reach_order(d, municipality_id, prefecture_id) if municipality
                                          else (0 if d.is_builtin or d.owner_municipality_id is None
                                                and d.owner_prefecture_id is None else 1), d.pk))


def public_values(definition: IndicatorDefinition, *, area_keys: list[str], first: Period | None = None,
                  last: Period | None = None) -> list[IndicatorValue]:
    """Current values of a published definition for the areas of the municipalities that published it (the
    municipality and its daily living areas): nothing else is public. Suppress small counts when showing them."""
    municipalities = IndicatorPublication.objects.filter(definition=definition).values("municipality_id")
    queryset = IndicatorValue.objects.filter(definition=definition, is_current=True).filter(
        Q(area_level=AreaLevel.MUNICIPALITY, municipality_id__in=municipalities)
        | Q(area_level=AreaLevel.DAILY_LIVING_AREA, daily_living_area__municipality_id__in=municipalities))
    if area_keys:
        queryset = queryset.filter(area_key__in=area_keys)
    if first is not None:
        queryset = queryset.filter(period_start__gte=first.start)
    if last is not None:
        queryset = queryset.filter(period_start__lte=last.start)
    return list(queryset.select_related("municipality", "prefecture", "daily_living_area")
                .order_by("area_key", "period_start"))


def area_name_of(value: IndicatorValue) -> str:
    """The area of a value as people name it (its related rows selected by the selector)."""
    if value.area_level == AreaLevel.NATION:
        return "全国"
    if value.area_level == AreaLevel.PREFECTURE:
        return value.prefecture.name if value.prefecture_id else value.area_key
    if value.area_level == AreaLevel.MUNICIPALITY:
        return value.municipality.name if value.municipality_id else value.area_key
    if value.daily_living_area_id:
        return f"{value.municipality.name if value.municipality_id else ''} {value.daily_living_area.name}".strip()
    return value.area_key
