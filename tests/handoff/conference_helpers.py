"""Conference helpers for the tests: a family member without a login on the team, a proposal as the hospital."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from renkei.careteams.models import CareTeamMember, TeamRole
from renkei.handoff.services import conferences as services


def team_place(world, role: str) -> CareTeamMember:
    return world.patient.care_team.members.get(role=role)


def add_family(world, name: str = "試験 一郎") -> CareTeamMember:
    return CareTeamMember.objects.create(team=world.patient.care_team, role=TeamRole.FAMILY, person_name=name,
                                         phone="0773-00-0000",
                                         started_on=timezone.localdate() - dt.timedelta(days=30))


def slots(days: tuple[int, ...] = (2, 3, 4), hour: int = 14):
    base = timezone.localtime().replace(hour=hour, minute=0, second=0, microsecond=0)
    return [(base + dt.timedelta(days=d), base + dt.timedelta(days=d, hours=1)) for d in days]


def propose(world, handoff, *, roles=(TeamRole.CARE_MANAGER, TeamRole.VISITING_NURSE, TeamRole.ATTENDING_DOCTOR),
            extra=(), by=None, days=(2, 3, 4), **kwargs):
    ids = [team_place(world, r).pk for r in roles] + [m.pk for m in extra]
    return services.conference_propose(membership=by or world.discharge_nurse, handoff=handoff, slots=slots(days),
                                       invitees=ids, **kwargs)


def invitee_of(conference, membership):
    return next(i for i in conference.invitees.select_related("team_member", "conference__handoff")
                if i.membership_id == membership.pk)
