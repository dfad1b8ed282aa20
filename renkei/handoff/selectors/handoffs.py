"""One handoff (the policy, then the read entry), a patient's handoffs, the handoffs a member may see."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext_noop

from renkei.careteams.selectors.patients import record_read
from renkei.core import policy

from ..models import Handoff

HANDOFF_READ = gettext_noop("admission and discharge handoff")
HANDOFF_LIST = gettext_noop("handoff list entry")


def pk_or_404(value, what: str = "object") -> int:
    """An id from a URL or a form as a positive 64-bit integer; 404 for anything else ("abc", "-1", 2**63…)."""
    try:
        pk = int(value)
    except (TypeError, ValueError, OverflowError) as exc:
        raise Http404(what) from exc
    if not 0 < pk < 2**63:
        raise Http404(what)
    return pk


def handoff_loader(action: str):
    """A view's `get_object`: the handoff of the route's `handoff_id` when the policy allows `action` (the view
    logs its own read)."""

    def load(request, handoff_id, **kwargs):
        return handoff_for(getattr(request, "membership", None), handoff_id, action=action, record=False)

    return load


def handoff_or_404(handoff_id) -> Handoff:
    """The handoff a route names, with what its pages show, before any policy question (a view's `get_object`);
    404 when missing."""
    try:
        return (Handoff.objects.select_related(
            "patient", "patient__municipality", "hospital", "hospital_organization", "rule_set", "care_office",
            "care_manager__user", "discharge_contact__user").get(pk=pk_or_404(handoff_id, "handoff")))
    except Handoff.DoesNotExist as exc:
        raise Http404("handoff") from exc


def handoff_for(membership, handoff_id, *, action: str = "handoff.view_handoff", what: str = HANDOFF_READ,
                record: bool = True) -> Handoff:
    """The handoff when the policy allows `action`; 404 when missing, PermissionDenied (logged) when refused."""
    handoff = handoff_or_404(handoff_id)
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
