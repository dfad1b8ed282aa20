"""PDCA (program item イ): plan periods and goals, logic models, councils and their work, the yearly turn.

- A `PlanPeriod` follows the 介護保険事業計画 (three fiscal years, 第9期 = FY2024–2026). Its `Goal`s (the overall
  目指す姿 and one per scene) are revised, never overwritten: each revision is a new row.
- A `LogicModel` revision is a full snapshot (outcomes, measures and their placements, indicators); the next
  revision copies it, so any two can be compared. A measure keeps its `key` across revisions, and a measure
  that serves several scenes (the printed "(再)" rows) is one `Measure` with several `MeasurePlacement`s.
- `Council`s (協議会, 部会/WG, 小さな協議体) hold `Meeting`s; `Issue`s (課題) are tied to a scene and to
  indicators; `Action`s have an owner, a due date and the measure they serve (by key, across revisions).
- A `PdcaCycle` is one scene's turn in one fiscal year: plan, do, check (a written assessment), act (the next
  logic model revision).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from renkei.core.concurrency import Versioned
from renkei.core.models import Membership, Municipality, Organization, Prefecture, Profession, Scene
from renkei.indicators.models import IndicatorDefinition

from .storage import material_storage


def new_key() -> str:
    return uuid.uuid4().hex[:12]


class PlanPeriod(Versioned):
    """One 介護保険事業計画 period of one municipality (e.g. 第9期, FY2024–2026)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="plan_periods",
                                     verbose_name=_("municipality"))
    term_number = models.PositiveSmallIntegerField(_("term"))  # 9 for 第9期
    start_fiscal_year = models.PositiveIntegerField(_("first fiscal year"))
    end_fiscal_year = models.PositiveIntegerField(_("last fiscal year"))
    scenes = models.JSONField(_("scenes"), default=list, blank=True)  # Scene values the plan works on, in order
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    AUDIT_IGNORED_FIELDS = frozenset({"version"})

    class Meta:
        ordering = ["municipality", "-start_fiscal_year"]
        verbose_name = _("plan period")
        verbose_name_plural = _("plan periods")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "start_fiscal_year"], name="unique_plan_period"),
        ]

    def __str__(self) -> str:
        return f"第{self.term_number}期 ({self.start_fiscal_year}–{self.end_fiscal_year})"

    def audit_owner(self):
        return self.municipality

    @property
    def fiscal_years(self) -> list[int]:
        return list(range(self.start_fiscal_year, self.end_fiscal_year + 1))


