"""Places: prefectures, municipalities (with wards), daily living areas and multi-municipality groups."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Prefecture(models.Model):
    code = models.CharField(_("prefecture code"), max_length=2, unique=True)
    local_government_code = models.CharField(_("local government code"), max_length=6, unique=True)
    name = models.CharField(_("name"), max_length=10)
    kana = models.CharField(_("kana"), max_length=20, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("prefecture")
        verbose_name_plural = _("prefectures")

    def __str__(self) -> str:
        return self.name


class Municipality(models.Model):
    class Kind(models.TextChoices):
        CITY = "city", _("city")
        DESIGNATED_CITY = "designated_city", _("designated city")
        WARD = "ward", _("ward of a designated city")
        SPECIAL_WARD = "special_ward", _("special ward (Tokyo)")
        TOWN = "town", _("town")
        VILLAGE = "village", _("village")

    # 全国地方公共団体コード: JIS X 0402 five digits + check digit. Strings: leading zeros matter.
    code = models.CharField(_("local government code"), max_length=6, unique=True)
    jis_code = models.CharField(_("JIS X 0402 code"), max_length=5, unique=True)
    prefecture = models.ForeignKey(Prefecture, on_delete=models.PROTECT, related_name="municipalities")
    name = models.CharField(_("name"), max_length=40)
    kana = models.CharField(_("kana"), max_length=80, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="wards",
        verbose_name=_("designated city"),
    )
    # Merged or renamed municipalities are never deleted: records elsewhere still point at them.
    abolished_on = models.DateField(_("abolished on"), null=True, blank=True)
    succeeded_by = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="predecessors",
        verbose_name=_("succeeded by"),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        return f"{self.prefecture.name}{self.name}" if self.prefecture_id else self.name

    @property
    def is_current(self) -> bool:
        return self.abolished_on is None


class DailyLivingArea(models.Model):
    """日常生活圏域: a sub-area of a municipality defined by its staff."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="daily_living_areas")
    name = models.CharField(_("name"), max_length=60)
    kana = models.CharField(_("kana"), max_length=120, blank=True)
    description = models.TextField(_("description"), blank=True)
    sort_order = models.PositiveIntegerField(_("display order"), default=0)

    class Meta:
        ordering = ["municipality", "sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="unique_daily_living_area_name"),
        ]
        verbose_name = _("daily living area")
        verbose_name_plural = _("daily living areas")

    def __str__(self) -> str:
        return self.name


class AreaGroup(models.Model):
    """A grouping of municipalities that later capabilities aggregate over."""

    class Kind(models.TextChoices):
        SECONDARY_MEDICAL_AREA = "secondary_medical_area", _("secondary medical area")
        WIDE_AREA_UNION = "wide_area_union", _("wide-area union")
        MEDICAL_ASSOCIATION_DISTRICT = "medical_association_district", _("medical association district")
        OTHER = "other", _("other grouping")

    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=80)
    prefecture = models.ForeignKey(Prefecture, on_delete=models.PROTECT, related_name="area_groups")
    municipalities = models.ManyToManyField(Municipality, related_name="area_groups", blank=True,
                                            verbose_name=_("municipalities"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["prefecture", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["prefecture", "kind", "name"], name="unique_area_group"),
        ]
        verbose_name = _("area group")
        verbose_name_plural = _("area groups")

    def __str__(self) -> str:
        return self.name
