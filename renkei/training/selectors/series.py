"""Reads for the series screens: the year's series of a municipality, one series with its sessions and counts,
the participants of a series, a session's attendance checklist, and who may be registered (members, facilities).

Lists are built from `policy.scope(...)`; the views have already asked the policy about the object they show.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from renkei.core import policy
from renkei.core.models import JointProject, Membership, Municipality, Profession, Role
from renkei.directory.models import Facility
from renkei.directory.selectors.search import name_term_q, query_terms
from renkei.indicators.periods import fiscal_year_of

from ..models import Attendance, Instrument, Registration, TrainingSeries, TrainingSession

VIEW, MANAGE = "training.view_series", "training.manage_series"
SEARCH_LIMIT = 20


def current_fiscal_year() -> int:
    return fiscal_year_of(timezone.localdate())


def series_or_404(series_id: int) -> TrainingSeries:
    """One series with what its pages show joined in (404 when missing)."""
    return get_object_or_404(TrainingSeries.objects.select_related("municipality__prefecture", "organizer",
                                                                   "instrument"), pk=series_id)


def session_or_404(session_id: int) -> TrainingSession:
    return get_object_or_404(TrainingSession.objects.select_related("series__municipality__prefecture"),
                             pk=session_id)


def registration_or_404(registration_id: int) -> Registration:
    return get_object_or_404(Registration.objects.select_related("series__municipality__prefecture", "facility"),
                             pk=registration_id)


def viewer_municipalities(membership) -> QuerySet[Municipality]:
    """The municipalities whose series the member may read (a prefecture's staff: those of their prefecture)."""
    queryset = Municipality.objects.filter(abolished_on__isnull=True).order_by("code")
    own = membership.organization.municipality_id
    if membership.role == Role.PREFECTURE_STAFF:
        return queryset.filter(prefecture_id=membership.organization.prefecture_id)
    if membership.role == Role.SYSTEM_ADMIN and own is None:
        return queryset
    return queryset.filter(Q(pk=own) | Q(parent_id=own)) if own else queryset.none()


def series_counts(queryset: QuerySet[TrainingSeries]) -> QuerySet[TrainingSeries]:
    """Annotate each series with its sessions (not cancelled), registrations (not cancelled) and attendances (as
    reach counts them: present, at a session not cancelled that has started, registration not cancelled)."""
    live = ~Q(sessions__status=TrainingSession.Status.CANCELLED)
    return queryset.annotate(
        session_count=Count("sessions", filter=live, distinct=True),
        registration_count=Count("registrations", filter=Q(registrations__cancelled_at__isnull=True),
                                 distinct=True),
        attendance_count=Count("sessions__attendances", distinct=True, filter=live & Q(
            sessions__attendances__attended=True, sessions__starts_at__lte=timezone.now(),
            sessions__attendances__registration__cancelled_at__isnull=True)),
    )


def year_series(membership, municipality: Municipality | None, fiscal_year: int) -> list[TrainingSeries]:
    """The series of a municipality (None: of every municipality the member reads) and fiscal year the member
    may read, with counts and sessions."""
    queryset = TrainingSeries.objects.filter(fiscal_year=fiscal_year)
    if municipality is not None:  # its own series and its joint projects' (共同実施)
        queryset = queryset.filter(Q(municipality=municipality) | Q(joint_project__in=JointProject.objects.filter(
            municipalities=municipality).values("pk")))
    queryset = policy.scope(membership, VIEW, queryset)
    sessions = TrainingSession.objects.order_by("starts_at", "pk")
    return list(series_counts(queryset).select_related("organizer", "municipality")
                .prefetch_related(Prefetch("sessions", queryset=sessions)).order_by("title", "pk"))


def upcoming_sessions(series_list: list[TrainingSeries], *, limit: int = 10) -> list[TrainingSession]:
    """The sessions still to come of the listed series (already prefetched), soonest first."""
    now = timezone.now()
    sessions = [session for series in series_list for session in series.sessions.all()
                if session.starts_at >= now and session.status != TrainingSession.Status.CANCELLED]
    return sorted(sessions, key=lambda s: (s.starts_at, s.pk))[:limit]


def fiscal_years_of(membership, municipality: Municipality) -> list[int]:
    """The fiscal years with series (and the current one), newest first, for the year switcher."""
    years = set(policy.scope(membership, VIEW, TrainingSeries.objects.filter(municipality=municipality))
                .values_list("fiscal_year", flat=True).distinct())
    years.add(current_fiscal_year())
    return sorted(years, reverse=True)


@dataclass
class SessionRow:
    session: TrainingSession
    attended: int
    has_started: bool
    over_capacity: bool


def series_sessions(series: TrainingSeries) -> list[SessionRow]:
    """The series' sessions in order, each with its count of attendees."""
    now = timezone.now()
    registered = active_registrations(series).count()
    sessions = series.sessions.annotate(
        attended_count=Count("attendances", filter=Q(attendances__attended=True,
                                                     attendances__registration__cancelled_at__isnull=True)))
    return [SessionRow(s, s.attended_count, s.starts_at <= now,
                       s.capacity is not None and registered > s.capacity) for s in sessions.order_by("starts_at")]


def attended_by_session(series_list: list[TrainingSeries]) -> dict[int, int]:
    """{session id: attendees} over the listed series' sessions in one query (present, registration not
    cancelled: as `series_sessions` counts them), for lists that would otherwise ask once per series."""
    return dict(Attendance.objects.filter(session__series__in=[s.pk for s in series_list], attended=True,
                                          registration__cancelled_at__isnull=True)
                .values("session_id").annotate(n=Count("pk")).values_list("session_id", "n").order_by())


def active_registrations(series: TrainingSeries) -> QuerySet[Registration]:
    return series.registrations.filter(cancelled_at__isnull=True)


def series_capacity(series: TrainingSeries) -> int | None:
    """The places of a series: the smallest capacity of its sessions not cancelled (None: no limit).

    Everyone registered is expected at every session, so the smallest room decides.
    """
    capacities = [c for c in series.sessions.exclude(status=TrainingSession.Status.CANCELLED)
                  .values_list("capacity", flat=True) if c is not None]
    return min(capacities) if capacities else None


def participants(series: TrainingSeries) -> list[Registration]:
    """The registrations of a series (active first, then cancelled) with their attendance count."""
    return list(series.registrations.select_related("facility", "membership__organization")
                .annotate(attended_count=Count("attendances", filter=Q(attendances__attended=True)))
                .order_by("cancelled_at", "registered_at", "pk"))


@dataclass
class ChecklistRow:
    registration: Registration
    attended: bool


def attendance_checklist(session: TrainingSession) -> list[ChecklistRow]:
    """The session's series' active registrations, each ticked when recorded as present."""
    present = Attendance.objects.filter(session=session, registration=OuterRef("pk"), attended=True)
    rows = (active_registrations(session.series).select_related("facility").annotate(present=Exists(present))
            .order_by("name", "pk"))
    return [ChecklistRow(r, r.present) for r in rows]


def profession_label(code: str) -> str:
    return str(dict(Profession.choices).get(code, code)) if code else ""


def organization_label(registration: Registration) -> str:
    if registration.facility_id:
        return registration.facility.name
    return registration.organization_name


def members_to_register(series: TrainingSeries, q: str = "") -> QuerySet[Membership]:
    """Active Renkei members of organizations in the series' municipality (and its wards), by name or e-mail."""
    municipality = series.municipality
    queryset = (Membership.objects.filter(is_active=True, user__is_active=True)
                .filter(Q(organization__municipality=municipality) | Q(organization__municipality__parent=municipality))
                .select_related("user", "organization").order_by("organization__name", "user__email"))
    if q:
        queryset = queryset.filter(Q(user__display_name__icontains=q) | Q(user__email__icontains=q)
                                   | Q(organization__name__icontains=q))
    return queryset


def facilities_to_register(series: TrainingSeries, q: str) -> list[Facility]:
    """Open directory facilities of the series' municipality whose name matches `q` (the directory's matching)."""
    terms = query_terms(q)
    if not terms:
        return []
    condition = Q()
    for term in terms:
        condition &= name_term_q(term)
    municipality = series.municipality
    return list(Facility.objects.filter(condition, status=Facility.Status.OPEN)
                .filter(Q(municipality=municipality) | Q(municipality__parent=municipality))
                .order_by("kind", "kana", "name", "pk")[:SEARCH_LIMIT])


def instruments_for(membership, municipality: Municipality) -> QuerySet[Instrument]:
    """The survey instruments a series may use: built-in first, then the municipality's own (active only)."""
    scoped = policy.scope(membership, "training.view_instruments", Instrument.objects.filter(is_active=True))
    return scoped.filter(Q(municipality__isnull=True) | Q(municipality=municipality)).order_by(
        F("municipality_id").asc(nulls_first=True), "name")


def attended_registrations(series: TrainingSeries) -> list[Registration]:
    """Who may get a certificate: active registrations with at least one attended session (not cancelled)."""
    attended = Attendance.objects.filter(attended=True).exclude(
        session__status=TrainingSession.Status.CANCELLED).select_related("session").order_by("session__starts_at")
    came = attended.filter(registration=OuterRef("pk"))
    return list(active_registrations(series).filter(Exists(came)).select_related("facility")
                .prefetch_related(Prefetch("attendances", queryset=attended, to_attr="attended_sessions"))
                .order_by("name", "pk"))
