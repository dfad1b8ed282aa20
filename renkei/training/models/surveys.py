"""Pre and post surveys of a training series, answered by personal link without an account.

Each registration gets one `SurveyLink` per phase (only the SHA-256 of its token is stored, it expires, and the
public page is rate limited per address: the directory's survey-link rules). A `SurveyResponse` is one
participant's answers in one phase (at most one per phase: a second submission through a new link replaces
nothing, it is refused), with one `SurveyAnswer` per item. The effect is computed only from participants who
answered both phases (pairs), per item and per profession (`training.effect`).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .instruments import InstrumentItem
from .series import Registration


class Phase(models.TextChoices):
    PRE = "pre", _("before the training")
    POST = "post", _("after the training")


class SurveyLink(models.Model):
    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="survey_links",
                                     verbose_name=_("registration"))
    phase = models.CharField(_("phase"), max_length=4, choices=Phase.choices)
    token_hash = models.CharField(_("link"), max_length=64, unique=True)
    expires_at = models.DateTimeField(_("expires at"))
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["registration", "phase"]
        verbose_name = _("survey link")
        verbose_name_plural = _("survey links")
        constraints = [models.UniqueConstraint(fields=["registration", "phase"], name="training_one_link_per_phase")]

    def __str__(self) -> str:
        return f"{self.registration_id} {self.phase}"

    def audit_owner(self):
        return self.registration.series.municipality


class SurveyResponse(models.Model):
    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="survey_responses",
                                     verbose_name=_("registration"))
    phase = models.CharField(_("phase"), max_length=4, choices=Phase.choices)
    submitted_at = models.DateTimeField(_("submitted at"))
    # Entered by staff from a paper form (the membership) or answered through the link (None).
    entered_by = models.ForeignKey("core.Membership", on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("entered by"))

    class Meta:
        ordering = ["registration", "phase"]
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        constraints = [models.UniqueConstraint(fields=["registration", "phase"],
                                               name="training_one_response_per_phase")]

    def __str__(self) -> str:
        return f"{self.registration_id} {self.phase}"

    def audit_owner(self):
        return self.registration.series.municipality


class SurveyAnswer(models.Model):
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers",
                                 verbose_name=_("response"))
    item = models.ForeignKey(InstrumentItem, on_delete=models.PROTECT, related_name="answers",
                             verbose_name=_("question"))
    value = models.SmallIntegerField(_("answer"), null=True, blank=True)
    text = models.TextField(_("free text"), blank=True)

    AUDIT_SKIP = True  # written in bulk with its response (one entry per response)

    class Meta:
        ordering = ["response", "item"]
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        constraints = [models.UniqueConstraint(fields=["response", "item"], name="training_one_answer_per_item")]

    def __str__(self) -> str:
        return f"{self.response_id} {self.item_id}"
