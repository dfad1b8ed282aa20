"""The region's 入退院支援ルール: a versioned rule set for an area, its steps and deadlines, closed days.

A handoff keeps the rule-set version it was opened under (`Handoff.rule_set`), and its steps copy their due
times when they are computed: changing a rule never rewrites the past.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from renkei.core.models import AreaGroup, Membership, Municipality, Prefecture


class StepKey(models.TextChoices):
    """The steps a rule can name, in the order they usually happen."""

    ADMISSION_INFO = "admission_info", _("care manager sends the admission information")
    SCREENING = "screening", _("hospital screens and names its discharge contact")
    INTERVIEW = "interview", _("hospital meets the patient and family and starts the discharge plan")
    DISCHARGE_NOTICE = "discharge_notice", _("hospital tells the care manager the planned discharge")
    CONFERENCE = "conference", _("pre-discharge conference")
    DISCHARGE = "discharge", _("discharge")
    SUMMARIES = "summaries", _("hospital sends the discharge summaries")


class Actor(models.TextChoices):
    CARE_MANAGER = "care_manager", _("care manager")
    HOSPITAL = "hospital", _("hospital")


class Anchor(models.TextChoices):
    """The event a deadline counts from."""

    ADMISSION = "admission", _("admission")
    PLANNED_DISCHARGE = "planned_discharge", _("planned discharge")
    DISCHARGE = "discharge", _("discharge")


class DayUnit(models.TextChoices):
    CALENDAR = "calendar", _("calendar days")
    WORKING = "working", _("working days")


class RuleSet(models.Model):
    """One version of an area's discharge coordination rules (or the national defaults when no area is set)."""

    class AreaKind(models.TextChoices):
        NATIONAL = "national", _("national defaults")
        MUNICIPALITY = "municipality", _("municipality")
        AREA_GROUP = "area_group", _("group of municipalities")
        PREFECTURE = "prefecture", _("prefecture")

    name = models.CharField(_("name"), max_length=120)
    area_kind = models.CharField(_("area"), max_length=20, choices=AreaKind.choices)
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="handoff_rule_sets", verbose_name=_("municipality"))
    area_group = models.ForeignKey(AreaGroup, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="handoff_rule_sets", verbose_name=_("group of municipalities"))
    prefecture = models.ForeignKey(Prefecture, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="handoff_rule_sets", verbose_name=_("prefecture"))
    version = models.PositiveIntegerField(_("version"), default=1)
    effective_from = models.DateField(_("effective from"))
    # Which admissions the rule covers (但馬: not short planned stays of about 3 days, not regular respite).
    covers_support_levels = models.BooleanField(_("covers people certified 要支援"), default=True)
    covers_uncertified = models.BooleanField(
        _("covers people not certified when the hospital judges coordination necessary"), default=True)
    excluded_planned_stay_days = models.PositiveSmallIntegerField(
        _("planned stays of up to this many days are not covered (0: all are)"), default=0)
    note = models.TextField(_("note"), blank=True)
    source_url = models.URLField(_("the published rule"), blank=True)
    created_by = models.ForeignKey(Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["area_kind", "name", "-version"]
        verbose_name = _("discharge coordination rule")
        verbose_name_plural = _("discharge coordination rules")
        constraints = [
            models.CheckConstraint(
                name="handoff_ruleset_one_area",
                condition=(Q(area_kind="national", municipality__isnull=True, area_group__isnull=True,
                             prefecture__isnull=True)
                           | Q(area_kind="municipality", municipality__isnull=False, area_group__isnull=True,
                               prefecture__isnull=True)
                           | Q(area_kind="area_group", municipality__isnull=True, area_group__isnull=False,
                               prefecture__isnull=True)
                           | Q(area_kind="prefecture", municipality__isnull=True, area_group__isnull=True,
                               prefecture__isnull=False))),
        ]
        indexes = [models.Index(fields=["area_kind", "effective_from"])]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    def clean(self) -> None:
        area = {self.AreaKind.MUNICIPALITY: self.municipality_id, self.AreaKind.AREA_GROUP: self.area_group_id,
                self.AreaKind.PREFECTURE: self.prefecture_id}.get(self.area_kind, True)
        if not area:
            raise ValidationError(_("Choose the area the rule belongs to."))

    @property
    def area_name(self) -> str:
        if self.municipality_id:
            return str(self.municipality)
        if self.area_group_id:
            return str(self.area_group)
        if self.prefecture_id:
            return str(self.prefecture)
        return str(_("whole country"))

    def audit_owner(self):
        return self.municipality or self.area_group or self.prefecture


class RuleStep(models.Model):
    """One step of a rule set: who does it and by when, relative to an event.

    The deadline is the end of the day `offset_days` (negative: before) from the anchor's day, counted in
    calendar or working days; a deadline that falls on a day off moves to the next working day. With
    `after_hours_shift`, an anchor after office hours or on a day off counts from the next working day
    (入院時情報連携加算: 営業時間終了後又は営業日以外の日に入院した場合).
    """

    rule_set = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="steps")
    key = models.CharField(_("step"), max_length=20, choices=StepKey.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    actor = models.CharField(_("who does it"), max_length=20, choices=Actor.choices)
    anchor = models.CharField(_("counted from"), max_length=20, choices=Anchor.choices)
    offset_days = models.SmallIntegerField(_("days (negative: before)"), default=0)
    day_unit = models.CharField(_("counted in"), max_length=10, choices=DayUnit.choices, default=DayUnit.CALENDAR)
    after_hours_shift = models.BooleanField(_("after hours counts from the next working day"), default=False)
    is_required = models.BooleanField(_("required"), default=True)
    # Whether this step, when late or not done, makes the discharge count as missed coordination (もれ).
    counts_for_missed = models.BooleanField(_("late or missing counts as missed coordination"), default=False)
    label = models.CharField(_("label (if not the usual)"), max_length=120, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["rule_set", "order", "pk"]
        verbose_name = _("rule step")
        verbose_name_plural = _("rule steps")
        constraints = [models.UniqueConstraint(fields=["rule_set", "key"], name="handoff_rulestep_unique_key")]

    def __str__(self) -> str:
        return self.label or self.get_key_display()

    def audit_owner(self):
        return self.rule_set


class ClosedDay(models.Model):
    """A day a municipality's offices treat as closed beyond weekends and national holidays (年末年始…)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="handoff_closed_days",
                                     verbose_name=_("municipality"))
    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=60, blank=True)

    class Meta:
        ordering = ["municipality", "date"]
        verbose_name = _("closed day")
        verbose_name_plural = _("closed days")
        constraints = [models.UniqueConstraint(fields=["municipality", "date"], name="handoff_closedday_unique")]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"

    def audit_owner(self):
        return self.municipality
