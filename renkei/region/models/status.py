"""§1–§2: each municipality's implementation status of (ア)–(ク) per fiscal year, and the survey rounds.

`Implementation` is one municipality's answer sheet for a fiscal year (the national survey's questionnaire);
`ItemImplementation` its row for one item. Proposals from Renkei's evidence are computed, never stored: only
the municipality's confirmed answer counts.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from renkei.core.concurrency import Versioned
from renkei.core.models import Membership, Municipality, Organization, Prefecture, ProgramItem


class ItemStatus(models.TextChoices):
    IMPLEMENTED = "implemented", _("implemented")  # 実施している
    PLANNED = "planned", _("planned within the fiscal year")  # 実施していないが年度内に実施予定
    NOT_IMPLEMENTED = "not_implemented", _("not implemented")  # 実施していない


class PdcaStage(models.TextChoices):
    """The (イ) stage of the seed's survey (取組の段階 1–3)."""

    ASSESSING = "assessing", _("assessing the situation, finding issues, considering measures")
    CONCRETE = "concrete", _("measures made concrete")
    EVALUATING = "evaluating", _("evaluating and improving the measures")


class Operation(models.TextChoices):
    DIRECT = "direct", _("run directly")  # 直営
    CONTRACTED = "contracted", _("contracted out")  # 委託
    JOINT = "joint", _("run jointly")  # 共同実施


class TrainingContent(models.TextChoices):
    """The three (カ) training contents of the seed's survey."""

    MULTI_PROFESSIONAL = "multi_professional", _("multi-professional training (group work) for medical and care staff")
    CARE_FOR_MEDICAL = "care_for_medical", _("training for medical staff on care insurance services")
    MEDICAL_FOR_CARE = "medical_for_care", _("training for care staff on medical matters of home care")


class Difficulty(models.TextChoices):
    """Q.40: difficulties in running the program (multiple answer)."""

    BUDGET = "q40_01", _("securing a budget")
    KNOW_HOW = "q40_02", _("lack of know-how")
    AWARENESS_OF_STAKEHOLDERS = "q40_03", _("getting medical and care stakeholders to know the program")
    COOPERATION_WITH_BODIES = "q40_04", _("cooperation between the municipality and hospitals, medical associations")
    INTERNAL_COORDINATION = "q40_05", _("coordination and information sharing within the municipality")
    SERVICE_SITUATION_UNKNOWN = "q40_06", _("the present provision of home medical care and care is not known")
    FUTURE_PICTURE = "q40_07", _("picturing what the program should become")
    MULTI_PROFESSIONAL = "q40_08", _("strengthening cooperation and information sharing among professions")
    CONSENSUS = "q40_09", _("reaching final agreement with the bodies concerned")
    LACK_OF_RESOURCES = "q40_10", _("lack of local medical and care resources")
    STAFF = "q40_11", _("finding people to run the program")
    EVALUATION = "q40_12", _("evaluating the program, setting indicators")
    WIDE_AREA = "q40_13", _("coordinating wide-area cooperation with neighbouring municipalities")
    OTHER = "q40_14", _("other")
    NONE = "q40_15", _("none in particular")


class SupportWish(models.TextChoices):
    """Q.42: support the municipality wishes from the prefecture (保健所) (multiple answer)."""

    DATA = "q42_01", _("provision of the prefecture's data on the municipality's resources")
    TRAINING_INFORMATION = "q42_02", _("training and information on the program (advanced cases)")
    TRAINING_DESIGN = "q42_03", _("technical support in planning multi-professional training")
    DESK_STAFF = "q42_04", _("training the desk's consultants")
    MEDICAL_ASSOCIATIONS = "q42_05", _("coordination with medical associations and other bodies")
    HOSPITALS = "q42_06", _("coordination with hospitals")
    WIDE_AREA = "q42_07", _("wide-area consultation (discharge coordination and the like)")
    EXCHANGE = "q42_08", _("a place for municipalities to exchange views")
    OTHER = "q42_09", _("other")
    NONE = "q42_10", _("none in particular")


