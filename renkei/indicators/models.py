"""Indicators (見える化): definitions, values for an explicit period and area, targets, publication, imports.

A value belongs to one definition, one area (`area_key`) and one period (`period_start` in the definition's
period type). It is computed by a provider an app registers, imported from a file, or entered by staff.
A correction never overwrites: the old row stays with `is_current=False` and `superseded_by` set.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from renkei.core.concurrency import Versioned
from renkei.core.models import DailyLivingArea, Municipality, Prefecture


class Kind(models.TextChoices):
    STRUCTURE = "structure", _("structure")
    PROCESS = "process", _("process")
    OUTCOME = "outcome", _("outcome")


class PeriodType(models.TextChoices):
    FISCAL_YEAR = "fiscal_year", _("fiscal year")
    QUARTER = "quarter", _("quarter")
    MONTH = "month", _("month")


class AreaLevel(models.TextChoices):
    NATION = "nation", _("nation")
    PREFECTURE = "prefecture", _("prefecture")
    MUNICIPALITY = "municipality", _("municipality")
    DAILY_LIVING_AREA = "daily_living_area", _("daily living area")


class Origin(models.TextChoices):
    """How a value arrives: the definition says which it expects, each value says which it had."""

    COMPUTED = "computed", _("computed from Renkei's records")
    IMPORTED = "imported", _("imported from a file")
    ENTERED = "entered", _("entered by staff")


class IndicatorDefinition(Versioned):
    """What an indicator measures and how its value is formed (numerator ÷ denominator × factor).

    Built-in definitions (the shipped library) belong to nobody; a municipality's or a prefecture's own
    belong to it and may be shared (`is_shared`) with the rest of the prefecture.
    """

    class Factor(models.IntegerChoices):
        ONE = 1, "×1"
        HUNDRED = 100, "×100"
        THOUSAND = 1000, "×1,000"
        HUNDRED_THOUSAND = 100000, "×100,000"

    code = models.CharField(_("code"), max_length=40)
    owner_municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, null=True, blank=True,
                                           related_name="indicator_definitions", verbose_name=_("municipality"))
    owner_prefecture = models.ForeignKey(Prefecture, on_delete=models.PROTECT, null=True, blank=True,
                                         related_name="indicator_definitions", verbose_name=_("prefecture"))
    is_builtin = models.BooleanField(_("built in"), default=False)
    is_shared = models.BooleanField(_("shared with the prefecture"), default=False)
    name_ja = models.CharField(_("name (Japanese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    scenes = models.JSONField(_("scenes"), default=list, blank=True)  # Scene values
    program_items = models.JSONField(_("program items"), default=list, blank=True)  # ProgramItem values
    numerator_label = models.CharField(_("numerator"), max_length=200, blank=True)
    denominator_label = models.CharField(_("denominator"), max_length=200, blank=True)  # blank: a plain count
    factor = models.PositiveIntegerField(_("factor"), choices=Factor.choices, default=Factor.ONE)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    decimals = models.PositiveSmallIntegerField(_("decimal places"), default=1)
    higher_is_better = models.BooleanField(_("higher is better"), null=True, blank=True)  # None: neither
    data_source = models.CharField(_("data source"), max_length=200, blank=True)
    source_url = models.URLField(_("source address"), blank=True)
    vintage_note = models.CharField(_("vintage"), max_length=120, blank=True)  # "毎年9月公表、前年分" etc.
    caveat = models.TextField(_("caveat"), blank=True)  # shown with every chart (在宅死 includes 孤独死…)
    period_type = models.CharField(_("period type"), max_length=20, choices=PeriodType.choices,
                                   default=PeriodType.FISCAL_YEAR)
    area_levels = models.JSONField(_("area levels"), default=list, blank=True)  # AreaLevel values
    # Public views show counts under this as "<N" (0: never suppressed). Counts of patients: 10.
    suppression_threshold = models.PositiveIntegerField(_("small-count suppression threshold"), default=10)
    origin = models.CharField(_("values"), max_length=20, choices=Origin.choices, default=Origin.ENTERED)
    provider = models.CharField(_("provider"), max_length=80, blank=True)  # registry key when computed
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    AUDIT_IGNORED_FIELDS = frozenset({"version"})

    class Meta:
        ordering = ["code"]
        verbose_name = _("indicator definition")
        verbose_name_plural = _("indicator definitions")
        constraints = [
            models.UniqueConstraint(fields=["code"], condition=Q(owner_municipality__isnull=True,
                                                                 owner_prefecture__isnull=True),
                                    name="unique_builtin_indicator_code"),
            models.UniqueConstraint(fields=["owner_municipality", "code"],
                                    condition=Q(owner_municipality__isnull=False),
                                    name="unique_municipal_indicator_code"),
            models.UniqueConstraint(fields=["owner_prefecture", "code"],
                                    condition=Q(owner_prefecture__isnull=False, owner_municipality__isnull=True),
                                    name="unique_prefectural_indicator_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name_ja}"

    def audit_owner(self):
        return self.owner_municipality or self.owner_prefecture

    @property
    def is_rate(self) -> bool:
        return bool(self.denominator_label)


def area_key(*, level: str, prefecture: Prefecture | None = None, municipality: Municipality | None = None,
             daily_living_area: DailyLivingArea | None = None) -> str:
    """The one string naming an area: "N", "P26", "M262013", "D<id>" (unique per value and period)."""
    if level == AreaLevel.NATION:
        return "N"
    if level == AreaLevel.PREFECTURE:
        return f"P{prefecture.code}"
    if level == AreaLevel.MUNICIPALITY:
        return f"M{municipality.code}"
    return f"D{daily_living_area.pk}"


class IndicatorValue(models.Model):
    """One value of one indicator for one area and one period; corrections keep the old row."""

    definition = models.ForeignKey(IndicatorDefinition, on_delete=models.CASCADE, related_name="values",
                                   verbose_name=_("indicator"))
    area_level = models.CharField(_("area level"), max_length=20, choices=AreaLevel.choices)
    area_key = models.CharField(_("area"), max_length=24)
    prefecture = models.ForeignKey(Prefecture, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("prefecture"))
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="indicator_values", verbose_name=_("municipality"))
    daily_living_area = models.ForeignKey(DailyLivingArea, on_delete=models.PROTECT, null=True, blank=True,
                                          related_name="indicator_values", verbose_name=_("daily living area"))
    period_type = models.CharField(_("period type"), max_length=20, choices=PeriodType.choices)
    period_start = models.DateField(_("period"))  # FY2024 → 2024-04-01; 2024-05 → 2024-05-01
    numerator = models.DecimalField(_("numerator"), max_digits=20, decimal_places=4, null=True, blank=True)
    denominator = models.DecimalField(_("denominator"), max_digits=20, decimal_places=4, null=True, blank=True)
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=6, null=True, blank=True)
    origin = models.CharField(_("origin"), max_length=20, choices=Origin.choices)
    source_note = models.CharField(_("source"), max_length=300, blank=True)
    vintage = models.DateField(_("data as of"), null=True, blank=True)
    import_run = models.ForeignKey("IndicatorImportRun", on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="values", verbose_name=_("import"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    is_current = models.BooleanField(_("current"), default=True)
    superseded_by = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True,
                                      related_name="corrects", verbose_name=_("corrected by"))

    class Meta:
        ordering = ["definition", "area_key", "period_start", "-recorded_at"]
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        constraints = [
            models.UniqueConstraint(fields=["definition", "area_key", "period_start"], condition=Q(is_current=True),
                                    name="one_current_indicator_value"),
        ]
        indexes = [
            models.Index(fields=["definition", "area_level", "period_start"], name="indicator_value_level"),
            models.Index(fields=["area_key", "definition", "period_start"], name="indicator_value_area"),
        ]

    def __str__(self) -> str:
        return f"{self.definition.code} {self.area_key} {self.period_start}"

    def audit_owner(self):
        return self.municipality or (self.daily_living_area.municipality if self.daily_living_area_id else None) \
            or self.prefecture

    @staticmethod
    def compute(numerator: Decimal | None, denominator: Decimal | None, factor: int) -> Decimal | None:
        """numerator ÷ denominator × factor; a count when there is no denominator; None when undefined."""
        if numerator is None:
            return None
        if denominator is None:
            return Decimal(numerator) * factor if factor != 1 else Decimal(numerator)
        if denominator == 0:
            return None
        return Decimal(numerator) / Decimal(denominator) * factor


def fiscal_year_of(day: datetime.date) -> int:
    """Japanese fiscal year (April to March): 2025-03-31 is FY2024."""
    return day.year if day.month >= 4 else day.year - 1


class IndicatorTarget(Versioned):
    """A municipality's baseline and targets for one indicator over one plan period (three fiscal years)."""

    definition = models.ForeignKey(IndicatorDefinition, on_delete=models.CASCADE, related_name="targets",
                                   verbose_name=_("indicator"))
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="indicator_targets",
                                     verbose_name=_("municipality"))
    start_fiscal_year = models.PositiveIntegerField(_("first fiscal year"))
    end_fiscal_year = models.PositiveIntegerField(_("last fiscal year"))
    baseline_value = models.DecimalField(_("baseline"), max_digits=20, decimal_places=6, null=True, blank=True)
    baseline_fiscal_year = models.PositiveIntegerField(_("baseline year"), null=True, blank=True)
    final_value = models.DecimalField(_("end-of-period target"), max_digits=20, decimal_places=6,
                                      null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+", verbose_name=_("set by"))
    updated_at = models.DateTimeField(auto_now=True)

    AUDIT_IGNORED_FIELDS = frozenset({"version"})

    class Meta:
        ordering = ["municipality", "definition", "start_fiscal_year"]
        verbose_name = _("indicator target")
        verbose_name_plural = _("indicator targets")
        constraints = [
            models.UniqueConstraint(fields=["definition", "municipality", "start_fiscal_year"],
                                    name="unique_indicator_target"),
        ]

    def __str__(self) -> str:
        return f"{self.definition.code} {self.start_fiscal_year}–{self.end_fiscal_year}"

    def audit_owner(self):
        return self.municipality


class IndicatorTargetYear(models.Model):
    """The target for one fiscal year inside the period (the last year's is `final_value`)."""

    target = models.ForeignKey(IndicatorTarget, on_delete=models.CASCADE, related_name="years",
                               verbose_name=_("target"))
    fiscal_year = models.PositiveIntegerField(_("fiscal year"))
    value = models.DecimalField(_("target"), max_digits=20, decimal_places=6)

    class Meta:
        ordering = ["target", "fiscal_year"]
        verbose_name = _("yearly target")
        verbose_name_plural = _("yearly targets")
        constraints = [models.UniqueConstraint(fields=["target", "fiscal_year"], name="unique_target_year")]

    def __str__(self) -> str:
        return f"{self.target} FY{self.fiscal_year}"

    def audit_owner(self):
        return self.target.municipality


class IndicatorPublication(models.Model):
    """A municipality shows this indicator on its residents' page (small counts suppressed)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="indicator_publications",
                                     verbose_name=_("municipality"))
    definition = models.ForeignKey(IndicatorDefinition, on_delete=models.CASCADE, related_name="publications",
                                   verbose_name=_("indicator"))
    sort_order = models.PositiveIntegerField(_("display order"), default=0)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("published by"))
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)

    class Meta:
        ordering = ["municipality", "sort_order", "definition__code"]
        verbose_name = _("public indicator")
        verbose_name_plural = _("public indicators")
        constraints = [models.UniqueConstraint(fields=["municipality", "definition"], name="unique_publication")]

    def __str__(self) -> str:
        return f"{self.municipality} {self.definition.code}"

    def audit_owner(self):
        return self.municipality


class IndicatorColumnMapping(models.Model):
    """How a file staff already have (e-Stat, KDB, 見える化, own survey) maps to indicator values; saved once.

    `layout` names the reader (a built-in layout such as e-Stat's 死亡の場所, or "table" for a plain table);
    `columns` maps the reader's needs to the file's headers and to definitions.
    """

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, null=True, blank=True,
                                     related_name="indicator_mappings", verbose_name=_("municipality"))
    prefecture = models.ForeignKey(Prefecture, on_delete=models.CASCADE, null=True, blank=True,
                                   related_name="indicator_mappings", verbose_name=_("prefecture"))
    name = models.CharField(_("name"), max_length=120)
    layout = models.CharField(_("layout"), max_length=40)
    columns = models.JSONField(_("columns"), default=dict)
    source_note = models.CharField(_("source"), max_length=300, blank=True)
    header_signature = models.CharField(_("header"), max_length=64, blank=True, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("indicator column mapping")
        verbose_name_plural = _("indicator column mappings")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], condition=Q(municipality__isnull=False),
                                    name="unique_indicator_mapping_municipal"),
            models.UniqueConstraint(fields=["prefecture", "name"],
                                    condition=Q(municipality__isnull=True, prefecture__isnull=False),
                                    name="unique_indicator_mapping_prefectural"),
        ]

    def __str__(self) -> str:
        return self.name

    def audit_owner(self):
        return self.municipality or self.prefecture


class IndicatorImportRun(models.Model):
    """One import of one file of indicator values: all-or-nothing, with the report of rejected rows."""

    class Status(models.TextChoices):
        DRY_RUN = "dry_run", _("checked (nothing written)")
        APPLIED = "applied", _("applied")
        REJECTED = "rejected", _("rejected")

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="indicator_imports", verbose_name=_("municipality"))
    prefecture = models.ForeignKey(Prefecture, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="indicator_imports", verbose_name=_("prefecture"))
    mapping = models.ForeignKey(IndicatorColumnMapping, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="runs", verbose_name=_("column mapping"))
    layout = models.CharField(_("layout"), max_length=40)
    file_name = models.CharField(_("file"), max_length=255)
    file_sha256 = models.CharField(max_length=64, blank=True)
    source_note = models.CharField(_("source"), max_length=300, blank=True)
    vintage = models.DateField(_("data as of"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    rows_read = models.PositiveIntegerField(default=0)
    values_created = models.PositiveIntegerField(default=0)
    values_corrected = models.PositiveIntegerField(default=0)
    values_unchanged = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict, blank=True)  # {"rejected": [{"row": 3, "ja": "…", "en": "…"}], …}
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("by"))
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("indicator import")
        verbose_name_plural = _("indicator imports")

    def __str__(self) -> str:
        return self.file_name

    def audit_owner(self):
        return self.municipality or self.prefecture


__all__ = [
    "AreaLevel", "IndicatorColumnMapping", "IndicatorDefinition", "IndicatorImportRun", "IndicatorPublication",
    "IndicatorTarget", "IndicatorTargetYear", "IndicatorValue", "Kind", "Origin", "PeriodType",
    "area_key", "fiscal_year_of",
]
