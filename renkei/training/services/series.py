"""Writes of the series screens: series and sessions (versioned), registrations (one, or a pasted list or CSV,
all or nothing), cancellations and attendance.

Each service asks the policy on the object the write resolves to and runs in one transaction. Single saves are
logged by the audit signals (a registration's name and e-mail are never written to the log); bulk writes log
one entry per row themselves, without names.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from renkei.core import audit, policy
from renkei.core.concurrency import lock_checked
from renkei.core.files import FileError, decode_bytes
from renkei.core.joint_projects import check_joint_project
from renkei.core.models import AuditEntry, Membership, Profession
from renkei.directory.models import Facility

from ..models import Attendance, Registration, SurveyResponse, TrainingSeries, TrainingSession
from ..selectors.series import active_registrations, series_capacity

MANAGE = "training.manage_series"
MAX_IMPORT_LINES = 1000
HEADER_NAMES = {"name", "氏名", "名前", "お名前"}
# What people write in a list for a profession (the Japanese labels and common short forms).
PROFESSION_ALIASES = {
    "医師": Profession.DOCTOR, "ドクター": Profession.DOCTOR, "歯科医師": Profession.DENTIST,
    "歯科医": Profession.DENTIST, "薬剤師": Profession.PHARMACIST, "看護師": Profession.NURSE,
    "准看護師": Profession.NURSE, "訪問看護師": Profession.VISITING_NURSE, "保健師": Profession.PUBLIC_HEALTH_NURSE,
    "介護支援専門員": Profession.CARE_MANAGER, "ケアマネジャー": Profession.CARE_MANAGER,
    "ケアマネージャー": Profession.CARE_MANAGER, "ケアマネ": Profession.CARE_MANAGER,
    "主任介護支援専門員": Profession.CARE_MANAGER, "医療ソーシャルワーカー": Profession.MEDICAL_SOCIAL_WORKER,
    "MSW": Profession.MEDICAL_SOCIAL_WORKER, "退院調整看護師": Profession.DISCHARGE_NURSE,
    "入退院支援看護師": Profession.DISCHARGE_NURSE, "理学療法士": Profession.PHYSICAL_THERAPIST,
    "PT": Profession.PHYSICAL_THERAPIST, "作業療法士": Profession.OCCUPATIONAL_THERAPIST,
    "OT": Profession.OCCUPATIONAL_THERAPIST, "言語聴覚士": Profession.SPEECH_THERAPIST,
    "ST": Profession.SPEECH_THERAPIST, "管理栄養士": Profession.DIETITIAN, "栄養士": Profession.DIETITIAN,
    "歯科衛生士": Profession.DENTAL_HYGIENIST, "介護福祉士": Profession.CARE_WORKER, "介護職": Profession.CARE_WORKER,
    "介護職員": Profession.CARE_WORKER, "ホームヘルパー": Profession.HOME_HELPER,
    "訪問介護員": Profession.HOME_HELPER, "社会福祉士": Profession.SOCIAL_WORKER,
    "生活支援コーディネーター": Profession.COMMUNITY_LIFE_COORDINATOR, "民生委員": Profession.WELFARE_COMMISSIONER,
}


class OverCapacity(ValidationError):
    """The registration would pass the series' places; the staff may confirm and register anyway."""

    def __init__(self, capacity: int, registered: int, adding: int):
        self.capacity, self.registered, self.adding = capacity, registered, adding
        super().__init__(_("The series has %(capacity)s places and %(registered)s registrations: adding "
                           "%(adding)s passes the capacity. Confirm to register anyway.")
                         % {"capacity": capacity, "registered": registered, "adding": adding},
                         code="over_capacity")


@dataclass(frozen=True)
class LineError:
    line: int
    ja: str
    en: str

    def __str__(self) -> str:
        return f"{self.line}行目: {self.ja} / line {self.line}: {self.en}"


class ImportRejected(ValidationError):
    """A pasted list or CSV with bad lines: nothing was registered. `errors` are line-numbered, in both languages."""

    def __init__(self, errors: list[LineError]):
        self.line_errors = errors
        super().__init__([str(e) for e in errors], code="import_rejected")


# --- series and sessions ----------------------------------------------------------------------------------

