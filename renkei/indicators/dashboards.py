"""Reads for the indicator dashboards (見える化) and the residents' page: per scene, per indicator, one panel.

A panel holds a municipality's current values of one indicator over time, its prefecture's and the nation's
(where imported), the target line, the status, the municipality's rank among its prefecture's municipalities
for the latest period, and the data's source and vintage. A whole dashboard costs a fixed number of queries
whatever the number of indicators (definitions, values, targets and their years, the rank's values): the
benchmark is 50 municipalities × 40 indicators × 10 fiscal years (monthly where monthly), p95 < 150 ms.

Every read starts from `policy.scope(...)` (deny by default); the residents' page passes no membership and
reads only what the municipality marks public (`IndicatorPublication`), suppressed by `suppression.py`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from html import escape

from django.db.models import FloatField, Max, Q
from django.db.models.functions import Cast
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe

from renkei.core import policy
from renkei.core.models import Municipality
from renkei.core.models.program import FOUR_SCENES, Scene

from . import status as status_rules
from . import suppression
from .models import IndicatorDefinition, IndicatorPublication, IndicatorTarget, IndicatorValue
from .periods import Period


@dataclass(frozen=True)
class Rank:
    """The municipality's place among its prefecture's municipalities with a value for `period` (1 = best).

    Ties share a place (competition ranking: 1, 2, 2, 4). `direction` is "higher" when higher is better,
    "lower" when lower is, "none" when the indicator has no good direction (then ranked high to low).
    """

    position: int
    count: int
    period: Period
    direction: str


@dataclass
class Point:
    """One period of a panel: the three series (`SeriesValue` or None) and the target."""

    period: Period
    own: SeriesValue | None = None
    prefecture: SeriesValue | None = None
    nation: SeriesValue | None = None
    target: Decimal | None = None


@dataclass
class Panel:
    definition: IndicatorDefinition
    points: list[Point]
    status: status_rules.Status
    rank: Rank | None
    sources: list[str]
    vintage: dt.date | None
    has_prefecture: bool
    has_nation: bool
    has_target: bool
    is_public: bool = False  # values pass the small-count suppression (residents' page)

    def shown(self, value: SeriesValue | None) -> suppression.Shown:
        """How a value is shown in this panel: suppressed on the residents' page when its count is small."""
        if value is None:
            return suppression.EMPTY
        return suppression.shown_number(self.definition, value.number, value.numerator, public=self.is_public)

    @cached_property
    def rows(self) -> list[dict]:
        """The data table (and the chart's numbers): one row per period, as shown. Computed once per panel."""
        return [{
            "period": point.period, "own": self.shown(point.own), "prefecture": self.shown(point.prefecture),
            "nation": self.shown(point.nation),
            "target": suppression.format_number(point.target, self.definition.decimals),
        } for point in self.points]

    def table_rows_html(self) -> str:
        """The table's <tbody> rows, built here rather than in the template: a dashboard of 40 indicators has
        over a thousand rows, and the template engine (and format_html) took most of the page's time on them.
        Every text is escaped here."""
        columns = ["own"] + (["prefecture"] if self.has_prefecture else []) + (["nation"] if self.has_nation else [])
        lines = []
        for row in self.rows:
            cells = "".join(
                f'<td class="number{" suppressed" if row[c].is_suppressed else ""}">{escape(row[c].text or "—")}</td>'
                for c in columns)
            if self.has_target:
                cells += f'<td class="number">{escape(row["target"] or "—")}</td>'
            lines.append(f'<tr><th scope="row">{escape(row["period"].label)}</th>{cells}</tr>')
        return mark_safe("\n".join(lines))  # noqa: S308 (every value escaped above)

    def chart_data(self) -> dict:
        """What dashboard.js draws (through json_script): suppressed points are gaps, never numbers."""
        def series(name):
            return [row[name].number for row in self.rows]

        return {
            "labels": [row["period"].label for row in self.rows],
            "own": series("own"),
            "prefecture": series("prefecture") if self.has_prefecture else None,
            "nation": series("nation") if self.has_nation else None,
            "target": ([float(p.target) if p.target is not None else None for p in self.points]
                       if self.has_target else None),
            "unit": self.definition.unit,
            "decimals": self.definition.decimals,
        }


