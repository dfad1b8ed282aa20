"""The FHIR documents of a handoff: the latest version of a form, its Bundle (a logged export), and the handoff a
hospital's Bundle is about among those the member may act on."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from renkei.core import audit, policy
from renkei.core.models import AuditEntry

from .. import fhir_documents
from ..models import DocumentKind, Handoff, HandoffDocument
from .handoffs import handoff_for

BUILDERS = {
    DocumentKind.REFERRAL: (fhir_documents.referral_bundle, gettext_noop("referral letter (FHIR)")),
    DocumentKind.DISCHARGE_SUMMARY: (fhir_documents.discharge_summary_bundle,
                                     gettext_noop("discharge summary (FHIR)")),
}


def latest_document(handoff: Handoff, kind: str) -> HandoffDocument | None:
    """The newest version of a form of the handoff, or None."""
    return (HandoffDocument.objects.filter(handoff=handoff, kind=kind)
            .select_related("author__user", "author_organization").order_by("-version", "-pk").first())


def latest_kinds(handoff: Handoff) -> set[str]:
    """Which of the FHIR-exportable forms the handoff has (one query)."""
    return set(HandoffDocument.objects.filter(handoff=handoff, kind__in=list(BUILDERS))
               .values_list("kind", flat=True).distinct())


@dataclass(frozen=True)
class Export:
    handoff: Handoff
    document: HandoffDocument
    bundle: dict

    @property
    def file_name(self) -> str:
        kind = "referral" if self.document.kind == DocumentKind.REFERRAL else "discharge-summary"
        return f"handoff-{self.handoff.pk}-{kind}-v{self.document.version}.json"


def document_export(membership, handoff_id, kind: str) -> Export:
    """The latest version of `kind` as a JP-CLINS Bundle: the policy (handoff.view_handoff), the read entry, and an
    export entry once the Bundle is made. Http404 when the handoff has no such form; FhirDocumentError when the
    form lacks what JP-CLINS requires."""
    build, what = BUILDERS[kind]
    handoff = handoff_for(membership, handoff_id, what=what)
    document = latest_document(handoff, kind)
    if document is None:
        raise Http404(kind)
    bundle = build(document, handoff)
    audit.record(action=AuditEntry.Action.EXPORT, obj=document, permission="handoff.view_handoff",
                 changes={"what": kind, "format": "FHIR JSON (JP-CLINS)", "version": document.version})
    return Export(handoff, document, bundle)


def handoff_for_bundle(membership, patient_resource: dict) -> Handoff:
    """The handoff a Bundle's Patient points to, among the handoffs the member may see: that patient's open
    handoff, else the most recent. FhirDocumentError when no patient, or more than one, matches."""
    birth = str(patient_resource.get("birthDate") or "")
    if not fhir_documents._is_full_date(birth):
        birth = ""  # a partial or malformed date finds nobody by itself
    handoffs = policy.scope(membership, "handoff.list_handoffs", Handoff.objects.all()).select_related("patient")
    if birth:
        handoffs = handoffs.filter(patient__birth_date=birth)
    else:
        numbers = fhir_documents._bundle_numbers(patient_resource)
        if "care" not in numbers:
            raise fhir_documents.FhirDocumentError(_(
                "The document's patient has neither a date of birth nor an insured number Renkei knows: choose "
                "the handoff to import into."))
        handoffs = handoffs.filter(patient__care_insured_number=numbers["care"])
    candidates = [h for h in handoffs.order_by("-admitted_at", "-pk")[:200]
                  if fhir_documents.patient_matches(patient_resource, h.patient)[0]]
    patients = {h.patient_id for h in candidates}
    if not candidates:
        raise fhir_documents.FhirDocumentError(_(
            "None of the admissions you may work on is about the patient of this document (same insured number, "
            "or same name and date of birth)."))
    if len(patients) > 1:
        raise fhir_documents.FhirDocumentError(_(
            "Several of your patients match this document: import it from the handoff's own page."))
    chosen = next((h for h in candidates if h.status == Handoff.Status.OPEN), candidates[0])
    return handoff_for(membership, chosen.pk, action="handoff.write_document", record=False)
