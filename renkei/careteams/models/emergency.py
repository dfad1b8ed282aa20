"""The emergency sheet (急変時・救急医療情報キット): versioned wishes, orders and contacts; and where people die."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from renkei.core.models import Membership, Organization

from .patients import DeathPlace, Patient


class Wish(models.TextChoices):
    YES = "yes", _("wishes it")
    NO = "no", _("does not wish it")
    UNDECIDED = "undecided", _("not decided")


class PlaceWish(models.TextChoices):
    HOME = "home", _("home")
    FACILITY = "facility", _("care facility")
    HOSPITAL = "hospital", _("hospital")
    UNDECIDED = "undecided", _("not decided")


class EmergencySheet(models.Model):
    """One version of a patient's emergency sheet. Rows are never changed: a change is the next version."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="emergency_sheets")
    number = models.PositiveIntegerField(_("version"))
    resuscitation_wish = models.CharField(_("resuscitation"), max_length=10, choices=Wish.choices,
                                          default=Wish.UNDECIDED)
    transfer_wish = models.CharField(_("transfer to hospital"), max_length=10, choices=Wish.choices,
                                     default=Wish.UNDECIDED)
    place_of_death_wish = models.CharField(_("where they wish to spend their last days"), max_length=10,
                                           choices=PlaceWish.choices, default=PlaceWish.UNDECIDED)
    # ACP / 人生会議: what was discussed, with whom, when, and where the record is.
    acp_summary = models.TextField(_("what was discussed (ACP)"), blank=True)
    acp_participants = models.CharField(_("discussed with"), max_length=200, blank=True)
    acp_on = models.DateField(_("discussed on"), null=True, blank=True)
    acp_record_location = models.CharField(_("where the record is kept"), max_length=200, blank=True)
    doctor_order = models.TextField(_("doctor's instruction (e.g. DNAR)"), blank=True)
    doctor_order_on = models.DateField(_("instruction dated"), null=True, blank=True)
    doctor_order_by = models.CharField(_("instructing doctor"), max_length=80, blank=True)
    medications = models.TextField(_("medications"), blank=True)
    conditions = models.TextField(_("conditions"), blank=True)
    after_hours_phone = models.CharField(_("attending doctor's after-hours number"), max_length=20, blank=True)
    backup_hospital = models.ForeignKey(Organization, on_delete=models.SET_NULL, null=True, blank=True,
                                        related_name="+", verbose_name=_("registered backup hospital"))
    note = models.TextField(_("other notes for the ambulance crew"), blank=True)
    created_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["patient", "-number"]
        constraints = [models.UniqueConstraint(fields=["patient", "number"], name="one_emergency_sheet_version")]
        verbose_name = _("emergency sheet")
        verbose_name_plural = _("emergency sheets")

    def __str__(self) -> str:
        return f"emergency sheet v{self.number}"

    def audit_subject(self):
        return self.patient

    def audit_owner(self):
        return self.patient


class DeathRecord(models.Model):
    """When and where a patient died, and whether it was where they wished: the outcome no statistic has."""

    class Matched(models.TextChoices):
        YES = "yes", _("yes, where they wished")
        NO = "no", _("no")
        UNKNOWN = "unknown", _("their wish was not known")

    patient = models.OneToOneField(Patient, on_delete=models.CASCADE, related_name="death")
    died_on = models.DateField(_("date of death"))
    place = models.CharField(_("place of death"), max_length=10, choices=DeathPlace.choices)
    wished_place = models.CharField(_("wished place (from the emergency sheet)"), max_length=10,
                                    choices=PlaceWish.choices, blank=True)
    matched_wish = models.CharField(_("where they wished?"), max_length=10, choices=Matched.choices)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("death record")
        verbose_name_plural = _("death records")
        indexes = [models.Index(fields=["died_on", "place"])]

    def __str__(self) -> str:
        return f"death record #{self.pk}"

    def audit_subject(self):
        return self.patient

    def audit_owner(self):
        return self.patient
