"""Writes on the desk's cases: record a call or visit (numbered per desk and fiscal year), edit it, add what the
desk did, suggest resources from the directory, close and reopen, link a patient, raise a 課題 for the council.

Each service opens its transaction, asks the policy on the object the write resolves to, and leaves the audit
to the model signals (Case, CaseAction, CaseResource are audited; person data is masked by the model's
AUDIT_SENSITIVE_FIELDS). Topic links (an M2M) are recorded here, by code.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from renkei.core import audit, policy
from renkei.core.concurrency import for_write, lock_checked
from renkei.core.models import AuditEntry
from renkei.core.wareki import ERAS

from ..models import Case, CaseAction, CaseResource, Desk, Outcome, RequesterKind, Topic
from ..selectors import cases as selectors

RECORD = "consult.record_case"
RAISE = "pdca.manage_council"
VIEW_PATIENT = "careteams.view_patient"

# The fields a case's form writes (the record and edit services accept exactly these).
CASE_FIELDS = ("received_at", "channel", "requester_kind", "requester_profession", "requester_facility",
               "requester_organization_name", "requester_name", "requester_contact", "subject_description",
               "daily_living_area", "scene", "question")


def fiscal_year_of(day: dt.date) -> int:
    """The Japanese fiscal year (April to March) a date falls in."""
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_prefix(fiscal_year: int) -> str:
    """2025 → "R7": the era's initial and year, named (as offices do) by the era of 1 May of the fiscal year."""
    start = dt.date(fiscal_year, 5, 1)
    for era_start, _name, initial in ERAS:
        if start >= era_start:
            return f"{initial}{fiscal_year - era_start.year + 1}"
    return str(fiscal_year)


def next_case_number(desk: Desk, received_at: dt.datetime) -> str:
    """The next number of the desk in the fiscal year of `received_at` (R7-0001). Call with the desk's row
    locked (`case_record` does), so two cases received at once never take the same number."""
    prefix = fiscal_year_prefix(fiscal_year_of(timezone.localtime(received_at).date())) + "-"
    numbers = Case.objects.filter(desk=desk, number__startswith=prefix).values_list("number", flat=True)
    highest = max((int(n[len(prefix):]) for n in numbers if n[len(prefix):].isdecimal()), default=0)
    return f"{prefix}{highest + 1:04d}"


def _check_case(case: Case, topics: list[Topic]) -> None:
    """The invariants a form cannot see: the organization and the topics belong to the desk's reach."""
    errors: dict[str, Any] = {}
    if case.requester_facility_id is not None and selectors.facility_in_reach(
            case.desk, case.requester_facility_id) is None:
        errors["requester_facility"] = _("Choose an organization from the directory of this area.")
    allowed = set(selectors.topics_for(case.desk.municipality).values_list("pk", flat=True))
    if any(t.pk not in allowed for t in topics):
        errors["topics"] = _("Choose topics of this municipality or the national ones.")
    if case.received_at and case.received_at > timezone.now() + dt.timedelta(minutes=5):
        errors["received_at"] = _("The time received cannot be in the future.")
    if (case.daily_living_area_id is not None
            and case.daily_living_area.municipality_id != case.desk.municipality_id):
        errors["daily_living_area"] = _("Choose a daily living area of this municipality.")
    if case.requester_kind not in RequesterKind.professional_kinds():
        case.requester_facility = None
    if errors:
        raise ValidationError(errors)


def _set_topics(case: Case, topics: list[Topic], *, created: bool) -> None:
    before = [] if created else sorted(case.topics.values_list("code", flat=True))
    case.topics.set(topics)
    after = sorted(t.code for t in topics)
    if before != after:
        audit.record(action=AuditEntry.Action.UPDATE, obj=case, changes={"topics": [before, after]})


def case_record(*, membership, desk: Desk, data: dict[str, Any], topics: list[Topic]) -> Case:
    """Record a call or a visit on the desk; the case takes the desk's next number of its fiscal year."""
    with audit.bind_membership(membership), transaction.atomic():
        # The desk's row is the numbering lock: concurrent recordings on one desk queue here.
        locked = for_write(Desk.objects.filter(pk=desk.pk)).get()
        policy.require(membership, RECORD, locked)
        case = Case(desk=locked, municipality_id=locked.municipality_id, handled_by=membership,
                    created_by=membership, **{k: v for k, v in data.items() if k in CASE_FIELDS})
        case.received_at = case.received_at or timezone.now()
        _check_case(case, topics)
        case.number = next_case_number(locked, case.received_at)
        case.full_clean(exclude=["topics"])
        case.save()
        _set_topics(case, topics, created=True)
    return case


