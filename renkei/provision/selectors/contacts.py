"""Who to call now for a patient: the attending doctor in office hours; after hours the covering doctor of the
group's shift, else the backup doctor, else the attending doctor; and the visiting nursing station's on-call."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from renkei.careteams.models import CareTeamMember, TeamRole

from .. import days
from ..models import CoverArrangement, CoverGroup, PatientEnrolment, RotaShift


@dataclass(frozen=True)
class Contact:
    name: str
    organization: str
    phone: str
    why: str  # why this person: "attending doctor", "on call tonight for <group>"…


@dataclass
class CallPlan:
    at: dt.datetime
    office_hours: bool
    doctor: Contact | None = None
    attending: Contact | None = None
    backup: Contact | None = None
    nurses: list[Contact] = field(default_factory=list)
    group: CoverGroup | None = None
    hospitals: list[PatientEnrolment] = field(default_factory=list)


def _member_contact(member: CareTeamMember, why) -> Contact:
    name = member.membership.user.display_name if member.membership_id else member.person_name
    organization = member.organization
    return Contact(name=name, organization=organization.name if organization else "",
                   phone=member.phone or (organization.phone if organization else ""), why=str(why))


def _shift_contact(shift: RotaShift, why) -> Contact:
    covering = shift.covering
    return Contact(name=covering.user.display_name, organization=covering.organization.name,
                   phone=shift.phone or shift.group.phone or covering.organization.phone, why=str(why))


def _covering_shift(group: CoverGroup, at: dt.datetime) -> RotaShift | None:
    found = days.shift_at(at)
    if found is None:
        return None
    day, kind = found
    return (RotaShift.objects.filter(group=group, date=day, kind=kind, covering__isnull=False)
            .select_related("covering__user", "covering__organization", "group").first())


def who_to_call_now(patient, at: dt.datetime | None = None) -> CallPlan:
    """The plan for `at` (now by default). The caller has read the patient through the policy already."""
    at = days.local(at or timezone.now())
    today = at.date()
    members = [m for m in CareTeamMember.objects.filter(team__patient_id=patient.pk)
               .select_related("membership__user", "membership__organization", "organization")
               if m.started_on <= today and (m.ended_on is None or m.ended_on >= today) and not m.is_pending]
    attending = next((m for m in members if m.role == TeamRole.ATTENDING_DOCTOR), None)
    backup = next((m for m in members if m.role == TeamRole.BACKUP_DOCTOR), None)
    plan = CallPlan(at=at, office_hours=days.is_office_hours(at))
    plan.attending = _member_contact(attending, _("attending doctor")) if attending else None
    plan.backup = _member_contact(backup, _("backup doctor")) if backup else None
    arrangement = (CoverArrangement.objects.filter(team__patient_id=patient.pk).select_related("group").first())
    plan.group = arrangement.group if arrangement and arrangement.group.is_active else None
    if plan.office_hours:
        plan.doctor = plan.attending or plan.backup
    else:
        shift = _covering_shift(plan.group, at) if plan.group else None
        if shift is not None:
            plan.doctor = _shift_contact(shift, _("on call for %(group)s") % {"group": plan.group.name})
        else:
            plan.doctor = plan.backup or plan.attending
    stations = {m.organization_id: m for m in members if m.role == TeamRole.VISITING_NURSE and m.organization_id}
    for organization_id, member in stations.items():
        group = CoverGroup.objects.filter(kind=CoverGroup.Kind.NURSING_STATION, station_id=organization_id,
                                          is_active=True).first()
        shift = _covering_shift(group, at) if group and not plan.office_hours else None
        if shift is not None:
            plan.nurses.append(_shift_contact(shift, _("24-hour on call of %(station)s")
                                              % {"station": member.organization.name}))
        else:
            contact = _member_contact(member, _("visiting nurse"))
            if group and group.phone and not plan.office_hours:
                contact = Contact(contact.name, contact.organization, group.phone, contact.why)
            plan.nurses.append(contact)
    plan.hospitals = [e for e in PatientEnrolment.objects.filter(patient_id=patient.pk,
                                                                 status=PatientEnrolment.Status.ACTIVE)
                      .select_related("hospital") if e.is_current_on(today)]
    return plan
