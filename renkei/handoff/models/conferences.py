"""Pre-discharge conferences (退院前カンファレンス): proposed slots, the invited people's answers, the meeting.

An invited care manager who never received an invitation shows up in the measures: invitations are rows.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from renkei.careteams.models import CareTeamMember
from renkei.core.models import Membership, Organization

from .handoffs import Handoff


class Conference(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", _("finding a time")
        SCHEDULED = "scheduled", _("scheduled")
        HELD = "held", _("held")
        CANCELLED = "cancelled", _("cancelled")

    handoff = models.ForeignKey(Handoff, on_delete=models.CASCADE, related_name="conferences")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED)
    proposed_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    chosen_slot = models.ForeignKey("ConferenceSlot", on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("chosen time"))
    place = models.CharField(_("place"), max_length=120, blank=True)
    video_url = models.URLField(_("video link"), blank=True)
    held_at = models.DateTimeField(_("held at"), null=True, blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["handoff", "created_at", "pk"]
        verbose_name = _("pre-discharge conference")
        verbose_name_plural = _("pre-discharge conferences")

    def __str__(self) -> str:
        return f"conference #{self.pk}"

    def audit_subject(self):
        return self.handoff.patient.audit_subject()

    def audit_owner(self):
        return self.handoff.patient


class ConferenceSlot(models.Model):
    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="slots")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))

    class Meta:
        ordering = ["conference", "starts_at", "pk"]
        verbose_name = _("proposed time")
        verbose_name_plural = _("proposed times")

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d %H:%M}"

    def audit_subject(self):
        return self.conference.handoff.patient.audit_subject()

    def audit_owner(self):
        return self.conference.handoff.patient


class ConferenceInvitee(models.Model):
    """Someone asked to the conference: a team member (care manager, nurse, doctor, pharmacist, family…)."""

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="invitees")
    team_member = models.ForeignKey(CareTeamMember, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    name = models.CharField(_("name"), max_length=80)
    role = models.CharField(_("role"), max_length=30)  # careteams TeamRole value
    profession = models.CharField(_("profession"), max_length=40, blank=True)  # core Profession value
    invited_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    attended = models.BooleanField(_("attended"), null=True, blank=True)

    class Meta:
        ordering = ["conference", "pk"]
        verbose_name = _("conference invitee")
        verbose_name_plural = _("conference invitees")

    def __str__(self) -> str:
        return self.name

    def audit_subject(self):
        return self.conference.handoff.patient.audit_subject()

    def audit_owner(self):
        return self.conference.handoff.patient


class SlotAnswer(models.Model):
    class Answer(models.TextChoices):
        YES = "yes", _("suits me")
        MAYBE = "maybe", _("possible")
        NO = "no", _("does not suit me")

    invitee = models.ForeignKey(ConferenceInvitee, on_delete=models.CASCADE, related_name="answers")
    slot = models.ForeignKey(ConferenceSlot, on_delete=models.CASCADE, related_name="answers")
    answer = models.CharField(_("answer"), max_length=6, choices=Answer.choices)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [models.UniqueConstraint(fields=["invitee", "slot"], name="handoff_slotanswer_unique")]

    def __str__(self) -> str:
        return f"answer #{self.pk}"  # never the invitee's name: the log names patient data by number

    def audit_subject(self):
        return self.invitee.conference.handoff.patient.audit_subject()

    def audit_owner(self):
        return self.invitee.conference.handoff.patient
