"""What the もれ率 report reads besides handoffs: the classic one-month census and the region's baseline.

No patient data: a census row is one discharge a care manager reported, by hospital and care-level group.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from renkei.core.models import AreaGroup, Membership, Municipality
from renkei.directory.models import Facility

from .handoffs import CareLevelGroup


class CensusImport(models.Model):
    """One imported file of the yearly one-month survey (退院調整状況調査): all rows or none."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("municipality"))
    area_group = models.ForeignKey(AreaGroup, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("group of municipalities"))
    month = models.DateField(_("survey month"))  # the first day of the month
    file_name = models.CharField(_("file"), max_length=200)
    row_count = models.PositiveIntegerField(default=0)
    imported_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-month", "-pk"]
        verbose_name = _("survey import")
        verbose_name_plural = _("survey imports")

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.file_name}"

    def audit_owner(self):
        return self.municipality or self.area_group


class CensusDischarge(models.Model):
    """One discharge in the census: which hospital, which care office, 要介護/要支援, contacted before or not."""

    census = models.ForeignKey(CensusImport, on_delete=models.CASCADE, related_name="discharges")
    hospital = models.ForeignKey(Facility, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    hospital_name = models.CharField(_("hospital"), max_length=200)
    care_office_name = models.CharField(_("care office"), max_length=200, blank=True)
    care_level_group = models.CharField(_("care level"), max_length=10, choices=CareLevelGroup.choices)
    discharged_on = models.DateField(_("discharged on"), null=True, blank=True)
    was_contacted = models.BooleanField(_("the hospital contacted the care manager before discharge"))

    class Meta:
        ordering = ["census", "pk"]
        verbose_name = _("survey discharge")
        verbose_name_plural = _("survey discharges")
        indexes = [models.Index(fields=["census", "hospital"])]

    def __str__(self) -> str:
        return f"{self.hospital_name} {self.discharged_on or ''}".strip()

    def audit_owner(self):
        return self.census.municipality or self.census.area_group


class Baseline(models.Model):
    """A figure the region had before Renkei (e.g. 県中 もれ率 31 % in May 2015), drawn on the trend."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("municipality"))
    area_group = models.ForeignKey(AreaGroup, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("group of municipalities"))
    measured_in = models.DateField(_("survey month"))
    missed_rate = models.DecimalField(_("missed coordination rate (%)"), max_digits=5, decimal_places=1)
    source = models.CharField(_("source"), max_length=200, blank=True)
    entered_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["measured_in", "pk"]
        verbose_name = _("baseline figure")
        verbose_name_plural = _("baseline figures")

    def __str__(self) -> str:
        return f"{self.measured_in:%Y-%m} {self.missed_rate}%"

    def audit_owner(self):
        return self.municipality or self.area_group