def case_update(*, membership, case: Case, data: dict[str, Any], topics: list[Topic],
                expected_version: int | None) -> Case:
    """Edit the case's record (not its number, status or outcome); StaleEdit when someone saved in between."""
    with audit.bind_membership(membership), transaction.atomic():
        stored = lock_checked(case, expected_version)
        policy.require(membership, RECORD, stored)
        for name, value in data.items():
            if name in CASE_FIELDS:
                setattr(case, name, value)
        _check_case(case, topics)
        if case.closed_on and case.closed_on < timezone.localtime(case.received_at).date():
            raise ValidationError({"received_at": _("The case was closed before this time.")})
        case.full_clean(exclude=["topics"])
        case.save()
        _set_topics(case, topics, created=False)
    return case


def case_action_add(*, membership, case: Case, kind: str, done_on: dt.date, note: str = "",
                    referred_to_facility_id: int | None = None, referred_to_name: str = "",
                    meeting_on: dt.date | None = None, follow_up_on: dt.date | None = None) -> CaseAction:
    """Add what the desk did (information, a referral, a meeting, a follow-up…) to an open or closed case."""
    with audit.bind_membership(membership), transaction.atomic():
        policy.require(membership, RECORD, case)
        errors: dict[str, str] = {}
        facility = None
        if referred_to_facility_id:
            facility = selectors.facility_in_reach(case.desk, referred_to_facility_id)
            if facility is None:
                errors["referred_to_facility"] = _("Choose a facility from the directory of this area.")
        if kind == CaseAction.Kind.REFERRAL and not (referred_to_facility_id or referred_to_name.strip()):
            errors["referred_to_name"] = _("Say to whom: pick a facility or type a name.")
        if kind == CaseAction.Kind.MEETING and meeting_on is None:
            errors["meeting_on"] = _("Give the date of the meeting.")
        if kind == CaseAction.Kind.FOLLOW_UP and follow_up_on is None:
            errors["follow_up_on"] = _("Give the date of the next follow-up.")
        if done_on > timezone.localdate():
            errors["done_on"] = _("The date cannot be in the future.")
        elif done_on < timezone.localtime(case.received_at).date():
            errors["done_on"] = _("The date cannot be before the case was received.")
        if errors:
            raise ValidationError(errors)
        action = CaseAction(case=case, kind=kind, done_on=done_on, note=note, referred_to_facility=facility,
                            referred_to_name="" if facility else referred_to_name.strip(),
                            meeting_on=meeting_on if kind == CaseAction.Kind.MEETING else None,
                            follow_up_on=follow_up_on, by=membership)
        action.full_clean()
        action.save()
    return action


def case_resources_suggest(*, membership, case: Case, facility_ids: list[int], note: str = "",
                           suggested_on: dt.date | None = None) -> list[CaseResource]:
    """Suggest facilities from the directory (linked, not retyped), several at once, under one action.

    A facility outside the desk's reach, or one already suggested on the case, refuses the whole request."""
    suggested_on = suggested_on or timezone.localdate()
    with audit.bind_membership(membership), transaction.atomic():
        policy.require(membership, RECORD, case)
        ids = list(dict.fromkeys(int(i) for i in facility_ids))
        if not ids:
            raise ValidationError({"facilities": _("Choose at least one facility.")})
        facilities = {f.pk: f for f in selectors.reachable_facilities(case.desk).filter(pk__in=ids)}
        if len(facilities) != len(ids):
            raise ValidationError({"facilities": _("Choose facilities from the directory of this area.")})
        already = set(CaseResource.objects.filter(case=case, facility_id__in=ids)
                      .values_list("facility__name", flat=True))
        if already:
            raise ValidationError({"facilities": _("Already suggested on this case: %(names)s")
                                   % {"names": "、".join(sorted(already))}})
        action = CaseAction(case=case, kind=CaseAction.Kind.RESOURCES, done_on=suggested_on, note=note,
                            by=membership)
        action.full_clean()
        action.save()
        resources = []
        for pk in ids:
            resource = CaseResource(case=case, facility=facilities[pk], action=action, note=note[:200],
                                    suggested_on=suggested_on, by=membership)
            resource.save()
            resources.append(resource)
    return resources


