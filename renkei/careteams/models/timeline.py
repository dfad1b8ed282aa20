"""The team's shared timeline: posts, structured observations, attachments, acknowledgements."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from renkei.core.audit import Subject

from .patients import Patient
from .teams import CareTeamMember


class Post(models.Model):
    """One message on a patient's timeline. Never edited: a correction is a new post that refers to it."""

    class Kind(models.TextChoices):
        NOTE = "note", _("note")
        OBSERVATION = "observation", _("observation (vital signs, ADL, meals)")
        MEDICATION = "medication", _("medication change")
        MESSAGE = "message", _("message to chosen members")

    class Urgency(models.TextChoices):
        NORMAL = "normal", _("normal")
        IMPORTANT = "important", _("important")
        URGENT = "urgent", _("urgent")

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(CareTeamMember, on_delete=models.PROTECT, related_name="posts")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.NOTE)
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    text = models.TextField(_("text"), blank=True)
    # Structured observations: {"temperature": 37.2, "bp_systolic": 132, "bp_diastolic": 80, "pulse": 72,
    # "spo2": 97, "respiration": 16, "adl": "...", "meals": "...", "medication": "..."} (careteams.observations)
    observations = models.JSONField(_("observations"), default=dict, blank=True)
    # Empty: the whole team. Otherwise only these members (and the author) see it.
    recipients = models.ManyToManyField(CareTeamMember, blank=True, related_name="addressed_posts",
                                        verbose_name=_("to"))
    mentions = models.ManyToManyField(CareTeamMember, blank=True, related_name="mentioned_in",
                                      verbose_name=_("mentions"))
    corrects = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections")
    # Sent by the browser with the draft: a resend after a lost connection finds the post, not a duplicate.
    client_key = models.UUIDField(default=uuid.uuid4, unique=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("timeline post")
        verbose_name_plural = _("timeline posts")
        indexes = [models.Index(fields=["patient", "-created_at", "-id"], name="post_patient_newest")]

    def __str__(self) -> str:
        return f"post #{self.pk}"

    def audit_subject(self):
        return patient_subject(self.patient_id)

    def audit_owner(self):
        return self.patient


def patient_subject(patient_id) -> Subject:
    """The audit subject of rows that carry the patient's id (no query to load the patient)."""
    return Subject("patient", patient_id)


class Attachment(models.Model):
    """A photo or PDF on a post: checked by content, photo location stripped, stored outside the web root."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="attachments")
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="attachments")
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    storage_path = models.CharField(max_length=200, unique=True)  # relative to RENKEI_PATIENT_FILES_ROOT
    created_at = models.DateTimeField(auto_now_add=True)

    AUDIT_LABEL_IS_SENSITIVE = True

    class Meta:
        ordering = ["post", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return f"attachment #{self.pk}"

    def audit_subject(self):
        return patient_subject(self.patient_id)

    def audit_owner(self):
        return self.patient


class Acknowledgement(models.Model):
    """"読みました": one per member and post."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="acknowledgements")
    member = models.ForeignKey(CareTeamMember, on_delete=models.PROTECT, related_name="acknowledgements")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at"]
        constraints = [models.UniqueConstraint(fields=["post", "member"], name="one_acknowledgement_per_member")]
        verbose_name = _("acknowledgement")
        verbose_name_plural = _("acknowledgements")

    def __str__(self) -> str:
        return f"ack #{self.pk}"

    def audit_subject(self):
        return patient_subject(self.post.patient_id)

    def audit_owner(self):
        return self.post.patient
