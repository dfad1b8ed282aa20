"""The もれ率 report's figures: aggregate queries over the handoffs' measure fields, never a loop over handoffs.

A discharge belongs to the month of `discharged_on`. "Counted" discharges are those `outcomes.evaluate` judged
(`is_missed` not null: home or a facility, coordination needed, covered by the rule); deaths, transfers and
admissions the rule does not cover are discharges but not counted. Every figure is a count over handoffs, so a
prefecture's year (200,000 handoffs) is one GROUP BY per table.

- もれ率 = missed ÷ counted; 退院調整率 = 1 − もれ率, split 要介護 / 要支援 (`care_level_group`).
- late notice, admission information never sent, reported afterwards: counts of their own.
- exchanges and conferences before discharge (the facts 退院・退所加算 rests on; never a billing claim).
- 身寄りなし: discharges whose screening recorded no key person, over those where it is known.
- on-time rate of each step: steps due in the period (and already due), done by their due time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from renkei.core.months import month_end, months_between  # noqa: F401 - the report and CLI read them from here

from ..models import (
    Baseline,
    CareLevelGroup,
    CensusDischarge,
    Handoff,
    HandoffStep,
    StepKey,
)
from ..report_areas import ReportArea

SUPPRESS_BELOW = 5  # counts 1–4 are shown as "<5" on area screens (and rates over them are not shown)

CARE, SUPPORT = CareLevelGroup.CARE, CareLevelGroup.SUPPORT
COUNTED = Q(is_missed__isnull=False)

MEASURES = {
    "discharges": Count("pk"),
    "counted": Count("pk", filter=COUNTED),
    "missed": Count("pk", filter=Q(is_missed=True)),
    "counted_care": Count("pk", filter=COUNTED & Q(care_level_group=CARE)),
    "missed_care": Count("pk", filter=Q(is_missed=True, care_level_group=CARE)),
    "counted_support": Count("pk", filter=COUNTED & Q(care_level_group=SUPPORT)),
    "missed_support": Count("pk", filter=Q(is_missed=True, care_level_group=SUPPORT)),
    "late_notice": Count("pk", filter=Q(is_late_notice=True)),
    "admission_info_missing": Count("pk", filter=Q(is_admission_info_missing=True)),
    "exchanges": Sum("exchange_count"),
    "conferences": Sum("conference_count"),
    "with_conference": Count("pk", filter=COUNTED & Q(conference_count__gt=0)),
    "without_key_person": Count("pk", filter=Q(has_key_person=False)),
    "key_person_known": Count("pk", filter=Q(has_key_person__isnull=False)),
    "reported_afterwards": Count("pk", filter=Q(reported_afterwards=True)),
}


def rate(numerator: int | None, denominator: int | None) -> Decimal | None:
    """A percentage with one decimal (None without a denominator)."""
    if not denominator:
        return None
    return (Decimal(100) * Decimal(numerator or 0) / Decimal(denominator)).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass
class Figures:
    """The counts of one row of a table (a hospital, a month, the whole area) and the rates derived from them."""

    label: str = ""
    key: object = None
    discharges: int = 0
    counted: int = 0
    missed: int = 0
    counted_care: int = 0
    missed_care: int = 0
    counted_support: int = 0
    missed_support: int = 0
    late_notice: int = 0
    admission_info_missing: int = 0
    exchanges: int = 0
    conferences: int = 0
    with_conference: int = 0
    without_key_person: int = 0
    key_person_known: int = 0
    reported_afterwards: int = 0
    extra: dict = field(default_factory=dict)

    @classmethod
    def of(cls, row: dict, *, label: str = "", key=None) -> Figures:
        return cls(label=label, key=key, **{name: int(row.get(name) or 0) for name in MEASURES})

    @property
    def not_counted(self) -> int:
        return self.discharges - self.counted

    @property
    def missed_rate(self) -> Decimal | None:
        return rate(self.missed, self.counted)

    @property
    def coordination_rate(self) -> Decimal | None:
        return rate(self.counted - self.missed, self.counted)

    @property
    def coordination_rate_care(self) -> Decimal | None:
        return rate(self.counted_care - self.missed_care, self.counted_care)

    @property
    def coordination_rate_support(self) -> Decimal | None:
        return rate(self.counted_support - self.missed_support, self.counted_support)

    @property
    def late_notice_share(self) -> Decimal | None:
        return rate(self.late_notice, self.counted)

    @property
    def admission_info_sent_share(self) -> Decimal | None:
        return rate(self.discharges - self.admission_info_missing, self.discharges)

    @property
    def conference_share(self) -> Decimal | None:
        return rate(self.with_conference, self.counted)

    @property
    def without_key_person_share(self) -> Decimal | None:
        return rate(self.without_key_person, self.key_person_known)


# --- what is counted ---------------------------------------------------------------------------------

def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def discharges(*, start: dt.date, end: dt.date, area: ReportArea | None = None, hospital_organization_id=None,
               care_office_id=None):
    """The discharged handoffs of the period (by `discharged_on`), of an area's residents, or of one
    organization (the hospital's or the care office's own figures)."""
    qs = Handoff.objects.filter(status=Handoff.Status.DISCHARGED, discharged_on__gte=start, discharged_on__lte=end)
    if area is not None:
        qs = qs.filter(municipality_id__in=area.municipality_ids)
    if hospital_organization_id is not None:
        qs = qs.filter(Q(hospital_organization_id=hospital_organization_id)
                       | Q(hospital__organization_id=hospital_organization_id))
    if care_office_id is not None:
        qs = qs.filter(care_office_id=care_office_id)
    return qs


def totals(handoffs) -> Figures:
    """One row for all the handoffs given (one query)."""
    return Figures.of(handoffs.order_by().aggregate(**MEASURES))


def _grouped(handoffs, *fields: str, names: tuple[str, ...] | None = None) -> list[dict]:
    wanted = MEASURES if names is None else {name: MEASURES[name] for name in names}
    return list(handoffs.order_by().values(*fields).annotate(**wanted).order_by(*fields))


def by_month(handoffs) -> list[Figures]:
    """One row per month of discharge (TruncMonth on the date: SQLite and PostgreSQL)."""
    rows = _grouped(handoffs.annotate(month=TruncMonth("discharged_on")), "month")
    return [Figures.of(row, label=_month_label(row["month"]), key=_as_date(row["month"])) for row in rows]


def by_hospital(handoffs) -> list[Figures]:
    rows = _grouped(handoffs, "hospital_id", "hospital__name")
    return sorted((Figures.of(row, label=row["hospital__name"], key=row["hospital_id"]) for row in rows),
                  key=lambda f: (-f.counted, f.label))


def by_care_office(handoffs) -> list[Figures]:
    rows = _grouped(handoffs, "care_office_id", "care_office__name")
    return sorted((Figures.of(row, label=row["care_office__name"] or "", key=row["care_office_id"])
                   for row in rows), key=lambda f: (f.key is None, -f.counted, f.label))


def by_municipality(handoffs) -> list[Figures]:
    rows = _grouped(handoffs, "municipality_id", "municipality__name")
    return sorted((Figures.of(row, label=row["municipality__name"] or "", key=row["municipality_id"])
                   for row in rows), key=lambda f: f.label)


@dataclass
class HospitalMonths:
    """The もれ率 table by hospital and month (the CLI's and the benchmark's table)."""

    months: list[dt.date]
    rows: list[tuple[str, dict[dt.date, Figures]]]  # (hospital name, {month: figures})


TABLE_MEASURES = ("counted", "missed")


def by_hospital_and_month(handoffs, *, months: list[dt.date], names: tuple[str, ...] = TABLE_MEASURES
                          ) -> HospitalMonths:
    """One GROUP BY over hospital and month, counting only `names` (the table's cells: counted and missed)."""
    rows = _grouped(handoffs.annotate(month=TruncMonth("discharged_on")), "hospital_id", "hospital__name", "month",
                    names=names)
    table: dict[tuple[int, str], dict[dt.date, Figures]] = {}
    for row in rows:
        table.setdefault((row["hospital_id"], row["hospital__name"]), {})[_as_date(row["month"])] = Figures.of(row)
    ordered = sorted(table.items(), key=lambda item: (item[0][1], item[0][0]))
    return HospitalMonths(months=months, rows=[(name, cells) for (_pk, name), cells in ordered])


def table_total(table: HospitalMonths) -> Figures:
    """The area's counted and missed from the table itself (no second query)."""
    cells = [f for _name, months in table.rows for f in months.values()]
    return Figures(counted=sum(f.counted for f in cells), missed=sum(f.missed for f in cells),
                   discharges=sum(f.discharges for f in cells))


def _as_date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):  # some SQLite builds answer text
        return dt.date.fromisoformat(value[:10])
    return value


