"""Importing a hospital's eDischargeSummary Bundle: the next version of the handoff's 退院時サマリー, from FHIR."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from renkei.core import policy

from .. import fhir_documents
from ..forms_schema import LIST_FIELDS
from ..models import DocumentKind, Handoff, HandoffDocument

MAX_BUNDLE_BYTES = 5 * 1024 * 1024  # a discharge summary with text only is a few tens of kB; PDFs belong elsewhere


@dataclass
class ImportResult:
    document: HandoffDocument
    filled: list[str] = field(default_factory=list)  # the form's keys that received something
    warnings: list[str] = field(default_factory=list)


def document_import_fhir(*, membership, handoff: Handoff, bundle: dict) -> ImportResult:
    """A hospital's eDischargeSummary Bundle becomes the next version of the handoff's discharge summary
    (source "fhir"), all or nothing.

    Either side may import (handoff.write_document): the summary is the hospital's document, and a care manager
    records the one a hospital gave them. The Bundle's Patient must be the handoff's patient (the same insured
    number, or the same name and date of birth). Raises FhirDocumentError with the reasons.
    """
    policy.require(membership, "handoff.write_document", handoff)
    data = fhir_documents.parse_discharge_summary(bundle)
    patient = fhir_documents.bundle_patient(bundle)
    matches, _how = fhir_documents.patient_matches(patient, handoff.patient)
    if not matches:
        raise fhir_documents.FhirDocumentError(_(
            "The document is about another patient: its insured number, or its name and date of birth, do not "
            "match this handoff's patient. Nothing was imported."))
    warnings = []
    ours = _local(handoff.admitted_at)
    if data.get("admitted_on") and data["admitted_on"] != ours:
        warnings.append(_("The document's admission date (%(theirs)s) is not this handoff's (%(ours)s): check that "
                          "it is the right stay.") % {"theirs": data["admitted_on"], "ours": ours})
    if handoff.status == Handoff.Status.CANCELLED:
        raise fhir_documents.FhirDocumentError(_("This handoff was cancelled."))
    with transaction.atomic():
        Handoff.objects.select_for_update().filter(pk=handoff.pk).values_list("pk").first()
        latest = (HandoffDocument.objects.filter(handoff=handoff, kind=DocumentKind.DISCHARGE_SUMMARY)
                  .aggregate(v=Max("version"))["v"] or 0)
        document = HandoffDocument.objects.create(
            handoff=handoff, kind=DocumentKind.DISCHARGE_SUMMARY, version=latest + 1, data=data,
            source=HandoffDocument.Source.FHIR, author=membership, author_organization=membership.organization)
    filled = [key for key, value in data.items() if (value if key in LIST_FIELDS else str(value).strip())]
    return ImportResult(document=document, filled=filled, warnings=warnings)


def _local(value) -> str:
    from django.utils import timezone

    return timezone.localtime(value).date().isoformat()