def case_close(*, membership, case: Case, outcome: str, closed_on: dt.date, note: str = "",
               expected_version: int | None) -> Case:
    """Close the case with its outcome; the closing date is between the day received and today."""
    with audit.bind_membership(membership), transaction.atomic():
        stored = lock_checked(case, expected_version)
        policy.require(membership, RECORD, stored)
        if stored.status == Case.Status.CLOSED:
            raise ValidationError(_("The case is already closed."))
        errors = {}
        if outcome not in Outcome.values:
            errors["outcome"] = _("Choose an outcome.")
        if closed_on > timezone.localdate():
            errors["closed_on"] = _("The closing date cannot be in the future.")
        elif closed_on < timezone.localtime(stored.received_at).date():
            errors["closed_on"] = _("The closing date cannot be before the case was received.")
        if errors:
            raise ValidationError(errors)
        case.status, case.outcome, case.outcome_note, case.closed_on = Case.Status.CLOSED, outcome, note, closed_on
        case.save(update_fields=["status", "outcome", "outcome_note", "closed_on", "updated_at"])
    return case


def case_reopen(*, membership, case: Case, reason: str, expected_version: int | None) -> Case:
    """Reopen a closed case; the reason is kept as an action ("other") and in the audit entry."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the case is reopened.")})
    with audit.bind_membership(membership), audit.reason(reason[:200]), transaction.atomic():
        stored = lock_checked(case, expected_version)
        policy.require(membership, RECORD, stored)
        if stored.status != Case.Status.CLOSED:
            raise ValidationError(_("The case is open."))
        case.status, case.outcome, case.closed_on = Case.Status.OPEN, "", None
        case.save(update_fields=["status", "outcome", "closed_on", "updated_at"])
        CaseAction.objects.create(case=case, kind=CaseAction.Kind.OTHER, done_on=timezone.localdate(),
                                  note=_("Reopened: %(reason)s") % {"reason": reason}, by=membership)
    return case


def case_patient_link(*, membership, case: Case, patient, expected_version: int | None) -> Case:
    """Link the patient the case is about: only when the member may view that patient now (careteams' rule)."""
    with audit.bind_membership(membership), transaction.atomic():
        stored = lock_checked(case, expected_version)
        policy.require(membership, RECORD, stored)
        policy.require(membership, VIEW_PATIENT, patient)
        case.patient = patient
        case.save(update_fields=["patient", "updated_at"])
    return case


def case_patient_unlink(*, membership, case: Case, expected_version: int | None) -> Case:
    """Remove the patient link (a desk member may, whether or not they see the patient)."""
    with audit.bind_membership(membership), transaction.atomic():
        stored = lock_checked(case, expected_version)
        policy.require(membership, RECORD, stored)
        case.patient = None
        case.save(update_fields=["patient", "updated_at"])
    return case


def may_raise_issue(membership, case: Case) -> bool:
    """A desk member who also manages the municipality's council (pdca's rule) raises issues from a case."""
    return (case.raised_issue_id is None and policy.check(membership, RECORD, case)
            and policy.check(membership, RAISE, case.municipality))


def case_issue_raise(*, membership, case: Case, title: str, description: str, scene: str,
                     expected_version: int | None):
    """Raise a 課題 for the council from the case (through pdca's `issue_save`) and link it to the case.

    The title and description are the coordinator's own words without personal data; the issue names the case
    only by its number ("相談窓口 R7-0001")."""
    from renkei.pdca.models import Issue
    from renkei.pdca.services.issues import issue_save

    with audit.bind_membership(membership), transaction.atomic():
        stored = lock_checked(case, expected_version)
        policy.require(membership, RECORD, stored)
        policy.require(membership, RAISE, stored.municipality)
        if stored.raised_issue_id is not None:
            raise ValidationError(_("This case has already raised an issue."))
        issue = Issue(municipality_id=stored.municipality_id, title=title.strip(), description=description.strip(),
                      scene=scene, raised_elsewhere=f"相談窓口 {stored.number}")
        issue = issue_save(membership=membership, issue=issue)
        case.raised_issue = issue
        case.save(update_fields=["raised_issue", "updated_at"])
    return issue
