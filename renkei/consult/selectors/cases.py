"""Reads of the desk's cases: one desk or case for a screen (404 missing, 403 refused and logged), the desk's
list with its filters, the topics a case may take, the directory facilities within the desk's reach, the
patients a member may link, and the attention items' cases."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_noop

from renkei.core import audit, policy
from renkei.core.models import AreaGroup, Municipality
from renkei.directory.models import Facility
from renkei.directory.selectors.search import name_term_q, query_terms

from ..models import Case, CaseAction, Desk, RequesterKind, Topic

VIEW = "consult.view_cases"
RECORD = "consult.record_case"
CASE_READ = gettext_noop("consultation case")
CASE_LIST_READ = gettext_noop("consultation case list entry")
PATIENT_NAME_READ = gettext_noop("patient's name on a consultation case")
PATIENT_CHOICES_READ = gettext_noop("patient list entry (linking a consultation case)")

MONTH = re.compile(r"^(\d{4})-(\d{2})$")
NUMBER_SEARCH_MAX = 20
OLD_CASE_DAYS = 30
FACILITY_RESULTS = 20


def _pk(value) -> int:
    try:
        pk = int(value)
        if not 0 < pk < 2**63:  # a bigger number overflows the database's integer: not found, not a 500
            raise ValueError(pk)
    except (TypeError, ValueError, OverflowError) as exc:
        raise Http404("not found") from exc
    return pk


def desk_or_404(desk_id) -> Desk:
    """The desk row for a view's policy check; 404 when missing or inactive. Reads nothing personal."""
    try:
        return Desk.objects.select_related("municipality").get(pk=_pk(desk_id), is_active=True)
    except Desk.DoesNotExist as exc:
        raise Http404("desk") from exc


def case_or_404(case_id) -> Case:
    """The case row for a view's policy check (`policy.requires(get_object=…)`); the view logs the read."""
    try:
        return (Case.objects.select_related("desk", "municipality", "requester_facility", "daily_living_area",
                                            "handled_by__user", "created_by__user", "raised_issue", "patient")
                .get(pk=_pk(case_id)))
    except Case.DoesNotExist as exc:
        raise Http404("case") from exc


def case_for(membership, case_id, *, action: str = VIEW, record: bool = True) -> Case:
    """The case when the policy allows `action`; the read is logged unless `record` is False."""
    case = case_or_404(case_id)
    policy.require(membership, action, case)
    if record:
        audit.record_read(case, what=CASE_READ, permission=action)
    return case


def record_case_read(case: Case, *, action: str = VIEW) -> None:
    """One read entry for a page that shows a case (its page, its forms)."""
    audit.record_read(case, what=CASE_READ, permission=action)


# --- the desk's list ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CaseFilters:
    status: str = ""
    scene: str = ""
    topic: int | None = None
    requester_kind: str = ""
    month: tuple[int, int] | None = None
    number: str = ""

    @property
    def is_empty(self) -> bool:
        return not (self.status or self.scene or self.topic or self.requester_kind or self.month or self.number)


def parse_filters(data) -> CaseFilters:
    """The list's filters from the query string; unknown values are ignored (a filter never 500s)."""
    status = data.get("status", "")
    scene = data.get("scene", "")
    kind = data.get("requester_kind", "")
    topic = data.get("topic", "")
    month = MONTH.match(data.get("month", "").strip())
    number = data.get("q", "").strip()[:NUMBER_SEARCH_MAX]
    from renkei.core.models import Scene

    parsed_month = None
    if month and 1 <= int(month.group(2)) <= 12 and 2000 <= int(month.group(1)) <= 2100:
        parsed_month = (int(month.group(1)), int(month.group(2)))
    return CaseFilters(
        status=status if status in Case.Status.values else "",
        scene=scene if scene in Scene.values else "",
        topic=int(topic) if topic.isdecimal() and len(topic) < 12 else None,
        requester_kind=kind if kind in RequesterKind.values else "",
        month=parsed_month, number=number)


def next_follow_up_subquery():
    """The next follow-up date a case's latest follow-up action set (None when there is none)."""
    return Subquery(CaseAction.objects.filter(case_id=OuterRef("pk"), follow_up_on__isnull=False)
                    .order_by("-done_on", "-pk").values("follow_up_on")[:1])


def desk_cases(membership, desk: Desk, filters: CaseFilters | None = None, *, record: bool = True) -> list[Case]:
    """The desk's cases the member may read, open first then newest; each listed case is logged as read.

    No names are listed (the requester's name and contact appear only on the case page)."""
    filters = filters or CaseFilters()
    qs = (policy.scope(membership, VIEW, Case.objects.all()).filter(desk=desk)
          .select_related("municipality", "requester_facility", "daily_living_area")
          .prefetch_related("topics")
          .annotate(next_follow_up=next_follow_up_subquery()))
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.scene:
        qs = qs.filter(scene=filters.scene)
    if filters.topic:
        qs = qs.filter(topics__pk=filters.topic)
    if filters.requester_kind:
        qs = qs.filter(requester_kind=filters.requester_kind)
    if filters.month:
        year, month = filters.month
        start = timezone.make_aware(dt.datetime(year, month, 1))
        end = timezone.make_aware(dt.datetime(year + (month == 12), month % 12 + 1, 1))
        qs = qs.filter(received_at__gte=start, received_at__lt=end)
    if filters.number:
        qs = qs.filter(number__icontains=filters.number)
    cases = sorted(qs.distinct(), key=lambda c: (not c.is_open, -c.received_at.timestamp(), -c.pk))
    if record:
        audit.record_reads(cases, what=CASE_LIST_READ, permission=VIEW)
    return cases


