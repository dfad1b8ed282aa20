"""The series' indicator providers for the PDCA engine (definitions ZT-C-P04, P05 and P14 in indicators/library.py).

Per municipality (a designated city also gets its wards' training) and fiscal year, up to now: sessions not
cancelled whose start lies in the period and not in the future; attendances (present, registration not
cancelled) at those sessions; and the share of those attendances by doctors, dentists and pharmacists. One
aggregate query per provider.

A joint project's series (共同実施, `joint_project` set) counts for the project's municipalities, not for its
owner alone: each session held counts for every project municipality (it served them all); each attendance
counts once, for the municipality of the attendee's organization (directory facility) when it is one of the
project's, else for the project's lead municipality. Because a joint session counts for several
municipalities, `sessions_held` also returns the prefecture's own figure (each session once), which
`indicators_compute` uses instead of the sum of the municipalities. One more query per provider for joint work.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, F, Q
from django.utils import timezone

from renkei.core.models import JointProject, Municipality, Profession
from renkei.indicators.areas import Area
from renkei.indicators.periods import Period
from renkei.indicators.registry import Computed, register

from . import registrations
from .models import Attendance, TrainingSession

NOTE = "Renkei の研修の記録"
MEDICAL = (Profession.DOCTOR, Profession.DENTIST, Profession.PHARMACIST)


def _window(period: Period) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(period.start, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return start, min(end, timezone.now())


def _by_municipality(municipalities: list, rows, names: tuple[str, ...]) -> dict[int, dict[str, int]]:
    """Sum the rows ({"municipality", names…}) per municipality, a ward's also into its designated city."""
    by_id = {m.pk: m for m in municipalities}
    out: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(names, 0))
    for row in rows:
        targets = [row["municipality"]]
        parent = by_id[row["municipality"]].parent_id if row["municipality"] in by_id else None
        if parent in by_id:
            targets.append(parent)
        for target in targets:
            for name in names:
                out[target][name] += row[name] or 0
    return out


def _ids_with_wards(municipalities: list) -> list[int]:
    ids = [m.pk for m in municipalities]
    return ids + list(Municipality.objects.filter(parent_id__in=ids).exclude(pk__in=ids).values_list("pk", flat=True))


def _parent_of(municipality_id: int) -> int | None:
    return Municipality.objects.filter(pk=municipality_id).values_list("parent_id", flat=True).first()


def _held_sessions(period: Period):
    start, end = _window(period)
    return (TrainingSession.objects.filter(starts_at__gte=start, starts_at__lt=end)
            .exclude(status=TrainingSession.Status.CANCELLED))


def _joint_session_rows(period: Period, *, municipality_ids=None, project_ids=None) -> list[tuple[int, int]]:
    """(session id, project municipality id) for every joint session held and every municipality of its
    project (restricted to `municipality_ids` / `project_ids` when given)."""
    rows = _held_sessions(period).filter(series__joint_project__isnull=False)
    if project_ids is not None:
        rows = rows.filter(series__joint_project_id__in=project_ids)
    through = JointProject.municipalities.through.objects.filter(
        jointproject_id__in=rows.values("series__joint_project_id"))
    if municipality_ids is not None:
        through = through.filter(municipality_id__in=municipality_ids)
    by_project: dict[int, list[int]] = defaultdict(list)
    for project_id, municipality_id in through.values_list("jointproject_id", "municipality_id"):
        by_project[project_id].append(municipality_id)
    return [(session_id, municipality_id)
            for session_id, project_id in rows.order_by().values_list("pk", "series__joint_project_id")
            for municipality_id in by_project.get(project_id, [])]


def sessions_held(municipalities: list, period: Period) -> list[Computed]:
    """ZT-C-P04: sessions held in the fiscal year (not cancelled, started by now); zero for the others. A joint
    session counts for each of its project's municipalities; the prefecture's figure counts it once."""
    ids = _ids_with_wards(municipalities)
    rows = (_held_sessions(period).filter(series__municipality_id__in=ids, series__joint_project__isnull=True)
            .order_by().values(municipality=F("series__municipality_id")).annotate(n=Count("pk")))
    found = _by_municipality(municipalities, rows, ("n",))
    by_id = {m.pk: m for m in municipalities}
    served: dict[int, set[int]] = defaultdict(set)  # session id: the top-level municipalities it counted for
    for session_id, municipality_id in _joint_session_rows(period, municipality_ids=ids):
        parent = by_id[municipality_id].parent_id if municipality_id in by_id else _parent_of(municipality_id)
        for target in (t for t in (municipality_id, parent) if t in by_id):
            found[target]["n"] += 1
            if by_id[target].parent_id is None:
                served[session_id].add(target)
    out = [Computed(Area.of_municipality(m), found[m.pk]["n"] if m.pk in found else 0, None, NOTE)
           for m in municipalities]
    overcount = sum(len(targets) - 1 for targets in served.values())
    if overcount and municipalities:
        total = sum(c.numerator for c, m in zip(out, municipalities, strict=True) if m.parent_id is None)
        out.append(Computed(Area.of_prefecture(municipalities[0].prefecture), total - overcount, None,
                            NOTE + "（共同実施の回は1回と数える）"))
    return out


