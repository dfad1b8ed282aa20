"""The handoff rules in the one permission policy (everything about a patient is `patient_data=True`).

- Rules (入退院支援ルール) are public to everyone signed in: hospitals and care offices see the rule that
  applies to them. Municipal staff and coordinators manage their municipality's rules; prefecture staff their
  prefecture's and its groups'; a system administrator the national defaults.
- A handoff: the patient's team with consent (careteams), or the admitting hospital's professionals (see
  `access`), or a break-glass access while it lasts. The home side (the team) records admissions, sends the
  admission information and the 退院・退所情報記録書; the hospital side screens, plans the discharge, proposes
  conferences and sends the summaries. Either side records an exchange and the discharge.
- Measures (no patient rows): municipal staff, coordinators, prefecture staff; professionals see their own
  organization's figures.
"""

from __future__ import annotations

from renkei.careteams import policy as careteams_policy
from renkei.careteams.models import Patient
from renkei.core import policy
from renkei.core.models import Organization, Role

from . import access
from .models import (
    ClosedDay,
    Conference,
    ConferenceInvitee,
    ConferenceSlot,
    DocumentSending,
    Exchange,
    Handoff,
    HandoffDocument,
    HandoffStep,
    RuleSet,
    RuleStep,
    SlotAnswer,
)

REGION_ROLES = (Role.MUNICIPAL_STAFF, Role.COORDINATOR, Role.PREFECTURE_STAFF, Role.SYSTEM_ADMIN)
HOSPITAL_KINDS = (Organization.Kind.HOSPITAL, Organization.Kind.CLINIC)


def handoff_of(obj) -> Handoff | None:
    if isinstance(obj, Handoff):
        return obj
    if isinstance(obj, HandoffStep | Exchange | HandoffDocument | Conference):
        return obj.handoff
    if isinstance(obj, DocumentSending):
        return obj.document.handoff
    if isinstance(obj, ConferenceSlot | ConferenceInvitee):
        return obj.conference.handoff
    if isinstance(obj, SlotAnswer):
        return obj.invitee.conference.handoff
    return None


def is_professional(membership, obj) -> bool:
    return membership.role == Role.PROFESSIONAL


def home_side(membership, obj) -> bool:
    """On the patient's team with consent (care manager, nurse, doctor…)."""
    handoff = handoff_of(obj)
    patient = handoff.patient if handoff is not None else obj if isinstance(obj, Patient) else None
    if handoff is not None and handoff.status == Handoff.Status.CANCELLED:
        return False
    return patient is not None and careteams_policy.on_team_with_consent(membership, patient)


def hospital_side(membership, obj) -> bool:
    handoff = handoff_of(obj)
    return handoff is not None and access.hospital_sees(membership, handoff)


def does_step(membership, obj) -> bool:
    """A step's doer: the care manager's steps by the home side; the hospital's by the hospital, or by the home
    side recording what a hospital did by phone, FAX or in person (the services ask for the channel then).
    On the handoff itself (screening, planned discharge): the hospital; the home side only for a hospital not on
    Renkei (what it said by phone or FAX), so a hospital on Renkei keeps its own screening and planning."""
    if isinstance(obj, HandoffStep) and obj.actor == "care_manager":
        return home_side(membership, obj)
    if isinstance(obj, Handoff) and obj.hospital_organization_id is not None:
        return hospital_side(membership, obj)
    return home_side(membership, obj) or hospital_side(membership, obj)


def has_break_glass(membership, obj) -> bool:
    handoff = handoff_of(obj)
    return handoff is not None and careteams_policy.has_break_glass(membership, handoff.patient)


def is_invitee(membership, obj) -> bool:
    """The person invited to a conference (their membership, directly or through their team place)."""
    invitee = obj if isinstance(obj, ConferenceInvitee) else None
    if invitee is None or membership.role != Role.PROFESSIONAL:
        return False
    if invitee.membership_id == membership.pk:
        return hospital_side(membership, invitee) or home_side(membership, invitee)
    member = invitee.team_member
    return (member is not None and member.membership_id == membership.pk
            and home_side(membership, invitee))


def arranges_conference(membership, obj) -> bool:
    """The admitting hospital's staff; the home side only when the hospital is not on Renkei (it records the
    conference the hospital arranged by phone)."""
    handoff = handoff_of(obj)
    if handoff is None:
        return False
    if handoff.is_hospital_on_renkei:
        return hospital_side(membership, obj)
    return home_side(membership, obj)


def answers_for_invitee(membership, obj) -> bool:
    """Someone on either side records the answer of an invitee without a login (family, by phone)."""
    invitee = obj if isinstance(obj, ConferenceInvitee) else None
    if invitee is None or invitee.membership_id is not None:
        return False
    if invitee.team_member_id is not None and invitee.team_member.membership_id is not None:
        return False
    return home_side(membership, invitee) or hospital_side(membership, invitee)


