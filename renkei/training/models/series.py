"""Training series and sessions, registrations and attendance.

A `TrainingSeries` is the unit people register for and whose effect is measured: a single 研修会 (one session), a
事例検討会 series or a 同行研修 programme (several sessions). It has target professions, an optional survey
instrument (the same questions before and after) and an owner municipality (a joint project's or a contractor's
series is issue 13's). A `TrainingSession` has a date and time, a place or a video link, and a capacity.

A `Registration` is one participant of a series: a Renkei member, or a name and profession with their
organization from the directory (`facility`) or as written. `Attendance` records who came to which session.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from renkei.core.concurrency import Versioned
from renkei.core.models import JointProject, Membership, Municipality, Organization, Profession


class SeriesKind(models.TextChoices):
    LECTURE = "lecture", _("training session (研修会)")
    CASE_CONFERENCE = "case_conference", _("case conference (事例検討会)")
    SHADOWING = "shadowing", _("accompanied visits (同行研修)")
    GROUP_WORK = "group_work", _("group work")
    OTHER = "other", pgettext_lazy("training kind", "other")


class TrainingSeries(Versioned):
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="training_series",
                                     verbose_name=_("municipality"))
    kind = models.CharField(_("kind"), max_length=20, choices=SeriesKind.choices, default=SeriesKind.LECTURE)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    fiscal_year = models.PositiveIntegerField(_("fiscal year"))
    # Profession codes (core.Profession); empty = every profession.
    target_professions = models.JSONField(_("target professions"), default=list, blank=True)
    organizer = models.ForeignKey(Organization, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="training_series", verbose_name=_("organized by"))
    # A joint project (共同実施) the series belongs to: its municipalities share it.
    joint_project = models.ForeignKey(JointProject, on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="+", verbose_name=_("joint project"))
    instrument = models.ForeignKey("training.Instrument", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="series", verbose_name=_("survey before and after"))
    is_open_for_registration = models.BooleanField(_("open for registration"), default=True)
    created_by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    AUDIT_IGNORED_FIELDS = frozenset({"version"})

    class Meta:
        ordering = ["municipality", "-fiscal_year", "title"]
        verbose_name = _("training series")
        verbose_name_plural = _("training series")

    def __str__(self) -> str:
        return self.title

    def audit_owner(self):
        return self.municipality


class TrainingSession(Versioned):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("scheduled")
        HELD = "held", _("held")
        CANCELLED = "cancelled", pgettext_lazy("session", "cancelled")

    series = models.ForeignKey(TrainingSeries, on_delete=models.CASCADE, related_name="sessions",
                               verbose_name=_("series"))
    title = models.CharField(_("title"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    video_url = models.URLField(_("video or online link"), blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED)

    AUDIT_IGNORED_FIELDS = frozenset({"version"})

    class Meta:
        ordering = ["series", "starts_at", "pk"]
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        indexes = [models.Index(fields=["starts_at"], name="training_session_starts")]

    def __str__(self) -> str:
        return self.title or f"{self.series} {self.starts_at:%Y-%m-%d}"

    def audit_owner(self):
        return self.series.municipality


class Registration(models.Model):
    series = models.ForeignKey(TrainingSeries, on_delete=models.CASCADE, related_name="registrations",
                               verbose_name=_("series"))
    membership = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="training_registrations", verbose_name=_("Renkei member"))
    name = models.CharField(_("name"), max_length=80)
    profession = models.CharField(_("profession"), max_length=40, choices=Profession.choices, blank=True)
    profession_other = models.CharField(_("profession (other)"), max_length=60, blank=True)
    facility = models.ForeignKey("directory.Facility", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="training_registrations", verbose_name=_("organization"))
    organization_name = models.CharField(_("organization (not in the directory)"), max_length=120, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    registered_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    AUDIT_SENSITIVE_FIELDS = frozenset({"name", "email"})
    AUDIT_LABEL_IS_SENSITIVE = True

    class Meta:
        ordering = ["series", "registered_at", "pk"]
        verbose_name = _("training registration")
        verbose_name_plural = _("training registrations")

    def __str__(self) -> str:
        return self.name

    def audit_owner(self):
        return self.series.municipality


class Attendance(models.Model):
    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="attendances",
                                     verbose_name=_("registration"))
    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="attendances",
                                verbose_name=_("session"))
    attended = models.BooleanField(_("attended"), default=True)
    recorded_by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                    verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    class Meta:
        ordering = ["session", "registration"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [models.UniqueConstraint(fields=["registration", "session"],
                                               name="training_attendance_once")]

    def __str__(self) -> str:
        return f"{self.session} / {self.registration_id}"

    def audit_owner(self):
        return self.session.series.municipality
