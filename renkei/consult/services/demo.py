"""The consultation desk part of the demo (福知山市): the desk run by the medical association's 在宅医療・介護連携
支援センター, the demo coordinator and one official on it, and its cases from the start of the previous fiscal year
to today — about twenty a month, care managers and the phone most, resources suggested from the demo directory,
follow-ups, most closed within 30 days, some open, a few long ones — and four cases that raised issues on the
council's list (three new ones through the PDCA services, one an issue the council already has).

Runs after the directory and PDCA demos (it links their facilities and their council). Generated from a fixed seed
(the dates relative to the day it is built); cases, actions and resources are written in bulk with one audit entry
per kind, as other demo steps do. Idempotent: a second build finds the desk and does nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from renkei.core import audit
from renkei.core.models import AuditEntry, DailyLivingArea, Membership, Municipality, Organization, Role
from renkei.core.services.demo import DEMO_MUNICIPALITY_CODE, GIVEN_NAMES, SURNAMES
from renkei.directory.models import CollaborationDetail, Facility
from renkei.indicators.models import fiscal_year_of

from ..models import Case, CaseAction, CaseResource, Desk, DeskMember, Topic
from ..topics import seed_topics
from . import demo_content as content

SEED = 20261207
DEMO_EMAIL = "{}@demo.renkei.example"


@dataclass
class DeskDemo:
    cases: int = 0
    open: int = 0
    closed_within_30_days: int = 0
    actions: int = 0
    resources: int = 0
    issues: list[str] = field(default_factory=list)
    members: list[str] = field(default_factory=list)


@dataclass
class _Plan:
    """One case before it is written: the row, its topics, its actions with their suggested facilities."""

    case: Case
    topics: list[str]
    actions: list[tuple[CaseAction, list[Facility], str]] = field(default_factory=list)
    raises: tuple | None = None


def fiscal_year_start(day: dt.date) -> dt.date:
    return dt.date(fiscal_year_of(day), 4, 1)


def _weighted(rng: random.Random, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


def desk_demo_exists(city: Municipality) -> bool:
    return Desk.objects.filter(municipality=city, name=content.DESK_NAME).exists()


def build_desk_demo() -> DeskDemo | None:
    """Add the desk demo to the demo municipality (after the directory and PDCA demos). Returns what it built;
    None when the demo municipality is missing or the desk was built before (building again changes nothing)."""
    city = Municipality.objects.filter(code=DEMO_MUNICIPALITY_CODE).first()
    if city is None or desk_demo_exists(city):
        return None
    coordinator = Membership.objects.filter(user__email=DEMO_EMAIL.format("coordinator"), role=Role.COORDINATOR,
                                            is_active=True).select_related("organization").first()
    if coordinator is None:
        return None
    seed_topics(Topic)
    with transaction.atomic(), audit.bind(user_label="system: renkei demo"):
        builder = _Builder(city, coordinator)
        builder.desk()
        builder.cases()
    return builder.summary


class _Builder:
    def __init__(self, city: Municipality, coordinator: Membership):
        self.city = city
        self.coordinator = coordinator
        self.rng = random.Random(SEED)
        self.today = timezone.localdate()
        self.summary = DeskDemo()
        self.official = (Membership.objects.filter(user__email=DEMO_EMAIL.format("city"), role=Role.MUNICIPAL_STAFF,
                                                   is_active=True).first()
                         or Membership.objects.filter(organization__municipality=city, role=Role.MUNICIPAL_STAFF,
                                                      is_active=True).order_by("pk").first())
        self.topics = {t.code: t for t in Topic.objects.filter(municipality=None)}
        self.areas = list(DailyLivingArea.objects.filter(municipality=city).order_by("sort_order", "pk"))
        facilities = list(Facility.objects.filter(municipality=city, status=Facility.Status.OPEN).order_by("pk"))
        self.facilities = facilities
        visiting = set(CollaborationDetail.objects.filter(
            facility__municipality=city, attribute__code="scheduled_home_visit", value=True)
            .values_list("facility_id", flat=True))
        self.home_visit_clinics = [f for f in facilities if f.kind == "clinic" and f.pk in visiting]

    # --- the desk --------------------------------------------------------------------------------------------

    def desk(self) -> None:
        """The desk, run by the medical association (委託) when the demo has one, with the coordinator (both of their
        memberships: the association's and the city's) and the responsible official as members."""
        operator = (Organization.objects.filter(municipality=self.city, kind=Organization.Kind.MEDICAL_ASSOCIATION)
                    .order_by("pk").first() or self.coordinator.organization)
        self.desk_row = Desk.objects.create(
            municipality=self.city, name=content.DESK_NAME, operator=operator, phone=operator.phone,
            fax="0773-00-0000", email="renkei-soudan@demo.renkei.example", opening_hours=content.OPENING_HOURS)
        seats = [self.coordinator]
        seats += list(Membership.objects.filter(user=self.coordinator.user, role=Role.MUNICIPAL_STAFF,
                                                is_active=True).exclude(pk=self.coordinator.pk))
        if self.official is not None:
            seats.append(self.official)
        for membership in dict.fromkeys(seats):
            DeskMember.objects.create(desk=self.desk_row, membership=membership)  # a handful: saved one by one
            if membership.user.email not in self.summary.members:
                self.summary.members.append(membership.user.email)

    # --- the cases -------------------------------------------------------------------------------------------

    def cases(self) -> None:
        start = fiscal_year_start(fiscal_year_start(self.today) - dt.timedelta(days=1))
        plans: list[_Plan] = []
        month = start
        while month <= self.today:
            following = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
            days = [month + dt.timedelta(days=d) for d in range((following - month).days)]
            workdays = [d for d in days if d.weekday() < 5 and d <= self.today]
            count = round(self.rng.randint(15, 30) * len(workdays) / max(1, sum(d.weekday() < 5 for d in days)))
            for day in sorted(self.rng.choice(workdays) for _ in range(count)) if workdays else []:
                plans.append(self.plan(day))
            month = following
        self.long_open(plans)
        self.raise_issues(plans)
        self.write(plans)

    def received_at(self, day: dt.date) -> dt.datetime:
        hour = self.rng.choice([9, 9, 10, 10, 11, 13, 14, 14, 15, 16, 16, 17])
        moment = timezone.make_aware(dt.datetime.combine(day, dt.time(hour, self.rng.choice([0, 10, 25, 40, 50]))))
        return min(moment, timezone.now() - dt.timedelta(minutes=30))

    def requester(self, case: Case) -> None:
        kind = case.requester_kind
        if kind in ("resident", "family"):
            surname = self.rng.choice(SURNAMES)
            given = self.rng.choice(GIVEN_NAMES)[0]
            case.requester_name = f"{surname} {given}（架空）"
            case.requester_contact = f"090-0000-{self.rng.randint(0, 9999):04d}（架空）"
            weights = [5, 3, 2] + [1] * len(self.areas)  # the centre asks most
            case.daily_living_area = (self.rng.choices(self.areas, weights=weights[:len(self.areas)])[0]
                                      if self.areas else None)
            return
        facility_kind, service_types, professions = content.REQUESTER_PLACES[kind]
        case.requester_profession = self.rng.choice(professions)
        pool = [f for f in self.facilities if f.kind == facility_kind
                and (service_types is None or f.service_type in service_types)] if facility_kind else []
        if pool:
            facility = self.rng.choice(pool)
            case.requester_facility = facility
            case.daily_living_area = facility.daily_living_area
            case.requester_contact = facility.phone
        else:
            case.requester_organization_name = self.rng.choice(content.OTHER_ORGANIZATIONS)
            case.daily_living_area = self.rng.choice(self.areas) if self.areas else None
        case.requester_name = f"{self.rng.choice(SURNAMES)}（架空）"

    def plan(self, day: dt.date) -> _Plan:
        rng = self.rng
        kind = _weighted(rng, content.REQUESTERS)
        topic = _weighted(rng, content.TOPICS_RESIDENT if kind in ("resident", "family")
                          else content.TOPICS_PROFESSIONAL)
        topics = [topic]
        if topic in content.SECOND_TOPICS and rng.random() < 0.25:
            topics.append(content.SECOND_TOPICS[topic])
        handler = self.official if self.official is not None and rng.random() < 0.15 else self.coordinator
        case = Case(desk=self.desk_row, municipality=self.city, received_at=self.received_at(day),
                    channel=_weighted(rng, content.CHANNELS), requester_kind=kind,
                    scene=self.topics[topic].scene or content.SCENE_OF_SCENELESS.get(topic, ""),
                    subject_description=rng.choice(content.SUBJECTS) if topic != "other" else "",
                    handled_by=handler, created_by=handler)
        self.requester(case)
        area = case.daily_living_area.name if case.daily_living_area else "市内"
        case.question = rng.choice(content.QUESTIONS[topic]).format(area=area)
        plan = _Plan(case, topics)
        days = _weighted(rng, content.DURATIONS)
        closes_on = day + dt.timedelta(days=days)
        self.actions(plan, day, closes_on, handler)
        if closes_on <= self.today and not (closes_on == self.today and rng.random() < 0.5):
            self.close(plan, closes_on)
        return plan

    def actions(self, plan: _Plan, day: dt.date, closes_on: dt.date, by: Membership) -> None:
        rng = self.rng
        topic = plan.topics[0]
        notes = content.INFORMATION_NOTES.get(topic, []) + content.INFORMATION_NOTES["default"]
        plan.actions.append((CaseAction(kind=CaseAction.Kind.INFORMATION, done_on=day, note=rng.choice(notes), by=by),
                             [], ""))
        suggested = self.resources(plan.case, topic)
        if suggested:
            plan.actions.append((CaseAction(kind=CaseAction.Kind.RESOURCES, done_on=day, by=by,
                                            note=f"名簿から{len(suggested)}か所を紹介した。"),
                                 suggested, content.RESOURCE_NOTES.get(topic, "")))
        span = (closes_on - day).days
        if span >= 3 and rng.random() < 0.3:
            referral = CaseAction(kind=CaseAction.Kind.REFERRAL, done_on=day + dt.timedelta(days=1), by=by,
                                  note="つなぎ先に概要を伝え、相談者へ連絡してもらうよう依頼した。")
            centres = [f for f in self.facilities if f.kind == "community_support_center"]
            if topic in ("dementia_support", "family_burden", "systems_costs") and centres:
                referral.referred_to_facility = rng.choice(centres)
            else:
                referral.referred_to_name = rng.choice(content.REFERRALS)
            plan.actions.append((referral, [], ""))
        if span >= 5 and rng.random() < 0.25:
            meeting_on = day + dt.timedelta(days=rng.randint(3, min(span, 14)))
            plan.actions.append((CaseAction(kind=CaseAction.Kind.MEETING, done_on=day + dt.timedelta(days=1),
                                            meeting_on=meeting_on, note=rng.choice(content.MEETING_NOTES), by=by),
                                 [], ""))
        if span >= 2:
            follow_up = day + dt.timedelta(days=max(1, min(span, rng.choice([3, 7, 14]))))
            if follow_up <= self.today:
                plan.actions.append((CaseAction(kind=CaseAction.Kind.FOLLOW_UP, done_on=follow_up, by=by,
                                                note=rng.choice(content.FOLLOW_UP_NOTES)), [], ""))

    def resources(self, case: Case, topic: str) -> list[Facility]:
        if topic not in content.RESOURCE_KINDS or self.rng.random() < 0.3:
            return []
        kind, service_types = content.RESOURCE_KINDS[topic]
        if kind == "clinic" and self.home_visit_clinics:
            pool = self.home_visit_clinics
        else:
            pool = [f for f in self.facilities if f.kind == kind
                    and (service_types is None or f.service_type in service_types)]
        near = [f for f in pool if case.daily_living_area_id and f.daily_living_area_id == case.daily_living_area_id]
        choices = near if len(near) >= 2 else pool
        return self.rng.sample(choices, min(len(choices), self.rng.choice([1, 2, 2, 3])))

    def close(self, plan: _Plan, closes_on: dt.date) -> None:
        case = plan.case
        outcome = _weighted(self.rng, content.OUTCOMES)
        if outcome == "meeting" and not any(a.kind == CaseAction.Kind.MEETING for a, _f, _n in plan.actions):
            outcome = "resolved"
        case.status, case.outcome, case.closed_on = Case.Status.CLOSED, outcome, closes_on
        case.outcome_note = content.OUTCOME_NOTES[outcome]

    def long_open(self, plans: list[_Plan]) -> None:
        """Three hard cases from two to four months ago still open, a follow-up booked (the desk's 'long ones')."""
        old = [p for p in plans if 60 <= (self.today - p.case.received_at.date()).days <= 120
               and p.case.requester_kind in ("care_manager", "family", "community_support_center")]
        for plan in self.rng.sample(old, min(3, len(old))):
            case = plan.case
            case.status, case.outcome, case.closed_on, case.outcome_note = Case.Status.OPEN, "", None, ""
            case.subject_description = "80代男性、独居、身寄りなし、要介護3"
            plan.actions.append((CaseAction(kind=CaseAction.Kind.FOLLOW_UP, done_on=self.today - dt.timedelta(days=9),
                                            note=self.rng.choice(content.OPEN_NOTES),
                                            follow_up_on=self.today + dt.timedelta(days=5), by=case.handled_by),
                                 [], ""))
        for plan in plans:
            if plan.case.status == Case.Status.OPEN and not any(a.follow_up_on for a, _f, _n in plan.actions):
                last = plan.actions[-1][0]
                last.follow_up_on = max(self.today, last.done_on) + dt.timedelta(days=self.rng.choice([2, 3, 7]))

    def raise_issues(self, plans: list[_Plan]) -> None:
        """Four closed cases whose topic the council took up: a case each, from the month the issue was raised."""
        taken: set[int] = set()
        for spec in content.RAISED_ISSUES:
            topic, months_ago = spec[0], spec[5]
            around = self.today - dt.timedelta(days=30 * months_ago)
            candidates = [i for i, p in enumerate(plans) if i not in taken and p.topics[0] == topic
                          and p.case.status == Case.Status.CLOSED and p.case.requester_kind != "resident"]
            if not candidates:
                continue
            index = min(candidates, key=lambda i: abs((plans[i].case.received_at.date() - around).days))
            taken.add(index)
            plan = plans[index]
            plan.raises = spec
            plan.actions.append((CaseAction(kind=CaseAction.Kind.OTHER, done_on=plan.case.closed_on,
                                            note=content.RAISED_NOTE, by=plan.case.handled_by), [], ""))

    def issue_for(self, spec):
        """The council issue a case raised: a new one through the PDCA services, or the one the council has."""
        from renkei.pdca.models import Council, Issue
        from renkei.pdca.services.issues import issue_save

        _topic, council_key, title, scene, description, _months = spec
        existing = Issue.objects.filter(municipality=self.city, title=title).first()
        if existing is not None or council_key is None:
            return existing
        councils = Council.objects.filter(municipality=self.city)
        council = (councils.filter(parent__isnull=True).order_by("pk").first() if council_key == "council"
                   else councils.filter(name=council_key).first() or councils.filter(parent__isnull=True).first())
        if council is None:
            return None
        issue = Issue(municipality=self.city, council=council, raised_elsewhere="在宅医療・介護連携相談窓口の相談事例",
                      title=title, description=description, scene=scene)
        return issue_save(membership=self.coordinator, issue=issue)

    # --- writing -----------------------------------------------------------------------------------------------

    def write(self, plans: list[_Plan]) -> None:
        plans.sort(key=lambda p: p.case.received_at)
        serial: dict[dt.date, int] = {}
        for plan in plans:
            fiscal = fiscal_year_start(timezone.localtime(plan.case.received_at).date())
            serial[fiscal] = serial.get(fiscal, 0) + 1
            plan.case.number = f"R{fiscal.year - 2018}-{serial[fiscal]:04d}"
            if plan.raises is not None:
                issue = self.issue_for(plan.raises)
                if issue is not None:
                    plan.case.raised_issue = issue
                    self.summary.issues.append(issue.title)
        cases = Case.objects.bulk_create([p.case for p in plans])
        through = Case.topics.through
        links = through.objects.bulk_create([through(case_id=c.pk, topic_id=self.topics[code].pk)
                                             for c, p in zip(cases, plans, strict=True) for code in p.topics])
        actions = []
        for case, plan in zip(cases, plans, strict=True):
            for action, _facilities, _note in plan.actions:
                action.case = case
                actions.append(action)
        actions = CaseAction.objects.bulk_create(actions)
        resources = [CaseResource(case=action.case, facility=facility, action=action, note=note,
                                  suggested_on=action.done_on, by=action.by)
                     for plan in plans for action, facilities, note in plan.actions for facility in facilities]
        CaseResource.objects.bulk_create(resources)
        for model, rows in ((Case, cases), (through, links), (CaseAction, actions), (CaseResource, resources)):
            # bulk_create sends no signal: one entry per kind of row (the counts, never a case's contents).
            audit.record(action=AuditEntry.Action.BULK, object_type=audit.object_type_of(model),
                         object_label=f"demo {model._meta.verbose_name_plural}", owner=self.city,
                         changes={"created": len(rows)})
        self.summary.cases = len(cases)
        self.summary.open = sum(c.status == Case.Status.OPEN for c in cases)
        self.summary.closed_within_30_days = sum(
            1 for c in cases if c.closed_on and (c.closed_on - timezone.localtime(c.received_at).date()).days <= 30)
        self.summary.actions = len(actions)
        self.summary.resources = len(resources)


def desk_demo_summary(summary: DeskDemo) -> list[str]:
    """The lines `renkei demo` prints about the consultation desk."""
    closed = summary.cases - summary.open
    share = 100 * summary.closed_within_30_days / closed if closed else 0
    return [f"Consultation desk: {summary.cases} cases since last April ({summary.open} open, {share:.0f} % of the "
            f"closed ones within 30 days), {summary.resources} resources suggested, {len(summary.issues)} raised "
            f"council issues; desk members: {', '.join(summary.members)}"]
