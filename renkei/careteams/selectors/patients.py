"""One patient, "my patients", and finding a patient by exact identifiers: the policy and the read entry."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_noop

from renkei.core import audit, policy

from .. import access
from ..models import BreakGlassAccess, Patient

PATIENT_DETAILS = gettext_noop("patient details")
PATIENT_LIST = gettext_noop("patient list entry")
PATIENT_HEADER = gettext_noop("patient's name and date of birth")


def record_read(obj, *, what: str, permission: str, reason: str = "") -> None:
    """Log that the acting member read `what` of a patient's data (with the break-glass reason while one lasts)."""
    if not reason:
        reason = _break_glass_reason(obj)
    audit.record_read(obj, what=what, permission=permission, reason=reason)
    if isinstance(obj, Patient):
        obj._read_recorded = True  # the patient frame need not log its header again (record_header_read)


def record_header_read(membership, patient: Patient) -> None:
    """The patient frame shows name, kana and date of birth: a page that logged no read of the patient itself
    (a form, a confirmation) logs this one, so no page about a patient goes unrecorded."""
    if membership is None or patient is None or getattr(patient, "_read_recorded", False):
        return
    record_read(patient, what=PATIENT_HEADER, permission="careteams.patient_frame")


def _break_glass_reason(obj) -> str:
    """The reason of the acting member's running break-glass access to the patient `obj` is about, or ""."""
    from ..policy import patient_of

    membership_id = audit.current_context().membership_id
    patient = patient_of(obj)
    if membership_id is None or patient is None:
        return ""
    return (BreakGlassAccess.objects.filter(membership_id=membership_id, patient_id=patient.pk, ended_at__isnull=True,
                                            expires_at__gt=timezone.now())
            .values_list("reason", flat=True).first() or "")


def patient_for(membership, patient_id, *, action: str = "careteams.view_patient", what: str = PATIENT_DETAILS,
                record: bool = True) -> Patient:
    """The patient `patient_id` when the policy allows `action`; 404 when missing, PermissionDenied (logged)
    when refused. The read is logged unless `record` is False (a write service logs its own entry)."""
    try:
        pk = int(patient_id)
        if not 0 < pk < 2**63:  # a bigger number overflows the database's integer: not found, not a 500
            raise ValueError(pk)
        patient = (Patient.objects.select_related("municipality", "daily_living_area", "registered_by_organization")
                   .get(pk=pk))
    except (Patient.DoesNotExist, TypeError, ValueError, OverflowError) as exc:
        raise Http404("patient") from exc
    policy.require(membership, action, patient)
    if record:
        glass = access.active_break_glass(membership, patient)
        record_read(patient, what=what, permission=action, reason=glass.reason if glass and not
                    policy.is_on_care_team(membership, patient) else "")
    return patient


def my_patients(membership, *, q: str = "", status: str = "") -> list[Patient]:
    """The patients of the member's current teams that a consent covers, kana order; each listed one is a read."""
    # "death": each row shows the age, which stops at the date of death (one query per row without it).
    qs = policy.scope(membership, "careteams.list_patients", Patient.objects.all()).select_related(
        "municipality", "daily_living_area", "death")
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(kana__icontains=q) | qs.filter(name__icontains=q)
    patients = list(qs.order_by("kana", "pk"))
    audit.record_reads(patients, what=PATIENT_LIST, permission="careteams.list_patients")
    return patients


@dataclass(frozen=True)
class FindResult:
    """What finding by a global key may say: the patient (one's own), "exists elsewhere", or not found."""

    patient: Patient | None = None
    exists_elsewhere_team_id: int | None = None

    @property
    def found(self) -> bool:
        return self.patient is not None


def find_patient(membership, *, care_insured_number: str = "", name: str = "", kana: str = "",
                 birth_date=None) -> FindResult:
    """Find by 被保険者番号, or name (or kana) + date of birth. Never reveals another team's patient: it says
    only that one exists, so the member can ask to join (the team decides)."""
    policy.require(membership, "careteams.find_patient")
    qs = Patient.objects.all()
    if care_insured_number:
        qs = qs.filter(care_insured_number=care_insured_number.strip())
    elif birth_date and (name or kana):
        qs = qs.filter(birth_date=birth_date)
        qs = qs.filter(kana=kana.strip()) if kana else qs.filter(name=name.strip())
    else:
        return FindResult()
    candidates = list(qs.select_related("care_team")[:2])
    if not candidates:
        audit.record(action="read", permission="careteams.find_patient", object_type="careteams.patient",
                     changes={"what": "search", "found": 0})
        return FindResult()
    visible = set(access.visible_patient_ids(membership))
    for patient in candidates:
        if patient.pk in visible:
            record_read(patient, what=gettext_noop("found by identifiers"), permission="careteams.find_patient")
            return FindResult(patient=patient)
    patient = candidates[0]
    team = getattr(patient, "care_team", None)
    # Logged on the patient's history: someone outside the team looked for them by identifiers.
    audit.record(action="read", permission="careteams.find_patient", object_type="careteams.patient",
                 object_id=patient.pk, object_label="", subject=patient, owner=patient,
                 changes={"what": "exists elsewhere"})
    return FindResult(exists_elsewhere_team_id=team.pk if team else None)


def patient_or_404(patient_id) -> Patient:
    """The patient row for a view's policy check (`policy.requires(get_object=…)`): 404 when missing.

    Reads nothing for the viewer: the decorator asks the policy next, and the view logs its read with
    `record_read` once allowed."""
    try:
        pk = int(patient_id)
        if not 0 < pk < 2**63:
            raise ValueError(pk)
        return (Patient.objects.select_related("municipality", "daily_living_area", "registered_by_organization")
                .get(pk=pk))
    except (Patient.DoesNotExist, TypeError, ValueError, OverflowError) as exc:
        raise Http404("patient") from exc


def key_people_of(patient: Patient) -> list:
    return list(patient.key_people.all())