def series_save(*, membership, series: TrainingSeries, expected_version: int | None = None) -> TrainingSeries:
    """Create or update a series (the form has set its fields); raises StaleEdit when edited meanwhile."""
    # An edit is decided on the stored series below (a joint project's partners run it too).
    policy.require(membership, MANAGE, series.municipality if series.pk is None else series)
    _check_instrument(membership, series)
    check_joint_project(membership, series)
    with transaction.atomic():
        if series.pk:
            stored = lock_checked(series, expected_version)
            policy.require(membership, MANAGE, stored)
            if stored.instrument_id != series.instrument_id and SurveyResponse.objects.filter(
                    registration__series=series).exists():
                # Answers to the old questions would be paired with nothing (or summed into a total with
                # questions the table no longer shows): the instrument is fixed once anyone has answered.
                raise ValidationError({"instrument": _(
                    "Participants have already answered this series' survey: its instrument can no longer be "
                    "changed. Retire or add questions on the instrument instead.")})
        else:
            series.created_by = membership
        series.target_professions = sorted(set(series.target_professions or []))
        series.full_clean()
        series.save()
    return series


def _check_instrument(membership, series: TrainingSeries) -> None:
    """The chosen instrument must be a built-in one or the series' municipality's own, readable by the member
    (the form offers only those; a posted id of another municipality's instrument is refused here too)."""
    instrument = series.instrument
    if instrument is None:
        return
    if instrument.municipality_id not in (None, series.municipality_id) or not policy.check(
            membership, "training.view_instruments", instrument):
        raise ValidationError({"instrument": _("Choose a built-in instrument or one of the municipality's own.")})


def _check_session(session: TrainingSession) -> None:
    errors = {}
    if session.ends_at and session.ends_at <= session.starts_at:
        errors["ends_at"] = _("The end must come after the start.")
    if not session.place.strip() and not session.video_url.strip():
        errors["place"] = _("Enter a place or a video link.")
    if errors:
        raise ValidationError(errors)


def capacity_warnings(session: TrainingSession) -> list[str]:
    """Messages for a session whose capacity is below the series' registrations (nothing is refused)."""
    if session.capacity is None or session.status == TrainingSession.Status.CANCELLED:
        return []
    registered = active_registrations(session.series).count()
    if registered > session.capacity:
        return [_("%(registered)s people are registered but the session has %(capacity)s places.")
                % {"registered": registered, "capacity": session.capacity}]
    return []


def session_save(*, membership, session: TrainingSession, expected_version: int | None = None) -> list[str]:
    """Create or update a session; returns capacity warnings. Raises ValidationError (end before start, no
    place) or StaleEdit."""
    policy.require(membership, MANAGE, session.series)
    _check_session(session)
    with transaction.atomic():
        if session.pk:
            lock_checked(session, expected_version)
        session.full_clean(exclude=["series"])
        session.save()
    return capacity_warnings(session)


def session_cancel(*, membership, session: TrainingSession) -> TrainingSession:
    """Cancel a session (kept, marked cancelled: attendance recorded stays but counts nowhere)."""
    policy.require(membership, MANAGE, session)
    with transaction.atomic():
        lock_checked(session, None)
        session.status = TrainingSession.Status.CANCELLED
        session.save(update_fields=["status"])
    return session


# --- registrations ----------------------------------------------------------------------------------------

def _check_capacity(series: TrainingSeries, adding: int, confirmed: bool) -> None:
    capacity = series_capacity(series)
    registered = active_registrations(series).count()
    if capacity is not None and registered + adding > capacity and not confirmed:
        raise OverCapacity(capacity, registered, adding)


def _facility_of_organization(organization) -> Facility | None:
    return Facility.objects.filter(organization=organization, status=Facility.Status.OPEN).order_by("pk").first()


def registration_add(*, membership, series: TrainingSeries, name: str = "", profession: str = "",
                     profession_other: str = "", facility: Facility | None = None, member: Membership | None = None,
                     organization_name: str = "", email: str = "", confirm_over_capacity: bool = False
                     ) -> Registration:
    """Register one participant: a Renkei member (name, profession and organization from the account), or a
    name and profession with a directory facility or an organization as written.

    Raises OverCapacity unless `confirm_over_capacity`, ValidationError for a missing name or a duplicate.
    """
    policy.require(membership, MANAGE, series)
    registration = Registration(series=series, name=name.strip(), profession=profession,
                                profession_other=profession_other.strip(), facility=facility,
                                organization_name=organization_name.strip(), email=email.strip())
    if member is not None:
        if member.organization.municipality_id not in (series.municipality_id, None) and \
                member.organization.municipality.parent_id != series.municipality_id:
            raise ValidationError(_("This member's organization is not in the series' municipality."))
        registration.membership = member
        registration.name = registration.name or member.user.display_name or member.user.email
        registration.profession = registration.profession or member.profession or ""
        registration.facility = _facility_of_organization(member.organization)
        registration.organization_name = "" if registration.facility else member.organization.name
        registration.email = registration.email or member.user.email
    if facility is not None and facility.municipality_id != series.municipality_id and \
            facility.municipality.parent_id != series.municipality_id:
        raise ValidationError(_("This facility is not in the series' municipality."))
    if not registration.name:
        raise ValidationError({"name": _("Enter the participant's name.")})
    with transaction.atomic():
        lock_checked(series, None)  # one registration at a time per series: the capacity check holds
        duplicate = active_registrations(series).filter(name=registration.name)
        if member is not None:
            duplicate = active_registrations(series).filter(membership=member) | duplicate.filter(
                facility=registration.facility, organization_name=registration.organization_name)
        else:
            duplicate = duplicate.filter(facility=registration.facility,
                                         organization_name=registration.organization_name)
        if duplicate.exists():
            raise ValidationError(_("This participant is already registered."))
        _check_capacity(series, 1, confirm_over_capacity)
        registration.full_clean()
        registration.save()
    return registration