def _month_label(value) -> str:
    day = _as_date(value)
    return f"{day.year}年{day.month}月" if day else ""


# --- steps ------------------------------------------------------------------------------------------

@dataclass
class StepFigures:
    key: str
    label: str
    due: int
    on_time: int
    late: int
    not_done: int

    @property
    def on_time_rate(self) -> Decimal | None:
        return rate(self.on_time, self.due)


def step_on_time(*, start: dt.date, end: dt.date, area: ReportArea | None = None,
                 hospital_organization_id=None, care_office_id=None) -> list[StepFigures]:
    """Per step: the steps due in the period (and already due), done by their due time, late, not done.
    Steps marked not needed and the discharge itself are left out. One query."""
    tz = timezone.get_current_timezone()
    since = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    until = min(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz), timezone.now())
    qs = (HandoffStep.objects.filter(due_at__gte=since, due_at__lt=until)
          .exclude(status=HandoffStep.Status.NOT_NEEDED).exclude(key=StepKey.DISCHARGE)
          .exclude(handoff__status=Handoff.Status.CANCELLED).filter(handoff__is_covered=True))
    if area is not None:
        qs = qs.filter(handoff__municipality_id__in=area.municipality_ids)
    if hospital_organization_id is not None:
        qs = qs.filter(Q(handoff__hospital_organization_id=hospital_organization_id)
                       | Q(handoff__hospital__organization_id=hospital_organization_id))
    if care_office_id is not None:
        qs = qs.filter(handoff__care_office_id=care_office_id)
    rows = (qs.order_by().values("key").annotate(
        due=Count("pk"), on_time=Count("pk", filter=Q(done_at__lte=F("due_at"))),
        late=Count("pk", filter=Q(done_at__gt=F("due_at"))), not_done=Count("pk", filter=Q(done_at__isnull=True))))
    found = {row["key"]: row for row in rows}
    return [StepFigures(key, label, found[key]["due"], found[key]["on_time"], found[key]["late"],
                        found[key]["not_done"])
            for key, label in StepKey.choices if key in found]


