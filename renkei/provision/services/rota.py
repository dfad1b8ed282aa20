"""Writes to cover groups and their rota. Keyword-only, one transaction each; the audit entry is written by the
automatic model audit (and `audit.record` where a write concerns a patient)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from renkei.careteams.models import CareTeam, Patient
from renkei.core import audit, policy
from renkei.core.models import Membership, Organization

from ..models import CoverArrangement, CoverGroup, RotaShift, ShiftKind


def group_create(*, membership, name: str, municipality, kind: str = CoverGroup.Kind.DOCTORS,
                 organizations=(), members=(), station: Organization | None = None, phone: str = "",
                 daily_living_area=None) -> CoverGroup:
    policy.require(membership, "provision.create_group")
    with transaction.atomic():  # after the check: a refusal is logged, not rolled back
        if kind == CoverGroup.Kind.NURSING_STATION:
            station = station or membership.organization
            if station.kind != Organization.Kind.VISITING_NURSING_STATION:
                raise ValidationError(_("A nursing station's rota needs a visiting nursing station."))
        group = CoverGroup.objects.create(name=name, kind=kind, municipality=municipality, station=station,
                                          phone=phone, daily_living_area=daily_living_area, created_by=membership)
        group.organizations.set({membership.organization, *organizations, *([station] if station else [])})
        group.members.set({membership, *members})
        return group


def member_candidates(group: CoverGroup):
    """Who may join the group: active professionals of clinics, hospitals and visiting nursing stations of the
    group's municipality (a station's own rota: that station's staff), not yet members."""
    from renkei.core.models import Role

    kinds = ([Organization.Kind.VISITING_NURSING_STATION] if group.kind == CoverGroup.Kind.NURSING_STATION
             else [Organization.Kind.CLINIC, Organization.Kind.HOSPITAL, Organization.Kind.VISITING_NURSING_STATION])
    candidates = Membership.objects.filter(role=Role.PROFESSIONAL, is_active=True, organization__kind__in=kinds,
                                           organization__municipality_id=group.municipality_id)
    if group.station_id:
        candidates = candidates.filter(organization_id=group.station_id)
    return (candidates.exclude(cover_groups=group).select_related("user", "organization")
            .order_by("organization__name", "pk"))


def group_add_member(*, membership, group: CoverGroup, member: Membership) -> None:
    """Add a professional to the group (and their organization): they see its rota and may cover shifts."""
    policy.require(membership, "provision.manage_rota", group)
    if not member_candidates(group).filter(pk=member.pk).exists():
        raise ValidationError(_("This person cannot join this group."))
    with transaction.atomic():  # after the check: a refusal is logged, not rolled back
        group.members.add(member)
        group.organizations.add(member.organization)
        audit.record(action="update", obj=group, changes={"members": {"added": member.pk}},
                     permission="provision.manage_rota")


def covering_choices(group: CoverGroup):
    """Who may cover a shift: the group's members, and the professionals of its organizations."""
    from django.db.models import Q

    from renkei.core.models import Role
    return (Membership.objects.filter(Q(cover_groups=group) | Q(organization__in=group.organizations.all()),
                                      role=Role.PROFESSIONAL, is_active=True)
            .select_related("user", "organization").distinct().order_by("organization__name", "pk"))


def shift_save(*, membership, group: CoverGroup, date: dt.date, kind: str, covering: Membership | None,
               phone: str = "", note: str = "") -> RotaShift:
    """Assign (or clear, with covering None) the shift of `kind` on `date`."""
    policy.require(membership, "provision.manage_rota", group)
    with transaction.atomic():  # after the check: a refusal is logged, not rolled back
        if kind not in ShiftKind.values:
            raise ValidationError(_("Unknown shift."))
        if covering is not None and not covering_choices(group).filter(pk=covering.pk).exists():
            raise ValidationError(_("The covering person must be a member of the group."))
        shift, _created = RotaShift.objects.get_or_create(group=group, date=date, kind=kind)
        shift.covering = covering
        shift.phone = phone or (covering.organization.phone if covering else "")
        shift.note = note
        shift.updated_by = membership
        shift.save()
        return shift


def cover_arrange(*, membership, patient: Patient, group: CoverGroup) -> CoverArrangement:
    """Link the patient's team to a doctors' cover group (a team member who is in the group, or the group of
    the patient's attending doctor)."""
    policy.require(membership, "provision.arrange_cover", patient)
    with transaction.atomic():  # after the check: a refusal is logged, not rolled back
        if group.kind != CoverGroup.Kind.DOCTORS or not group.is_active:
            raise ValidationError(_("Choose an active doctors' cover group."))
        team = CareTeam.objects.get(patient=patient)
        arrangement, _created = CoverArrangement.objects.update_or_create(
            team=team, defaults={"group": group, "arranged_by": membership})
        return arrangement
