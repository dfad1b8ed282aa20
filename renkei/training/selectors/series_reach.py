"""Who the training reaches: attendance by profession and by organization over fiscal years, and the directory's
open facilities of a municipality that sent nobody.

An attendance counts when it is marked present at a session not cancelled that has started. A participant is
counted once per fiscal year (distinct people): a Renkei member by account, anyone else by name and organization.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from renkei.core import policy
from renkei.core.models import Municipality, Profession
from renkei.directory.models import Facility, FacilityKind

from ..models import Attendance, Registration, TrainingSeries, TrainingSession

CARE_MANAGEMENT_SERVICE = "430"  # 居宅介護支援 (directory.taxonomy.SERVICE_TYPES)
# The kinds of facility the reach table lists, in order: (key, label); care services split out care management.
REACH_KINDS = [
    ("hospital", FacilityKind.HOSPITAL.label), ("clinic", FacilityKind.CLINIC.label),
    ("dental_clinic", FacilityKind.DENTAL_CLINIC.label), ("pharmacy", FacilityKind.PHARMACY.label),
    ("visiting_nursing_station", FacilityKind.VISITING_NURSING_STATION.label),
    ("care_management", _("care management office (居宅介護支援)")),
    ("care_service", _("other care services")),
    ("community_support_center", FacilityKind.COMMUNITY_SUPPORT_CENTER.label),
]
MAX_YEARS = 10


def reach_kind(facility: Facility) -> str:
    if facility.kind == FacilityKind.CARE_SERVICE and facility.service_type == CARE_MANAGEMENT_SERVICE:
        return "care_management"
    return facility.kind


def counted_attendances(municipality: Municipality, first_year: int, last_year: int):
    """Attendances that count, of the municipality's (and its wards') series of the fiscal years."""
    return (Attendance.objects.filter(attended=True, registration__cancelled_at__isnull=True,
                                      session__starts_at__lte=timezone.now(),
                                      session__series__fiscal_year__gte=first_year,
                                      session__series__fiscal_year__lte=last_year)
            .filter(Q(session__series__municipality=municipality)
                    | Q(session__series__municipality__parent=municipality))
            .exclude(session__status=TrainingSession.Status.CANCELLED))


@dataclass
class Cell:
    people: int = 0
    attendances: int = 0


@dataclass
class ReachTable:
    years: list[int]
    professions: list[tuple[str, str]]  # (code, label) of the columns: professions that came, in the model's order
    by_year: dict[int, dict[str, Cell]]  # year → profession code → counts ("" = not recorded)
    totals: dict[int, Cell]
    organizations: list[dict]  # {"name", "facility_id", "people", "attendances"} most attendances first
    kinds: list[dict] = field(default_factory=list)  # {"key", "label", "open", "reached", "share"}
    never_reached: list[Facility] = field(default_factory=list)


def _person_key(row: dict) -> tuple:
    if row["registration__membership_id"]:
        return ("member", row["registration__membership_id"])
    return ("name", row["registration__name"].strip(), row["registration__facility_id"],
            row["registration__organization_name"].strip())


def reach(municipality: Municipality, first_year: int, last_year: int, *, with_facilities: bool = True
          ) -> ReachTable:
    """The reach tables of a municipality over fiscal years `first_year`…`last_year` (two queries, three with
    the facilities)."""
    rows = list(counted_attendances(municipality, first_year, last_year).values(
        "session__series__fiscal_year", "registration__profession", "registration__membership_id",
        "registration__name", "registration__facility_id", "registration__facility__name",
        "registration__organization_name"))
    years = list(range(first_year, last_year + 1))
    people: dict[int, dict[str, set]] = defaultdict(lambda: defaultdict(set))
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    organizations: dict[tuple, dict] = {}
    for row in rows:
        year, profession = row["session__series__fiscal_year"], row["registration__profession"] or ""
        person = _person_key(row)
        people[year][profession].add(person)
        counts[year][profession] += 1
        if row["registration__facility_id"]:
            key = ("facility", row["registration__facility_id"])
            name = row["registration__facility__name"]
        else:
            name = row["registration__organization_name"].strip()
            key = ("written", name)
        entry = organizations.setdefault(key, {"name": name, "facility_id": row["registration__facility_id"],
                                               "people": set(), "attendances": 0})
        entry["people"].add(person)
        entry["attendances"] += 1
    seen = {p for year in people.values() for p in year}
    professions = [(code, str(label)) for code, label in Profession.choices if code in seen]
    if "" in seen:
        professions.append(("", ""))
    by_year = {y: {code: Cell(len(people[y][code]), counts[y][code]) for code, _ in professions} for y in years}
    totals = {y: Cell(len(set().union(*people[y].values())) if people[y] else 0, sum(counts[y].values()))
              for y in years}
    organization_rows = sorted(
        ({**v, "people": len(v["people"])} for v in organizations.values()),
        key=lambda v: (-v["attendances"], v["name"]))
    table = ReachTable(years, professions, by_year, totals, organization_rows)
    if with_facilities:
        _add_facilities(table, municipality, {v["facility_id"] for v in organization_rows if v["facility_id"]})
    return table


def _add_facilities(table: ReachTable, municipality: Municipality, reached_ids: set[int]) -> None:
    facilities = list(Facility.objects.filter(status=Facility.Status.OPEN)
                      .filter(Q(municipality=municipality) | Q(municipality__parent=municipality))
                      .exclude(kind=FacilityKind.INFORMAL_RESOURCE)
                      .only("pk", "name", "kind", "service_type", "kana").order_by("kind", "kana", "name", "pk"))
    by_kind: dict[str, list[Facility]] = defaultdict(list)
    for facility in facilities:
        by_kind[reach_kind(facility)].append(facility)
    for key, label in REACH_KINDS:
        group = by_kind.get(key, [])
        reached = sum(1 for f in group if f.pk in reached_ids)
        table.kinds.append({"key": key, "label": str(label), "open": len(group), "reached": reached,
                            "share": round(100 * reached / len(group), 1) if group else None})
    table.never_reached = [f for f in facilities if f.pk not in reached_ids]


def reach_years(value_from: str | None, value_to: str | None, default_last: int) -> tuple[int, int, list[str]]:
    """The period asked for (`from`, `to` fiscal years; default: the last five years), and error messages."""
    errors = []

    def year(value, default):
        if not value:
            return default
        if not (value.isdecimal() and len(value) == 4):
            errors.append(gettext("A fiscal year is four digits, e.g. 2026."))
            return default
        return int(value)

    last = year(value_to, default_last)
    first = year(value_from, last - 4)
    if first > last:
        errors.append(gettext("The first fiscal year comes after the last."))
        first = last
    if last - first + 1 > MAX_YEARS:
        errors.append(gettext("At most %(n)s fiscal years at once.") % {"n": MAX_YEARS})
        first = last - MAX_YEARS + 1
    return first, last, errors


def export_series(membership, municipality: Municipality, fiscal_year: int) -> list[TrainingSeries]:
    """The fiscal year's series of the municipality with sessions, attendances and registrations (four queries)."""
    sessions = TrainingSession.objects.order_by("starts_at", "pk").prefetch_related("attendances")
    return list(policy.scope(membership, "training.view_series", TrainingSeries.objects.filter(
        municipality=municipality, fiscal_year=fiscal_year)).select_related("organizer")
        .prefetch_related(Prefetch("sessions", queryset=sessions),
                          Prefetch("registrations", queryset=Registration.objects.select_related("facility")
                                   .order_by("registered_at", "pk")))
        .order_by("title", "pk"))
