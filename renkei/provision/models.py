"""Cover groups and their on-call rota (主治医・副主治医), and backup beds (在宅療養後方支援病院・事前登録).

A patient's attending and backup doctors are members of the care team (TeamRole.ATTENDING_DOCTOR and
BACKUP_DOCTOR, in careteams); `CoverArrangement` links the patient's team to the cover group whose rota
answers after hours. A visiting nursing station with 24-hour response keeps its own rota as a group of kind
NURSING_STATION (its `station` is the organization).

Every model about a patient has `audit_subject()` → the patient: its audit entries are sensitive by default.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from renkei.careteams.models import CareTeam, Patient
from renkei.core.models import DailyLivingArea, Membership, Municipality, Organization

DAY_STARTS = dt.time(9, 0)  # office hours on weekdays that are not holidays: 09:00–18:00
DAY_ENDS = dt.time(18, 0)


class CoverGroup(models.Model):
    """Doctors of several clinics covering each other's patients after hours, or one station's 24-hour rota."""

    class Kind(models.TextChoices):
        DOCTORS = "doctors", _("doctors' cover group")
        NURSING_STATION = "nursing_station", _("visiting nursing station (24-hour response)")

    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.DOCTORS)
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="cover_groups",
                                     verbose_name=_("municipality"))
    daily_living_area = models.ForeignKey(DailyLivingArea, on_delete=models.SET_NULL, null=True, blank=True,
                                          related_name="cover_groups", verbose_name=_("daily living area"))
    organizations = models.ManyToManyField(Organization, related_name="cover_groups", blank=True,
                                           verbose_name=_("organizations"))
    members = models.ManyToManyField(Membership, related_name="cover_groups", blank=True,
                                     verbose_name=_("members"))
    # For a nursing station's own rota: the station (also in `organizations`).
    station = models.ForeignKey(Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                verbose_name=_("visiting nursing station"))
    phone = models.CharField(_("group's on-call phone"), max_length=20, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["municipality", "name", "pk"]
        verbose_name = _("cover group")
        verbose_name_plural = _("cover groups")

    def __str__(self) -> str:
        return self.name

    def audit_owner(self):
        return self.municipality


class ShiftKind(models.TextChoices):
    NIGHT = "night", _("night (18:00–09:00)")
    WEEKEND_DAY = "weekend_day", _("weekend day (09:00–18:00)")
    HOLIDAY_DAY = "holiday_day", _("holiday day (09:00–18:00)")


class RotaShift(models.Model):
    """Who covers the group on one night, weekend day or holiday day, and the phone to call for it.

    A night shift dated D runs from D 18:00 to D+1 09:00; a day shift from 09:00 to 18:00 on D."""

    group = models.ForeignKey(CoverGroup, on_delete=models.CASCADE, related_name="shifts")
    date = models.DateField(_("date"))
    kind = models.CharField(_("shift"), max_length=20, choices=ShiftKind.choices)
    covering = models.ForeignKey(Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("covering"))
    phone = models.CharField(_("phone for this shift"), max_length=20, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    updated_by = models.ForeignKey(Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["group", "date", "kind"]
        verbose_name = _("rota shift")
        verbose_name_plural = _("rota shifts")
        constraints = [models.UniqueConstraint(fields=["group", "date", "kind"], name="provision_one_shift")]

    def __str__(self) -> str:
        return f"{self.group} {self.date} {self.kind}"

    def audit_owner(self):
        return self.group.municipality

    @property
    def is_covered(self) -> bool:
        return self.covering_id is not None


class CoverArrangement(models.Model):
    """A patient's team is covered after hours by this group's rota (arranged by a team member)."""

    team = models.OneToOneField(CareTeam, on_delete=models.CASCADE, related_name="cover_arrangement")
    group = models.ForeignKey(CoverGroup, on_delete=models.PROTECT, related_name="arrangements")
    arranged_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    arranged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("cover arrangement")
        verbose_name_plural = _("cover arrangements")

    def __str__(self) -> str:
        return f"cover arrangement #{self.pk}"

    def audit_subject(self):
        return self.team.patient

    def audit_owner(self):
        return self.team.patient


class PatientEnrolment(models.Model):
    """A patient pre-enrolled with a backup hospital (在宅療養後方支援病院, あんしん病院・事前登録).

    The flow: a member of the patient's team proposes it (a current consent covering emergencies is required);
    a professional of the hospital accepts or declines; either side ends it. Only an accepted enrolment whose
    dates include today is current: only then does the hospital read the emergency sheet and team contacts."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("proposed by the team")
        ACTIVE = "active", _("enrolled")
        DECLINED = "declined", _("declined by the hospital")
        ENDED = "ended", _("ended")

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="backup_enrolments")
    hospital = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="backup_enrolments",
                                 verbose_name=_("hospital"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED)
    starts_on = models.DateField(_("from"), default=timezone.localdate)
    ends_on = models.DateField(_("until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    proposed_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(default=timezone.now)
    enrolled_by = models.ForeignKey(Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name=_("enrolled by"))
    decided_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-proposed_at", "-pk"]
        verbose_name = _("backup hospital enrolment")
        verbose_name_plural = _("backup hospital enrolments")
        indexes = [models.Index(fields=["hospital", "status"]), models.Index(fields=["patient", "status"])]

    def __str__(self) -> str:
        return f"enrolment #{self.pk}"

    def audit_subject(self):
        return self.patient

    def audit_owner(self):
        return self.patient

    def is_current_on(self, day: dt.date) -> bool:
        return (self.status == self.Status.ACTIVE and self.starts_on <= day
                and (self.ends_on is None or self.ends_on >= day))

    @property
    def is_current(self) -> bool:
        return self.is_current_on(timezone.localdate())


class EmergencyAdmission(models.Model):
    """An enrolled hospital admitted the patient in an emergency."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="emergency_admissions")
    hospital = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="emergency_admissions",
                                 verbose_name=_("hospital"))
    enrolment = models.ForeignKey(PatientEnrolment, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="admissions")
    admitted_at = models.DateTimeField(_("admitted at"))
    reason = models.CharField(_("reason"), max_length=200)
    recorded_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-admitted_at", "-pk"]
        verbose_name = _("emergency admission")
        verbose_name_plural = _("emergency admissions")

    def __str__(self) -> str:
        return f"emergency admission #{self.pk}"

    def audit_subject(self):
        return self.patient

    def audit_owner(self):
        return self.patient
