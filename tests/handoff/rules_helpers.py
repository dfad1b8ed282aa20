"""Small builders for the rules tests: a municipality's own rule written through the service."""

from __future__ import annotations

import datetime as dt

from renkei.core.models import Organization, Role
from renkei.handoff.models import RuleSet
from renkei.handoff.services import rules as services
from tests.factories import MembershipFactory, OrganizationFactory

NOTICE_7 = dict(key="discharge_notice", actor="hospital", anchor="planned_discharge", offset_days=-7,
                day_unit="calendar", counts_for_missed=True)
ADMISSION_3 = dict(key="admission_info", actor="care_manager", anchor="admission", offset_days=3,
                   day_unit="calendar", after_hours_shift=True)


def municipal_staff(municipality, role=Role.MUNICIPAL_STAFF):
    return MembershipFactory(role=role, organization=OrganizationFactory(
        kind=Organization.Kind.MUNICIPALITY_OFFICE, municipality=municipality))


def prefecture_staff(prefecture):
    return MembershipFactory(role=Role.PREFECTURE_STAFF, organization=OrganizationFactory(
        kind=Organization.Kind.PREFECTURE_OFFICE, municipality=None, prefecture=prefecture))


def municipal_rule(membership, municipality, *, effective_from=dt.date(2025, 4, 1), steps=None, name="市のルール",
                   **fields) -> RuleSet:
    return services.rule_set_create(membership=membership, name=name, area_kind=RuleSet.AreaKind.MUNICIPALITY,
                                    municipality=municipality, effective_from=effective_from,
                                    steps=steps or [ADMISSION_3, NOTICE_7], **fields)