class SurveyRound(models.Model):
    """A survey round for a fiscal year, opened by a prefecture (its municipalities) or nationally."""

    fiscal_year = models.PositiveIntegerField(_("fiscal year"))
    prefecture = models.ForeignKey(Prefecture, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="implementation_rounds", verbose_name=_("prefecture"))
    title = models.CharField(_("title"), max_length=200)
    as_of = models.DateField(_("situation as of"), null=True, blank=True)  # 平成27年8月1日現在
    closes_on = models.DateField(_("answers due"), null=True, blank=True)
    opened_by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                  verbose_name=_("opened by"))
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # A published round's tables may be read by every municipality (counts of municipalities, never people).
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        ordering = ["-fiscal_year", "prefecture"]
        constraints = [
            models.UniqueConstraint(fields=["fiscal_year", "prefecture"], name="region_round_unique"),
            models.UniqueConstraint(fields=["fiscal_year"], condition=models.Q(prefecture__isnull=True),
                                    name="region_round_national_unique"),
        ]
        verbose_name = _("survey round")
        verbose_name_plural = _("survey rounds")

    def __str__(self) -> str:
        return self.title

    def audit_owner(self):
        return self.prefecture


class Implementation(Versioned):
    """One municipality's answers for one fiscal year."""

    class Source(models.TextChoices):
        SCREEN = "screen", _("answered on the screen")
        IMPORT = "import", _("imported")

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="implementations",
                                     verbose_name=_("municipality"))
    fiscal_year = models.PositiveIntegerField(_("fiscal year"))
    survey_round = models.ForeignKey(SurveyRound, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="implementations", verbose_name=_("survey round"))
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.SCREEN)
    training_contents = models.JSONField(_("training contents"), default=list, blank=True)  # TrainingContent
    difficulties = models.JSONField(_("difficulties (Q.40)"), default=list, blank=True)  # Difficulty
    support_wishes = models.JSONField(_("support wished (Q.42)"), default=list, blank=True)  # SupportWish
    # Q.40/Q.42 answered at all (the seed's N counts only those who answered these questions).
    answered_questions = models.BooleanField(_("answered Q.40 and Q.42"), default=False)
    note = models.TextField(_("note"), blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                     verbose_name=_("confirmed by"))
    # Published answers may be read by other municipalities; unpublished ones only by the municipality, its
    # prefecture (and 保健所) and system administrators.
    is_published = models.BooleanField(_("published"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    AUDIT_IGNORED_FIELDS = frozenset({"version"})

    class Meta:
        ordering = ["municipality", "-fiscal_year"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "fiscal_year"], name="region_implementation_unique"),
        ]
        indexes = [models.Index(fields=["fiscal_year", "municipality"])]
        verbose_name = _("implementation status")
        verbose_name_plural = _("implementation statuses")

    def __str__(self) -> str:
        return f"{self.municipality} FY{self.fiscal_year}"

    def audit_owner(self):
        return self.municipality

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class ItemImplementation(models.Model):
    """One item's answer: status, (イ) stage, how it is run, and the prefecture's support."""

    implementation = models.ForeignKey(Implementation, on_delete=models.CASCADE, related_name="items",
                                       verbose_name=_("implementation status"))
    item = models.CharField(_("program item"), max_length=1, choices=ProgramItem.choices)
    status = models.CharField(_("status"), max_length=20, choices=ItemStatus.choices)
    stage = models.CharField(_("stage"), max_length=20, choices=PdcaStage.choices, blank=True)  # (イ) only
    operation = models.CharField(_("how it is run"), max_length=20, choices=Operation.choices, blank=True)
    contractor = models.ForeignKey(Organization, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("contractor"))
    contractor_name = models.CharField(_("contractor (as written)"), max_length=120, blank=True)
    joint_with = models.ManyToManyField(Municipality, blank=True, related_name="+",
                                        verbose_name=_("run jointly with"))
    prefecture_supported = models.BooleanField(_("supported by the prefecture or health center"), null=True,
                                               blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["implementation", "item"]
        constraints = [
            models.UniqueConstraint(fields=["implementation", "item"], name="region_item_unique"),
        ]
        verbose_name = _("item status")
        verbose_name_plural = _("item statuses")

    def __str__(self) -> str:
        return f"{self.implementation} {self.item}: {self.status}"

    def audit_owner(self):
        return self.implementation.municipality