def _attendance_rows(period: Period):
    start, end = _window(period)
    return (Attendance.objects.filter(attended=True, registration__cancelled_at__isnull=True,
                                      session__starts_at__gte=start, session__starts_at__lt=end)
            .exclude(session__status=TrainingSession.Status.CANCELLED))


def _joint_attendances(period: Period, *, municipality_ids=None, project_ids=None) -> list[dict]:
    """Rows {"municipality", "n", "medical"} of the joint series' attendances, each counted for the attendee's
    organization's municipality when it is one of the project's (or is a ward of one), else for the lead."""
    rows = _attendance_rows(period).filter(session__series__joint_project__isnull=False)
    if project_ids is not None:
        rows = rows.filter(session__series__joint_project_id__in=project_ids)
    members: dict[int, set[int]] = defaultdict(set)
    for project_id, municipality_id in JointProject.municipalities.through.objects.filter(
            jointproject_id__in=rows.values("session__series__joint_project_id")).values_list(
            "jointproject_id", "municipality_id"):
        members[project_id].add(municipality_id)
    out: dict[int, dict[str, int]] = defaultdict(lambda: {"n": 0, "medical": 0})
    for project_id, lead_id, home_id, home_parent_id, profession in rows.order_by().values_list(
            "session__series__joint_project_id", "session__series__joint_project__lead_municipality_id",
            "registration__facility__municipality_id", "registration__facility__municipality__parent_id",
            "registration__profession"):
        target = lead_id
        if home_id in members[project_id]:
            target = home_id
        elif home_parent_id in members[project_id]:
            target = home_parent_id
        if municipality_ids is not None and target not in municipality_ids:
            continue
        out[target]["n"] += 1
        out[target]["medical"] += profession in MEDICAL
    return [{"municipality": pk, **figures} for pk, figures in out.items()]


def _attendances(municipalities: list, period: Period):
    ids = _ids_with_wards(municipalities)
    own = (_attendance_rows(period).filter(session__series__municipality_id__in=ids,
                                           session__series__joint_project__isnull=True)
           .order_by().values(municipality=F("session__series__municipality_id"))
           .annotate(n=Count("pk"), medical=Count("pk", filter=Q(registration__profession__in=MEDICAL))))
    return [*own, *_joint_attendances(period, municipality_ids=set(ids))]


@dataclass
class JointTrainingShares:
    sessions: dict[int, int]  # municipality id: sessions held that served it
    attendances: dict[int, int]  # municipality id: attendances counted for it


def joint_training_shares(period: Period, *, project_ids: list[int]) -> JointTrainingShares:
    """Each project municipality's share of the projects' sessions and attendances (the providers' rules)."""
    sessions: dict[int, int] = defaultdict(int)
    for _session_id, municipality_id in _joint_session_rows(period, project_ids=project_ids):
        sessions[municipality_id] += 1
    attendances = {row["municipality"]: row["n"] for row in _joint_attendances(period, project_ids=project_ids)}
    return JointTrainingShares(dict(sessions), attendances)


def attendances(municipalities: list, period: Period) -> list[Computed]:
    """ZT-C-P05: attendances at the sessions held in the fiscal year (a person at two sessions counts twice)."""
    found = _by_municipality(municipalities, _attendances(municipalities, period), ("n", "medical"))
    return [Computed(Area.of_municipality(m), found[m.pk]["n"] if m.pk in found else 0, None, NOTE)
            for m in municipalities]


def medical_profession_share(municipalities: list, period: Period) -> list[Computed]:
    """ZT-C-P14: doctors', dentists' and pharmacists' attendances over all attendances (no value without any)."""
    found = _by_municipality(municipalities, _attendances(municipalities, period), ("n", "medical"))
    by_id = {m.pk: m for m in municipalities}
    return [Computed(Area.of_municipality(by_id[pk]), row["medical"], row["n"], NOTE)
            for pk, row in found.items() if pk in by_id and row["n"]]


PROVIDERS = {"training.sessions_held": sessions_held, "training.attendances": attendances,
             "training.medical_profession_share": medical_profession_share}


@registrations.on_ready
def register_series_indicator_providers() -> None:
    for key, provider in PROVIDERS.items():
        register(key, provider)