class Goal(models.Model):
    """目指す姿: the overall one (`scene` blank) or one scene's; each revision is a new row."""

    plan = models.ForeignKey(PlanPeriod, on_delete=models.CASCADE, related_name="goals", verbose_name=_("plan"))
    scene = models.CharField(_("scene"), max_length=30, choices=Scene.choices, blank=True)
    text = models.TextField(_("goal"))
    revision = models.PositiveIntegerField(_("revision"), default=1)
    is_current = models.BooleanField(_("current"), default=True)
    reason = models.CharField(_("reason for the change"), max_length=300, blank=True)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("written by"))
    written_at = models.DateTimeField(_("written at"), default=timezone.now)

    class Meta:
        ordering = ["plan", "scene", "-revision"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        constraints = [
            models.UniqueConstraint(fields=["plan", "scene", "revision"], name="unique_goal_revision"),
            models.UniqueConstraint(fields=["plan", "scene"], condition=Q(is_current=True),
                                    name="one_current_goal"),
        ]

    def __str__(self) -> str:
        return self.text[:40]

    def audit_owner(self):
        return self.plan.municipality


class LogicModel(models.Model):
    """One revision of a plan's logic model: a snapshot of outcomes, measures, placements and indicators."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        ADOPTED = "adopted", _("adopted")
        SUPERSEDED = "superseded", _("superseded")

    plan = models.ForeignKey(PlanPeriod, on_delete=models.CASCADE, related_name="logic_models",
                             verbose_name=_("plan"))
    revision = models.PositiveIntegerField(_("revision"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    based_on = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                 verbose_name=_("based on"))
    effective_fiscal_year = models.PositiveIntegerField(_("from fiscal year"), null=True, blank=True)
    change_summary = models.TextField(_("what changed"), blank=True)
    source_file = models.CharField(_("imported from"), max_length=255, blank=True)
    # The 場面 labels as the imported file wrote them ("災害・感染症"), so the export writes them back unchanged.
    scene_labels = models.JSONField(_("scene labels as written"), default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["plan", "-revision"]
        verbose_name = _("logic model")
        verbose_name_plural = _("logic models")
        constraints = [models.UniqueConstraint(fields=["plan", "revision"], name="unique_logic_model_revision")]

    def __str__(self) -> str:
        return f"{self.plan} rev.{self.revision}"

    def audit_owner(self):
        return self.plan.municipality


class Outcome(models.Model):
    """取り組みの方向性（中間アウトカム）: one block of a scene in the logic model, with its indicators."""

    logic_model = models.ForeignKey(LogicModel, on_delete=models.CASCADE, related_name="outcomes",
                                    verbose_name=_("logic model"))
    key = models.CharField(max_length=12, default=new_key)  # the same outcome across revisions
    scene = models.CharField(_("scene"), max_length=30, choices=Scene.choices)
    text = models.TextField(_("intermediate outcome"))
    sort_order = models.PositiveIntegerField(_("display order"), default=0)

    class Meta:
        ordering = ["logic_model", "sort_order"]
        verbose_name = _("intermediate outcome")
        verbose_name_plural = _("intermediate outcomes")
        constraints = [models.UniqueConstraint(fields=["logic_model", "key"], name="unique_outcome_key")]

    def __str__(self) -> str:
        return self.text[:40]

    def audit_owner(self):
        return self.logic_model.plan.municipality


class Measure(models.Model):
    """具体的な施策: one measure of a revision, possibly placed under several scenes."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        IN_PROGRESS = "in_progress", _("in progress")
        DONE = "done", _("done")
        SUSPENDED = "suspended", _("suspended")

    logic_model = models.ForeignKey(LogicModel, on_delete=models.CASCADE, related_name="measures",
                                    verbose_name=_("logic model"))
    key = models.CharField(max_length=12, default=new_key)  # the same measure across revisions (actions use it)
    text = models.TextField(_("measure"))
    lead_organizations = models.ManyToManyField(Organization, blank=True, related_name="led_measures",
                                                verbose_name=_("lead organizations"))
    partner_organizations = models.ManyToManyField(Organization, blank=True, related_name="partner_measures",
                                                   verbose_name=_("partner organizations"))
    # Bodies not (yet) in Renkei, as written: "医師会に要相談".
    lead_note = models.CharField(_("lead (as written)"), max_length=200, blank=True)
    partner_note = models.CharField(_("partners (as written)"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    start_date = models.DateField(_("start"), null=True, blank=True)
    end_date = models.DateField(_("end"), null=True, blank=True)
    program_items = models.JSONField(_("program items"), default=list, blank=True)

    class Meta:
        ordering = ["logic_model", "pk"]
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        constraints = [models.UniqueConstraint(fields=["logic_model", "key"], name="unique_measure_key")]

    def __str__(self) -> str:
        return self.text[:40]

    def audit_owner(self):
        return self.logic_model.plan.municipality


class MeasurePlacement(models.Model):
    """A measure listed under a scene's block with its printed number; `is_repeat` is the printed "(再)"."""

    logic_model = models.ForeignKey(LogicModel, on_delete=models.CASCADE, related_name="placements",
                                    verbose_name=_("logic model"))
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="placements",
                                verbose_name=_("measure"))
    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="placements",
                                verbose_name=_("intermediate outcome"))
    number = models.PositiveIntegerField(_("number"))
    is_repeat = models.BooleanField(_("listed again"), default=False)
    # The text as printed in this row, when it differs from the measure's (a "(※各職種に要相談)" added here).
    text_override = models.TextField(_("text in this row"), blank=True)

    class Meta:
        ordering = ["logic_model", "number"]
        verbose_name = _("measure placement")
        verbose_name_plural = _("measure placements")
        constraints = [models.UniqueConstraint(fields=["logic_model", "number"], name="unique_placement_number")]

    def __str__(self) -> str:
        return f"{self.number} {self.measure}"

    def audit_owner(self):
        return self.logic_model.plan.municipality


class LogicModelIndicator(models.Model):
    """成果指標 of an outcome block, as printed, optionally tied to an indicator definition."""

    class Level(models.TextChoices):
        OUTPUT = "output", _("output")
        OUTCOME = "outcome", _("outcome")

    logic_model = models.ForeignKey(LogicModel, on_delete=models.CASCADE, related_name="indicators",
                                    verbose_name=_("logic model"))
    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="indicators",
                                verbose_name=_("intermediate outcome"))
    label = models.CharField(_("indicator as written"), max_length=300)
    definition = models.ForeignKey(IndicatorDefinition, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="logic_model_uses", verbose_name=_("indicator definition"))
    level = models.CharField(_("level"), max_length=20, choices=Level.choices, default=Level.OUTCOME)
    measures = models.ManyToManyField(Measure, blank=True, related_name="indicators",
                                      verbose_name=_("measures"))
    sort_order = models.PositiveIntegerField(_("display order"), default=0)

    class Meta:
        ordering = ["logic_model", "outcome", "sort_order"]
        verbose_name = _("logic model indicator")
        verbose_name_plural = _("logic model indicators")

    def __str__(self) -> str:
        return self.label

    def audit_owner(self):
        return self.logic_model.plan.municipality


