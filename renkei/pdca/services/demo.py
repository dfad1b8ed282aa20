"""The PDCA and indicators demo for 福知山市 (after the core's and the directory's): 第9期's goals, a logic model
in two revisions, a council with two working groups, their meetings, issues and actions (some overdue), the
PDCA turns, and three years of indicator values with targets, for 福知山市 and for the rest of 京都府 (with
the prefecture and the nation), plus simple outlines of the other municipalities for the map.

Everything is generated here from a fixed seed and the texts in `demo_content`; dates of meetings and actions
are relative to the day the demo is built, so "overdue" always means something. Values are written only
through `values_record`, as the import, the staff entry and the computation would.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from renkei.core import audit
from renkei.core.models import AuditEntry, DailyLivingArea, Membership, Municipality, Organization, Prefecture, User
from renkei.core.services.demo import DEMO_MUNICIPALITY_CODE, SURNAMES
from renkei.core.wareki import fiscal_year_wareki
from renkei.indicators.areas import Area
from renkei.indicators.models import (
    AreaLevel,
    IndicatorDefinition,
    IndicatorImportRun,
    IndicatorPublication,
    IndicatorTarget,
    IndicatorTargetYear,
    IndicatorValue,
    Origin,
    PeriodType,
    fiscal_year_of,
)
from renkei.indicators.periods import fiscal_year
from renkei.indicators.services.values import ValueInput, values_record

from ..models import (
    Action,
    Council,
    CouncilMember,
    Decision,
    Goal,
    Issue,
    LogicModel,
    LogicModelIndicator,
    Measure,
    MeasurePlacement,
    Meeting,
    Outcome,
    PdcaCycle,
    PlanPeriod,
)
from . import demo_content as content
from .logic_models import logic_model_revise

SEED = 20261125
PLAN_TERM, PLAN_START, PLAN_END = 9, 2024, 2026
IMPORTED_YEARS = (2022, 2023, 2024)  # e-Stat and KDB publish a year or more later
OWN_YEARS = (2022, 2023, 2024, 2025)  # computed and entered: up to the last complete fiscal year
BASELINE_YEAR = 2023
DEMO_EMAIL = "{}@demo.renkei.example"

# Given names for council seats held by people without a Renkei login.
GIVEN = ["一郎", "直子", "浩", "裕子", "修", "明美", "隆", "幸子", "博", "真由美"]


@dataclass
class DemoSummary:
    values: int = 0
    measures: int = 0
    meetings: int = 0
    actions: int = 0
    overdue: int = 0
    outlines: int = 0
    notes: list[str] = field(default_factory=list)


def pdca_demo_exists(city: Municipality) -> bool:
    return PlanPeriod.objects.filter(municipality=city).exists()


def build_pdca_demo() -> DemoSummary | None:
    """Add the PDCA and indicators demo to the demo municipality (after the directory's). Returns what it
    created; None when the demo already has it (building again changes nothing)."""
    city = Municipality.objects.select_related("prefecture").get(code=DEMO_MUNICIPALITY_CODE)
    if pdca_demo_exists(city):
        return None
    builder = _DemoPdca(city)
    with transaction.atomic(), audit.bind(user_label="system: renkei demo"):
        builder.build()
    return builder.summary


def _key(text: str) -> str:
    """A stable key (Measure.key, Outcome.key) so the demo is the same on every build."""
    return hashlib.sha256(f"renkei-demo-{text}".encode()).hexdigest()[:12]


def _aware(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _decimal(value: float, places: int) -> Decimal:
    return Decimal(str(round(value, places)))


def _bulk_create(model, rows: list) -> list:
    """Insert rows at once with one audit entry each, as their save() would write (bulk_create sends no
    signal): the demo writes a few hundred rows, and one audit extension instead of one per row keeps
    `renkei demo` quick."""
    created = model.objects.bulk_create(rows)
    if not audit._is_audited(model):
        return created
    ignored = audit.ALWAYS_IGNORED_FIELDS | getattr(model, "AUDIT_IGNORED_FIELDS", frozenset())
    audit.record_many([
        {"action": AuditEntry.Action.CREATE, "obj": row, "changes": {
            f.attname: getattr(row, f.attname) for f in model._meta.concrete_fields
            if f.attname not in ignored and getattr(row, f.attname) not in (None, "")}}
        for row in created])
    return created


class _DemoPdca:
    def __init__(self, city: Municipality):
        self.city = city
        self.kyoto: Prefecture = city.prefecture
        self.rng = random.Random(SEED)
        self.today = timezone.localdate()
        self.summary = DemoSummary()
        self.memberships = {
            handle: Membership.objects.select_related("user", "organization").filter(
                user__email=DEMO_EMAIL.format(handle)).order_by("pk").first()
            for handle in ("city", "coordinator", "doctor", "caremanager", "discharge", "nurse", "prefecture",
                           "healthcenter")
        }
        self.staff: User = self.memberships["city"].user
        self.definitions: dict[str, IndicatorDefinition] = {}
        self.aged_75: dict[int, int] = {}  # 福知山市's population aged 75+ per fiscal year (a denominator)

    def build(self) -> None:
        self.organizations = self._organizations()
        for name in content.CONCEPTS:
            self.definitions[name] = self._definition(name)
        self._prefecture_values()
        self._entered_values()
        if not self._computed_values():
            self._own_computed_values()
            self._daily_living_area_values()
        self._targets()
        self._publications()
        self._outlines()
        self.plan = PlanPeriod.objects.create(municipality=self.city, term_number=PLAN_TERM,
                                              start_fiscal_year=PLAN_START, end_fiscal_year=PLAN_END,
                                              scenes=[str(s) for s in content.PLAN_SCENES])
        self._goals()
        self.rev1 = self._logic_model()
        self.rev2 = self._revision()
        self._councils()
        self._issues_and_actions()
        self._cycles()

    # --- organizations -----------------------------------------------------------------------------------

    def _organizations(self) -> dict[str, list[Organization]]:
        """The core demo's organizations by the references the content uses; the 社会福祉協議会 is added."""
        from renkei.core.services.organizations import organization_save

        mine = Organization.objects.filter(municipality=self.city).order_by("pk")

        def of_kind(kind, count=None):
            found = list(mine.filter(kind=kind))
            return found[:count] if count else found

        council = mine.filter(name="福知山市社会福祉協議会").first()
        if council is None:
            council = organization_save(organization=Organization(
                kind=Organization.Kind.OTHER_CARE_PROVIDER, name="福知山市社会福祉協議会",
                kana="フクチヤマシシャカイフクシキョウギカイ",
                prefecture=self.kyoto, municipality=self.city, postal_code="620-0035",
                address="京都府福知山市字内記100番地", phone="0773-22-0000"))
        return {
            "office": of_kind(Organization.Kind.MUNICIPALITY_OFFICE),
            "medical": of_kind(Organization.Kind.MEDICAL_ASSOCIATION),
            "dental": of_kind(Organization.Kind.DENTAL_ASSOCIATION),
            "pharma": of_kind(Organization.Kind.PHARMACISTS_ASSOCIATION),
            "hcc": of_kind(Organization.Kind.COMMUNITY_SUPPORT_CENTER),
            "health": of_kind(Organization.Kind.PUBLIC_HEALTH_CENTER),
            "hospital": of_kind(Organization.Kind.HOSPITAL, 2),
            "vns": of_kind(Organization.Kind.VISITING_NURSING_STATION),
            "cmo": of_kind(Organization.Kind.CARE_MANAGEMENT_OFFICE, 2),
            "swc": [council],
        }

    def _orgs(self, refs: list[str]) -> list[Organization]:
        return [org for ref in refs for org in self.organizations.get(ref, [])]

    # --- indicator definitions ---------------------------------------------------------------------------

    def _levels(self, name: str) -> list[str]:
        concept = content.CONCEPTS[name]
        if concept.whole_prefecture:
            return [AreaLevel.NATION, AreaLevel.PREFECTURE, AreaLevel.MUNICIPALITY]
        if name == "outside_reach_share":
            return [AreaLevel.MUNICIPALITY, AreaLevel.DAILY_LIVING_AREA]
        return [AreaLevel.MUNICIPALITY]

    def _definition(self, name: str) -> IndicatorDefinition:
        """The built-in definition of the concept's code when it fits the demo's values, else 福知山市's own."""
        concept = content.CONCEPTS[name]
        levels = self._levels(name)
        builtin = IndicatorDefinition.objects.filter(code=concept.code, owner_municipality__isnull=True,
                                                     owner_prefecture__isnull=True).first()
        if (builtin is not None and builtin.period_type == PeriodType.FISCAL_YEAR
                and builtin.is_rate == concept.is_rate
                and (not builtin.area_levels or set(levels) <= set(builtin.area_levels))):
            return builtin
        definition, _created = IndicatorDefinition.objects.get_or_create(
            owner_municipality=self.city, code=concept.code, defaults={
                "name_ja": concept.name_ja, "name_en": concept.name_en, "kind": concept.kind,
                "scenes": [str(s) for s in concept.scenes], "numerator_label": concept.numerator,
                "denominator_label": concept.denominator, "factor": concept.factor, "unit": concept.unit,
                "decimals": concept.decimals, "higher_is_better": concept.higher_is_better,
                "data_source": concept.source, "origin": concept.origin, "provider": concept.provider,
                "period_type": PeriodType.FISCAL_YEAR, "area_levels": [str(level) for level in levels],
                "description": "デモ用の指標定義（組み込みの定義が見つからないときに福知山市の独自指標として作成）。",
            })
        return definition

    # --- values --------------------------------------------------------------------------------------------

    def _prefecture_values(self) -> None:
        """Imported-style values for every municipality of 京都府, the prefecture (their sums) and the nation."""
        municipalities = {m.code: m for m in Municipality.objects.filter(
            prefecture=self.kyoto, code__in=content.MUNICIPALITIES, abolished_on__isnull=True)}
        runs = {}
        # As if 京都府's staff had imported three files (layout names: the importers' built-in layouts).
        for source, layout, file_name, vintage in (
                (content.ESTAT_DEATHS, "estat-death-place", "demo-estat-deaths-by-place.csv", dt.date(2025, 9, 1)),
                (content.ESTAT_POPULATION, "estat-population-age", "demo-estat-population-by-age.csv",
                 dt.date(2025, 1, 1)),
                (content.KDB, "kdb", "demo-kdb-home-care.csv", dt.date(2025, 7, 1))):
            runs[source] = IndicatorImportRun.objects.create(
                prefecture=self.kyoto, layout=layout, file_name=file_name, source_note=source, vintage=vintage,
                status=IndicatorImportRun.Status.APPLIED, started_by=self.memberships["prefecture"].user)
        items: dict[str, list[ValueInput]] = {source: [] for source in runs}
        totals: dict[tuple[str, int], list[int]] = {}

        def add(name, area, year, numerator, denominator=None):
            concept = content.CONCEPTS[name]
            vintage = {content.ESTAT_DEATHS: dt.date(year + 1, 9, 1), content.ESTAT_POPULATION:
                       dt.date(year + 1, 1, 1), content.KDB: dt.date(year + 1, 7, 1)}[concept.source]
            items[concept.source].append(ValueInput(
                definition=self.definitions[name], area=area, period=fiscal_year(year),
                numerator=Decimal(numerator), denominator=None if denominator is None else Decimal(denominator),
                source_note=concept.source, vintage=vintage))

        for code in sorted(municipalities):
            municipality = municipalities[code]
            area = Area.of_municipality(municipality)
            for year, row in self._municipal_rows(code).items():
                for name, (numerator, denominator) in row.items():
                    add(name, area, year, numerator, denominator)
                    total = totals.setdefault((name, year), [0, 0])
                    total[0] += numerator
                    total[1] += denominator or 0
                    if code == DEMO_MUNICIPALITY_CODE and name == "population_75_plus":
                        self.aged_75[year] = numerator
        prefecture = Area.of_prefecture(self.kyoto)
        for (name, year), (numerator, denominator) in sorted(totals.items()):
            add(name, prefecture, year, numerator, denominator or None)
        nation = Area.nation()
        for year, (aged, deaths, home, care_home, visits, urgent) in content.NATION.items():
            add("population_75_plus", nation, year, aged)
            add("home_death_share", nation, year, round(deaths * home / 100), deaths)
            add("nursing_home_death_share", nation, year, round(deaths * care_home / 100), deaths)
            add("home_visit_patients_per_1000", nation, year, round(aged * visits / 1000), aged)
            add("urgent_visit_patients_per_1000", nation, year, round(aged * urgent / 1000), aged)
        # 京都府's staff import the prefecture's files: their login is on each value ("who and when").
        for source, run in runs.items():
            result = values_record(items=items[source], origin=Origin.IMPORTED,
                                   membership=self.memberships["prefecture"], import_run=run)
            run.rows_read = len(items[source])
            run.values_created = result.counts["created"]
            run.save(update_fields=["rows_read", "values_created"])
            self.summary.values += len(result.values)

    def _municipal_rows(self, code: str) -> dict[int, dict[str, tuple[int, int | None]]]:
        """Plausible figures for one municipality, each from its own seeded stream (order does not matter)."""
        lat, lon, population, _radius, share_75 = content.MUNICIPALITIES[code]
        rng = random.Random(f"{SEED}-{code}")
        home_base, care_home_base = rng.uniform(11.0, 21.0), rng.uniform(7.0, 15.0)
        visit_base, urgent_base = rng.uniform(35.0, 75.0), rng.uniform(7.0, 16.0)
        if code == DEMO_MUNICIPALITY_CODE:  # the demo city: near the middle, so its rank is interesting
            home_base, care_home_base, visit_base, urgent_base = 15.2, 10.4, 52.0, 10.8
        rows = {}
        for year in IMPORTED_YEARS:
            step = year - 2022
            people = population * (1 - 0.007) ** (year - 2024)
            aged = round(people * share_75 * 1.02 ** (year - 2024))
            deaths = max(8, round(people * (0.009 + 0.045 * share_75) * rng.uniform(0.97, 1.03)))
            home = min(60.0, home_base + 0.55 * step + rng.uniform(-0.6, 0.6))
            care_home = care_home_base + 0.4 * step + rng.uniform(-0.5, 0.5)
            rows[year] = {
                "population_75_plus": (aged, None),
                "home_death_share": (round(deaths * home / 100), deaths),
                "nursing_home_death_share": (round(deaths * care_home / 100), deaths),
                "home_visit_patients_per_1000": (round(aged * visit_base * (1 + 0.03 * step) / 1000), aged),
                "urgent_visit_patients_per_1000": (round(aged * urgent_base * (1 + 0.015 * step) / 1000), aged),
            }
        return rows

    # 福知山市's own figures: (numerator, denominator) per fiscal year, written for the demo.
    OWN_SERIES = {
        "home_visit_clinics_per_100k_75": {2022: 9, 2023: 10, 2024: 10, 2025: 11},
        "home_care_support_clinics": {2022: 5, 2023: 5, 2024: 6, 2025: 6},
        "outside_reach_share": {2022: (7350, 77600), 2023: (7100, 77100), 2024: (6880, 76500),
                                2025: (6400, 76000)},
        "nursing_24h_share": {2022: (2, 4), 2023: (3, 5), 2024: (3, 5), 2025: (4, 5)},
        "details_confirmed_share": {2022: (61, 148), 2023: (70, 150), 2024: (78, 152), 2025: (84, 155)},
        "discharge_conferences": {2022: 96, 2023: 112, 2024: 131, 2025: 142},
        "discharge_handoff_share": {2022: (412, 620), 2023: (455, 641), 2024: (481, 655), 2025: (497, 668)},
        "acp_training_participants": {2022: 85, 2023: 140, 2024: 212, 2025: 268},
        "ict_registered": {2022: 120, 2023: 185, 2024: 246, 2025: 310},
        "bcp_share": {2022: (18, 96), 2023: (41, 97), 2024: (63, 98), 2025: (71, 98)},
    }

    def _series_items(self, names, years) -> list[ValueInput]:
        """福知山市's own figures (OWN_SERIES) of these concepts as values to record."""
        area = Area.of_municipality(self.city)
        aged = self.aged_75
        items = []
        for name in names:
            concept = content.CONCEPTS[name]
            for year in years:
                figure = self.OWN_SERIES[name][year]
                numerator, denominator = figure if isinstance(figure, tuple) else (figure, None)
                if name == "home_visit_clinics_per_100k_75":
                    denominator = aged.get(year) or round(aged[max(aged)] * 1.02 ** (year - max(aged)))
                items.append(ValueInput(definition=self.definitions[name], area=area, period=fiscal_year(year),
                                        numerator=Decimal(numerator),
                                        denominator=None if denominator is None else Decimal(denominator),
                                        source_note=concept.source))
        return items

    def _entered_values(self) -> None:
        """What the city's staff entered (their login is on each value)."""
        names = [name for name in self.OWN_SERIES if content.CONCEPTS[name].origin == "entered"]
        result = values_record(items=self._series_items(names, OWN_YEARS), origin=Origin.ENTERED,
                               membership=self.memberships["city"])
        self.summary.values += len(result.values)

    def _own_computed_values(self) -> None:
        """Without the engine's computation: the computed indicators' values as its providers would give them."""
        names = [name for name in self.OWN_SERIES if content.CONCEPTS[name].origin == "computed"]
        result = values_record(items=self._series_items(names, OWN_YEARS), origin=Origin.COMPUTED)
        self.summary.values += len(result.values)

    # Earlier years of a computed indicator, as a share of the current year's numerator: the directory grew
    # (higher is better) or its gaps closed (lower is better) year by year.
    GROWTH = {True: [0.93, 0.86, 0.80, 0.74, 0.70], False: [1.25, 1.6, 2.0, 2.4, 2.8], None: [1.0] * 5}

    def _computed_values(self) -> bool:
        """The engine computes the current fiscal year from the directory's records (city and daily living
        areas); the years before are drawn back from it, so the series leads into what the records show.
        False when the engine's computation is not installed."""
        try:
            from renkei.indicators.services.compute import indicators_compute
        except ImportError:
            return False
        result = indicators_compute(municipality=self.city)
        self.summary.values += sum(result.as_dict()[key] for key in ("created", "corrected"))
        current = fiscal_year_of(self.today)
        items = []
        for row in IndicatorValue.objects.filter(
                definition__origin=Origin.COMPUTED, origin=Origin.COMPUTED, municipality=self.city,
                period_start=fiscal_year(current).start, is_current=True, numerator__isnull=False,
        ).select_related("definition", "daily_living_area"):
            area = (Area.of_daily_living_area(row.daily_living_area) if row.daily_living_area_id
                    else Area.of_municipality(self.city))
            ratios = self.GROWTH[row.definition.higher_is_better]
            for back, year in enumerate(range(current - 1, OWN_YEARS[0] - 1, -1)):
                ratio = ratios[min(back, len(ratios) - 1)]
                numerator = round(row.numerator * Decimal(str(ratio)))
                if row.denominator is not None and row.definition.factor == 100:  # a share stays within 100 %
                    numerator = min(numerator, int(row.denominator))
                items.append(ValueInput(definition=row.definition, area=area, period=fiscal_year(year),
                                        numerator=Decimal(numerator), denominator=row.denominator,
                                        source_note=row.source_note or "Renkei 資源一覧"))
        self.summary.values += len(values_record(items=items, origin=Origin.COMPUTED).values)
        return True

    # Share of each daily living area's people outside the home-visit reach (the north is the gap).
    AREA_OUTSIDE = {"中央圏域": 0.0, "東部圏域": 1.5, "西部圏域": 4.0, "北部圏域": 46.0, "三和圏域": 6.5,
                    "夜久野圏域": 33.0, "大江圏域": 21.0}

    def _daily_living_area_values(self) -> None:
        definition = self.definitions["outside_reach_share"]
        if definition.area_levels and AreaLevel.DAILY_LIVING_AREA not in definition.area_levels:
            return
        rng = random.Random(f"{SEED}-areas")
        items = []
        for area in DailyLivingArea.objects.filter(municipality=self.city).order_by("sort_order"):
            people = rng.randint(4000, 16000) if area.name != "中央圏域" else 26000
            share = self.AREA_OUTSIDE.get(area.name, 5.0)
            for year in (2024, 2025):
                outside = round(people * max(0.0, share - (year - 2024) * 1.5) / 100)
                items.append(ValueInput(definition=definition, area=Area.of_daily_living_area(area),
                                        period=fiscal_year(year), numerator=Decimal(outside),
                                        denominator=Decimal(people), source_note="Renkei 資源一覧"))
        self.summary.values += len(values_record(items=items, origin=Origin.COMPUTED).values)

    # --- targets and publication -----------------------------------------------------------------------

    def _targets(self) -> None:
        """Baseline FY2023, yearly targets and the end-of-period target (FY2026): some met, some not.

        Set from the values as stored (whatever wrote them: this demo, or the engine's computation of the
        current year), so "on track" and "behind" come out as the content says."""
        targets, yearly = [], []
        stored: dict[int, dict[int, Decimal]] = {}
        for definition_id, start, value in IndicatorValue.objects.filter(
                definition__in=self.definitions.values(), area_key=Area.of_municipality(self.city).key,
                is_current=True, value__isnull=False).values_list("definition_id", "period_start", "value"):
            stored.setdefault(definition_id, {})[fiscal_year_of(start)] = value
        for name, concept in content.CONCEPTS.items():
            series = stored.get(self.definitions[name].pk)
            if concept.higher_is_better is None or concept.on_track is None or not series \
                    or BASELINE_YEAR not in series:
                continue
            definition = self.definitions[name]
            places = max(0, definition.decimals)
            baseline = series[BASELINE_YEAR]
            latest_year = max(series)
            latest = float(series[latest_year])
            direction = 1 if definition.higher_is_better else -1
            # The target for the latest year, always in the good direction from the baseline: reached on the
            # way (on track) or ahead of the value (behind).
            gain = (latest - float(baseline)) * direction
            if concept.on_track:
                goal_then = float(baseline) + direction * max(0.0, gain) * 0.7
            else:
                goal_then = latest + direction * max(abs(gain) * 0.6, abs(latest) * 0.04, 1.0 if places == 0
                                                     else 0.0)
            slope = (goal_then - float(baseline)) / (latest_year - BASELINE_YEAR)
            final = float(baseline) + slope * (PLAN_END - BASELINE_YEAR)
            if concept.unit == "%":
                final = min(100.0, max(0.0, final))
            targets.append(IndicatorTarget(
                definition=definition, municipality=self.city, start_fiscal_year=PLAN_START,
                end_fiscal_year=PLAN_END, baseline_value=_decimal(float(baseline), places),
                baseline_fiscal_year=BASELINE_YEAR, final_value=_decimal(final, places), set_by=self.staff,
                note="第9期計画 策定時に協議会で確認（デモ）"))
            yearly.append([_decimal(float(baseline) + slope * (year - BASELINE_YEAR), places)
                           for year in range(PLAN_START, PLAN_END)])
        targets = _bulk_create(IndicatorTarget, targets)
        _bulk_create(IndicatorTargetYear, [
            IndicatorTargetYear(target=target, fiscal_year=PLAN_START + i, value=value)
            for target, values in zip(targets, yearly, strict=True) for i, value in enumerate(values)])

    def _publications(self) -> None:
        _bulk_create(IndicatorPublication, [
            IndicatorPublication(municipality=self.city, definition=self.definitions[name], sort_order=order,
                                 published_by=self.staff)
            for order, name in enumerate(content.PUBLIC_CONCEPTS)])

    # --- outlines of the other municipalities ------------------------------------------------------------

    def _outlines(self) -> None:
        """Simple outlines for 京都府's municipalities that have none: each one's Voronoi cell around its centre
        (so neighbours touch and never overlap), cut to an irregular ring of its area-equivalent radius and
        kept out of outlines already loaded (福知山市's, from the directory demo)."""
        from shapely.geometry import MultiPoint, Point, Polygon, mapping, shape
        from shapely.ops import unary_union, voronoi_diagram

        from renkei.directory.models import AreaShape
        from renkei.directory.services.demo import _plain

        codes = sorted(content.MUNICIPALITIES)
        municipalities = {m.code: m for m in Municipality.objects.filter(code__in=codes)}
        have = set(AreaShape.objects.filter(municipality__code__in=codes, daily_living_area__isnull=True)
                   .values_list("municipality__code", flat=True))
        existing = [shape(s.geometry) for s in AreaShape.objects.filter(municipality__code__in=have,
                                                                          daily_living_area__isnull=True)]
        taken = unary_union(existing) if existing else None
        # Work in kilometres (x east, y north) so cells and rings are not stretched by the longitude.
        kx, ky = 111.320 * math.cos(math.radians(35.1)), 110.574

        def km(lat, lon):
            return lon * kx, lat * ky

        centres = {code: km(*content.MUNICIPALITIES[code][:2]) for code in codes}
        cells = voronoi_diagram(MultiPoint(list(centres.values())), envelope=MultiPoint(
            list(centres.values())).buffer(80))
        rng = random.Random(f"{SEED}-outlines")
        shapes = []
        for code in codes:
            if code in have or code not in municipalities:
                continue
            x, y = centres[code]
            radius = content.MUNICIPALITIES[code][3] * 1.35
            ring = Polygon([(x + radius * rng.uniform(0.8, 1.15) * math.cos(math.radians(a)),
                             y + radius * rng.uniform(0.8, 1.15) * math.sin(math.radians(a)))
                            for a in range(0, 360, 30)])
            cell = next(c for c in cells.geoms if c.contains(Point(x, y)))
            outline = cell.intersection(ring)
            outline = Polygon([(px / kx, py / ky) for px, py in outline.exterior.coords])
            if taken is not None:
                outline = outline.difference(taken)
            outline = outline.simplify(0.0005)
            if outline.is_empty:
                continue
            min_lon, min_lat, max_lon, max_lat = outline.bounds
            shapes.append(AreaShape(municipality=municipalities[code], daily_living_area=None,
                                    geometry=_plain(mapping(outline)), min_lat=min_lat, min_lon=min_lon,
                                    max_lat=max_lat, max_lon=max_lon))
        self.summary.outlines = len(_bulk_create(AreaShape, shapes))

    # --- goals and the logic model -----------------------------------------------------------------------

    def _goals(self) -> None:
        adopted, revised = _aware(dt.date(2024, 3, 22)), _aware(dt.date(2025, 3, 19))
        goals = [Goal(plan=self.plan, scene="", text=content.OVERALL_GOAL, written_by=self.staff,
                      written_at=adopted)]
        for scene in content.PLAN_SCENES:
            if scene == content.S.END_OF_LIFE:
                goals.append(Goal(plan=self.plan, scene=scene, text=content.END_OF_LIFE_GOAL_REV1, revision=1,
                                  is_current=False, written_by=self.staff, written_at=adopted))
                goals.append(Goal(plan=self.plan, scene=scene, text=content.SCENE_GOALS[scene], revision=2,
                                  reason=content.END_OF_LIFE_GOAL_REASON, written_by=self.staff,
                                  written_at=revised))
            else:
                goals.append(Goal(plan=self.plan, scene=scene, text=content.SCENE_GOALS[scene],
                                  written_by=self.staff, written_at=adopted))
        _bulk_create(Goal, goals)

    def _logic_model(self) -> LogicModel:
        model = LogicModel.objects.create(
            plan=self.plan, revision=1, status=LogicModel.Status.ADOPTED, effective_fiscal_year=PLAN_START,
            change_summary="第9期計画の策定にあわせて協議会で作成", created_by=self.staff,
            created_at=_aware(dt.date(2024, 3, 22)))
        outcomes = _bulk_create(Outcome, [
            Outcome(logic_model=model, key=_key(f"outcome-{scene}"), scene=scene, text=text, sort_order=order)
            for order, (scene, text, _rows, _indicators) in enumerate(content.BLOCKS)])
        rows = [row for _scene, _text, block, _indicators in content.BLOCKS for row in block if row[0] != "again"]
        measures = _bulk_create(Measure, [self._measure_row(model, row) for row in rows])
        self.measures: dict[str, Measure] = {row[0]: measure for row, measure in zip(rows, measures, strict=True)}
        self._organizations_of(rows)
        placements, indicators, uses = [], [], []
        number = 0
        for outcome, (_scene, _text, block, labels) in zip(outcomes, content.BLOCKS, strict=True):
            in_block = []
            for row in block:
                number += 1
                repeat = row[0] == "again"
                measure = self.measures[row[1] if repeat else row[0]]
                placements.append(MeasurePlacement(logic_model=model, measure=measure, outcome=outcome,
                                                   number=number, is_repeat=repeat))
                in_block.append(measure)
            for position, (label, concept, level) in enumerate(labels):
                indicators.append(LogicModelIndicator(logic_model=model, outcome=outcome, label=label, level=level,
                                                      definition=self.definitions[concept], sort_order=position))
                uses.append(in_block)
        _bulk_create(MeasurePlacement, placements)
        through = LogicModelIndicator.measures.through
        through.objects.bulk_create([
            through(logicmodelindicator_id=indicator.pk, measure_id=measure.pk)
            for indicator, block in zip(_bulk_create(LogicModelIndicator, indicators), uses, strict=True)
            for measure in dict.fromkeys(block)])
        self.summary.measures = len(self.measures)
        return model

    def _measure_row(self, model: LogicModel, row) -> Measure:
        ref, text, _leads, _partners, items, status = row
        return Measure(logic_model=model, key=_key(f"measure-{ref}"), text=text, status=status,
                       program_items=items, start_date=dt.date(PLAN_START, 4, 1),
                       end_date=dt.date(PLAN_END + 1, 3, 31), lead_note="福知山市消防本部" if ref == "em5" else "")

    def _organizations_of(self, rows) -> None:
        """Lead and partner organizations of the measures just created (rows of `content.BLOCKS`)."""
        for relation, column in ((Measure.lead_organizations.through, 2),
                                 (Measure.partner_organizations.through, 3)):
            relation.objects.bulk_create([
                relation(measure_id=self.measures[row[0]].pk, organization_id=organization.pk)
                for row in rows for organization in dict.fromkeys(self._orgs(row[column]))])

    def _revision(self) -> LogicModel:
        """Revision 2, a draft: one measure added, one dropped, one merged (suspended), two reworded, one
        indicator added (written, not yet tied to a definition)."""
        rev2 = logic_model_revise(logic_model=self.rev1, by=self.staff, change_summary=content.REV2_SUMMARY,
                                  effective_fiscal_year=PLAN_END)
        measures = {m.key: m for m in rev2.measures.all()}
        for ref, text in content.REV2_TEXT_CHANGES.items():
            measure = measures[_key(f"measure-{ref}")]
            measure.text = text
            measure.save()
        merged = measures[_key(f"measure-{content.REV2_MERGED}")]
        merged.status = Measure.Status.SUSPENDED
        merged.save()
        dropped = measures[_key(f"measure-{content.REV2_DROPPED}")]
        slot = dropped.placements.get(logic_model=rev2)
        outcome, number = slot.outcome, slot.number
        dropped.delete()
        added = self._measure_row(rev2, content.REV2_NEW_MEASURE)
        added.save()
        self.measures[content.REV2_NEW_MEASURE[0]] = added
        self._organizations_of([content.REV2_NEW_MEASURE])
        # The new measure takes the dropped one's number: the numbers stay 1…n as printed.
        MeasurePlacement.objects.create(logic_model=rev2, measure=added, outcome=outcome, number=number)
        for indicator in rev2.indicators.filter(outcome=outcome):
            indicator.measures.add(added)
        scene, label, level = content.REV2_NEW_INDICATOR
        block = rev2.outcomes.get(scene=scene)
        LogicModelIndicator.objects.create(logic_model=rev2, outcome=block, label=label, level=level,
                                           sort_order=block.indicators.count())
        return rev2

    # --- councils, meetings, issues, actions -------------------------------------------------------------

    def _person(self) -> str:
        return f"{self.rng.choice(SURNAMES)} {self.rng.choice(GIVEN)}"

    def _seat(self, body: Council, *, handle: str | None = None, organization: Organization | None = None,
              position=CouncilMember.Position.MEMBER, note: str = "") -> CouncilMember:
        membership = self.memberships.get(handle) if handle else None
        if membership is not None:
            return CouncilMember(
                council=body, organization=organization or membership.organization, membership=membership,
                person_name=membership.user.display_name, profession=membership.profession, position=position)
        return CouncilMember(council=body, organization=organization, organization_note=note,
                             person_name=self._person(), position=position)

    def _councils(self) -> None:
        org = self.organizations
        council = Council.objects.create(
            municipality=self.city, kind=Council.Kind.COUNCIL, name=content.COUNCIL_NAME,
            purpose="在宅医療と介護の連携の課題を話し合い、第9期計画のロジックモデルに沿って取組を進め、評価する。",
            scenes=[str(s) for s in content.PLAN_SCENES])
        seats = [
            dict(organization=org["medical"][0], position=CouncilMember.Position.CHAIR),
            dict(organization=org["dental"][0], position=CouncilMember.Position.VICE_CHAIR),
            dict(organization=org["pharma"][0]),
            dict(handle="discharge"), dict(handle="nurse"), dict(handle="caremanager"),
            dict(organization=org["hcc"][0]), dict(organization=org["swc"][0]),
            dict(note="市民代表（老人クラブ連合会）"),
            dict(handle="healthcenter", position=CouncilMember.Position.OBSERVER),
            dict(handle="city", position=CouncilMember.Position.SECRETARIAT),
            dict(handle="coordinator", position=CouncilMember.Position.SECRETARIAT),
        ]
        members = [self._seat(council, **seat) for seat in seats]
        self.bodies = {"council": council}
        for name, purpose, scenes in content.WORKING_GROUPS:
            wg = Council.objects.create(municipality=self.city, parent=council, kind=Council.Kind.WORKING_GROUP,
                                        name=name, purpose=purpose, scenes=[str(s) for s in scenes])
            self.bodies[name] = wg
        ad, eol = self.bodies["入退院支援WG"], self.bodies["看取り・ACP WG"]
        members += [self._seat(ad, **seat) for seat in (
                    dict(handle="discharge", position=CouncilMember.Position.CHAIR),
                    dict(organization=org["hospital"][1]), dict(handle="caremanager"), dict(handle="nurse"),
                    dict(organization=org["hcc"][-1]), dict(organization=org["pharma"][0]),
                    dict(handle="coordinator", position=CouncilMember.Position.SECRETARIAT))]
        members += [self._seat(eol, **seat) for seat in (dict(handle="doctor", position=CouncilMember.Position.CHAIR),
                     dict(handle="nurse", position=CouncilMember.Position.VICE_CHAIR),
                     dict(organization=org["pharma"][0]), dict(handle="caremanager"),
                     dict(organization=org["hcc"][0]), dict(note="特別養護老人ホーム 施設長会"),
                     dict(handle="city", position=CouncilMember.Position.SECRETARIAT),
                     dict(handle="coordinator", position=CouncilMember.Position.SECRETARIAT))]
        self.seats: dict[int, list[CouncilMember]] = {}
        for member in _bulk_create(CouncilMember, members):
            self.seats.setdefault(member.council_id, []).append(member)
        schedules = {"council": ([-700, -520, -330, -150], 35, dt.time(14, 0)),
                     "入退院支援WG": ([-690, -600, -510, -420, -330, -240, -150, -60], 25, dt.time(18, 30)),
                     "看取り・ACP WG": ([-670, -580, -490, -400, -310, -220, -130, -40], 40, dt.time(19, 0))}
        self.meetings: dict[str, list[Meeting]] = {}
        self.decisions: list[Decision] = []
        self.attendance: list = []
        for key, (held, upcoming, starts) in schedules.items():
            self.meetings[key] = [self._meeting(key, offset, starts, index, held=True)
                                  for index, offset in enumerate(held)]
            self._meeting(key, upcoming, starts, len(held), held=False)
        _bulk_create(Decision, self.decisions)
        Meeting.attendees.through.objects.bulk_create(self.attendance)

    def _meeting(self, key: str, offset: int, starts: dt.time, index: int, *, held: bool) -> Meeting:
        body = self.bodies[key]
        day = self.today + dt.timedelta(days=offset)
        while day.weekday() >= 5:
            day += dt.timedelta(days=1)
        year = day.year if day.month >= 4 else day.year - 1
        number = body.meetings.filter(held_on__gte=dt.date(year, 4, 1), held_on__lt=day).count() + 1
        short = "協議会" if key == "council" else body.name
        topics = content.AGENDA_TOPICS[key]
        count = 3 if key == "council" else 2
        chosen = [topics[(index * count + i) % len(topics)] for i in range(count)]
        agenda = "\n".join(f"{i}. {title}" for i, (title, _note) in enumerate(chosen, start=1))
        members = self.seats[body.pk] if held else []
        present = [m for m in members if self.rng.random() < 0.8 or m.position == CouncilMember.Position.CHAIR]
        lines = [f"出席 {len(present)}名（委員 {len(members)}名中）。"]
        lines += [f"{i}. {title}\n   {note}" for i, (title, note) in enumerate(chosen, start=1)]
        meeting = Meeting.objects.create(
            council=body, title=f"{fiscal_year_wareki(year)} 第{number}回 {short}", held_on=day, starts_at=starts,
            place=self.rng.choice(content.PLACES), agenda=agenda + "\n（その他）",
            status=Meeting.Status.HELD if held else Meeting.Status.PLANNED,
            scenes=list(body.scenes) if key != "council" else [], minutes="\n".join(lines) if held else "")
        self.summary.meetings += 1
        if held:
            through = Meeting.attendees.through
            self.attendance += [through(meeting_id=meeting.pk, councilmember_id=m.pk) for m in present]
            self.decisions += [Decision(meeting=meeting, sort_order=i,
                                        text=f"{title}: " + self.rng.choice(content.DECISIONS))
                               for i, (title, _note) in enumerate(chosen, start=1)]
        return meeting

    def _issues_and_actions(self) -> None:
        issues = []
        for index, (title, scene, concepts, body_key, description, status) in enumerate(content.ISSUES):
            meetings = self.meetings[body_key]
            issue = Issue.objects.create(
                municipality=self.city, council=self.bodies[body_key], raised_at=meetings[min(1 + index % 3, 2)],
                title=title, description=description, scene=scene, status=status, created_by=self.staff)
            issue.indicators.set([self.definitions[c] for c in concepts])
            issues.append(issue)
        for title, issue_index, handle, measure_ref, state, due_offset in content.ACTIONS:
            issue = issues[issue_index]
            due = self.today + dt.timedelta(days=due_offset)
            body_key = content.ISSUES[issue_index][3]
            decided_at = [m for m in self.meetings[body_key] if m.held_on <= due - dt.timedelta(days=20)]
            meeting = decided_at[-1] if decided_at else self.meetings[body_key][0]
            owner = self.memberships[handle]
            action = Action(
                municipality=self.city, issue=issue, meeting=meeting, measure_key=_key(f"measure-{measure_ref}"),
                scene=issue.scene, title=title, owner=owner, owner_organization=owner.organization, due_on=due,
                status=state, created_by=self.staff)
            if state == Action.Status.DONE:
                action.completed_on = min(self.today, due - dt.timedelta(days=self.rng.randint(0, 10)))
                action.result_note = "完了。結果を次回の会議で報告した。"
            elif state == Action.Status.CANCELLED:
                action.result_note = "県の説明会で個別相談が行われるため取りやめた。"
            action.save()
            self.summary.actions += 1
            self.summary.overdue += action.is_overdue(self.today)

    # --- the PDCA turns ----------------------------------------------------------------------------------

    ASSESSMENTS_2024 = {
        content.S.DAILY_CARE: PdcaCycle.Assessment.PARTLY,
        content.S.ADMISSION_DISCHARGE: PdcaCycle.Assessment.ACHIEVED,
        content.S.EMERGENCY: PdcaCycle.Assessment.NOT_ACHIEVED,
        content.S.END_OF_LIFE: PdcaCycle.Assessment.ACHIEVED,
        content.S.COLLABORATION_SYSTEM: PdcaCycle.Assessment.PARTLY,
        content.S.INFECTION_DISASTER: PdcaCycle.Assessment.PARTLY,
    }

    def _cycles(self) -> None:
        """FY2024 complete (assessed, its act is revision 2); FY2025 in check; FY2026 under way."""
        blocks = {scene: (outcome, indicators) for scene, outcome, _rows, indicators in content.BLOCKS}
        cycles = []
        for scene in content.PLAN_SCENES:
            outcome, indicators = blocks[scene]
            names = "、".join(label for label, _concept, _level in indicators)
            goal = content.SCENE_GOALS[scene]
            cycles += [
                PdcaCycle(
                    plan=self.plan, scene=scene, fiscal_year=2024, stage=PdcaCycle.Stage.DONE,
                    plan_note=f"目指す姿「{goal}」に向け、ロジックモデル rev.1 の施策を進める。指標: {names}。",
                    do_note="施策はおおむね計画どおり実施。協議会・WGで進み具合を確認した。",
                    check_assessment=self.ASSESSMENTS_2024[scene],
                    check_note=f"中間アウトカム「{outcome}」について、令和6年度の値を目標と比べて評価した。",
                    act_note="評価を受けてロジックモデルの見直し案（rev.2）に反映した。",
                    next_logic_model=self.rev2, updated_by=self.staff),
                PdcaCycle(
                    plan=self.plan, scene=scene, fiscal_year=2025, stage=PdcaCycle.Stage.CHECK,
                    plan_note=f"rev.1 の施策を継続。令和6年度の評価で目標に届かなかった指標（{names}）を重点に見る。",
                    do_note="WGで課題を整理し、アクションを分担して実施。",
                    check_note="令和7年度の値が出そろったものから評価中。", updated_by=self.staff),
                PdcaCycle(
                    plan=self.plan, scene=scene, fiscal_year=2026, stage=PdcaCycle.Stage.DO,
                    plan_note="第9期の最終年度。終期目標に向けて施策を進め、第10期計画の準備を始める。",
                    do_note="上半期の取組を協議会に報告した。", updated_by=self.staff),
            ]
        _bulk_create(PdcaCycle, cycles)


def pdca_demo_summary(pdca) -> list[str]:
    """The line `renkei demo` prints about the PDCA part."""
    return [f"PDCA: logic model of {pdca.measures} measures, {pdca.meetings} meetings, {pdca.actions} actions "
            f"({pdca.overdue} overdue); {pdca.values} indicator values"]
