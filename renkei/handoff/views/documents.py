"""The handoff forms' screens: the forms of a handoff (also a section of the handoff page), a new version
(prefilled), one version with what changed, sending it (on Renkei or recorded as sent on paper), recording a
paper form a hospital sent, acknowledging receipt, and the FAX-ready PDF (a logged read)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from renkei.core import policy
from renkei.core.forms import add_service_errors
from renkei.directory.models import Facility

from ..document_forms import DocumentForm, PaperReceivedForm, PdfOptionsForm, SendForm
from ..document_pdf import Party, document_pdf
from ..models import Channel, DocumentKind, DocumentSending, Handoff, HandoffDocument
from ..selectors import documents as selectors
from ..selectors.handoffs import handoff_for, handoff_or_404, pk_or_404
from ..services import documents as services


def handoff_object(request, handoff_id, **kwargs) -> Handoff:
    """The handoff a route names (404 when missing): what the policy decorator asks about."""
    return handoff_or_404(handoff_id)


def sending_object(request, handoff_id, sending_id, **kwargs) -> DocumentSending:
    try:
        return (DocumentSending.objects.select_related("document__handoff__patient")
                .get(pk=pk_or_404(sending_id, "sending"), document__handoff_id=pk_or_404(handoff_id, "handoff")))
    except DocumentSending.DoesNotExist as exc:
        raise Http404("sending") from exc


def _kind_or_404(kind: str) -> str:
    if kind not in DocumentKind.values:
        raise Http404("kind")
    return kind


def section_context(membership, handoff) -> dict:
    """The handoff page's section: the forms by kind, with what this viewer may do."""
    groups = selectors.documents_by_kind(handoff)
    writable = set(services.writable_kinds(membership, handoff))
    for group in groups:
        group.may_write = group.kind in writable
        for document in group.versions:
            for sending in document.sendings.all():
                sending.may_acknowledge = (sending.acknowledged_at is None and sending.recipient_organization_id
                                           == membership.organization_id
                                           and policy.check(membership, services.ACKNOWLEDGE, sending))
    return {"handoff": handoff, "groups": groups, "any_writable": bool(writable)}


@policy.requires("handoff.view_handoff", get_object=handoff_object)
def document_list(request, handoff_id, obj=None):
    """The forms of a handoff, by kind, with versions, senders, recipients and receipt."""
    handoff = handoff_for(request.membership, handoff_id)
    return render(request, "handoff/document_list.html",
                  {"handoff": handoff, "section": section_context(request.membership, handoff)})


@policy.requires("handoff.write_document", get_object=handoff_object)
def document_new(request, handoff_id, kind, obj=None):
    """A new version of a form, prefilled from the last version and the patient record."""
    kind = _kind_or_404(kind)
    handoff = handoff_for(request.membership, handoff_id, action="handoff.write_document")
    policy.require(request.membership, services.write_action(request.membership, handoff, kind), handoff)
    start = services.prefill(membership=request.membership, handoff=handoff, kind=kind)
    form = DocumentForm(request.POST or None, kind=kind, initial_data=start.data)
    if request.method == "POST" and form.is_valid():
        try:
            document = services.document_save(membership=request.membership, handoff=handoff, kind=kind,
                                              data=form.data_for_service())
        except ValidationError as error:
            add_service_errors(form, error, form.field_for)
        else:
            messages.success(request, _("Saved as version %(number)s. Send it when it is ready.")
                             % {"number": document.version})
            return redirect("handoff:document_send", handoff_id=handoff.pk, document_id=document.pk)
    return render(request, "handoff/document_form.html",
                  {"handoff": handoff, "kind": kind, "kind_label": DocumentKind(kind).label, "form": form,
                   "start": start})


@policy.requires("handoff.view_handoff", get_object=handoff_object)
def document_detail(request, handoff_id, document_id, obj=None):
    """One version: its contents by fieldset, its sendings, and what changed from the previous version."""
    document = selectors.document_for(request.membership, handoff_id, document_id)
    handoff = document.handoff
    sendings = list(document.sendings.all())
    for sending in sendings:
        sending.may_acknowledge = (sending.acknowledged_at is None
                                   and sending.recipient_organization_id == request.membership.organization_id
                                   and policy.check(request.membership, services.ACKNOWLEDGE, sending))
    return render(request, "handoff/document_detail.html", {
        "handoff": handoff, "document": document, "fieldsets": selectors.shown_fields(document),
        "changes": selectors.document_changes(document), "previous": selectors.previous_version(document),
        "sendings": sendings, "may_write": services.may_write(request.membership, handoff, document.kind),
        "pdf_form": PdfOptionsForm()})


def _recipients_from(form: SendForm, handoff: Handoff) -> list[services.Recipient]:
    data = form.cleaned_data
    recipients = [services.Recipient(organization=form.by_id[pk], channel=Channel.RENKEI)
                  for pk in data.get("organizations") or [] if pk in form.by_id]
    if data.get("hospital_paper"):
        recipients.append(services.Recipient(facility=handoff.hospital, name=handoff.hospital.name,
                                             channel=data["hospital_channel"],
                                             sent_at=_aware(data.get("hospital_sent_at"))))
    if data.get("other_name"):
        recipients.append(services.Recipient(name=data["other_name"], channel=data["other_channel"],
                                             sent_at=_aware(data.get("other_sent_at"))))
    return recipients


def _aware(value):
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


