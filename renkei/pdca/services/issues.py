"""Issues (課題): raised at a meeting or elsewhere, tied to a scene and to the indicators that show them."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from renkei.core import audit, policy
from renkei.core.concurrency import lock_checked
from renkei.core.models import AuditEntry
from renkei.indicators.models import IndicatorDefinition

from ..models import Issue

MANAGE = "pdca.manage_council"


def issue_save(*, membership, issue: Issue, indicators: list[IndicatorDefinition] | None = None,
               expected_version: int | None = None) -> Issue:
    """Create or edit an issue (`issue` holds the form's values); StaleEdit when it moved on.

    An issue raised at a meeting belongs to that meeting's body and municipality. The policy is asked on the
    stored issue (an edit) and on the issue as it will be saved. Indicator links are audited by code.
    """
    with audit.bind_membership(membership), transaction.atomic():
        if issue.pk is not None:
            stored = lock_checked(issue, expected_version)
            policy.require(membership, MANAGE, stored)
            if stored.municipality_id != issue.municipality_id:
                raise ValidationError(_("An issue stays in its municipality."))
        if issue.raised_at_id is not None:
            issue.council = issue.raised_at.council
        if issue.council_id is not None and issue.council.municipality_id != issue.municipality_id:
            raise ValidationError(_("The body must belong to the issue's municipality."))
        policy.require(membership, MANAGE, issue)
        if issue.pk is None and issue.created_by_id is None:
            issue.created_by = membership.user
        issue.full_clean()
        issue.save()
        if indicators is not None:
            before = sorted(issue.indicators.values_list("code", flat=True))
            issue.indicators.set(indicators)
            after = sorted(d.code for d in indicators)
            if before != after:
                audit.record(action=AuditEntry.Action.UPDATE, obj=issue, changes={"indicators": [before, after]})
    return issue