@dataclass
class SceneSummary:
    scene: str
    label: str
    counts: dict[str, int] = field(default_factory=dict)
    total: int = 0


@dataclass
class SceneDashboard:
    municipality: Municipality
    scene: str
    panels: list[Panel]

    @property
    def scene_label(self) -> str:
        return str(Scene(self.scene).label)


# --- definitions ------------------------------------------------------------------------------------------

def visible_definitions(membership) -> list[IndicatorDefinition]:
    """The active definitions the member may use (the built-in library, their prefecture's, their own), by code."""
    return list(policy.scope(membership, "indicators.view_definitions",
                             IndicatorDefinition.objects.filter(is_active=True)).order_by("code"))


def scene_definitions(membership, scene: str) -> list[IndicatorDefinition]:
    """The visible definitions whose `scenes` contain `scene` (filtered here: SQLite has no JSON `contains`)."""
    return [d for d in visible_definitions(membership) if scene in (d.scenes or [])]


def has_public_indicators(municipality: Municipality) -> bool:
    """Whether the municipality shows residents any indicator (the portal links its page only then)."""
    return IndicatorPublication.objects.filter(municipality=municipality, definition__is_active=True).exists()


def public_definitions(municipality: Municipality) -> list[IndicatorDefinition]:
    """What the municipality marks public, in its display order (the residents' page reads nothing else)."""
    publications = (IndicatorPublication.objects.filter(municipality=municipality, definition__is_active=True)
                    .select_related("definition").order_by("sort_order", "definition__code"))
    return [p.definition for p in publications]


# --- panels ----------------------------------------------------------------------------------------------

def scoped_values(membership, queryset):
    """Members read through the policy; the residents' page (no membership) reads published definitions only,
    which the caller has already narrowed to."""
    return queryset if membership is None else policy.scope(membership, "indicators.view", queryset)


class SeriesValue:
    """A current value as the dashboards read it: the number as a float, no model instance.

    A dashboard reads thousands (40 indicators, monthly ones over ten years, three areas); building model
    instances and Decimals for each took most of its time. `value` gives the Decimal back (exactly the stored
    digits) for `status_of`, which compares it with a Decimal target. `numerator` is read for public views only
    (small-count suppression)."""

    __slots__ = ("definition_id", "area_key", "period_start", "number", "numerator")
    is_current = True

    def __init__(self, definition_id, area_key, period_start, number, numerator=None):
        self.definition_id, self.area_key, self.period_start = definition_id, area_key, period_start
        # The field's six decimal places: SQLite keeps what was written, unrounded (PostgreSQL rounds on write).
        self.number = None if number is None else round(number, VALUE_PLACES)
        self.numerator = numerator

    @property
    def value(self) -> Decimal | None:
        return None if self.number is None else Decimal(repr(self.number))


VALUE_PLACES = IndicatorValue._meta.get_field("value").decimal_places


def _as_float(name: str):
    return Cast(name, FloatField())


