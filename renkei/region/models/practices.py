"""§4: sharing what works: the good-practice library (取組事例), copies into a workspace (横展開), and the
meetings of municipal staff (情報共有の場) with minutes."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from renkei.core.concurrency import Versioned
from renkei.core.models import AreaGroup, Membership, Municipality, Prefecture


class SourceKind(models.TextChoices):
    """What a practice offers to copy, and what a copy was made from."""

    LOGIC_MODEL = "logic_model", _("logic model")
    RULE_SET = "rule_set", _("discharge coordination rule")
    FORM_TEMPLATE = "form_template", _("form template")


class Practice(Versioned):
    """A 取組事例 written by a municipality or the prefecture, tagged by item and scene."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")
        WITHDRAWN = "withdrawn", _("withdrawn")

    class Reach(models.TextChoices):
        PREFECTURE = "prefecture", _("municipalities of the prefecture")
        NATIONAL = "national", _("every municipality using Renkei")

    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"))
    body = models.TextField(_("what was done, and how"), blank=True)
    results = models.TextField(_("results"), blank=True)
    lessons = models.TextField(_("points and lessons"), blank=True)
    program_items = models.JSONField(_("program items"), default=list, blank=True)  # ProgramItem values
    scenes = models.JSONField(_("scenes"), default=list, blank=True)  # Scene values
    # The author: a municipality, else the prefecture (or its 保健所).
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="practices", verbose_name=_("municipality"))
    prefecture = models.ForeignKey(Prefecture, on_delete=models.PROTECT, related_name="practices",
                                   verbose_name=_("prefecture"))
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    reach = models.CharField(_("shared with"), max_length=20, choices=Reach.choices, default=Reach.PREFECTURE)
    # What the practice offers to copy (横展開): one logic model, rule or form template of the author's.
    offer_kind = models.CharField(_("offers a copy of"), max_length=20, choices=SourceKind.choices, blank=True)
    offer_id = models.PositiveIntegerField(_("offered object"), null=True, blank=True)
    written_by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                   verbose_name=_("written by"))
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    AUDIT_IGNORED_FIELDS = frozenset({"version"})

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("good practice")
        verbose_name_plural = _("good practices")

    def __str__(self) -> str:
        return self.title

    def audit_owner(self):
        return self.municipality or self.prefecture


class PracticeCopy(models.Model):
    """A copy made into a municipality's workspace (横展開), keeping the link to its source."""

    practice = models.ForeignKey(Practice, on_delete=models.SET_NULL, null=True, blank=True, related_name="copies",
                                 verbose_name=_("good practice"))
    source_kind = models.CharField(_("kind"), max_length=20, choices=SourceKind.choices)
    source_id = models.PositiveIntegerField(_("source"))
    copy_id = models.PositiveIntegerField(_("copy"))
    # What the copy is, when not the same kind as its source: a logic model offered to a municipality without a
    # plan period is copied as one of its logic-model templates (form_template).
    copy_kind = models.CharField(_("kind of the copy"), max_length=20, choices=SourceKind.choices, blank=True)
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="practice_copies",
                                     verbose_name=_("municipality"))
    copied_by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                  verbose_name=_("copied by"))
    copied_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-copied_at", "-pk"]
        indexes = [models.Index(fields=["source_kind", "copy_id"]), models.Index(fields=["source_kind", "source_id"])]
        verbose_name = _("copy of a practice")
        verbose_name_plural = _("copies of practices")

    def __str__(self) -> str:
        return f"{self.source_kind} {self.source_id} → {self.copy_id}"

    @property
    def kind_of_copy(self) -> str:
        return self.copy_kind or self.source_kind

    def audit_owner(self):
        return self.municipality


class SharingMeeting(Versioned):
    """A 情報共有の場 of municipal staff, convened by the prefecture, a 保健所 or a municipality."""

    prefecture = models.ForeignKey(Prefecture, on_delete=models.PROTECT, related_name="sharing_meetings",
                                   verbose_name=_("prefecture"))
    area_group = models.ForeignKey(AreaGroup, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("group of municipalities"))
    # The convening municipality; empty: the prefecture (or 保健所) convenes.
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="convened_sharing_meetings", verbose_name=_("convened by"))
    title = models.CharField(_("title"), max_length=200)
    held_at = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    invited = models.ManyToManyField(Municipality, related_name="sharing_meetings", blank=True,
                                     verbose_name=_("municipalities invited"))
    attended = models.ManyToManyField(Municipality, related_name="+", blank=True,
                                      verbose_name=_("municipalities that attended"))
    practices = models.ManyToManyField(Practice, related_name="meetings", blank=True,
                                       verbose_name=_("practices presented"))
    is_cancelled = models.BooleanField(_("cancelled"), default=False)
    created_by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    AUDIT_IGNORED_FIELDS = frozenset({"version"})

    class Meta:
        ordering = ["-held_at", "-pk"]
        verbose_name = _("sharing meeting")
        verbose_name_plural = _("sharing meetings")

    def __str__(self) -> str:
        return self.title

    def audit_owner(self):
        return self.municipality or self.area_group or self.prefecture