class LogicModelTemplate(models.Model):
    """A logic model (and the definitions it uses) as a shareable JSON package, e.g. a prefecture's standard."""

    prefecture = models.ForeignKey(Prefecture, on_delete=models.CASCADE, null=True, blank=True,
                                   related_name="logic_model_templates", verbose_name=_("prefecture"))
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, null=True, blank=True,
                                     related_name="logic_model_templates", verbose_name=_("municipality"))
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    content = models.JSONField(_("content"), default=dict)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    AUDIT_IGNORED_FIELDS = frozenset({"content"})

    class Meta:
        ordering = ["name"]
        verbose_name = _("logic model template")
        verbose_name_plural = _("logic model templates")

    def __str__(self) -> str:
        return self.name

    def audit_owner(self):
        return self.municipality or self.prefecture


# --- councils ------------------------------------------------------------------------------------------

class Council(Versioned):
    """A body that finds issues and decides measures: 協議会, its 部会/WG, or a 小さな協議体."""

    class Kind(models.TextChoices):
        COUNCIL = "council", _("council")
        WORKING_GROUP = "working_group", _("working group")
        SMALL_COUNCIL = "small_council", _("small council")

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="councils",
                                     verbose_name=_("municipality"))
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children",
                               verbose_name=_("parent body"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.COUNCIL)
    name = models.CharField(_("name"), max_length=120)
    purpose = models.TextField(_("purpose"), blank=True)
    scenes = models.JSONField(_("scenes"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    AUDIT_IGNORED_FIELDS = frozenset({"version"})

    class Meta:
        ordering = ["municipality", "parent_id", "name"]
        verbose_name = _("council")
        verbose_name_plural = _("councils")

    def __str__(self) -> str:
        return self.name

    def audit_owner(self):
        return self.municipality


class CouncilMember(models.Model):
    """A seat on a body: an organization, and the member who sits for it when they use Renkei."""

    class Position(models.TextChoices):
        CHAIR = "chair", _("chair")
        VICE_CHAIR = "vice_chair", _("vice chair")
        MEMBER = "member", _("member")
        SECRETARIAT = "secretariat", _("secretariat")
        OBSERVER = "observer", _("observer")

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="members",
                                verbose_name=_("council"))
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="council_seats", verbose_name=_("organization"))
    organization_note = models.CharField(_("organization (as written)"), max_length=120, blank=True)
    membership = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="council_seats", verbose_name=_("member in Renkei"))
    person_name = models.CharField(pgettext_lazy("person", "name"), max_length=80, blank=True)
    profession = models.CharField(_("profession"), max_length=40, choices=Profession.choices, blank=True)
    position = models.CharField(_("position"), max_length=20, choices=Position.choices, default=Position.MEMBER)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["council", "position", "pk"]
        verbose_name = _("council member")
        verbose_name_plural = _("council members")

    def __str__(self) -> str:
        return self.person_name or (self.organization.name if self.organization_id else self.organization_note)

    def audit_owner(self):
        return self.council.municipality