def _series_values(membership, definitions, municipality: Municipality, *, public: bool = False
                   ) -> dict[int, dict[str, list]]:
    """{definition id: {area key: [current values…]}} for the municipality, its prefecture and the nation."""
    rows = scoped_values(membership, IndicatorValue.objects.filter(
        definition__in=[d.pk for d in definitions], is_current=True, area_key__in=_series_keys(municipality)))
    fields = ["definition_id", "area_key", "period_start", _as_float("value")]
    if public:
        fields.append(_as_float("numerator"))
    out: dict[int, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for row in rows.order_by().values_list(*fields):
        out[row[0]][row[1]].append(SeriesValue(*row))
    return out


def _series_keys(municipality: Municipality) -> list[str]:
    return [f"M{municipality.code}", f"P{municipality.prefecture.code}", "N"]


def _sources(membership, definitions, municipality: Municipality) -> dict[int, tuple[list[str], dt.date | None]]:
    """Per definition: the sources of the values shown (else the definition's own) and their latest vintage.
    Grouped by the database: one row per definition and source, not one per value."""
    rows = scoped_values(membership, IndicatorValue.objects.filter(
        definition__in=[d.pk for d in definitions], is_current=True, area_key__in=_series_keys(municipality)))
    notes: dict[int, set[str]] = defaultdict(set)
    vintages: dict[int, dt.date] = {}
    for definition_id, note, vintage in (rows.order_by().values_list("definition_id", "source_note")
                                         .annotate(latest=Max("vintage"))):
        if note:
            notes[definition_id].add(note)
        if vintage and (definition_id not in vintages or vintage > vintages[definition_id]):
            vintages[definition_id] = vintage
    return {d.pk: (sorted(notes[d.pk]) or ([d.data_source] if d.data_source else []), vintages.get(d.pk))
            for d in definitions}


def _targets(definitions, municipality: Municipality) -> dict[int, list[IndicatorTarget]]:
    """The municipality's targets (with their yearly values prefetched) per definition, oldest period first."""
    out: dict[int, list[IndicatorTarget]] = defaultdict(list)
    for target in (IndicatorTarget.objects.filter(municipality=municipality,
                                                  definition__in=[d.pk for d in definitions])
                   .prefetch_related("years").order_by("start_fiscal_year")):
        out[target.definition_id].append(target)
    return out


def current_target(targets: list[IndicatorTarget], today: dt.date | None = None) -> IndicatorTarget | None:
    """The target whose plan period holds this fiscal year, else the latest one set (None without any)."""
    if not targets:
        return None
    today = today or dt.date.today()
    year = today.year if today.month >= 4 else today.year - 1
    for target in targets:
        if target.start_fiscal_year <= year <= target.end_fiscal_year:
            return target
    return targets[-1]


def _target_on(targets: list[IndicatorTarget], fiscal_year: int) -> Decimal | None:
    for target in targets:
        if target.start_fiscal_year <= fiscal_year <= target.end_fiscal_year:
            return status_rules.target_for_year(target, fiscal_year,
                                                {y.fiscal_year: y.value for y in target.years.all()})
    return None


def _latest_own_periods(series: dict[int, dict[str, list]], municipality: Municipality) -> dict[int, dt.date]:
    key = f"M{municipality.code}"
    latest = {}
    for definition_id, by_area in series.items():
        starts = [v.period_start for v in by_area.get(key, []) if v.number is not None]
        if starts:
            latest[definition_id] = max(starts)
    return latest


def _ranks(membership, definitions, municipality: Municipality, latest: dict[int, dt.date]) -> dict[int, Rank]:
    """The municipality's rank per definition among its prefecture's municipalities, for its latest period.

    One query for every definition: the municipal values of the prefecture at any of the latest periods,
    sorted out per definition here."""
    if not latest:
        return {}
    by_definition = {d.pk: d for d in definitions}
    # By area key (the index on area_key, definition, period): a filter on the prefecture would read every value
    # of the prefecture through its own index on SQLite.
    municipal_keys = [f"M{code}" for code in Municipality.objects.filter(
        prefecture_id=municipality.prefecture_id).values_list("code", flat=True)]
    # Definitions grouped by their latest period (usually two groups: the last fiscal year, the last month),
    # so the index is probed only for the period each definition needs.
    by_period: dict[dt.date, list[int]] = defaultdict(list)
    for definition_id, start in latest.items():
        by_period[start].append(definition_id)
    wanted = Q()
    for start, ids in by_period.items():
        wanted |= Q(definition__in=ids, period_start=start)
    rows = scoped_values(membership, IndicatorValue.objects.filter(
        wanted, is_current=True, area_key__in=municipal_keys, value__isnull=False))
    values: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for definition_id, start, municipality_id, value in rows.values_list(
            "definition_id", "period_start", "municipality_id", _as_float("value")).order_by():
        if latest.get(definition_id) == start:
            values[definition_id].append((municipality_id, round(value, VALUE_PLACES)))
    ranks = {}
    for definition_id, entries in values.items():
        own = next((v for m, v in entries if m == municipality.pk), None)
        if own is None:
            continue
        definition = by_definition[definition_id]
        lower_is_better = definition.higher_is_better is False
        better = sum(1 for _m, v in entries if (v < own if lower_is_better else v > own))
        direction = {True: "higher", False: "lower", None: "none"}[definition.higher_is_better]
        ranks[definition_id] = Rank(better + 1, len(entries), Period(latest[definition_id], definition.period_type),
                                    direction)
    return ranks


def build_panels(membership, definitions: list[IndicatorDefinition], municipality: Municipality, *,
                 public: bool = False, with_rank: bool = True, today: dt.date | None = None) -> list[Panel]:
    """One panel per definition (in the given order) for the municipality; a fixed number of queries."""
    if not definitions:
        return []
    series = _series_values(membership, definitions, municipality, public=public)
    sources = _sources(membership, definitions, municipality)
    targets = _targets(definitions, municipality)
    ranks = _ranks(membership, definitions, municipality, _latest_own_periods(series, municipality)) \
        if with_rank else {}
    own_key, prefecture_key = f"M{municipality.code}", f"P{municipality.prefecture.code}"
    panels = []
    for definition in definitions:
        by_area = series.get(definition.pk, {})
        own = {v.period_start: v for v in by_area.get(own_key, [])}
        prefecture = {v.period_start: v for v in by_area.get(prefecture_key, [])}
        nation = {v.period_start: v for v in by_area.get("N", [])}
        definition_targets = targets.get(definition.pk, [])
        points = []
        for start in sorted(set(own) | set(prefecture) | set(nation)):
            period = Period(start, definition.period_type)
            target = _target_on(definition_targets, period.fiscal_year) if definition_targets else None
            points.append(Point(period, own.get(start), prefecture.get(start), nation.get(start), target))
        target = current_target(definition_targets, today)
        panels.append(Panel(
            definition=definition, points=points,
            status=status_rules.status_of(target, list(own.values()), definition.higher_is_better),
            rank=ranks.get(definition.pk), sources=sources[definition.pk][0], vintage=sources[definition.pk][1],
            has_prefecture=bool(prefecture), has_nation=bool(nation),
            has_target=any(p.target is not None for p in points), is_public=public))
    return panels


def scene_dashboard(membership, municipality: Municipality, scene: str) -> SceneDashboard:
    """The scene's indicators for the municipality, each with its panel (see the module docstring)."""
    return SceneDashboard(municipality, scene, build_panels(membership, scene_definitions(membership, scene),
                                                            municipality))


def public_panels(municipality: Municipality) -> list[Panel]:
    """The residents' page: the published indicators only, small counts suppressed, no ranks."""
    return build_panels(None, public_definitions(municipality), municipality, public=True, with_rank=False)


def scene_summaries(membership, municipality: Municipality, today: dt.date | None = None) -> list[SceneSummary]:
    """Per scene, how many of its indicators are on track, behind, without data or without a target.

    The four scenes always; the other scenes when the municipality has a value or a target for one of their
    indicators (the scenes its plan adds)."""
    definitions = visible_definitions(membership)
    own_key = f"M{municipality.code}"
    rows = scoped_values(membership, IndicatorValue.objects.filter(
        definition__in=[d.pk for d in definitions], is_current=True, area_key=own_key))
    values: dict[int, list[SeriesValue]] = defaultdict(list)
    for row in rows.order_by().values_list("definition_id", "area_key", "period_start", _as_float("value")):
        values[row[0]].append(SeriesValue(*row))
    targets = _targets(definitions, municipality)
    summaries = []
    for scene in Scene.values:
        members = [d for d in definitions if scene in (d.scenes or [])]
        used = any(values.get(d.pk) or targets.get(d.pk) for d in members)
        if scene not in FOUR_SCENES and not used:
            continue
        summary = SceneSummary(scene, str(Scene(scene).label), {code: 0 for code in status_rules.LABELS})
        for definition in members:
            state = status_rules.status_of(current_target(targets.get(definition.pk, []), today),
                                           values.get(definition.pk, []), definition.higher_is_better)
            summary.counts[state.code] += 1
            summary.total += 1
        summaries.append(summary)
    return summaries


def municipality_choices(membership, municipality: Municipality) -> list[dict]:
    """Municipalities of the shown one's prefecture the member may view (the chooser): {pk, code, name}.

    indicators.view is decided by the prefecture a place lies in (policy.sees_place), so one answer for the
    prefecture holds for each of its municipalities: one check instead of one per municipality (北海道: 179)."""
    if not policy.check(membership, "indicators.view", municipality.prefecture):
        return [{"pk": municipality.pk, "code": municipality.code, "name": municipality.name}]
    return list(Municipality.objects.filter(prefecture_id=municipality.prefecture_id, abolished_on__isnull=True)
                .order_by("code").values("pk", "code", "name"))