def registration_cancel(*, membership, registration: Registration) -> Registration:
    """Cancel a registration (kept for the record, with its attendance; no longer counted as registered)."""
    policy.require(membership, MANAGE, registration.series)
    with transaction.atomic():
        if registration.cancelled_at is None:
            registration.cancelled_at = timezone.now()
            registration.save(update_fields=["cancelled_at"])
    return registration


def _normal(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").strip()


def profession_from_text(text: str) -> tuple[str, str]:
    """(profession code, other text) for what a list says: a code, the English or Japanese label, a short form."""
    value = _normal(text)
    if not value:
        return "", ""
    if value in Profession.values:
        return value, ""
    if value.upper() in PROFESSION_ALIASES or value in PROFESSION_ALIASES:
        return str(PROFESSION_ALIASES.get(value, PROFESSION_ALIASES.get(value.upper()))), ""
    for code, label in Profession.choices:
        if value.lower() == str(label).lower():
            return code, ""
        with translation.override("ja"):
            if value == str(label):
                return code, ""
    return "", value[:60]


def _rows_of(text: str) -> list[tuple[int, list[str]]]:
    """(line number, cells) of a pasted list (tab separated, as copied from Excel) or a CSV; blank lines skipped."""
    rows = []
    lines = text.splitlines()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        cells = line.split("\t") if "\t" in line else next(csv.reader(io.StringIO(line)), [])
        rows.append((number, [_normal(c) for c in cells]))
    if rows and rows[0][1] and rows[0][1][0].lower() in HEADER_NAMES:
        rows = rows[1:]
    return rows


def decode_upload(data: bytes) -> str:
    """A CSV file's text: UTF-8 (with or without BOM), else Shift_JIS as Excel writes it in Japan (the shared
    `core.files.decode_bytes`: an Excel workbook, an image or a PDF is refused, not read as garbled names).
    A NUL character anywhere is refused: PostgreSQL cannot store it."""
    try:
        text, _encoding = decode_bytes(data)
    except FileError as error:
        raise ImportRejected([LineError(0, error.reason, error.reason_en)]) from error
    if "\x00" in text:
        raise ImportRejected([LineError(0, "ファイルに NUL 文字が含まれています（CSV として保存し直してください）",
                                        "the file holds a NUL character (save it again as CSV)")])
    return text


def registrations_import(*, membership, series: TrainingSeries, text: str, confirm_over_capacity: bool = False
                         ) -> list[Registration]:
    """Register every line of a pasted list or CSV (name, profession, organization), all or nothing.

    An organization written exactly as an open directory facility of the municipality is linked to it.
    Raises ImportRejected with every bad line (numbered as in the text), or OverCapacity.
    """
    policy.require(membership, MANAGE, series)
    rows = _rows_of(text)
    errors: list[LineError] = []
    if not rows:
        raise ImportRejected([LineError(0, "登録する行がありません", "there is no line to register")])
    if len(rows) > MAX_IMPORT_LINES:
        raise ImportRejected([LineError(0, f"一度に登録できるのは{MAX_IMPORT_LINES}行までです",
                                        f"at most {MAX_IMPORT_LINES} lines at once")])
    names = {row[2] for _, row in rows if len(row) > 2 and row[2]}
    municipality = series.municipality
    facilities = {f.name: f for f in Facility.objects.filter(name__in=names, status=Facility.Status.OPEN,
                                                            municipality=municipality).order_by("-pk")}
    existing = {(r.name, r.facility_id, r.organization_name) for r in active_registrations(series)}
    seen: dict[tuple, int] = {}
    registrations = []
    for number, cells in rows:
        if len(cells) > 3:
            errors.append(LineError(number, f"列が多すぎます（{len(cells)}列）。氏名, 職種, 所属 の3列にしてください",
                                    f"too many columns ({len(cells)}): use name, profession, organization"))
            continue
        name, profession_text, organization = (cells + ["", "", ""])[:3]
        if not name:
            errors.append(LineError(number, "氏名がありません", "the name is missing"))
            continue
        if len(name) > 80:
            errors.append(LineError(number, "氏名が長すぎます（80文字まで）", "the name is longer than 80 characters"))
            continue
        if len(organization) > 120:
            errors.append(LineError(number, "所属が長すぎます（120文字まで）",
                                    "the organization is longer than 120 characters"))
            continue
        profession, other = profession_from_text(profession_text)
        facility = facilities.get(organization)
        key = (name, facility.pk if facility else None, "" if facility else organization)
        if key in existing:
            errors.append(LineError(number, f"「{name}」はすでに登録されています", f"“{name}” is already registered"))
            continue
        if key in seen:
            errors.append(LineError(number, f"{seen[key]}行目と同じ人です", f"the same person as line {seen[key]}"))
            continue
        seen[key] = number
        registrations.append(Registration(series=series, name=name, profession=profession, profession_other=other,
                                          facility=facility, organization_name="" if facility else organization))
    if errors:
        raise ImportRejected(errors)
    with transaction.atomic():
        lock_checked(series, None)
        _check_capacity(series, len(registrations), confirm_over_capacity)
        created = Registration.objects.bulk_create(registrations)
        if not all(r.pk for r in created):  # backends without RETURNING: read the new rows back
            created = list(active_registrations(series).order_by("-pk")[:len(registrations)])[::-1]
        audit.record_many([{"action": AuditEntry.Action.CREATE, "obj": r, "permission": MANAGE,
                            "changes": {"profession": r.profession, "facility": r.facility_id, "via": "list"}}
                           for r in created])
    return created


# --- attendance -------------------------------------------------------------------------------------------

def _check_session_open(session: TrainingSession) -> None:
    if session.status == TrainingSession.Status.CANCELLED:
        raise ValidationError(_("This session was cancelled: no attendance is recorded."))
    if session.starts_at > timezone.now():
        raise ValidationError(_("Attendance is recorded once the session has started."))


def attendance_set(*, membership, session: TrainingSession, registration: Registration, attended: bool
                   ) -> Attendance:
    """Record whether a registered participant came to a session (only once it has started)."""
    policy.require(membership, MANAGE, session.series)
    if registration.series_id != session.series_id or registration.cancelled_at is not None:
        raise ValidationError(_("This person is not registered for the series."))
    _check_session_open(session)
    with transaction.atomic():
        attendance = Attendance.objects.select_for_update().filter(session=session, registration=registration).first()
        if attendance is None:
            attendance = Attendance(session=session, registration=registration)
        attendance.attended = attended
        attendance.recorded_by = membership
        attendance.save()
    return attendance


def attendance_mark_all(*, membership, session: TrainingSession) -> int:
    """Mark every registered participant present at a started session; returns how many were changed."""
    policy.require(membership, MANAGE, session.series)
    _check_session_open(session)
    with transaction.atomic():
        rows = {a.registration_id: a for a in Attendance.objects.select_for_update().filter(session=session)}
        created, updated = [], []
        for registration in active_registrations(session.series).order_by("pk"):
            attendance = rows.get(registration.pk)
            if attendance is None:
                created.append(Attendance(session=session, registration=registration, attended=True,
                                          recorded_by=membership))
            elif not attendance.attended:
                attendance.attended, attendance.recorded_by, attendance.recorded_at = True, membership, timezone.now()
                updated.append(attendance)
        Attendance.objects.bulk_create(created)
        Attendance.objects.bulk_update(updated, ["attended", "recorded_by", "recorded_at"])
        changed = [*created, *updated]
        audit.record_many([{"action": AuditEntry.Action.BULK, "object_type": "training.attendance",
                            "object_id": f"{session.pk}:{a.registration_id}", "object_label": str(session),
                            "owner": session.series.municipality, "permission": MANAGE,
                            "changes": {"attended": True, "session": session.pk, "registration": a.registration_id}}
                           for a in changed])
    return len(changed)


def export_record(*, series_or_municipality, what: str, count: int, fiscal_year: int | None = None) -> None:
    """The `export` audit entry of a certificate, the certificates of a series or the year's workbook."""
    changes = {"what": what, "count": count}
    if fiscal_year is not None:
        changes["fiscal_year"] = fiscal_year
    audit.record(action=AuditEntry.Action.EXPORT, obj=series_or_municipality, permission="training.view_series",
                 changes=changes)
