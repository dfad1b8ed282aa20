"""A patient's care team, its members (a person in an organization, with a role on this team), and consent."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from renkei.core.models import Invitation, Membership, Organization

from .patients import Patient


class TeamRole(models.TextChoices):
    ATTENDING_DOCTOR = "attending_doctor", _("attending doctor (主治医)")
    BACKUP_DOCTOR = "backup_doctor", _("backup doctor (副主治医)")
    VISITING_NURSE = "visiting_nurse", _("visiting nurse")
    CARE_MANAGER = "care_manager", _("care manager")
    PHARMACIST = "pharmacist", _("pharmacist")
    DENTIST = "dentist", _("dentist")
    REHABILITATION = "rehabilitation", _("rehabilitation")
    HOME_HELPER = "home_helper", _("home helper")
    HOSPITAL_DISCHARGE = "hospital_discharge", _("hospital admission/discharge support")
    COMMUNITY_SUPPORT_CENTER = "community_support_center", _("community support center")
    FAMILY = "family", _("family member")
    OTHER = "other", _("other")


class CareTeam(models.Model):
    """One team per patient: the people caring for them, across organizations."""

    patient = models.OneToOneField(Patient, on_delete=models.CASCADE, related_name="care_team")
    # A team may already have a group on MCS or another regional network: link it instead of competing.
    external_network = models.CharField(_("other network"), max_length=60, blank=True)
    external_url = models.URLField(_("link to the group on that network"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("care team")
        verbose_name_plural = _("care teams")

    def __str__(self) -> str:
        return f"care team #{self.pk}"

    def audit_subject(self):
        return self.patient

    def audit_owner(self):
        return self.patient


class CareTeamMember(models.Model):
    """A person on a team: a Renkei membership, an invited person (until they accept), or a family member."""

    team = models.ForeignKey(CareTeam, on_delete=models.CASCADE, related_name="members")
    role = models.CharField(_("role on this team"), max_length=30, choices=TeamRole.choices)
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="care_team_roles", verbose_name=_("member"))
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="care_team_roles", verbose_name=_("organization"))
    # Someone not yet on Renkei is invited by e-mail; accepting makes the invitation's membership theirs.
    invitation = models.ForeignKey(Invitation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    person_name = models.CharField(_("name"), max_length=80, blank=True)  # family, or an invitee until they join
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    started_on = models.DateField(_("from"), default=timezone.localdate)
    ended_on = models.DateField(_("until"), null=True, blank=True)
    added_by = models.ForeignKey(Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    AUDIT_LABEL_IS_SENSITIVE = True

    class Meta:
        ordering = ["team", "role", "pk"]
        verbose_name = _("care team member")
        verbose_name_plural = _("care team members")
        indexes = [models.Index(fields=["membership", "ended_on"]),
                   models.Index(fields=["invitation"])]

    def __str__(self) -> str:
        who = self.membership.user.display_name if self.membership_id else self.person_name
        return f"{who}（{self.get_role_display()}）"

    def audit_subject(self):
        return self.team.patient

    def audit_owner(self):
        return self.team.patient

    @property
    def is_current(self) -> bool:
        today = timezone.localdate()
        return self.started_on <= today and (self.ended_on is None or self.ended_on >= today)

    @property
    def is_pending(self) -> bool:
        return self.membership_id is None and self.invitation_id is not None

    @property
    def contact_phone(self) -> str:
        """The member's own number, else their organization's (family and invitees may have no organization)."""
        return self.phone or (self.organization.phone if self.organization_id else "")


class TeamJoinRequest(models.Model):
    """"This patient exists elsewhere, ask to join": the team decides; nothing is revealed before."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for the team")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")
        WITHDRAWN = "withdrawn", _("withdrawn")

    team = models.ForeignKey(CareTeam, on_delete=models.CASCADE, related_name="join_requests")
    requested_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role on this team"), max_length=30, choices=TeamRole.choices)
    message = models.TextField(_("message to the team"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("request to join a care team")
        verbose_name_plural = _("requests to join care teams")

    def __str__(self) -> str:
        return f"join request #{self.pk}"

    def audit_subject(self):
        return self.team.patient

    def audit_owner(self):
        return self.team.patient


class Consent(models.Model):
    """Who agreed (the patient or a named proxy) to sharing with which organizations or roles, for what."""

    class GivenBy(models.TextChoices):
        PATIENT = "patient", _("the patient")
        PROXY = "proxy", _("a proxy")

    class Purpose(models.TextChoices):
        CARE = "care", _("sharing among the care team for care and treatment")
        EMERGENCY = "emergency", _("emergencies (backup hospital, ambulance)")
        HANDOFF = "handoff", _("hospital admission and discharge")

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="consents")
    given_by = models.CharField(_("given by"), max_length=10, choices=GivenBy.choices, default=GivenBy.PATIENT)
    proxy_name = models.CharField(_("proxy's name"), max_length=80, blank=True)
    proxy_relation = models.CharField(_("proxy's relation"), max_length=40, blank=True)
    purposes = models.JSONField(_("purposes"), default=list)  # Purpose values
    # Covers the whole team, or only the organizations and the team roles listed.
    covers_whole_team = models.BooleanField(_("the whole care team"), default=True)
    organizations = models.ManyToManyField(Organization, blank=True, related_name="+",
                                           verbose_name=_("organizations"))
    roles = models.JSONField(_("roles on the team"), default=list, blank=True)  # TeamRole values
    consented_on = models.DateField(_("consented on"))
    paper_reference = models.CharField(_("paper form"), max_length=120, blank=True)
    form_file = models.CharField(max_length=200, blank=True)  # a path in the patient file store, never under MEDIA
    form_file_name = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    withdrawal_note = models.CharField(_("withdrawal note"), max_length=200, blank=True)

    class Meta:
        ordering = ["-consented_on", "-pk"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        indexes = [models.Index(fields=["patient", "withdrawn_at"])]

    def __str__(self) -> str:
        return f"consent #{self.pk}"

    def audit_subject(self):
        return self.patient

    def audit_owner(self):
        return self.patient

    @property
    def is_current(self) -> bool:
        return self.withdrawn_at is None and self.consented_on <= timezone.localdate()


class BreakGlassAccess(models.Model):
    """Emergency access without team membership or consent: a reason, a short limit, a review afterwards."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="break_glass_accesses")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="break_glass_accesses")
    reason = models.TextField(_("reason"))
    started_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("until"))
    ended_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    review_note = models.TextField(_("review note"), blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("break-glass access")
        verbose_name_plural = _("break-glass accesses")
        indexes = [models.Index(fields=["membership", "patient", "expires_at"])]

    def __str__(self) -> str:
        return f"break-glass #{self.pk}"

    def audit_subject(self):
        return self.patient

    def audit_owner(self):
        return self.patient

    @property
    def is_active(self) -> bool:
        return self.ended_at is None and self.expires_at > timezone.now()
