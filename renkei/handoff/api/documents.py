"""The handoff forms' API: a handoff's forms, one version, saving a new version, sending it (on Renkei or recorded
as sent on paper), acknowledging receipt. The same rules, services and read entries as the screens."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from renkei.core import policy
from renkei.core.models import Organization

from ..models import Channel, DocumentKind
from ..selectors import documents as selectors
from ..selectors.handoffs import handoff_for
from ..services import documents as services

router = Router(tags=["handoffs"])


class SendingOut(Schema):
    id: int
    recipient: str
    recipient_organization_id: int | None
    channel: str
    sent_at: dt.datetime
    sent_by: str
    acknowledged_at: dt.datetime | None


class DocumentOut(Schema):
    id: int
    handoff_id: int
    kind: str
    kind_label: str
    version: int
    source: str
    author: str
    author_organization: str
    created_at: dt.datetime
    data: dict
    sendings: list[SendingOut]


class DocumentSummaryOut(Schema):
    id: int
    kind: str
    kind_label: str
    version: int
    author_organization: str
    created_at: dt.datetime
    sendings: list[SendingOut]


class DocumentIn(Schema):
    kind: str = Field("", max_length=20)
    data: dict = Field(default_factory=dict)


class RecipientIn(Schema):
    """On Renkei: `organization_id` (channel "renkei"). On paper: `name` (or `to_hospital`), channel fax / mail /
    hand and `sent_at` (the time it went; now when left out)."""

    organization_id: int | None = Field(None, ge=1, le=2**63 - 1)
    to_hospital: bool = False
    name: str = Field("", max_length=120)
    channel: str = Field(Channel.RENKEI, max_length=12)
    sent_at: dt.datetime | None = None


class SendIn(Schema):
    recipients: list[RecipientIn] = Field(default_factory=list, max_length=services.MAX_RECIPIENTS)


class ErrorOut(Schema):
    detail: str
    errors: dict


def _sending_out(sending) -> dict:
    return {"id": sending.pk,
            "recipient": sending.recipient_name or (sending.recipient_organization.name
                                                     if sending.recipient_organization_id else ""),
            "recipient_organization_id": sending.recipient_organization_id, "channel": sending.channel,
            "sent_at": sending.sent_at, "sent_by": sending.sent_by.user.display_name,
            "acknowledged_at": sending.acknowledged_at}


def _document_out(document) -> dict:
    return {"id": document.pk, "handoff_id": document.handoff_id, "kind": document.kind,
            "kind_label": str(document.get_kind_display()), "version": document.version, "source": document.source,
            "author": document.author.user.display_name, "author_organization": document.author_organization.name,
            "created_at": document.created_at, "data": document.data,
            "sendings": [_sending_out(s) for s in document.sendings.all()]}


def _invalid(error: ValidationError):
    errors = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
    return Status(422, {"detail": _("Some values are not valid. See “errors” for each one."), "errors": errors})


@router.get("/handoffs/{handoff_id}/documents", response=list[DocumentSummaryOut])
@policy.api_asks_on_object("handoff.view_handoff")
def list_documents(request, handoff_id: int):
    """The handoff's forms, every version, by kind (newest version first), with their sendings."""
    handoff = handoff_for(request.membership, handoff_id)
    out = []
    for group in selectors.documents_by_kind(handoff):
        for document in group.versions:
            out.append({"id": document.pk, "kind": document.kind, "kind_label": group.label,
                        "version": document.version, "author_organization": document.author_organization.name,
                        "created_at": document.created_at,
                        "sendings": [_sending_out(s) for s in document.sendings.all()]})
    return out


@router.post("/handoffs/{handoff_id}/documents", response={201: DocumentOut, 422: ErrorOut})
@policy.api_asks_on_object("handoff.write_document")
def save_document(request, handoff_id: int, payload: DocumentIn):
    """Save the next version of a form (the data checked against the form's fields)."""
    handoff = handoff_for(request.membership, handoff_id, action="handoff.write_document", record=False)
    if payload.kind not in DocumentKind.values:
        return Status(422, {"detail": _("Some values are not valid. See “errors” for each one."),
                            "errors": {"kind": ["様式の種類を選んでください。"]}})
    try:
        document = services.document_save(membership=request.membership, handoff=handoff, kind=payload.kind,
                                          data=payload.data)
    except ValidationError as error:
        return _invalid(error)
    document = selectors.document_for(request.membership, handoff_id, document.pk)
    return Status(201, _document_out(document))


@router.get("/handoffs/{handoff_id}/documents/{document_id}", response=DocumentOut)
@policy.api_asks_on_object("handoff.view_handoff")
def get_document(request, handoff_id: int, document_id: int):
    """One version of a form with its contents and sendings."""
    return _document_out(selectors.document_for(request.membership, handoff_id, document_id))


@router.post("/handoffs/{handoff_id}/documents/{document_id}/send", response={200: list[SendingOut], 422: ErrorOut})
@policy.api_asks_on_object("handoff.write_document")
def send_document(request, handoff_id: int, document_id: int, payload: SendIn):
    """Send a version to several recipients at once (on Renkei, or recorded as sent on paper)."""
    document = selectors.document_for(request.membership, handoff_id, document_id, action="handoff.write_document")
    handoff = document.handoff
    allowed = {o.pk: o for o in services.renkei_recipients(handoff)}
    recipients = []
    for item in payload.recipients:
        organization = None
        if item.organization_id is not None:
            organization = allowed.get(item.organization_id) or Organization(pk=item.organization_id)
        recipients.append(services.Recipient(
            organization=organization, facility=handoff.hospital if item.to_hospital else None,
            name=item.name or (handoff.hospital.name if item.to_hospital else ""), channel=item.channel,
            sent_at=item.sent_at))
    try:
        sendings = services.document_send(membership=request.membership, document=document,
                                          recipients=recipients)
    except ValidationError as error:
        return _invalid(error)
    return [_sending_out(s) for s in sendings]


@router.post("/handoffs/{handoff_id}/documents/{document_id}/acknowledge", response={200: list[SendingOut]})
@policy.api_asks_on_object(services.ACKNOWLEDGE)
def acknowledge_document(request, handoff_id: int, document_id: int):
    """Acknowledge receipt of every sending of this version to the member's organization."""
    document = selectors.document_for(request.membership, handoff_id, document_id)
    mine = [s for s in document.sendings.all() if s.recipient_organization_id == request.membership.organization_id]
    if not mine:
        policy.require(request.membership, services.ACKNOWLEDGE, None)  # refused, logged
    return [_sending_out(services.document_acknowledge(membership=request.membership, sending=s)) for s in mine]
