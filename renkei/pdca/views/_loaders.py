"""Loaders for `@policy.requires(get_object=…)`: the object a URL names, or a 404."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404

from renkei.core.selectors import municipality_or_none

from ..models import Action, Council, CouncilMember, Decision, Issue, Meeting, MeetingMaterial


def council(request, council_id, **kwargs) -> Council:
    return get_object_or_404(Council.objects.select_related("municipality", "parent"), pk=council_id)


def member(request, member_id, **kwargs) -> CouncilMember:
    return get_object_or_404(CouncilMember.objects.select_related("council__municipality"), pk=member_id)


def meeting(request, meeting_id, **kwargs) -> Meeting:
    return get_object_or_404(Meeting.objects.select_related("council__municipality", "council__parent"),
                             pk=meeting_id)


def decision(request, decision_id, **kwargs) -> Decision:
    return get_object_or_404(Decision.objects.select_related("meeting__council__municipality"), pk=decision_id)


def material(request, material_id, **kwargs) -> MeetingMaterial:
    return get_object_or_404(MeetingMaterial.objects.select_related("meeting__council__municipality"),
                             pk=material_id)


def issue(request, issue_id, **kwargs) -> Issue:
    return get_object_or_404(Issue.objects.select_related("municipality__prefecture", "council", "raised_at"),
                             pk=issue_id)


def action(request, action_id, **kwargs) -> Action:
    return get_object_or_404(Action.objects.select_related(
        "municipality", "owner__user", "owner__organization", "owner_organization", "meeting__council", "issue"),
        pk=action_id)


def chosen_municipality(request, **kwargs):
    """The municipality a create screen works in: `?municipality=CODE`, else the member's own."""
    code = request.GET.get("municipality") or request.POST.get("municipality_code") or ""
    if code:
        found = municipality_or_none(code)
        if found is None:
            raise Http404("no such municipality")
        return found
    membership = getattr(request, "membership", None)
    own = membership.organization.municipality if membership is not None else None
    if own is None:
        raise Http404("no municipality chosen")
    return own