@policy.requires("handoff.write_document", get_object=handoff_object)
def document_send(request, handoff_id, document_id, obj=None):
    """Send a version to several recipients (on Renkei, or recorded as sent by FAX, post or hand); for a form
    of a hospital not on Renkei, record how the paper form came."""
    document = selectors.document_for(request.membership, handoff_id, document_id,
                                      action="handoff.write_document")
    handoff = document.handoff
    action = services.write_action(request.membership, handoff, document.kind)
    policy.require(request.membership, action, handoff)
    is_paper_record = document.kind in services.HOSPITAL_KINDS and action == "handoff.act_as_home"
    if is_paper_record:
        form = PaperReceivedForm(request.POST or None, initial={
            "sender_name": handoff.hospital.name, "channel": Channel.FAX,
            "received_at": timezone.localtime().replace(second=0, microsecond=0, tzinfo=None)})
    else:
        organizations = services.renkei_recipients(handoff, exclude=request.membership.organization)
        form = SendForm(request.POST or None, organizations=organizations,
                        hospital_on_paper=not handoff.is_hospital_on_renkei)
    if request.method == "POST" and form.is_valid():
        try:
            if is_paper_record:
                services.paper_received_record(
                    membership=request.membership, document=document, sender_name=form.cleaned_data["sender_name"],
                    channel=form.cleaned_data["channel"], received_at=_aware(form.cleaned_data["received_at"]))
            else:
                services.document_send(membership=request.membership, document=document,
                                       recipients=_recipients_from(form, handoff),
                                       base_url=request.build_absolute_uri("/")[:-1])
        except ValidationError as error:
            add_service_errors(form, error, lambda key: "__all__")
        else:
            messages.success(request, _("Recorded. The form is on the patient's team timeline."))
            return redirect("handoff:document_detail", handoff_id=handoff.pk, document_id=document.pk)
    return render(request, "handoff/document_send.html",
                  {"handoff": handoff, "document": document, "form": form, "is_paper_record": is_paper_record,
                   "hospital_fax": handoff.hospital.fax})


@require_POST
@policy.requires(services.ACKNOWLEDGE, get_object=sending_object)
def document_acknowledge(request, handoff_id, sending_id, obj=None):
    """The recipient organization records that the form arrived."""
    sending = selectors.sending_for(request.membership, handoff_id, sending_id, action=services.ACKNOWLEDGE)
    services.document_acknowledge(membership=request.membership, sending=sending)
    messages.success(request, _("Receipt recorded."))
    return redirect("handoff:document_detail", handoff_id=sending.document.handoff_id,
                    document_id=sending.document_id)


def _party_of_organization(organization, person: str = "") -> Party:
    return Party(name=organization.name, fax=services.organization_fax(organization), phone=organization.phone,
                 person=person)


def pdf_parties(membership, document: HandoffDocument, sending: DocumentSending | None) -> tuple[Party, Party]:
    """Who the PDF is from (the member's organization) and to (the sending's recipient, else the hospital)."""
    sender = _party_of_organization(membership.organization, membership.user.display_name)
    handoff = document.handoff
    if sending is not None and sending.recipient_organization_id:
        recipient = _party_of_organization(sending.recipient_organization)
    elif sending is not None:
        facility: Facility | None = sending.recipient_facility
        recipient = Party(name=sending.recipient_name, fax=facility.fax if facility else "",
                          phone=facility.phone if facility else "")
    elif document.kind in services.HOME_KINDS:
        recipient = Party(name=handoff.hospital.name, fax=handoff.hospital.fax, phone=handoff.hospital.phone,
                          person=handoff.discharge_contact_name)
    elif handoff.care_office_id:
        recipient = _party_of_organization(handoff.care_office,
                                           handoff.care_manager.user.display_name if handoff.care_manager_id else "")
    else:
        recipient = Party(name="")
    return sender, recipient


@policy.requires("handoff.view_handoff", get_object=handoff_object)
def document_pdf_view(request, handoff_id, document_id, obj=None):
    """The form as a FAX-ready A4 PDF (a logged read); ?initials=on prints the patient's initials only."""
    options = PdfOptionsForm(request.GET or None)
    initials_only = options.is_valid() and options.cleaned_data["initials"]
    document = selectors.document_for(request.membership, handoff_id, document_id, what=selectors.DOCUMENT_PRINT)
    sending = None
    if options.is_valid() and options.cleaned_data.get("sending"):
        sending = next((s for s in document.sendings.all() if s.pk == options.cleaned_data["sending"]), None)
    sender, recipient = pdf_parties(request.membership, document, sending)
    pdf = document_pdf(document, sender=sender, recipient=recipient, initials_only=bool(initials_only))
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"handoff-{document.handoff_id}-{document.kind}-v{document.version}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


urlpatterns: list = [
    path("<int:handoff_id>/documents/", document_list, name="document_list"),
    path("<int:handoff_id>/documents/new/<str:kind>/", document_new, name="document_new"),
    path("<int:handoff_id>/documents/<int:document_id>/", document_detail, name="document_detail"),
    path("<int:handoff_id>/documents/<int:document_id>/send/", document_send, name="document_send"),
    path("<int:handoff_id>/documents/<int:document_id>/pdf/", document_pdf_view, name="document_pdf"),
    path("<int:handoff_id>/sendings/<int:sending_id>/acknowledge/", document_acknowledge,
         name="document_acknowledge"),
]
