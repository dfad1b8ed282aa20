"""A hospital stay seen as a handoff: the admission, the steps the rule asks for, every information exchange.

Patient data (要配慮個人情報): every model here answers `audit_subject()` with the patient, so its entries are
sensitive by default and appear on the patient's access history.

The fields under "measures" are written by `services.outcomes.evaluate` whenever a step, the discharge or the
screening changes, so that the もれ率 report is one aggregate query over handoffs (a prefecture's year is
200,000 rows), never a Python loop over them.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from renkei.careteams.models import Patient
from renkei.core.concurrency import Versioned
from renkei.core.models import Membership, Municipality, Organization
from renkei.directory.models import Facility

from .rules import Actor, RuleSet, RuleStep, StepKey


class AdmissionKind(models.TextChoices):
    PLANNED = "planned", _("planned")
    EMERGENCY = "emergency", _("emergency")


class CareLevelGroup(models.TextChoices):
    """The split the classic survey reports the 退院調整率 by."""

    CARE = "care", _("要介護")
    SUPPORT = "support", _("要支援")
    NONE = "none", _("not certified")


class DischargeDestination(models.TextChoices):
    HOME = "home", _("home")
    FACILITY = "facility", _("care facility or housing")
    TRANSFER = "transfer", _("another hospital")
    DEATH = "death", _("died in hospital")
    OTHER = "other", _("other")


class Channel(models.TextChoices):
    """How information passed between the hospital and the people at home."""

    INTERVIEW = "interview", _("face-to-face meeting (面談)")
    CONFERENCE = "conference", _("conference")
    VIDEO = "video", _("video call")
    RENKEI = "renkei", _("document on Renkei")
    FAX = "fax", _("FAX")
    MAIL = "mail", _("post")
    HAND = "hand", _("handed over")
    PHONE = "phone", _("phone")
    EMAIL = "email", _("e-mail")


class Handoff(Versioned):
    """One admission of a patient to a hospital and the coordination around it, under one rule-set version."""

    class Status(models.TextChoices):
        OPEN = "open", _("in hospital")
        DISCHARGED = "discharged", _("discharged")
        CANCELLED = "cancelled", _("cancelled (recorded by mistake)")

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="handoffs")
    # The hospital as the directory knows it; `hospital_organization` is set when it is on Renkei. A hospital
    # not on Renkei still gets every form (printed for FAX) and counts in every measure.
    hospital = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="handoffs",
                                 verbose_name=_("hospital"))
    hospital_organization = models.ForeignKey(Organization, on_delete=models.PROTECT, null=True, blank=True,
                                              related_name="hospital_handoffs")
    ward = models.CharField(_("ward or department"), max_length=80, blank=True)
    admitted_at = models.DateTimeField(_("admitted at"))
    admission_kind = models.CharField(_("admission"), max_length=10, choices=AdmissionKind.choices,
                                      default=AdmissionKind.EMERGENCY)
    rule_set = models.ForeignKey(RuleSet, on_delete=models.PROTECT, related_name="handoffs",
                                 verbose_name=_("rule applied"))
    is_covered = models.BooleanField(_("covered by the rule"), default=True)
    not_covered_reason = models.CharField(_("why not covered"), max_length=200, blank=True)
    # The people at home: the care office and its care manager (usually the team's care manager).
    care_office = models.ForeignKey(Organization, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="care_office_handoffs", verbose_name=_("care management office"))
    care_manager = models.ForeignKey(Membership, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("care manager"))
    # The hospital's contact for discharge (退院支援担当者), on Renkei or by name and phone.
    discharge_contact = models.ForeignKey(Membership, on_delete=models.PROTECT, null=True, blank=True,
                                          related_name="+", verbose_name=_("discharge contact"))
    discharge_contact_name = models.CharField(_("discharge contact (name)"), max_length=80, blank=True)
    discharge_contact_phone = models.CharField(_("discharge contact (phone)"), max_length=20, blank=True)
    # Screening (退院困難な要因): the hospital's answer.
    needs_coordination = models.BooleanField(_("needs discharge coordination"), default=True)
    difficulty_factors = models.JSONField(_("factors making discharge difficult"), default=list, blank=True)
    has_key_person = models.BooleanField(_("has a key person"), null=True, blank=True)  # None: not known
    planned_discharge_on = models.DateField(_("planned discharge"), null=True, blank=True)
    discharged_at = models.DateTimeField(_("discharged at"), null=True, blank=True)
    discharge_destination = models.CharField(_("discharged to"), max_length=12, blank=True,
                                             choices=DischargeDestination.choices)
    # A care manager who learned of the discharge only afterwards records the whole stay at once.
    reported_afterwards = models.BooleanField(_("learned of the discharge afterwards"), default=False)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    opened_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Measures (written by services.outcomes.evaluate; read by the report in one aggregate query).
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")  # the patient's, at admission
    care_level_group = models.CharField(max_length=10, choices=CareLevelGroup.choices, default=CareLevelGroup.NONE)
    discharged_on = models.DateField(null=True, blank=True)
    is_missed = models.BooleanField(null=True, blank=True)  # None until discharged, or when not counted
    is_late_notice = models.BooleanField(default=False)  # told of the discharge under 3 days before
    is_admission_info_missing = models.BooleanField(default=False)  # admission information never sent
    exchange_count = models.PositiveSmallIntegerField(default=0)  # hospital ↔ home exchanges before discharge
    conference_count = models.PositiveSmallIntegerField(default=0)

    AUDIT_LABEL_IS_SENSITIVE = True
    AUDIT_IGNORED_FIELDS = frozenset({"version", "updated_at"})

    class Meta:
        ordering = ["-admitted_at", "-pk"]
        verbose_name = _("handoff")
        verbose_name_plural = _("handoffs")
        indexes = [
            models.Index(fields=["hospital", "discharged_on"]),
            models.Index(fields=["municipality", "discharged_on"]),
            models.Index(fields=["care_office", "discharged_on"]),
            models.Index(fields=["patient", "status"]),
            models.Index(fields=["hospital_organization", "status"]),
        ]

    def __str__(self) -> str:
        return f"handoff #{self.pk}"

    def audit_subject(self):
        return self.patient.audit_subject()

    def audit_owner(self):
        return self.patient

    @property
    def is_hospital_on_renkei(self) -> bool:
        return self.hospital_organization_id is not None


class HandoffStep(models.Model):
    """One step of a handoff, with the due time computed from its rule step when the anchor event is known."""

    class Status(models.TextChoices):
        PENDING = "pending", _("to do")
        DONE = "done", _("done")
        NOT_NEEDED = "not_needed", _("not needed")

    handoff = models.ForeignKey(Handoff, on_delete=models.CASCADE, related_name="steps")
    rule_step = models.ForeignKey(RuleStep, on_delete=models.PROTECT, related_name="+")
    key = models.CharField(_("step"), max_length=20, choices=StepKey.choices)
    order = models.PositiveSmallIntegerField(default=0)
    actor = models.CharField(_("who does it"), max_length=20, choices=Actor.choices)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)  # None until the anchor event is known
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    channel = models.CharField(_("how"), max_length=12, choices=Channel.choices, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["handoff", "order", "pk"]
        verbose_name = _("handoff step")
        verbose_name_plural = _("handoff steps")
        constraints = [models.UniqueConstraint(fields=["handoff", "key"], name="handoff_step_unique_key")]
        indexes = [models.Index(fields=["status", "actor", "due_at"])]

    def __str__(self) -> str:
        return self.get_key_display()

    def audit_subject(self):
        return self.handoff.patient.audit_subject()

    def audit_owner(self):
        return self.handoff.patient

    @property
    def is_on_time(self) -> bool | None:
        if self.done_at is None or self.due_at is None:
            return None
        return self.done_at <= self.due_at


class Exchange(models.Model):
    """One exchange of information between the hospital and the people at home: who, when, how.

    The counts 退院・退所加算 tiers rest on (exchanges before discharge, how many were conferences) are read
    from these; Renkei shows them as facts and never makes a billing claim.
    """

    class Direction(models.TextChoices):
        TO_HOSPITAL = "to_hospital", _("home → hospital")
        FROM_HOSPITAL = "from_hospital", _("hospital → home")
        BOTH = "both", _("both ways (meeting)")

    handoff = models.ForeignKey(Handoff, on_delete=models.CASCADE, related_name="exchanges")
    step = models.ForeignKey(HandoffStep, on_delete=models.SET_NULL, null=True, blank=True, related_name="exchanges")
    occurred_at = models.DateTimeField(_("when"))
    direction = models.CharField(_("direction"), max_length=14, choices=Direction.choices)
    channel = models.CharField(_("how"), max_length=12, choices=Channel.choices)
    from_organization = models.ForeignKey(Organization, on_delete=models.PROTECT, null=True, blank=True,
                                          related_name="+")
    to_organization = models.ForeignKey(Organization, on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="+")
    # Professions taking part (core Profession values), for conference participation by profession.
    professions = models.JSONField(_("professions taking part"), default=list, blank=True)
    summary = models.CharField(_("what was exchanged"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["handoff", "occurred_at", "pk"]
        verbose_name = _("information exchange")
        verbose_name_plural = _("information exchanges")

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.occurred_at:%Y-%m-%d}"

    def audit_subject(self):
        return self.handoff.patient.audit_subject()

    def audit_owner(self):
        return self.handoff.patient
