"""The training and awareness part of the demo (福知山市).

Training (カ): this fiscal year's series 多職種連携研修 入退院支援編 — three sessions, forty registrations from
the demo directory's facilities (many care managers and nurses, two doctors, no dental professional: the reach
shows who the training does not reach), attendance, and the built-in self-assessment answered before and after:
30 participants paired, 6 who answered only one phase. The answers are laid out so that the paired Wilcoxon test
finds a clear effect on the items the series taught (入退院支援, 急変時, 地域の資源, 他職種の役割) and none on
the others (話し合う機会, 顔の見える関係, 看取り: as many better as worse). Two series of earlier years give the
attendance over the years.

Awareness (キ): three fiscal years of 市民公開講座 on 人生会議, 出前講座 on かかりつけ医, 広報 articles on 看取り
and a leaflet across the demo's daily living areas — one area (夜久野圏域) never reached — with residents'
questionnaire answers after the talks, and next month's 人生会議 lecture (and one in two months) on the residents'
calendar.

Generated from a fixed seed, dates relative to the day it is built. Series and sessions are saved one by one
(audited by their signals); the many rows are written in bulk with one audit entry per kind. Idempotent.
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
from renkei.directory.models import Facility
from renkei.indicators.models import fiscal_year_of

from ..builtin_instruments import seed_instruments
from ..models import (
    Attendance,
    AwarenessActivity,
    AwarenessResponse,
    Instrument,
    InstrumentItem,
    Phase,
    Registration,
    SurveyAnswer,
    SurveyResponse,
    TrainingSeries,
    TrainingSession,
)
from . import demo_content as content

SEED = 20261208
DEMO_EMAIL = "{}@demo.renkei.example"


@dataclass
class TrainingDemo:
    series: int = 0
    sessions: int = 0
    registrations: int = 0
    pairs: int = 0
    single_phase: int = 0
    activities: int = 0
    responses: int = 0
    areas_reached: list[str] = field(default_factory=list)
    never_reached: list[str] = field(default_factory=list)
    upcoming: list[str] = field(default_factory=list)


def training_demo_exists(city: Municipality) -> bool:
    return TrainingSeries.objects.filter(municipality=city, title=content.SERIES_TITLE).exists()


def build_training_demo() -> TrainingDemo | None:
    """Add the training and awareness demo to the demo municipality (after the directory's). Returns what it
    built; None when the demo municipality is missing or this was built before (building again changes nothing)."""
    city = Municipality.objects.filter(code=DEMO_MUNICIPALITY_CODE).first()
    if city is None or training_demo_exists(city):
        return None
    coordinator = Membership.objects.filter(user__email=DEMO_EMAIL.format("coordinator"), role=Role.COORDINATOR,
                                            is_active=True).select_related("organization").first()
    if coordinator is None:
        return None
    seed_instruments(Instrument, InstrumentItem)
    with transaction.atomic(), audit.bind(user_label="system: renkei demo"):
        builder = _Builder(city, coordinator)
        builder.training()
        builder.awareness()
        builder.audit_bulk()
    return builder.summary


def _aware(day: dt.date, time: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, time))


def _weekday(day: dt.date, weekday: int) -> dt.date:
    """The first `weekday` (0 = Monday) on or after `day`."""
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


class _Builder:
    def __init__(self, city: Municipality, coordinator: Membership):
        self.city = city
        self.coordinator = coordinator
        self.rng = random.Random(SEED)
        self.today = timezone.localdate()
        self.summary = TrainingDemo()
        self.facilities = list(Facility.objects.filter(municipality=city, status=Facility.Status.OPEN).order_by("pk"))
        self.organizer = (Organization.objects.filter(municipality=city, kind=Organization.Kind.MEDICAL_ASSOCIATION)
                          .order_by("pk").first() or coordinator.organization)
        self.used_names: set[str] = set()
        self.bulk: dict[type, int] = {}

    def _bulk_create(self, model, rows: list) -> list:
        created = model.objects.bulk_create(rows)
        self.bulk[model] = self.bulk.get(model, 0) + len(created)
        return created

    def audit_bulk(self) -> None:
        """bulk_create sends no signal: one entry per kind of row, with the count (never a name or an answer)."""
        for model, count in self.bulk.items():
            audit.record(action=AuditEntry.Action.BULK, object_type=audit.object_type_of(model),
                         object_label=f"demo {model._meta.verbose_name_plural}", owner=self.city,
                         changes={"created": count})

    # --- training ----------------------------------------------------------------------------------------------

    def training(self) -> None:
        instrument = Instrument.objects.get(municipality=None, code=content.INSTRUMENT_CODE)
        starts = [_weekday(self.today - dt.timedelta(days=back), 3) for back, *_rest in content.SESSIONS]
        starts = [min(day, self.today - dt.timedelta(days=1)) for day in starts]
        series = self._series(content.SERIES_TITLE, "lecture", fiscal_year_of(starts[0]), instrument,
                              content.SERIES_DESCRIPTION)
        sessions = [self._session(series, day, title, place, online)
                    for day, (_back, title, place, online) in zip(starts, content.SESSIONS, strict=True)]
        registrations = self._registrations(series, content.PROFESSIONS, members=True)
        active = self._attendance(registrations, sessions, cancelled=2)
        self._surveys(instrument, active, sessions)
        for years_back, title, kind, count, people in content.PAST_SERIES:
            fiscal = fiscal_year_of(self.today) - years_back
            past = self._series(title, kind, fiscal, None, "（デモ）過年度の研修。")
            first = _weekday(dt.date(fiscal, 9, 1), 3)
            past_sessions = [self._session(past, first + dt.timedelta(weeks=4 * i), f"第{i + 1}回",
                                           "福知山医師会館 研修室", False) for i in range(count)]
            scaled = [(p, max(0, round(n * people / 40))) for p, n in content.PROFESSIONS]
            self._attendance(self._registrations(past, scaled, members=False), past_sessions, cancelled=1)

    def _series(self, title: str, kind: str, fiscal: int, instrument, description: str) -> TrainingSeries:
        self.summary.series += 1
        return TrainingSeries.objects.create(
            municipality=self.city, kind=kind, title=title, description=description, fiscal_year=fiscal,
            organizer=self.organizer, instrument=instrument, is_open_for_registration=False,
            created_by=self.coordinator)

    def _session(self, series: TrainingSeries, day: dt.date, title: str, place: str, online: bool) -> TrainingSession:
        self.summary.sessions += 1
        held = day < self.today
        return TrainingSession.objects.create(
            series=series, title=title, starts_at=_aware(day, dt.time(18, 30)), ends_at=_aware(day, dt.time(20, 0)),
            place=place, video_url=content.VIDEO_URL if online else "", capacity=50,
            status=TrainingSession.Status.HELD if held else TrainingSession.Status.SCHEDULED)

    def _name(self) -> str:
        for _attempt in range(100):
            name = f"{self.rng.choice(SURNAMES)} {self.rng.choice(GIVEN_NAMES)[0]}"
            if name not in self.used_names:
                break
        self.used_names.add(name)
        return name

    def _registrations(self, series: TrainingSeries, professions, *, members: bool) -> list[Registration]:
        logins = {}
        if members:
            for handle, profession in content.MEMBER_PARTICIPANTS.items():
                membership = (Membership.objects.filter(user__email=DEMO_EMAIL.format(handle), is_active=True)
                              .select_related("user", "organization").order_by("pk").first())
                if membership is not None:
                    logins[profession] = membership
        rows = []
        for profession, count in professions:
            kind, service_types = content.PROFESSION_PLACES[profession]
            pool = [f for f in self.facilities if f.kind == kind
                    and (service_types is None or f.service_type in service_types)]
            for _ in range(count):
                membership = logins.pop(profession, None)
                facility = None
                if membership is not None:
                    facility = next((f for f in pool if f.organization_id == membership.organization_id), None)
                elif pool:
                    facility = self.rng.choice(pool)
                rows.append(Registration(
                    series=series, membership=membership,
                    name=membership.user.display_name if membership else self._name(), profession=profession,
                    facility=facility,
                    organization_name=membership.organization.name if membership and facility is None else "",
                    email=membership.user.email if membership else ""))
        self.rng.shuffle(rows)
        return self._bulk_create(Registration, rows)

    def _attendance(self, registrations: list[Registration], sessions: list[TrainingSession], *,
                    cancelled: int) -> list[Registration]:
        """Attendance of the held sessions (a few absences); the last `cancelled` registrations cancelled."""
        gone = [r for r in registrations if r.membership_id is None][-cancelled:] if cancelled else []
        for registration in gone:
            registration.cancelled_at = _aware(sessions[0].starts_at.date() - dt.timedelta(days=3), dt.time(12))
        Registration.objects.bulk_update(gone, ["cancelled_at"])
        active = [r for r in registrations if r not in gone]
        rows = [Attendance(registration=r, session=s, attended=self.rng.random() < 0.88, recorded_by=self.coordinator)
                for s in sessions if s.status == TrainingSession.Status.HELD for r in active]
        self._bulk_create(Attendance, rows)
        self.summary.registrations += len(registrations)
        return active

    def _surveys(self, instrument: Instrument, active: list[Registration], sessions: list[TrainingSession]) -> None:
        """30 pairs laid out item by item (see ITEM_CHANGES), 3 who answered only before, 3 only after."""
        items = list(instrument.items.filter(is_active=True).order_by("order", "pk"))
        likert = [i for i in items if i.kind == InstrumentItem.Kind.LIKERT]
        text_item = next((i for i in items if i.kind == InstrumentItem.Kind.TEXT), None)
        needed = content.PAIRS + content.PRE_ONLY + content.POST_ONLY
        people = active[:needed]
        paired = people[:content.PAIRS]
        pre_only = people[content.PAIRS:content.PAIRS + content.PRE_ONLY]
        post_only = people[content.PAIRS + content.PRE_ONLY:]
        # Each item's differences over the pairs, shuffled so that no one improves on everything.
        changes = []
        for up, down, big, _usual in content.ITEM_CHANGES[:len(likert)]:
            diffs = [2] * big + [1] * (up - big) + [-1] * down
            diffs += [0] * (len(paired) - len(diffs))
            self.rng.shuffle(diffs)
            changes.append(diffs)
        before_at = _aware(sessions[0].starts_at.date() - dt.timedelta(days=2), dt.time(20, 15))
        after_at = _aware(sessions[-1].starts_at.date() + dt.timedelta(days=1), dt.time(21, 0))
        responses, values = [], []
        for person_index, registration in enumerate(paired):
            pre, post = [], []
            for item_index, _item in enumerate(likert):
                diff = changes[item_index][person_index]
                usual = content.ITEM_CHANGES[item_index][3]
                low, high = max(1, 1 - diff), min(4, 4 - diff)
                before = min(high, max(low, usual + self.rng.choice([-1, 0, 0, 0, 1])))
                pre.append(before)
                post.append(before + diff)
            responses += [SurveyResponse(registration=registration, phase=Phase.PRE, submitted_at=before_at),
                          SurveyResponse(registration=registration, phase=Phase.POST, submitted_at=after_at)]
            values += [(pre, ""), (post, self.rng.choice(content.TEXT_ANSWERS))]
        for phase, group, at in ((Phase.PRE, pre_only, before_at), (Phase.POST, post_only, after_at)):
            for registration in group:
                answers = [min(4, max(1, usual + (phase == Phase.POST) + self.rng.choice([-1, 0, 0, 1])))
                           for *_rest, usual in content.ITEM_CHANGES[:len(likert)]]
                responses.append(SurveyResponse(registration=registration, phase=phase, submitted_at=at))
                values.append((answers, ""))
        responses = self._bulk_create(SurveyResponse, responses)
        answers = []
        for response, (numbers, text) in zip(responses, values, strict=True):
            answers += [SurveyAnswer(response=response, item=item, value=value)
                        for item, value in zip(likert, numbers, strict=True)]
            if text_item is not None and text:
                answers.append(SurveyAnswer(response=response, item=text_item, text=text))
        self._bulk_create(SurveyAnswer, answers)
        self.summary.pairs = len(paired)
        self.summary.single_phase = len(pre_only) + len(post_only)

    # --- awareness ---------------------------------------------------------------------------------------------

    def awareness(self) -> None:
        areas = {a.name: a for a in DailyLivingArea.objects.filter(municipality=self.city)}
        office = (Organization.objects.filter(municipality=self.city, kind=Organization.Kind.MUNICIPALITY_OFFICE)
                  .order_by("pk").first())
        this_year = fiscal_year_of(self.today)
        rows = []
        for years_back, spec in zip(content.AWARENESS_YEARS, content.AWARENESS, strict=True):
            kind, themes, month, day, title, area, place, audience, capacity, count = spec
            fiscal = this_year - years_back
            date = dt.date(fiscal if month >= 4 else fiscal + 1, month, day)
            if kind == "public_lecture":
                date = _weekday(date, 5)  # lectures for residents are on Saturdays
            if date >= self.today:
                continue  # built early in a fiscal year: this year's later activities have not happened yet
            counted = {"copies": count} if kind in ("article", "leaflet") else {"attendance": count}
            timed = kind in ("public_lecture", "outreach_lecture")
            rows.append(AwarenessActivity(
                municipality=self.city, kind=kind, title=title, description=content.DESCRIPTIONS[kind],
                themes=themes, date=date, starts_at=dt.time(13, 30) if timed else None,
                ends_at=dt.time(15, 0) if timed else None, place=place, daily_living_area=areas.get(area),
                audience=audience, capacity=capacity, organizer=self.organizer if kind == "public_lecture" else office,
                contact=content.CONTACT, is_published=timed, created_by=self.coordinator, **counted))
        for months_ahead, kind, themes, title, area, place, audience, capacity in content.UPCOMING:
            first = dt.date(self.today.year + (self.today.month + months_ahead - 1) // 12,
                            (self.today.month + months_ahead - 1) % 12 + 1, 1)
            date = _weekday(first, 5) + dt.timedelta(weeks=2)  # the third Saturday of that month
            rows.append(AwarenessActivity(
                municipality=self.city, kind=kind, title=title, description=content.DESCRIPTIONS[kind], themes=themes,
                date=date, starts_at=dt.time(13, 30), ends_at=dt.time(15, 30), place=place,
                daily_living_area=areas.get(area), audience=audience, capacity=capacity,
                how_to_join=content.HOW_TO_JOIN, contact=content.CONTACT,
                organizer=self.organizer if kind == "public_lecture" else office, is_published=True,
                created_by=self.coordinator))
            self.summary.upcoming.append(f"{date:%Y-%m-%d} {title}")
        activities = self._bulk_create(AwarenessActivity, rows)
        self._questionnaires([a for a in activities if a.attendance and a.date < self.today])
        self.summary.activities = len(activities)
        reached = {a.daily_living_area.name for a in activities if a.daily_living_area_id}
        self.summary.areas_reached = sorted(reached)
        self.summary.never_reached = sorted(set(areas) - reached)

    def _questionnaires(self, activities: list[AwarenessActivity]) -> None:
        """About half of those who came answered: understanding before and after, the intention to talk about ACP."""
        rng = self.rng
        rows = []
        for activity in activities:
            acp = "acp" in activity.themes
            intentions = ([("will_talk", 48), ("already", 14), ("not_now", 18), ("unsure", 20)] if acp else
                          [("will_talk", 30), ("already", 15), ("not_now", 30), ("unsure", 25)])
            at = _aware(activity.date, activity.ends_at or dt.time(16))
            for _ in range(round(activity.attendance * rng.uniform(0.45, 0.65))):
                before = rng.choices([1, 2, 3, 4], weights=[25, 45, 25, 5])[0]
                after = min(4, before + rng.choice([0, 1, 1, 1, 2]))
                rows.append(AwarenessResponse(
                    activity=activity, submitted_at=at,
                    source=rng.choices(["paper", "link"], weights=[7, 3])[0], understanding_before=before,
                    understanding_after=after,
                    acp_intention=rng.choices(*zip(*intentions, strict=True))[0],
                    age_band=rng.choices(["under_40", "40_64", "65_74", "75_plus"], weights=[5, 20, 40, 35])[0],
                    comment=rng.choice(content.COMMENTS)))
        self._bulk_create(AwarenessResponse, rows)
        self.summary.responses = len(rows)


def training_demo_summary(summary: TrainingDemo) -> list[str]:
    """The lines `renkei demo` prints about training and awareness."""
    lines = [f"Training: {summary.series} series, {summary.sessions} sessions, {summary.registrations} registrations; "
             f"this year's survey: {summary.pairs} pairs before/after and {summary.single_phase} single answers",
             f"Awareness: {summary.activities} activities, {summary.responses} residents' questionnaires; areas "
             f"reached {len(summary.areas_reached)}, never reached: {', '.join(summary.never_reached) or 'none'}"]
    lines += [f"  on the residents' calendar: {line}" for line in summary.upcoming]
    return lines