def open_count(desk: Desk) -> int:
    """How many of the desk's cases are open (a count: no read entry)."""
    return Case.objects.filter(desk=desk, status=Case.Status.OPEN).count()


# --- what a case may refer to --------------------------------------------------------------------------------

def topics_for(municipality: Municipality) -> QuerySet[Topic]:
    """The national topics and the municipality's own, active ones, in order."""
    return Topic.objects.filter(Q(municipality=None) | Q(municipality=municipality), is_active=True).order_by(
        "order", "name_ja")


def reach_of(desk: Desk) -> list[int]:
    """The municipalities whose facilities a desk suggests: its own, its designated city's wards (or the city),
    and those sharing an area group with it (the secondary medical area, the medical association district)."""
    municipality = desk.municipality
    ids = {municipality.pk}
    ids.update(Municipality.objects.filter(parent_id=municipality.pk).values_list("pk", flat=True))
    if municipality.parent_id:
        ids.add(municipality.parent_id)
    groups = AreaGroup.objects.filter(municipalities=municipality)
    ids.update(Municipality.objects.filter(area_groups__in=groups).values_list("pk", flat=True))
    return sorted(ids)


def reachable_facilities(desk: Desk) -> QuerySet[Facility]:
    """The directory's facilities within the desk's reach (open or closed: an old case may name a closed one)."""
    return Facility.objects.filter(municipality_id__in=reach_of(desk))


def facility_search(desk: Desk, q: str, *, limit: int = FACILITY_RESULTS) -> list[Facility]:
    """Open facilities within the desk's reach whose name holds every term of `q` (the directory's name match:
    kana, romaji and short names too), own municipality first."""
    terms = query_terms(q)
    if not terms:
        return []
    qs = reachable_facilities(desk).filter(status=Facility.Status.OPEN).select_related("municipality")
    for term in terms:
        qs = qs.filter(name_term_q(term))
    found = list(qs.order_by("name")[:limit * 3])
    found.sort(key=lambda f: (f.municipality_id != desk.municipality_id, f.name))
    return found[:limit]


def facility_in_reach(desk: Desk, facility_id) -> Facility | None:
    """The facility when it is within the desk's reach, else None (an id from elsewhere is refused)."""
    try:
        pk = _pk(facility_id)
    except Http404:
        return None
    return reachable_facilities(desk).filter(pk=pk).first()


# --- patients ------------------------------------------------------------------------------------------------

def linkable_patients(membership) -> list:
    """The patients this member may view now (careteams' `careteams.view_patient`: its scope, and a running
    break-glass access), kana order; the listed patients are logged as read, as careteams logs its list."""
    from renkei.careteams.models import BreakGlassAccess, Patient

    visible = policy.scope(membership, "careteams.view_patient", Patient.objects.all()).values("pk")
    glass = BreakGlassAccess.objects.filter(membership=membership, ended_at__isnull=True,
                                            expires_at__gt=timezone.now()).values("patient_id")
    candidates = Patient.objects.filter(Q(pk__in=visible) | Q(pk__in=glass)).order_by("kana", "pk")[:200]
    patients = [p for p in candidates if policy.check(membership, "careteams.view_patient", p)]
    audit.record_reads(patients, what=PATIENT_CHOICES_READ, permission="careteams.view_patient")
    return patients


def patient_shown(membership, case: Case):
    """The case's patient when this member may view that patient now (the read is logged as careteams does),
    else None: the page then says only that a patient is linked."""
    if case.patient_id is None or not policy.check(membership, "careteams.view_patient", case.patient):
        return None
    from renkei.careteams.selectors.patients import record_read

    record_read(case.patient, what=PATIENT_NAME_READ, permission="careteams.view_patient")
    return case.patient


# --- the home page -------------------------------------------------------------------------------------------

def cases_needing_attention(membership, *, today: dt.date | None = None, limit: int = 10) -> dict[str, list[Case]]:
    """Open cases of the member's desks with a follow-up due today or overdue, and open cases older than 30
    days (not already listed as due). Numbers only: the home page names no one."""
    today = today or timezone.localdate()
    base = (policy.scope(membership, VIEW, Case.objects.filter(status=Case.Status.OPEN))
            .select_related("desk").annotate(next_follow_up=next_follow_up_subquery()))
    due = list(base.filter(next_follow_up__lte=today).order_by("next_follow_up", "pk")[:limit])
    due_ids = [c.pk for c in due]
    cutoff = timezone.now() - dt.timedelta(days=OLD_CASE_DAYS)
    old = list(base.filter(received_at__lt=cutoff).exclude(pk__in=due_ids).order_by("received_at", "pk")[:limit])
    return {"due": due, "old": old}
