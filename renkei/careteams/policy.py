"""The patient rules in the one permission policy: 要配慮個人情報, deny by default.

A professional sees a patient only while on that patient's care team *and* covered by a current consent
(the registering organization's own team members need none); a break-glass access lets a professional read
for a short time with a stated reason. Municipal staff, coordinators and prefecture staff see counts, never
patients, unless they are on the team. Apps that build on careteams add readers of the emergency sheet (the
enrolled backup hospital, in provision) with `add_sheet_reader`; nobody else is let in.
"""

from __future__ import annotations

from collections.abc import Callable

from renkei.core import policy
from renkei.core.models import Role

from . import access
from .models import (
    Acknowledgement,
    Attachment,
    BreakGlassAccess,
    CareTeam,
    CareTeamMember,
    Consent,
    DeathRecord,
    EmergencySheet,
    KeyPerson,
    Patient,
    Post,
    TeamJoinRequest,
)

PROFESSIONAL = Role.PROFESSIONAL
COUNT_ROLES = (Role.MUNICIPAL_STAFF, Role.COORDINATOR, Role.PREFECTURE_STAFF, Role.SYSTEM_ADMIN)


def patient_of(obj) -> Patient | None:
    """The patient any careteams object is about (a patient, a post, an attachment, a sheet, a member…)."""
    if isinstance(obj, Patient):
        return obj
    if isinstance(obj, Post | Attachment | EmergencySheet | Consent | KeyPerson | DeathRecord | BreakGlassAccess):
        return obj.patient
    if isinstance(obj, CareTeam):
        return obj.patient
    if isinstance(obj, CareTeamMember | TeamJoinRequest):
        return obj.team.patient
    if isinstance(obj, Acknowledgement):
        return obj.post.patient
    return None


def on_team_with_consent(membership, obj) -> bool:
    patient = patient_of(obj)
    return patient is not None and policy.is_on_care_team(membership, patient)


def has_break_glass(membership, obj) -> bool:
    return access.active_break_glass(membership, patient_of(obj)) is not None


def is_professional(membership, obj) -> bool:
    return membership.role == PROFESSIONAL


def may_break_glass(membership, obj) -> bool:
    """A professional, for a patient of their own prefecture (the review list catches the rest)."""
    if membership.role != PROFESSIONAL:
        return False
    patient = patient_of(obj)
    if patient is None:
        return True
    municipality = patient.municipality
    return municipality is None or municipality.prefecture_id == membership.organization.prefecture_id


def is_responsible_person(membership, obj) -> bool:
    return access.is_responsible_for(membership, patient_of(obj))


def sees_post(membership, obj) -> bool:
    """A post addressed to chosen members is seen by them and its author only (break-glass reads all)."""
    post = obj.post if isinstance(obj, Attachment) else obj
    if not isinstance(post, Post):
        return on_team_with_consent(membership, obj) or has_break_glass(membership, obj)
    if has_break_glass(membership, post):
        return True
    if not on_team_with_consent(membership, post):
        return False
    recipients = [m.pk for m in post.recipients.all()]
    if not recipients:
        return True
    member = access.team_member(membership, post.patient)
    return member is not None and (member.pk in recipients or member.pk == post.author_id)


_sheet_readers: list[Callable] = []


def add_sheet_reader(predicate: Callable) -> None:
    """Let another app's rule read a patient's emergency sheet and team contacts (provision: enrolled hospital)."""
    _sheet_readers.append(predicate)


def reads_sheet(membership, obj) -> bool:
    if on_team_with_consent(membership, obj) or has_break_glass(membership, obj):
        return True
    return any(reader(membership, patient_of(obj)) for reader in _sheet_readers)


def reviews_break_glass(membership, obj) -> bool:
    """The responsible person of the organization whose member broke the glass."""
    if not membership.is_responsible_person:
        return False
    return obj is None or obj.membership.organization_id == membership.organization_id


def owns_break_glass(membership, obj) -> bool:
    """Only the person who broke the glass ends it early (it also ends by itself)."""
    return isinstance(obj, BreakGlassAccess) and obj.membership_id == membership.pk


def visible_posts_scope(membership, queryset):
    """The posts this membership sees (the query form of `sees_post`): those of its visible patients, where a
    post addressed to chosen members counts only for them and its author; every post of a patient while a
    break-glass access to them lasts."""
    from django.db.models import Exists, OuterRef, Q
    from django.utils import timezone

    visible = access.visible_patient_ids(membership)
    member_ids = access.current_member_ids(membership) if visible else []
    through = Post.recipients.through
    addressed = Exists(through.objects.filter(post_id=OuterRef("pk")))
    to_them = Exists(through.objects.filter(post_id=OuterRef("pk"), careteammember_id__in=member_ids))
    glass = BreakGlassAccess.objects.filter(membership=membership, ended_at__isnull=True,
                                            expires_at__gt=timezone.now()).values("patient_id")
    return queryset.filter(Q(patient_id__in=visible) & (~addressed | to_them | Q(author_id__in=member_ids))
                           | Q(patient_id__in=glass))


def visible_patients_scope(membership, queryset):
    return queryset.filter(pk__in=access.visible_patient_ids(membership))


def break_glass_review_scope(membership, queryset):
    if not membership.is_responsible_person:
        return queryset.none()
    return queryset.filter(membership__organization_id=membership.organization_id)


def counts_only(membership, obj) -> bool:
    return membership.role in COUNT_ROLES


def register_rule(action: str, predicate, **kwargs) -> None:
    policy.register(action, predicate, patient_data=True, **kwargs)


seeing = policy.any_of(on_team_with_consent, has_break_glass)

register_rule("careteams.register_patient", is_professional)
register_rule("careteams.find_patient", is_professional)
register_rule("careteams.request_join", is_professional)
register_rule("careteams.view_patient", seeing, needs_object=True, scope=visible_patients_scope)
register_rule("careteams.list_patients", is_professional, scope=visible_patients_scope)
register_rule("careteams.edit_patient", on_team_with_consent, needs_object=True)
register_rule("careteams.manage_team", on_team_with_consent, needs_object=True)
register_rule("careteams.decide_join_request", on_team_with_consent, needs_object=True)
register_rule("careteams.manage_consent", on_team_with_consent, needs_object=True)
register_rule("careteams.view_timeline", seeing, needs_object=True)
register_rule("careteams.view_post", sees_post, needs_object=True, scope=visible_posts_scope)
register_rule("careteams.post_timeline", on_team_with_consent, needs_object=True)
register_rule("careteams.acknowledge_post", policy.all_of(on_team_with_consent, sees_post), needs_object=True)
register_rule("careteams.download_attachment", sees_post, needs_object=True)
register_rule("careteams.view_emergency_sheet", reads_sheet, needs_object=True)
register_rule("careteams.edit_emergency_sheet", on_team_with_consent, needs_object=True)
register_rule("careteams.record_death", on_team_with_consent, needs_object=True)
register_rule("careteams.break_glass", may_break_glass)
register_rule("careteams.end_break_glass", owns_break_glass, needs_object=True)
register_rule("careteams.view_access_history", policy.any_of(on_team_with_consent, is_responsible_person),
              needs_object=True)
register_rule("careteams.review_break_glass", reviews_break_glass, scope=break_glass_review_scope)
# Counts for the municipality (no patient rows): its staff, coordinators, the prefecture.
policy.register("careteams.view_counts", counts_only)