# --- conferences --------------------------------------------------------------------------------------

@dataclass
class ProfessionFigures:
    profession: str
    label: str
    invited: int
    attended: int

    @property
    def attended_rate(self) -> Decimal | None:
        return rate(self.attended, self.invited)


def participation_by_profession(handoffs) -> list[ProfessionFigures]:
    """Conference participation by profession over the handoffs given (the conferences part's selector: invited
    to a conference not cancelled, attended one that was held), labelled. One query."""
    from renkei.careteams.models import TeamRole
    from renkei.core.models import Profession

    from .conferences import participation_by_profession as counts

    labels = {**dict(TeamRole.choices), **dict(Profession.choices)}
    out = [ProfessionFigures(key, str(labels.get(key, key)), row["invited"], row["attended"])
           for key, row in counts(handoffs.order_by().values("pk")).items()]
    return sorted(out, key=lambda p: (-p.invited, p.profession))


def conferences_without_care_manager(handoffs) -> int:
    """Conferences (not cancelled) of these handoffs to which no care manager was invited."""
    from .conferences import conferences_without_care_manager as count

    return count(handoffs.order_by().values("pk"))


# --- the survey and the baseline ---------------------------------------------------------------------

@dataclass
class CensusMonth:
    month: dt.date
    discharges: int
    contacted: int
    discharges_care: int
    contacted_care: int
    discharges_support: int
    contacted_support: int

    @property
    def missed_rate(self) -> Decimal | None:
        return rate(self.discharges - self.contacted, self.discharges)

    @property
    def coordination_rate(self) -> Decimal | None:
        return rate(self.contacted, self.discharges)

    @property
    def coordination_rate_care(self) -> Decimal | None:
        return rate(self.contacted_care, self.discharges_care)

    @property
    def coordination_rate_support(self) -> Decimal | None:
        return rate(self.contacted_support, self.discharges_support)


