"""§4: wide-area 退院調整ルール adopted by municipalities and hospitals, and the prefecture's questionnaire.

The rule itself is handoff's `RuleSet` of an area group (二次医療圏) or the prefecture; an adoption says from
when a municipality or a hospital works by it, which splits the measured rates into before and after.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from renkei.core.models import AreaGroup, Membership, Municipality, Prefecture


class RuleAdoption(models.Model):
    rule_set = models.ForeignKey("handoff.RuleSet", on_delete=models.PROTECT, related_name="adoptions",
                                 verbose_name=_("rule"))
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="rule_adoptions", verbose_name=_("municipality"))
    hospital = models.ForeignKey("directory.Facility", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="rule_adoptions", verbose_name=_("hospital"))
    adopted_on = models.DateField(_("adopted on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    recorded_by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                    verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["rule_set", "adopted_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(municipality__isnull=False, hospital__isnull=True)
                           | Q(municipality__isnull=True, hospital__isnull=False)),
                name="region_adoption_one_adopter"),
            models.UniqueConstraint(fields=["rule_set", "municipality"], condition=Q(municipality__isnull=False),
                                    name="region_adoption_municipality_unique"),
            models.UniqueConstraint(fields=["rule_set", "hospital"], condition=Q(hospital__isnull=False),
                                    name="region_adoption_hospital_unique"),
        ]
        verbose_name = _("rule adoption")
        verbose_name_plural = _("rule adoptions")

    def __str__(self) -> str:
        return f"{self.municipality or self.hospital} → {self.rule_set}"

    def audit_owner(self):
        return self.municipality or self.rule_set.audit_owner()


class CoordinationSurvey(models.Model):
    """The prefecture's questionnaire to hospitals and care managers (都道府県医療介護連携調整実証事業):
    入院時情報提供書 提出なし % and 退院調整なし %, for an area and a survey month."""

    prefecture = models.ForeignKey(Prefecture, on_delete=models.PROTECT, related_name="coordination_surveys",
                                   verbose_name=_("prefecture"))
    area_group = models.ForeignKey(AreaGroup, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("group of municipalities"))
    month = models.DateField(_("survey month"))  # the first day of the month
    title = models.CharField(_("title"), max_length=200)
    conducted_by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                     verbose_name=_("conducted by"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-month", "pk"]
        verbose_name = _("coordination survey")
        verbose_name_plural = _("coordination surveys")

    def __str__(self) -> str:
        return self.title

    def audit_owner(self):
        return self.area_group or self.prefecture


class CoordinationSurveyRow(models.Model):
    """One respondent's counts (a hospital, or a care manager's office): no patient data. A care manager's
    office can be one person, so the log says the respondent's name changed, never what it reads."""

    AUDIT_LABEL_IS_SENSITIVE = True
    AUDIT_SENSITIVE_FIELDS = frozenset({"respondent_name"})

    class RespondentKind(models.TextChoices):
        HOSPITAL = "hospital", _("hospital")
        CARE_MANAGER = "care_manager", _("care manager")

    survey = models.ForeignKey(CoordinationSurvey, on_delete=models.CASCADE, related_name="rows",
                               verbose_name=_("coordination survey"))
    respondent_kind = models.CharField(_("respondent"), max_length=20, choices=RespondentKind.choices)
    respondent_name = models.CharField(_("respondent name"), max_length=200)
    hospital = models.ForeignKey("directory.Facility", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name=_("hospital"))
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                     verbose_name=_("municipality"))
    admissions = models.PositiveIntegerField(_("admissions"), null=True, blank=True)
    admission_info_missing = models.PositiveIntegerField(_("admissions without admission information"), null=True,
                                                         blank=True)
    discharges = models.PositiveIntegerField(_("discharges"), null=True, blank=True)
    discharge_uncoordinated = models.PositiveIntegerField(_("discharges without coordination"), null=True,
                                                          blank=True)

    class Meta:
        ordering = ["survey", "respondent_kind", "pk"]
        verbose_name = _("coordination survey answer")
        verbose_name_plural = _("coordination survey answers")

    def __str__(self) -> str:
        return self.respondent_name

    def audit_owner(self):
        return self.survey.area_group or self.survey.prefecture
