"""Survey instruments: the same questions before and after a training.

An `Instrument` is a scale (the built-in 顔の見える関係評価尺度 and 医療介護福祉の地域連携尺度 short forms, or the
municipality's own) made of `InstrumentItem`s: Likert items (a range and its end labels, an optional subscale) and
free-text items. A built-in instrument has no municipality and is read only; a municipality copies it to change it.
An item that has answers is never edited in place (the answers would change meaning): it is retired and a new one
added.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from renkei.core.models import Municipality


class Instrument(models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, null=True, blank=True,
                                     related_name="training_instruments", verbose_name=_("municipality"))
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["municipality", "name"]
        verbose_name = _("survey instrument")
        verbose_name_plural = _("survey instruments")
        constraints = [models.UniqueConstraint(fields=["municipality", "code"],
                                               name="training_instrument_code_per_municipality")]

    def __str__(self) -> str:
        return self.name

    def audit_owner(self):
        return self.municipality


class InstrumentItem(models.Model):
    class Kind(models.TextChoices):
        LIKERT = "likert", _("scale (Likert)")
        TEXT = "text", _("free text")

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="items",
                                   verbose_name=_("instrument"))
    order = models.PositiveIntegerField(_("order"), default=0)
    text = models.CharField(_("question"), max_length=300)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.LIKERT)
    scale_min = models.PositiveSmallIntegerField(_("lowest answer"), default=1)
    scale_max = models.PositiveSmallIntegerField(_("highest answer"), default=4)
    low_label = models.CharField(_("label of the lowest answer"), max_length=60, blank=True)
    high_label = models.CharField(_("label of the highest answer"), max_length=60, blank=True)
    subscale = models.CharField(_("subscale"), max_length=60, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["instrument", "order", "pk"]
        verbose_name = _("survey question")
        verbose_name_plural = _("survey questions")

    def __str__(self) -> str:
        return self.text

    def audit_owner(self):
        return self.instrument.municipality