def _census_filter(area: ReportArea) -> Q:
    if area.kind == "area_group":
        return Q(census__area_group_id=area.area_group.pk) | Q(census__municipality_id__in=area.municipality_ids)
    if area.kind == "municipality":
        return Q(census__municipality_id__in=area.municipality_ids)
    return (Q(census__municipality_id__in=area.municipality_ids)
            | Q(census__area_group__prefecture_id=area.prefecture_id))


def census_months(area: ReportArea, *, start: dt.date | None = None, end: dt.date | None = None
                  ) -> list[CensusMonth]:
    """The imported survey months of the area (one query), oldest first."""
    qs = CensusDischarge.objects.filter(_census_filter(area))
    if start is not None:
        qs = qs.filter(census__month__gte=month_start(start))
    if end is not None:
        qs = qs.filter(census__month__lte=end)
    rows = (qs.order_by().values("census__month").annotate(
        discharges=Count("pk"), contacted=Count("pk", filter=Q(was_contacted=True)),
        discharges_care=Count("pk", filter=Q(care_level_group=CARE)),
        contacted_care=Count("pk", filter=Q(care_level_group=CARE, was_contacted=True)),
        discharges_support=Count("pk", filter=Q(care_level_group=SUPPORT)),
        contacted_support=Count("pk", filter=Q(care_level_group=SUPPORT, was_contacted=True)))
        .order_by("census__month"))
    return [CensusMonth(_as_date(row.pop("census__month")), **row) for row in rows]


def census_imports(area: ReportArea):
    """The survey files imported for the area, newest month first."""
    from ..models import CensusImport

    if area.kind == "area_group":
        q = Q(area_group_id=area.area_group.pk) | Q(municipality_id__in=area.municipality_ids)
    elif area.kind == "municipality":
        q = Q(municipality_id__in=area.municipality_ids)
    else:
        q = Q(municipality__prefecture_id=area.prefecture_id) | Q(area_group__prefecture_id=area.prefecture_id)
    return (CensusImport.objects.filter(q).select_related("municipality", "area_group", "imported_by__user")
            .order_by("-month", "-pk"))


def baselines(area: ReportArea) -> list[Baseline]:
    """The baseline figures the region entered: the area's own, and for a municipality its groups' too."""
    if area.kind == "municipality":
        q = Q(municipality_id__in=area.municipality_ids) | Q(area_group__municipalities=area.municipality.pk)
    elif area.kind == "area_group":
        q = Q(area_group_id=area.area_group.pk)
    else:
        q = Q(municipality__prefecture_id=area.prefecture_id) | Q(area_group__prefecture_id=area.prefecture_id)
    return list(Baseline.objects.filter(q).select_related("municipality", "area_group").distinct()
                .order_by("measured_in", "pk"))


# --- shown on area screens ---------------------------------------------------------------------------

def shown(value: int | None, *, suppress: bool = True) -> str:
    """A count as an area screen shows it: "<5" for 1–4."""
    if value is None:
        return ""
    if suppress and 0 < value < SUPPRESS_BELOW:
        return f"<{SUPPRESS_BELOW}"
    return f"{value:,}"


def shown_rate(value: Decimal | None, denominator: int, *, suppress: bool = True) -> str:
    """A rate as an area screen shows it: not shown over fewer than 5 (it would tell the small count)."""
    if value is None:
        return "—"
    if suppress and 0 < denominator < SUPPRESS_BELOW:
        return f"<{SUPPRESS_BELOW}"
    return f"{value}%"
