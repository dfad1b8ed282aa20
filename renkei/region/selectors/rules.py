"""Reads of the wide-area rules part: the wide rules a viewer sees, one rule's adoptions, the もれ率 and
入院時情報提供 of each adopter before and after its adoption, the area's trend, and the prefecture's coordination
survey beside the workflow's figures. Every figure is an aggregate over handoff's measure fields (one GROUP BY per
table, whatever the number of adopters); no patient is read.

Small numbers: counts of people under the threshold (`RENKEI_SMALL_NUMBER_THRESHOLD`, default 10) are shown as
"<10" to viewers outside the municipality, and a rate over such a count is not shown. Counts go through
`renkei/core/small_numbers.py`; `masked_share` below also hides a rate whose denominator is small.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, CharField, Count, Exists, F, OuterRef, Q, Value, When
from django.db.models.functions import TruncMonth
from django.shortcuts import get_object_or_404
from django.utils import timezone

from renkei.core import policy
from renkei.core.small_numbers import is_small, masked_count
from renkei.handoff.models import HandoffStep, RuleSet, StepKey
from renkei.handoff.selectors.measures import MEASURES, Figures, discharges, rate

from ..models import CoordinationSurvey, CoordinationSurveyRow, RuleAdoption
from ..policy.rules import is_insider
from ..services.rules import area_municipality_ids, same_area_rules

VIEW, MEASURES_ACTION = "region.view_wide_rules", "region.view_wide_measures"
WINDOW_MONTHS = 12
MAX_WINDOW_MONTHS = 36


def masked_share(numerator: int | None, denominator: int | None, *, outside: bool) -> Decimal | None:
    """A percentage with one decimal (handoff's `rate`); not shown to an outsider when either count is small: a
    もれ率 over a few discharges points at them as surely as the count does."""
    if outside and (is_small(numerator) or is_small(denominator)):
        return None
    return rate(numerator, denominator)


# --- the rules --------------------------------------------------------------------------------------

@dataclass
class WideRule:
    rule_set: RuleSet  # the version in force today (else the first scheduled one)
    version_ids: list[int]
    owner: str  # the organization that wrote it: the prefecture's office or a 保健所
    owner_kind: str
    municipalities_adopted: int = 0
    hospitals_adopted: int = 0

    @property
    def area_name(self) -> str:
        return self.rule_set.area_name


def _area_key(rule_set: RuleSet) -> tuple:
    return (rule_set.area_kind, rule_set.area_group_id, rule_set.prefecture_id)


def _current(versions: list[RuleSet], today: dt.date) -> RuleSet:
    in_force = [v for v in versions if v.effective_from <= today]
    if in_force:
        return max(in_force, key=lambda v: (v.effective_from, v.version))
    return min(versions, key=lambda v: (v.effective_from, v.version))


def wide_rules_visible(membership, today: dt.date | None = None) -> list[WideRule]:
    """The wide-area rules of the viewer's prefecture, one per area with its current version (two queries)."""
    today = today or timezone.localdate()
    rule_sets = list(policy.scope(membership, VIEW, RuleSet.objects.all())
                     .select_related("area_group", "prefecture", "created_by__organization")
                     .order_by("area_kind", "area_group__name", "version"))
    areas: dict[tuple, list[RuleSet]] = {}
    for rule_set in rule_sets:
        areas.setdefault(_area_key(rule_set), []).append(rule_set)
    counts: dict[tuple, dict[str, int]] = {}
    rows = (RuleAdoption.objects.filter(rule_set__in=rule_sets, ended_on__isnull=True).order_by()
            .values("rule_set__area_kind", "rule_set__area_group_id", "rule_set__prefecture_id")
            .annotate(municipalities=Count("pk", filter=Q(municipality__isnull=False)),
                      hospitals=Count("pk", filter=Q(hospital__isnull=False))))
    for row in rows:
        key = (row["rule_set__area_kind"], row["rule_set__area_group_id"], row["rule_set__prefecture_id"])
        counts[key] = row
    result = []
    for key, versions in areas.items():
        first = versions[0]
        organization = first.created_by.organization if first.created_by_id else None
        result.append(WideRule(
            rule_set=_current(versions, today), version_ids=[v.pk for v in versions],
            owner=organization.name if organization else "", owner_kind=organization.kind if organization else "",
            municipalities_adopted=counts.get(key, {}).get("municipalities", 0),
            hospitals_adopted=counts.get(key, {}).get("hospitals", 0)))
    return sorted(result, key=lambda w: (w.rule_set.area_kind != "prefecture", w.area_name))


def wide_rule_for(membership, rule_set_id: int) -> RuleSet:
    """One wide rule the viewer may see (404 for a rule that is not wide; 403 by the policy otherwise)."""
    rule_set = get_object_or_404(RuleSet.objects.select_related("area_group", "prefecture",
                                                                "created_by__organization")
                                 .filter(area_kind__in=("area_group", "prefecture")), pk=rule_set_id)
    policy.require(membership, VIEW, rule_set)
    return rule_set


def adoptions_of(rule_set: RuleSet) -> list[RuleAdoption]:
    """Every adoption of any version of the rule's area (one query)."""
    return list(RuleAdoption.objects.filter(rule_set__in=same_area_rules(rule_set))
                .select_related("rule_set", "municipality", "hospital__municipality")
                .order_by("adopted_on", "pk"))


def area_candidates(rule_set: RuleSet, adoptions: list[RuleAdoption]):
    """The municipalities and hospitals of the area that have no open adoption (for the add form)."""
    from renkei.core.models import Municipality
    from renkei.directory.models import Facility

    ids = area_municipality_ids(rule_set)
    open_municipalities = {a.municipality_id for a in adoptions if a.ended_on is None and a.municipality_id}
    open_hospitals = {a.hospital_id for a in adoptions if a.ended_on is None and a.hospital_id}
    municipalities = Municipality.objects.filter(pk__in=ids).exclude(pk__in=open_municipalities).order_by("jis_code")
    hospitals = (Facility.objects.filter(municipality_id__in=ids, kind="hospital").exclude(pk__in=open_hospitals)
                 .select_related("municipality").order_by("municipality__jis_code", "name"))
    return municipalities, hospitals


# --- before and after -------------------------------------------------------------------------------

NAMES = ("discharges", "counted", "missed", "admission_info_missing")


def _measures() -> dict:
    wanted = {name: MEASURES[name] for name in NAMES}
    wanted["info_on_time"] = Count("pk", filter=Q(info_on_time=True))
    return wanted


def _with_info_on_time(handoffs):
    """Marks each handoff whose admission information was sent by its due time (入院時情報連携: the rule's
    admission_info step done on time)."""
    on_time = HandoffStep.objects.filter(handoff=OuterRef("pk"), key=StepKey.ADMISSION_INFO, done_at__isnull=False,
                                         due_at__isnull=False, done_at__lte=F("due_at"))
    return handoffs.annotate(info_on_time=Exists(on_time))


def _figures(row: dict | None) -> Figures:
    row = row or {}
    figures = Figures.of(row)
    figures.extra["info_on_time"] = int(row.get("info_on_time") or 0)
    return figures


@dataclass
class Side:
    """The figures of one window (before or after), as the viewer may see them."""

    start: dt.date
    end: dt.date
    counted: int | str | None
    discharges: int | str | None
    missed_rate: Decimal | None
    info_on_time_rate: Decimal | None
    info_missing_rate: Decimal | None
    masked: bool = False

    @classmethod
    def of(cls, figures: Figures, start, end, *, outside: bool) -> Side:
        small = outside and (is_small(figures.counted) or is_small(figures.discharges))
        return cls(start=start, end=end, counted=masked_count(figures.counted, outside=outside),
                   discharges=masked_count(figures.discharges, outside=outside),
                   missed_rate=masked_share(figures.missed, figures.counted, outside=outside),
                   info_on_time_rate=masked_share(figures.extra.get("info_on_time", 0), figures.discharges,
                                                  outside=outside),
                   info_missing_rate=masked_share(figures.admission_info_missing, figures.discharges,
                                                  outside=outside),
                   masked=small)

    def as_dict(self) -> dict:
        return dict(start=self.start.isoformat(), end=self.end.isoformat(), counted=self.counted,
                    discharges=self.discharges, missed_rate=_num(self.missed_rate),
                    admission_info_on_time_rate=_num(self.info_on_time_rate),
                    admission_info_missing_rate=_num(self.info_missing_rate), masked=self.masked)


def _num(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


@dataclass
class AdopterRow:
    adoption: RuleAdoption | None
    kind: str  # "municipality", "hospital" or "area"
    label: str
    adopted_on: dt.date
    ended_on: dt.date | None
    before: Side
    after: Side

    def as_dict(self) -> dict:
        return dict(kind=self.kind, label=self.label, adoption_id=self.adoption.pk if self.adoption else None,
                    adopted_on=self.adopted_on.isoformat(),
                    ended_on=self.ended_on.isoformat() if self.ended_on else None,
                    before=self.before.as_dict(), after=self.after.as_dict())


@dataclass
class SurveyFigures:
    survey: CoordinationSurvey
    respondents: int
    admissions: int | str | None
    admission_info_missing_rate: Decimal | None
    discharges: int | str | None
    uncoordinated_rate: Decimal | None
    measured: Side | None = None  # the workflow's figures for the same area and month

    def as_dict(self) -> dict:
        return dict(id=self.survey.pk, title=self.survey.title, month=self.survey.month.isoformat(),
                    respondents=self.respondents, admissions=self.admissions,
                    admission_info_missing_rate=_num(self.admission_info_missing_rate), discharges=self.discharges,
                    discharge_uncoordinated_rate=_num(self.uncoordinated_rate),
                    measured=self.measured.as_dict() if self.measured else None)


@dataclass
class BeforeAfter:
    rule_set: RuleSet
    months: int
    reference_on: dt.date  # the area total's split: the first municipality's adoption, else the rule's start
    municipalities: list[AdopterRow]
    hospitals: list[AdopterRow]
    area: AdopterRow
    trend: dict
    trend_rows: list[dict]
    surveys: list[SurveyFigures] = field(default_factory=list)

    @property
    def area_rows(self) -> list[AdopterRow]:
        return [self.area]

    def as_dict(self) -> dict:
        return dict(rule_id=self.rule_set.pk, months=self.months, reference_on=self.reference_on.isoformat(),
                    area=self.area.as_dict(), municipalities=[r.as_dict() for r in self.municipalities],
                    hospitals=[r.as_dict() for r in self.hospitals], surveys=[s.as_dict() for s in self.surveys],
                    trend=self.trend)


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    month += 1
    last = (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


def windows(adopted_on: dt.date, ended_on: dt.date | None, months: int, today: dt.date):
    """(before start, before end, after start, after end): the `months` before the adoption and since it (up to
    today or its end)."""
    after_end = min(add_months(adopted_on, months) - dt.timedelta(days=1), today)
    if ended_on:
        after_end = min(after_end, ended_on)
    return add_months(adopted_on, -months), adopted_on - dt.timedelta(days=1), adopted_on, max(after_end, adopted_on)


def _split(handoffs, adoptions: list[RuleAdoption], field_name: str, months: int, today: dt.date) -> dict:
    """One GROUP BY: each handoff falls in the window of its adopter (`field_name`: municipality_id or
    hospital_id) labelled "<adoption id>:b" or ":a"."""
    if not adoptions:
        return {}
    whens = []
    for adoption in adoptions:
        b0, b1, a0, a1 = windows(adoption.adopted_on, adoption.ended_on, months, today)
        adopter = {field_name: getattr(adoption, field_name)}
        whens.append(When(Q(**adopter, discharged_on__gte=b0, discharged_on__lte=b1), then=Value(f"{adoption.pk}:b")))
        whens.append(When(Q(**adopter, discharged_on__gte=a0, discharged_on__lte=a1), then=Value(f"{adoption.pk}:a")))
    rows = (_with_info_on_time(handoffs).annotate(period=Case(*whens, default=Value(""), output_field=CharField()))
            .exclude(period="").order_by().values("period").annotate(**_measures()))
    return {row["period"]: row for row in rows}


def before_after(membership, rule_set: RuleSet, *, months: int = WINDOW_MONTHS, today: dt.date | None = None,
                 adoptions: list[RuleAdoption] | None = None) -> BeforeAfter:
    """The rule's measures before and after each adopter's adoption, the area's total and trend, and the
    coordination surveys of the area beside the workflow's figures (a fixed number of queries)."""
    policy.require(membership, MEASURES_ACTION, rule_set)
    today = today or timezone.localdate()
    months = max(1, min(int(months), MAX_WINDOW_MONTHS))
    adoptions = adoptions_of(rule_set) if adoptions is None else adoptions
    area_ids = area_municipality_ids(rule_set)
    by_municipality = [a for a in adoptions if a.municipality_id]
    by_hospital = [a for a in adoptions if a.hospital_id]
    reference_on = min((a.adopted_on for a in by_municipality), default=None) or min(
        same_area_rules(rule_set).values_list("effective_from", flat=True), default=rule_set.effective_from)
    starts = [add_months(a.adopted_on, -months) for a in adoptions] + [add_months(reference_on, -months)]
    span = discharges(start=min(starts), end=today).filter(municipality_id__in=area_ids)

    municipal = _split(span, by_municipality, "municipality_id", months, today)
    hospital = _split(span, by_hospital, "hospital_id", months, today)

    def row_of(adoption, kind, label, found, outside):
        b0, b1, a0, a1 = windows(adoption.adopted_on, adoption.ended_on, months, today)
        return AdopterRow(adoption=adoption, kind=kind, label=label, adopted_on=adoption.adopted_on,
                          ended_on=adoption.ended_on,
                          before=Side.of(_figures(found.get(f"{adoption.pk}:b")), b0, b1, outside=outside),
                          after=Side.of(_figures(found.get(f"{adoption.pk}:a")), a0, a1, outside=outside))

    municipality_rows = [row_of(a, "municipality", a.municipality.name, municipal,
                                not is_insider(membership, a.municipality_id)) for a in by_municipality]
    outside_area = not is_insider(membership, None)
    hospital_rows = [row_of(a, "hospital", a.hospital.name, hospital, outside_area) for a in by_hospital]

    b0, b1, a0, a1 = windows(reference_on, None, months, today)
    area_found = {row["period"]: row for row in (
        _with_info_on_time(span).annotate(period=Case(
            When(discharged_on__gte=b0, discharged_on__lte=b1, then=Value("b")),
            When(discharged_on__gte=a0, discharged_on__lte=a1, then=Value("a")),
            default=Value(""), output_field=CharField()))
        .exclude(period="").order_by().values("period").annotate(**_measures()))}
    area = AdopterRow(adoption=None, kind="area", label=rule_set.area_name, adopted_on=reference_on, ended_on=None,
                      before=Side.of(_figures(area_found.get("b")), b0, b1, outside=outside_area),
                      after=Side.of(_figures(area_found.get("a")), a0, a1, outside=outside_area))

    by_month = {_as_date(row["month"]): _figures(row) for row in (
        _with_info_on_time(span).annotate(month=TruncMonth("discharged_on")).order_by().values("month")
        .annotate(**_measures()))}
    surveys = surveys_of_area(membership, rule_set, monthly=by_month, outside=outside_area)
    trend, trend_rows = _trend(add_months(reference_on, -months).replace(day=1), today, by_month, surveys,
                               outside_area)
    return BeforeAfter(rule_set=rule_set, months=months, reference_on=reference_on,
                       municipalities=municipality_rows, hospitals=hospital_rows, area=area, trend=trend,
                       trend_rows=trend_rows, surveys=surveys)


def _as_date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    return value


def _trend(first: dt.date, last: dt.date, by_month: dict, surveys: list[SurveyFigures], outside: bool):
    months, day = [], first
    while day <= last:
        months.append(day)
        day = add_months(day, 1)
    survey_at = {s.survey.month: s for s in surveys}
    data = {"labels": [], "measured": [], "info": [], "survey": [], "unit": "%"}
    rows = []
    for month in months:
        figures = by_month.get(month) or _figures(None)
        side = Side.of(figures, month, month, outside=outside)
        survey = survey_at.get(month)
        data["labels"].append(f"{month.year}年{month.month}月")
        data["measured"].append(_num(side.missed_rate))
        data["info"].append(_num(side.info_on_time_rate))
        data["survey"].append(_num(survey.uncoordinated_rate) if survey else None)
        rows.append({"month": month, "side": side, "survey": survey})
    return data, rows


# --- the coordination survey ------------------------------------------------------------------------

def _survey_totals(rows) -> dict:
    totals = dict(respondents=0, admissions=0, admission_info_missing=0, discharges=0, discharge_uncoordinated=0)
    for row in rows:
        totals["respondents"] += 1
        for name in ("admissions", "admission_info_missing", "discharges", "discharge_uncoordinated"):
            totals[name] += getattr(row, name) or 0
    return totals


def _survey_figures(survey, rows, *, outside: bool, measured: Side | None = None) -> SurveyFigures:
    t = _survey_totals(rows)
    return SurveyFigures(
        survey=survey, respondents=t["respondents"],
        admissions=masked_count(t["admissions"], outside=outside),
        admission_info_missing_rate=masked_share(t["admission_info_missing"], t["admissions"], outside=outside),
        discharges=masked_count(t["discharges"], outside=outside),
        uncoordinated_rate=masked_share(t["discharge_uncoordinated"], t["discharges"], outside=outside),
        measured=measured)


def surveys_of_area(membership, rule_set: RuleSet, *, monthly: dict, outside: bool) -> list[SurveyFigures]:
    """The prefecture's coordination surveys of the rule's area (or of the whole prefecture), each with the
    workflow's figures of the same month beside it (two queries)."""
    queryset = policy.scope(membership, MEASURES_ACTION, CoordinationSurvey.objects.all())
    if rule_set.area_kind == "area_group":
        queryset = queryset.filter(Q(area_group_id=rule_set.area_group_id)
                                   | Q(area_group__isnull=True, prefecture_id=rule_set.area_group.prefecture_id))
    else:
        queryset = queryset.filter(prefecture_id=rule_set.prefecture_id)
    surveys = list(queryset.prefetch_related("rows").order_by("month", "pk"))
    result = []
    for survey in surveys:
        measured = monthly.get(survey.month)
        side = Side.of(measured, survey.month, survey.month, outside=outside) if measured else None
        result.append(_survey_figures(survey, list(survey.rows.all()), outside=outside, measured=side))
    return result


def visible_surveys(membership):
    """The coordination surveys of the viewer's prefecture (the policy's scope)."""
    return (policy.scope(membership, MEASURES_ACTION, CoordinationSurvey.objects.all())
            .select_related("area_group", "prefecture").annotate(row_count=Count("rows")).order_by("-month", "pk"))


def survey_for(membership, survey_id: int) -> CoordinationSurvey:
    survey = get_object_or_404(CoordinationSurvey.objects.select_related("area_group", "prefecture"), pk=survey_id)
    policy.require(membership, MEASURES_ACTION, survey)
    return survey


@dataclass
class SurveyRowView:
    label: str
    kind: str
    municipality: str
    admissions: int | str | None
    admission_info_missing: int | str | None
    missing_rate: Decimal | None
    discharges: int | str | None
    discharge_uncoordinated: int | str | None
    uncoordinated_rate: Decimal | None


@dataclass
class SurveyPage:
    survey: CoordinationSurvey
    rows: list[SurveyRowView]
    by_kind: list[tuple[str, SurveyFigures]]
    total: SurveyFigures


def survey_page(membership, survey: CoordinationSurvey) -> SurveyPage:
    """The survey's rows with rates per respondent, per kind and in total (one query). Care managers' rows are
    numbered, never named; counts masked for viewers outside the hospital's municipality."""
    rows = list(survey.rows.select_related("municipality").order_by("respondent_kind", "respondent_name", "pk"))
    outside_all = not is_insider(membership, None)
    views, number = [], 0
    for row in rows:
        outside = not is_insider(membership, row.municipality_id)
        if row.respondent_kind == CoordinationSurveyRow.RespondentKind.HOSPITAL:
            label = row.respondent_name
        else:
            number += 1
            label = f"ケアマネジャー {number}"
        views.append(SurveyRowView(
            label=label, kind=row.get_respondent_kind_display(),
            municipality=row.municipality.name if row.municipality else "",
            admissions=masked_count(row.admissions, outside=outside),
            admission_info_missing=masked_count(row.admission_info_missing, outside=outside),
            missing_rate=masked_share(row.admission_info_missing, row.admissions, outside=outside),
            discharges=masked_count(row.discharges, outside=outside),
            discharge_uncoordinated=masked_count(row.discharge_uncoordinated, outside=outside),
            uncoordinated_rate=masked_share(row.discharge_uncoordinated, row.discharges, outside=outside)))
    by_kind = []
    for kind, label in CoordinationSurveyRow.RespondentKind.choices:
        of_kind = [r for r in rows if r.respondent_kind == kind]
        if of_kind:
            by_kind.append((label, _survey_figures(survey, of_kind, outside=outside_all)))
    return SurveyPage(survey=survey, rows=views, by_kind=by_kind,
                      total=_survey_figures(survey, rows, outside=outside_all))


def manageable_area_groups(membership):
    """The area groups of the viewer's prefecture (the survey form's choices)."""
    from renkei.core.models import AreaGroup

    return AreaGroup.objects.filter(prefecture_id=membership.organization.prefecture_id).order_by("name")