def visible_handoffs_scope(membership, queryset):
    from django.db.models import Q

    from renkei.careteams import access as careteams_access

    if membership.role != Role.PROFESSIONAL:
        return queryset.none()
    visible = careteams_access.visible_patient_ids(membership)
    return queryset.filter(Q(patient_id__in=visible) | access.hospital_handoffs_q(membership)).exclude(
        status=Handoff.Status.CANCELLED)


# ---- rules (no patient data)
def _rule_area_municipality_ids(rule_set: RuleSet) -> set[int]:
    if rule_set.municipality_id:
        return {rule_set.municipality_id}
    if rule_set.area_group_id:
        return set(rule_set.area_group.municipalities.values_list("pk", flat=True))
    return set()


def manages_rules(membership, obj) -> bool:
    rule_set = obj.rule_set if isinstance(obj, RuleStep) else obj
    role = membership.role
    if role not in REGION_ROLES:
        return False
    if rule_set is None:
        return True
    if rule_set.area_kind == RuleSet.AreaKind.NATIONAL:
        return role == Role.SYSTEM_ADMIN
    organization = membership.organization
    if role == Role.PREFECTURE_STAFF or role == Role.SYSTEM_ADMIN:
        prefecture_id = (rule_set.prefecture_id or (rule_set.municipality.prefecture_id if rule_set.municipality_id
                                                    else rule_set.area_group.prefecture_id))
        return role == Role.SYSTEM_ADMIN or organization.prefecture_id == prefecture_id
    # Municipal staff and coordinators: rules of their own municipality, or of a group it belongs to.
    return (rule_set.area_kind in (RuleSet.AreaKind.MUNICIPALITY, RuleSet.AreaKind.AREA_GROUP)
            and organization.municipality_id in _rule_area_municipality_ids(rule_set))


def manages_closed_days(membership, obj) -> bool:
    """A municipality's own closed days: its municipal staff and coordinators (a system administrator too)."""
    if membership.role == Role.SYSTEM_ADMIN:
        return True
    if membership.role not in (Role.MUNICIPAL_STAFF, Role.COORDINATOR):
        return False
    municipality_id = obj.municipality_id if isinstance(obj, ClosedDay) else getattr(obj, "pk", None)
    return obj is None or municipality_id == membership.organization.municipality_id


def signed_in(membership, obj) -> bool:
    return True


def region_role_for_area(membership, obj) -> bool:
    """Region staff; with an area (report_areas.ReportArea), only one within their reach."""
    from .report_areas import ReportArea, within_reach

    if membership.role not in REGION_ROLES:
        return False
    return not isinstance(obj, ReportArea) or within_reach(membership, obj)


def register_rule(action: str, predicate, **kwargs) -> None:
    policy.register(action, predicate, patient_data=True, **kwargs)


seeing = policy.any_of(home_side, hospital_side, has_break_glass)
either_side = policy.any_of(home_side, hospital_side)

policy.register("handoff.view_rules", signed_in)
policy.register("handoff.manage_rules", manages_rules)
policy.register("handoff.manage_closed_days", manages_closed_days)  # obj: the municipality or a closed day
policy.register("handoff.view_report", region_role_for_area)
policy.register("handoff.view_own_measures", is_professional)
policy.register("handoff.import_census", region_role_for_area)

register_rule("handoff.list_handoffs", is_professional, scope=visible_handoffs_scope)
register_rule("handoff.open_handoff", home_side, needs_object=True)  # obj: the patient
register_rule("handoff.view_handoff", seeing, needs_object=True)
register_rule("handoff.act_as_home", home_side, needs_object=True)
register_rule("handoff.act_as_hospital", hospital_side, needs_object=True)
register_rule("handoff.do_step", does_step, needs_object=True)  # obj: a HandoffStep, or the Handoff
register_rule("handoff.record_exchange", either_side, needs_object=True)
register_rule("handoff.record_discharge", either_side, needs_object=True)
register_rule("handoff.write_document", either_side, needs_object=True)
register_rule("handoff.answer_conference", is_invitee, needs_object=True)
register_rule("handoff.arrange_conference", arranges_conference, needs_object=True)  # obj: handoff or conference
register_rule("handoff.record_conference_answer", answers_for_invitee, needs_object=True)  # obj: the invitee


def is_recipient(membership, obj) -> bool:
    """A member of the organization a form was sent to on Renkei, who sees the handoff (acknowledges receipt)."""
    return (isinstance(obj, DocumentSending) and obj.recipient_organization_id is not None
            and membership.role == Role.PROFESSIONAL and obj.recipient_organization_id == membership.organization_id
            and seeing(membership, obj))


register_rule("handoff.acknowledge_document", is_recipient, needs_object=True)  # obj: the DocumentSending
