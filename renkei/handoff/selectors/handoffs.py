"""One handoff (the policy, then the read entry), a patient's handoffs, the handoffs a member may see."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext_noop

from renkei.careteams.selectors.patients import record_read
from renkei.core import policy

from ..models import Handoff

HANDOFF_READ = gettext_noop("admission and discharge handoff")
HANDOFF_LIST = gettext_noop("handoff list entry")


def handoff_for(membership, handoff_id, *, action: str = "handoff.view_handoff", what: str = HANDOFF_READ,
                record: bool = True) -> Handoff:
    """The handoff when the policy allows `action`; 404 when missing, PermissionDenied (logged) when refused."""
    try:
        pk = int(handoff_id)
        if not 0 < pk < 2**63:
            raise ValueError(pk)
        handoff = (Handoff.objects.select_related(
            "patient", "patient__municipality", "hospital", "hospital_organization", "rule_set", "care_office",
            "care_manager__user", "discharge_contact__user").get(pk=pk))
    except (Handoff.DoesNotExist, TypeError, ValueError, OverflowError) as exc:
        raise Http404("handoff") from exc
    policy.require(membership, action, handoff)
    if record:
        record_read(handoff, what=what, permission=action)
    return handoff


def steps_of(handoff: Handoff):
    return list(handoff.steps.select_related("rule_step", "done_by__user").order_by("order", "pk"))


def visible_handoffs(membership, *, status: str = ""):
    """The handoffs the member may see (the policy's scope), newest admission first; not yet read: a page that
    lists them logs one read per row it shows (`record_list_reads`)."""
    qs = policy.scope(membership, "handoff.list_handoffs", Handoff.objects.all()).select_related(
        "patient__municipality", "hospital", "care_office")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-admitted_at", "-pk")


def record_list_reads(handoffs) -> None:
    from renkei.core import audit

    audit.record_reads(list(handoffs), what=HANDOFF_LIST, permission="handoff.list_handoffs")


def patient_handoffs(membership, patient) -> list[Handoff]:
    """A patient's handoffs, for their team (the caller has already read the patient through the policy)."""
    return list(policy.scope(membership, "handoff.list_handoffs", patient.handoffs.all())
                .select_related("hospital").order_by("-admitted_at", "-pk"))
