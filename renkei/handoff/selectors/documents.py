"""Reads of the handoff forms: the forms of a handoff by kind with their versions and sendings, one version (the
policy, then the read entry), the difference with the previous version, and the forms waiting for receipt."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.http import Http404
from django.utils.translation import gettext_noop

from renkei.careteams.selectors.patients import record_read
from renkei.core import policy

from .. import forms_schema
from ..models import DocumentKind, DocumentSending, Handoff, HandoffDocument
from .handoffs import handoff_for, pk_or_404

DOCUMENT_READ = gettext_noop("handoff form")
DOCUMENT_PRINT = gettext_noop("handoff form printed")


@dataclass
class KindGroup:
    kind: str
    label: str
    versions: list[HandoffDocument] = field(default_factory=list)

    @property
    def latest(self) -> HandoffDocument | None:
        return self.versions[0] if self.versions else None


def _with_people(queryset):
    sendings = DocumentSending.objects.select_related(
        "recipient_organization", "recipient_facility", "sent_by__user", "sent_by__organization",
        "acknowledged_by__user").order_by("sent_at", "pk")
    return queryset.select_related("author__user", "author_organization").prefetch_related(
        Prefetch("sendings", queryset=sendings))


def documents_by_kind(handoff: Handoff) -> list[KindGroup]:
    """The handoff's forms grouped by kind (the paper order), newest version first, with their sendings. The
    caller has read the handoff through the policy (one read entry for the page)."""
    groups = {kind: KindGroup(kind, str(label)) for kind, label in DocumentKind.choices}
    for document in _with_people(HandoffDocument.objects.filter(handoff=handoff)).order_by("kind", "-version"):
        groups[document.kind].versions.append(document)
    return list(groups.values())


def _pk(value) -> int:
    return pk_or_404(value, "document")


def document_for(membership, handoff_id, document_id, *, action: str = "handoff.view_handoff",
                 what: str = DOCUMENT_READ) -> HandoffDocument:
    """One version of a form of a handoff the member may act on; 404 when missing or of another handoff."""
    handoff = handoff_for(membership, handoff_id, action=action, record=False)
    try:
        document = _with_people(HandoffDocument.objects.filter(handoff=handoff)).get(pk=_pk(document_id))
    except HandoffDocument.DoesNotExist as exc:
        raise Http404("document") from exc
    document.handoff = handoff
    record_read(document, what=what, permission=action)
    return document


def previous_version(document: HandoffDocument) -> HandoffDocument | None:
    return (HandoffDocument.objects.filter(handoff_id=document.handoff_id, kind=document.kind,
                                           version__lt=document.version).order_by("-version").first())


def document_changes(document: HandoffDocument) -> list[dict]:
    """What changed from the previous version, by field label (empty for the first version)."""
    previous = previous_version(document)
    if previous is None:
        return []
    return forms_schema.changes(document.kind, previous.data, document.data)


def shown_fields(document: HandoffDocument) -> list[dict]:
    """The form's fieldsets with the values as a person reads them (only filled fields)."""
    out = []
    for title, specs in forms_schema.LAYOUT[document.kind]:
        rows = [{"key": s.key, "label": str(s.label),
                 "value": forms_schema.display(document.kind, s.key, document.data.get(s.key))} for s in specs]
        rows = [r for r in rows if r["value"]]
        if rows:
            out.append({"title": str(title), "rows": rows})
    return out


def sending_for(membership, handoff_id, sending_id, *, action: str) -> DocumentSending:
    """A sending of one of the handoff's forms, asked `action` on the sending itself (acknowledge)."""
    try:
        sending = (DocumentSending.objects.select_related("document__handoff__patient", "recipient_organization")
                   .get(pk=_pk(sending_id), document__handoff_id=_pk(handoff_id)))
    except DocumentSending.DoesNotExist as exc:
        raise Http404("sending") from exc
    policy.require(membership, action, sending)
    return sending


def waiting_for_receipt(membership, *, limit: int = 50) -> list[DocumentSending]:
    """Forms sent on Renkei to the member's organization and not yet acknowledged, on handoffs the member sees
    (the list scope), newest first."""
    visible = policy.scope(membership, "handoff.list_handoffs", Handoff.objects.all()).values("pk")
    return list(DocumentSending.objects.filter(recipient_organization_id=membership.organization_id,
                                               acknowledged_at__isnull=True, document__handoff_id__in=visible)
                .select_related("document__handoff__patient", "document__handoff__hospital")
                .order_by("-sent_at", "-pk")[:limit])