class Meeting(Versioned):
    """One meeting of a body: agenda, attendees, minutes, materials and decisions."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        HELD = "held", _("held")
        CANCELLED = "cancelled", _("cancelled")

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="meetings",
                                verbose_name=_("council"))
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("date"))
    starts_at = models.TimeField(_("start time"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    agenda = models.TextField(_("agenda"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    attendees = models.ManyToManyField(CouncilMember, blank=True, related_name="meetings_attended",
                                       verbose_name=_("attendees"))
    other_attendees = models.TextField(_("other attendees"), blank=True)
    scenes = models.JSONField(_("scenes"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    AUDIT_IGNORED_FIELDS = frozenset({"version"})

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self) -> str:
        return f"{self.council} {self.held_on}"

    def audit_owner(self):
        return self.council.municipality


class MeetingMaterial(models.Model):
    """A file handed out at a meeting (kept under the data directory, served only to who may see the meeting)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="materials",
                                verbose_name=_("meeting"))
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="pdca/materials/%Y/%m/", storage=material_storage)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)  # as uploaded (the stored one is random)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    # The stored name is random; the log names the file by `file_name` (a FieldFile is not a loggable value).
    AUDIT_IGNORED_FIELDS = frozenset({"file"})

    class Meta:
        ordering = ["meeting", "pk"]
        verbose_name = _("meeting material")
        verbose_name_plural = _("meeting materials")

    def __str__(self) -> str:
        return self.title

    def audit_owner(self):
        return self.meeting.council.municipality


