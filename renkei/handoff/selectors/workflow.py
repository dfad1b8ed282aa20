"""What is due from whom, the handoff list and page, the hospitals to pick from: reads for the workflow screens.

"Due from me": the steps still to do whose due time is known, for the side the viewer is on —
- the care manager's steps of handoffs where the viewer is the care manager (named on the handoff, or on the
  patient's team as care manager), and the hospital's steps when that hospital is not on Renkei (the care
  manager phones them and records how it went);
- the hospital's steps of the admissions at the viewer's hospital (the hospital's own access rule).
Built from the policy's facts (the viewer's visible patients, the hospital's scope), one query for the steps.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, Subquery
from django.utils import timezone

from renkei.careteams import access as careteams_access
from renkei.careteams.models import TeamRole
from renkei.core import policy
from renkei.core.models import Role
from renkei.directory.models import Facility

from .. import access, sections
from ..factors import factor_labels
from ..models import Actor, Exchange, Handoff, HandoffStep
from ..services.handoffs import HOSPITAL_FACILITY_KINDS
from .handoffs import record_list_reads, steps_of

DUE_SOON_HOURS = 24
RECENT_DISCHARGE_DAYS = 30
LIST_LIMIT = 200


def _home_q(membership) -> Q:
    """Steps the viewer owes as the care manager (its own steps, and a paper hospital's)."""
    visible = careteams_access.visible_patient_ids(membership)
    if not visible:
        return Q(pk__in=[])
    as_care_manager = Subquery(careteams_access.current_members_of(membership)
                               .filter(role=TeamRole.CARE_MANAGER).values("team__patient_id"))
    mine = Q(handoff__care_manager=membership) | Q(handoff__patient_id__in=as_care_manager)
    whose = Q(actor=Actor.CARE_MANAGER) | Q(actor=Actor.HOSPITAL, handoff__hospital_organization__isnull=True)
    return Q(handoff__patient_id__in=visible) & mine & whose


def _hospital_q(membership) -> Q:
    if membership.organization.kind not in ("hospital", "clinic"):
        return Q(pk__in=[])
    at_my_hospital = Handoff.objects.filter(access.hospital_handoffs_q(membership)).values("pk")
    return Q(actor=Actor.HOSPITAL, handoff_id__in=at_my_hospital)


def due_steps(membership, *, within_hours: float | None = None, limit: int | None = LIST_LIMIT) -> list[HandoffStep]:
    """The steps due from this member, the earliest first (overdue ones lead); `within_hours` keeps the steps
    due before now + that many hours. Not yet read: the page logs one read per handoff it shows."""
    if membership is None or membership.role != Role.PROFESSIONAL:
        return []
    steps = (HandoffStep.objects
             .filter(status=HandoffStep.Status.PENDING, due_at__isnull=False)
             .filter(_home_q(membership) | _hospital_q(membership))
             .exclude(handoff__status=Handoff.Status.CANCELLED)
             .select_related("handoff__patient__municipality", "handoff__hospital")
             .order_by("due_at", "pk"))
    if within_hours is not None:
        steps = steps.filter(due_at__lte=timezone.now() + dt.timedelta(hours=within_hours))
    return list(steps[:limit] if limit else steps)


def mark(step: HandoffStep, now: dt.datetime | None = None) -> HandoffStep:
    """Set `is_overdue` (to do, past due) and `is_late` (done after its due time) for the templates."""
    now = now or timezone.now()
    step.is_overdue = step.status == HandoffStep.Status.PENDING and step.due_at is not None and step.due_at < now
    step.is_late = step.is_on_time is False
    step.is_due_soon = (step.status == HandoffStep.Status.PENDING and not step.is_overdue and step.due_at is not None
                        and step.due_at <= now + dt.timedelta(hours=DUE_SOON_HOURS))
    return step


@dataclass
class HandoffList:
    due: list[HandoffStep]
    open: list[Handoff]
    discharged: list[Handoff]
    status: str = ""
    truncated: bool = False
    counts: dict = field(default_factory=dict)


def handoff_list(membership, *, status: str = "") -> HandoffList:
    """The list page: what is due from the viewer, then the open handoffs, then the recent discharges (or only
    the handoffs of `status`). One read entry per handoff shown."""
    now = timezone.now()
    due = [mark(s, now) for s in due_steps(membership)] if not status else []
    pending = Prefetch("steps", queryset=HandoffStep.objects.filter(status=HandoffStep.Status.PENDING,
                                                                    due_at__isnull=False).order_by("due_at"),
                       to_attr="pending_steps")
    # The patient's municipality: the read entries name each row's owner (no query per row).
    visible = policy.scope(membership, "handoff.list_handoffs", Handoff.objects.all()).select_related(
        "patient__municipality", "hospital").prefetch_related(pending)
    open_rows: list[Handoff] = []
    discharged: list[Handoff] = []
    if status in ("", Handoff.Status.OPEN):
        open_rows = list(visible.filter(status=Handoff.Status.OPEN).order_by("-admitted_at", "-pk")[:LIST_LIMIT])
    if status in ("", Handoff.Status.DISCHARGED):
        recent = visible.filter(status=Handoff.Status.DISCHARGED)
        if not status:
            recent = recent.filter(discharged_at__gte=now - dt.timedelta(days=RECENT_DISCHARGE_DAYS))
        discharged = list(recent.order_by("-discharged_at", "-pk")[:LIST_LIMIT])
    for handoff in [*open_rows, *discharged]:
        handoff.next_step = mark(handoff.pending_steps[0], now) if handoff.pending_steps else None
    shown = {h.pk: h for h in [*(s.handoff for s in due), *open_rows, *discharged]}
    record_list_reads(shown.values())
    return HandoffList(due=due, open=open_rows, discharged=discharged, status=status,
                       truncated=len(open_rows) == LIST_LIMIT or len(discharged) == LIST_LIMIT)


@dataclass
class Counting:
    """The facts 退院・退所加算 tiers rest on (shown as facts, never as a billing claim)."""

    exchanges: int
    conferences: int
    admission_info_sent: bool


def handoff_page(membership, handoff: Handoff) -> dict:
    """Everything the handoff page shows (the handoff was loaded through `handoff_for`: policy and read entry)."""
    now = timezone.now()
    steps = [mark(s, now) for s in steps_of(handoff)]
    exchanges = list(Exchange.objects.filter(handoff=handoff)
                     .select_related("recorded_by__user", "from_organization").order_by("occurred_at", "pk"))
    info = next((s for s in steps if s.key == "admission_info"), None)
    counting = Counting(exchanges=handoff.exchange_count, conferences=handoff.conference_count,
                        admission_info_sent=bool(info and info.done_at))
    for step in steps:
        step.may_do = step.status == HandoffStep.Status.PENDING and step.key != "discharge" and policy.check(
            membership, "handoff.do_step", step)
        step.may_skip = step.may_do and not step.rule_step.is_required
    return {"handoff": handoff, "steps": steps, "exchanges": exchanges, "counting": counting,
            "factor_labels": factor_labels(handoff.difficulty_factors or []),
            "sections": sections.rendered_sections(membership, handoff)}


def patient_handoff_rows(membership, patient) -> list[Handoff]:
    """The patient tab's rows (the patient was read through the policy), with their next pending step; one read
    entry per handoff shown."""
    now = timezone.now()
    pending = Prefetch("steps", queryset=HandoffStep.objects.filter(status=HandoffStep.Status.PENDING,
                                                                    due_at__isnull=False).order_by("due_at"),
                       to_attr="pending_steps")
    rows = list(policy.scope(membership, "handoff.list_handoffs", patient.handoffs.all())
                .select_related("hospital").prefetch_related(pending).order_by("-admitted_at", "-pk"))
    for handoff in rows:
        handoff.next_step = mark(handoff.pending_steps[0], now) if handoff.pending_steps else None
    record_list_reads(rows)  # a list: one read per row shown
    return rows


def hospitals(*, prefecture_id: int | None, query: str = "", limit: int = 30) -> list[Facility]:
    """Hospitals and clinics of the directory to pick from (open ones, the prefecture's), by name or kana."""
    found = Facility.objects.filter(kind__in=HOSPITAL_FACILITY_KINDS, status=Facility.Status.OPEN)
    if prefecture_id:
        found = found.filter(prefecture_id=prefecture_id)
    query = query.strip()
    if query:
        found = found.filter(Q(name__icontains=query) | Q(kana__icontains=query) | Q(short_name__icontains=query))
    return list(found.select_related("municipality").order_by("kind", "kana", "name")[:limit])


def hospital(facility_id) -> Facility | None:
    try:
        pk = int(facility_id)
    except (TypeError, ValueError):
        return None
    if not 0 < pk < 2**63:
        return None
    return Facility.objects.filter(pk=pk, kind__in=HOSPITAL_FACILITY_KINDS).select_related("organization").first()
