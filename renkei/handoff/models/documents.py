"""The handoff forms as structured records: one row per version, sent to several recipients.

`data` holds the form's fields by the keys `forms_schema.FIELDS[kind]` lists; a new version is a new row (the
previous one is kept), and each sending records to whom, how and when — on Renkei, or printed for FAX, post
or hand when the recipient is not on Renkei.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from renkei.core.models import Membership, Organization
from renkei.directory.models import Facility

from .handoffs import Channel, Handoff


class DocumentKind(models.TextChoices):
    ADMISSION_INFO = "admission_info", _("入院時情報提供書")
    SCREENING = "screening", _("退院支援スクリーニング")
    DISCHARGE_RECORD = "discharge_record", _("退院・退所情報記録書")
    REFERRAL = "referral", _("診療情報提供書")
    DISCHARGE_SUMMARY = "discharge_summary", _("退院時サマリー")
    NURSING_SUMMARY = "nursing_summary", _("看護サマリー")


class HandoffDocument(models.Model):
    """One version of one form of a handoff."""

    class Source(models.TextChoices):
        FORM = "form", _("filled in on Renkei")
        FHIR = "fhir", _("imported from a FHIR document")

    handoff = models.ForeignKey(Handoff, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("form"), max_length=20, choices=DocumentKind.choices)
    version = models.PositiveIntegerField(_("version"), default=1)
    data = models.JSONField(_("contents"), default=dict)
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.FORM)
    author = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    author_organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["handoff", "kind", "-version"]
        verbose_name = _("handoff form")
        verbose_name_plural = _("handoff forms")
        constraints = [models.UniqueConstraint(fields=["handoff", "kind", "version"],
                                               name="handoff_document_unique_version")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.version}"

    def audit_subject(self):
        return self.handoff.patient.audit_subject()

    def audit_owner(self):
        return self.handoff.patient


class DocumentSending(models.Model):
    """A document version sent to one recipient: on Renkei (an organization) or on paper (FAX, post, hand)."""

    document = models.ForeignKey(HandoffDocument, on_delete=models.CASCADE, related_name="sendings")
    recipient_organization = models.ForeignKey(Organization, on_delete=models.PROTECT, null=True, blank=True,
                                               related_name="+", verbose_name=_("recipient on Renkei"))
    recipient_facility = models.ForeignKey(Facility, on_delete=models.PROTECT, null=True, blank=True,
                                           related_name="+", verbose_name=_("recipient (directory)"))
    recipient_name = models.CharField(_("recipient"), max_length=120, blank=True)
    channel = models.CharField(_("how"), max_length=12, choices=Channel.choices)
    sent_at = models.DateTimeField(_("sent at"))
    sent_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    acknowledged_at = models.DateTimeField(_("received at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(Membership, on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="+")

    class Meta:
        ordering = ["document", "sent_at", "pk"]
        verbose_name = _("form sent")
        verbose_name_plural = _("forms sent")

    def __str__(self) -> str:
        return f"{self.document} → {self.recipient_name or self.recipient_organization_id}"

    def audit_subject(self):
        return self.document.handoff.patient.audit_subject()

    def audit_owner(self):
        return self.document.handoff.patient