class Decision(models.Model):
    """Something a meeting decided."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions",
                                verbose_name=_("meeting"))
    text = models.TextField(_("decision"))
    sort_order = models.PositiveIntegerField(_("display order"), default=0)

    class Meta:
        ordering = ["meeting", "sort_order", "pk"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self) -> str:
        return self.text[:40]

    def audit_owner(self):
        return self.meeting.council.municipality


class Issue(Versioned):
    """課題: raised at a meeting or elsewhere, tied to a scene and to the indicators that show it."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("issue", "open")
        ADDRESSED = "addressed", _("being addressed")
        CLOSED = "closed", _("closed")

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="pdca_issues",
                                     verbose_name=_("municipality"))
    council = models.ForeignKey(Council, on_delete=models.SET_NULL, null=True, blank=True, related_name="issues",
                                verbose_name=_("council"))
    raised_at = models.ForeignKey(Meeting, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="issues_raised", verbose_name=_("raised at"))
    raised_elsewhere = models.CharField(_("raised elsewhere"), max_length=200, blank=True)
    title = models.CharField(_("issue"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    scene = models.CharField(_("scene"), max_length=30, choices=Scene.choices)
    indicators = models.ManyToManyField(IndicatorDefinition, blank=True, related_name="pdca_issues",
                                        verbose_name=_("indicators"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    AUDIT_IGNORED_FIELDS = frozenset({"version"})

    class Meta:
        ordering = ["municipality", "status", "-created_at"]
        verbose_name = _("issue")
        verbose_name_plural = _("issues")

    def __str__(self) -> str:
        return self.title

    def audit_owner(self):
        return self.municipality


class Action(Versioned):
    """Something someone will do, by a date, for an issue and the measure it serves."""

    class Status(models.TextChoices):
        OPEN = "open", _("not started")
        IN_PROGRESS = "in_progress", _("in progress")
        DONE = "done", _("done")
        CANCELLED = "cancelled", _("cancelled")

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="pdca_actions",
                                     verbose_name=_("municipality"))
    issue = models.ForeignKey(Issue, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions",
                              verbose_name=_("issue"))
    meeting = models.ForeignKey(Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions",
                                verbose_name=_("decided at"))
    measure_key = models.CharField(_("measure"), max_length=12, blank=True)  # Measure.key, across revisions
    scene = models.CharField(_("scene"), max_length=30, choices=Scene.choices, blank=True)
    title = models.CharField(_("action"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="pdca_actions", verbose_name=_("owner"))
    owner_organization = models.ForeignKey(Organization, on_delete=models.SET_NULL, null=True, blank=True,
                                           related_name="pdca_actions", verbose_name=_("owner organization"))
    due_on = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    result_note = models.TextField(_("result"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    AUDIT_IGNORED_FIELDS = frozenset({"version"})

    class Meta:
        ordering = ["municipality", "due_on", "pk"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        indexes = [models.Index(fields=["owner", "status", "due_on"], name="pdca_action_owner_due")]

    def __str__(self) -> str:
        return self.title

    def audit_owner(self):
        return self.municipality

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.OPEN, self.Status.IN_PROGRESS)

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.is_open and self.due_on is not None and self.due_on < today


# --- the turn ------------------------------------------------------------------------------------------

class PdcaCycle(Versioned):
    """One scene's PDCA turn in one fiscal year of a plan."""

    class Stage(models.TextChoices):
        PLAN = "plan", _("plan")
        DO = "do", _("do")
        CHECK = "check", _("check")
        ACT = "act", _("act")
        DONE = "done", _("turn complete")

    class Assessment(models.TextChoices):
        ACHIEVED = "achieved", _("achieved")
        PARTLY = "partly", _("partly achieved")
        NOT_ACHIEVED = "not_achieved", _("not achieved")
        CANNOT_JUDGE = "cannot_judge", _("cannot judge yet")

    plan = models.ForeignKey(PlanPeriod, on_delete=models.CASCADE, related_name="cycles", verbose_name=_("plan"))
    scene = models.CharField(_("scene"), max_length=30, choices=Scene.choices)
    fiscal_year = models.PositiveIntegerField(_("fiscal year"))
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.PLAN)
    plan_note = models.TextField(_("plan"), blank=True)
    do_note = models.TextField(_("what was done"), blank=True)
    check_assessment = models.CharField(_("assessment"), max_length=20, choices=Assessment.choices, blank=True)
    check_note = models.TextField(_("check (written assessment)"), blank=True)
    act_note = models.TextField(_("act (what changes next year)"), blank=True)
    next_logic_model = models.ForeignKey(LogicModel, on_delete=models.SET_NULL, null=True, blank=True,
                                         related_name="+", verbose_name=_("next logic model revision"))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("updated by"))
    updated_at = models.DateTimeField(auto_now=True)

    AUDIT_IGNORED_FIELDS = frozenset({"version"})
    # The audit log says where the turn went (a move back reads the same: the entry shows before and after).
    AUDIT_UPDATE_SENTENCES = {
        ("stage", "plan"): _("Moved the PDCA turn to the plan: %(label)s"),
        ("stage", "do"): _("Moved the PDCA turn to the do: %(label)s"),
        ("stage", "check"): _("Moved the PDCA turn to the check: %(label)s"),
        ("stage", "act"): _("Moved the PDCA turn to the act: %(label)s"),
        ("stage", "done"): _("Completed the PDCA turn: %(label)s"),
    }

    class Meta:
        ordering = ["plan", "fiscal_year", "scene"]
        verbose_name = _("PDCA turn")
        verbose_name_plural = _("PDCA turns")
        constraints = [
            models.UniqueConstraint(fields=["plan", "scene", "fiscal_year"], name="unique_pdca_cycle"),
        ]

    def __str__(self) -> str:
        return f"{self.plan} {self.get_scene_display()} FY{self.fiscal_year}"

    def audit_owner(self):
        return self.plan.municipality
