"""FHIR documents API: a handoff's 診療情報提供書 and 退院時サマリー as JP-CLINS document Bundles, and the import of
a hospital's eDischargeSummary Bundle. The same policy, read and export entries as the screens."""

import json

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from renkei.core import policy

from ..fhir_documents import FhirDocumentError, bundle_patient
from ..models import DocumentKind
from ..selectors import fhir as selectors
from ..selectors.handoffs import handoff_for
from ..services import fhir as services

router = Router(tags=["handoffs"])
FHIR_JSON = "application/fhir+json; charset=utf-8"


class ProblemOut(Schema):
    detail: str
    errors: list[str] = []


class ImportOut(Schema):
    handoff_id: int
    document_id: int
    version: int
    source: str
    imported: list[str]
    warnings: list[str]


def _bundle_response(membership, handoff_id: int, kind: str):
    try:
        export = selectors.document_export(membership, handoff_id, kind)
    except FhirDocumentError as error:
        return Status(422, {"detail": _("The document cannot be written as JP-CLINS FHIR."),
                            "errors": error.reasons})
    response = HttpResponse(json.dumps(export.bundle, ensure_ascii=False), content_type=FHIR_JSON)
    response["Content-Disposition"] = f'inline; filename="{export.file_name}"'
    return response


BUNDLE_RESPONSE = {200: dict, 404: ProblemOut, 422: ProblemOut}


@router.get("/handoffs/{handoff_id}/fhir/referral", response=BUNDLE_RESPONSE,
            openapi_extra={"responses": {200: {"description": "JP-CLINS eReferral document Bundle",
                                               "content": {"application/fhir+json": {}}}}})
@policy.api_asks_on_object("handoff.view_handoff")
def get_referral_bundle(request, handoff_id: int):
    """The latest 診療情報提供書 as a FHIR R4 document Bundle (JP-CLINS eReferral); 404 when there is none,
    422 when it lacks what JP-CLINS requires (e.g. the hospital's 医療機関コード)."""
    return _bundle_response(request.membership, handoff_id, DocumentKind.REFERRAL)


@router.get("/handoffs/{handoff_id}/fhir/discharge-summary", response=BUNDLE_RESPONSE,
            openapi_extra={"responses": {200: {"description": "JP-CLINS eDischargeSummary document Bundle",
                                               "content": {"application/fhir+json": {}}}}})
@policy.api_asks_on_object("handoff.view_handoff")
def get_discharge_summary_bundle(request, handoff_id: int):
    """The latest 退院時サマリー as a FHIR R4 document Bundle (JP-CLINS eDischargeSummary)."""
    return _bundle_response(request.membership, handoff_id, DocumentKind.DISCHARGE_SUMMARY)


def read_bundle(raw: bytes) -> dict:
    """The request body or uploaded file as JSON (FhirDocumentError when too large or not JSON)."""
    if len(raw) > services.MAX_BUNDLE_BYTES:
        raise FhirDocumentError(_("The file is too large (%(mb)s MB at most).")
                                % {"mb": services.MAX_BUNDLE_BYTES // (1024 * 1024)})
    try:
        text = raw.decode("utf-8-sig")
        return json.loads(text)
    except (UnicodeDecodeError, ValueError) as exc:
        raise FhirDocumentError(_("The file is not JSON (a FHIR Bundle in JSON, UTF-8, is expected).")) from exc


@router.post("/handoffs/fhir", response={201: ImportOut, 404: ProblemOut, 422: ProblemOut},
             openapi_extra={"requestBody": {"required": True, "description": "a JP-CLINS eDischargeSummary Bundle",
                                            "content": {"application/fhir+json": {"schema": {"type": "object"}},
                                                        "application/json": {"schema": {"type": "object"}}}}})
@policy.api_asks_on_object("handoff.write_document")
def import_bundle(request, handoff_id: int | None = None):
    """Import a hospital's eDischargeSummary Bundle as the next version of a handoff's 退院時サマリー: the handoff
    `handoff_id`, or the open (else the most recent) handoff of the Bundle's patient among yours. All or nothing;
    422 with the reasons when the Bundle is not one, or is about another patient."""
    membership = request.membership
    handoff = None
    if handoff_id is not None:
        handoff = handoff_for(membership, handoff_id, action="handoff.write_document", record=False)
    try:
        bundle = read_bundle(request.body)
        if handoff is None:
            handoff = selectors.handoff_for_bundle(membership, bundle_patient(bundle))
        result = services.document_import_fhir(membership=membership, handoff=handoff, bundle=bundle)
    except FhirDocumentError as error:
        return Status(422, {"detail": _("The Bundle was not imported."), "errors": error.reasons})
    document = result.document
    return Status(201, {"handoff_id": handoff.pk, "document_id": document.pk, "version": document.version,
                        "source": document.source, "imported": result.filled, "warnings": result.warnings})
