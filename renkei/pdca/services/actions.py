"""Actions: who does what by when, for which issue and which measure of the logic model.

Staff (`pdca.manage_council`) create and edit every field; the owner (`pdca.update_action`) reports progress:
status and result only.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from renkei.core import audit, policy
from renkei.core.concurrency import lock_checked

from ..models import Action

MANAGE = "pdca.manage_council"
UPDATE = "pdca.update_action"


def action_save(*, membership, action: Action, expected_version: int | None = None,
                owner_choices=None, measure_keys=None) -> Action:
    """Create or edit an action (every field; `action` holds the form's values); StaleEdit when it moved on.

    `owner_choices` (memberships) and `measure_keys` are what the form offered: an owner or a measure outside
    them is refused (the form checks the same; a service caller without them skips the check). An action
    decided at a meeting belongs to the meeting's municipality.
    """
    with audit.bind_membership(membership), transaction.atomic():
        if action.pk is not None:
            stored = lock_checked(action, expected_version)
            policy.require(membership, MANAGE, stored)
            if stored.municipality_id != action.municipality_id:
                raise ValidationError(_("An action stays in its municipality."))
        if action.meeting_id is not None and action.meeting.council.municipality_id != action.municipality_id:
            raise ValidationError(_("The meeting must belong to the action's municipality."))
        if action.issue_id is not None and action.issue.municipality_id != action.municipality_id:
            raise ValidationError(_("The issue must belong to the action's municipality."))
        if owner_choices is not None and action.owner_id is not None and action.owner_id not in {
                m.pk for m in owner_choices}:
            raise ValidationError(_("Choose the owner among the body's members and the municipality's staff."))
        if measure_keys is not None and action.measure_key and action.measure_key not in set(measure_keys):
            raise ValidationError(_("Choose a measure of the current logic model."))
        if action.owner_id is not None and action.owner_organization_id is None:
            action.owner_organization = action.owner.organization
        policy.require(membership, MANAGE, action)
        if action.pk is None and action.created_by_id is None:
            action.created_by = membership.user
        _keep_completion(action)
        action.full_clean()
        action.save()
    return action


def action_update_progress(*, membership, action: Action, status: str, result_note: str,
                           expected_version: int | None = None) -> Action:
    """The owner's (or staff's) progress report: status and result, nothing else; StaleEdit when it moved on."""
    if status not in Action.Status.values:
        raise ValidationError(_("Choose a status."))
    with audit.bind_membership(membership), transaction.atomic():
        stored = lock_checked(action, expected_version)
        policy.require(membership, UPDATE, stored)
        stored.status = status
        stored.result_note = (result_note or "").strip()
        _keep_completion(stored)
        stored.save(update_fields=["status", "result_note", "completed_on", "updated_at"])
    return stored


def _keep_completion(action: Action) -> None:
    """`completed_on` is the day an action was marked done (cleared if it is reopened)."""
    if action.status == Action.Status.DONE:
        action.completed_on = action.completed_on or timezone.localdate()
    else:
        action.completed_on = None
