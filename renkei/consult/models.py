"""The consultation desk (事業項目オ): desks, their members, the topic taxonomy, cases and what was done.

A `Desk` is a municipality's 在宅医療・介護連携に関する相談窓口, run by the municipality or by an organization it
contracts (a medical association, a community support center). Its `DeskMember`s (coordinators and the
municipality's responsible staff) are the only people who read its cases. A `Case` records who asked (a
professional with their organization from the directory, or a resident or family with the minimum needed), how,
the scene and topics, the question, what the desk did (`CaseAction`s, with resources from the directory linked as
`CaseResource`s, never retyped), the outcome and the closing date. A case may raise a 課題 for the council
(`raised_issue`, an `pdca.Issue`). A case about a patient links the patient only under the patients' rules
(`careteams.view_patient` on that patient at the time of linking).

Person data (the requester's name and contact, the description of the person concerned, the question and the
notes) is never written to the audit log (`AUDIT_SENSITIVE_FIELDS`); reports count, never quote.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from renkei.core.concurrency import Versioned
from renkei.core.models import DailyLivingArea, JointProject, Membership, Municipality, Organization, Profession, Scene


class Desk(Versioned):
    """A municipality's consultation desk (直営 or 委託: `operator` is the organization that runs it)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="consult_desks",
                                     verbose_name=_("municipality"))
    name = models.CharField(_("name"), max_length=120)
    operator = models.ForeignKey(Organization, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="consult_desks", verbose_name=_("run by"))
    # A joint project (共同実施) the desk belongs to: its municipalities share it.
    joint_project = models.ForeignKey(JointProject, on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="+", verbose_name=_("joint project"))
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    fax = models.CharField(_("fax"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    AUDIT_IGNORED_FIELDS = frozenset({"version"})

    class Meta:
        ordering = ["municipality", "name"]
        verbose_name = _("consultation desk")
        verbose_name_plural = _("consultation desks")

    def __str__(self) -> str:
        return self.name

    def audit_owner(self):
        return self.municipality


class DeskMember(models.Model):
    """A person who works the desk: reads and records its cases. Ending keeps the row (who could read, when)."""

    desk = models.ForeignKey(Desk, on_delete=models.CASCADE, related_name="members", verbose_name=_("desk"))
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="desk_seats",
                                   verbose_name=_("member"))
    is_active = models.BooleanField(_("active"), default=True)
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta:
        ordering = ["desk", "added_at"]
        verbose_name = _("desk member")
        verbose_name_plural = _("desk members")
        constraints = [models.UniqueConstraint(fields=["desk", "membership"], name="consult_one_seat_per_member")]

    def __str__(self) -> str:
        return f"{self.desk} / {self.membership_id}"

    def audit_owner(self):
        return self.desk.municipality


class Topic(models.Model):
    """A topic of the desk's taxonomy: the national defaults (no municipality) and a municipality's own."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, null=True, blank=True,
                                     related_name="consult_topics", verbose_name=_("municipality"))
    code = models.SlugField(_("code"), max_length=40)
    scene = models.CharField(_("scene"), max_length=30, choices=Scene.choices, blank=True)
    name_ja = models.CharField(_("name (Japanese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    order = models.PositiveIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["order", "name_ja"]
        verbose_name = _("consultation topic")
        verbose_name_plural = _("consultation topics")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "code"], name="consult_topic_code_per_municipality"),
            models.UniqueConstraint(fields=["code"], condition=Q(municipality__isnull=True),
                                    name="consult_national_topic_code"),
        ]

    def __str__(self) -> str:
        return self.name_ja

    def audit_owner(self):
        return self.municipality


class Channel(models.TextChoices):
    PHONE = "phone", _("phone")
    VISIT = "visit", _("visit to the desk")
    OUTREACH = "outreach", _("home or site visit")
    EMAIL = "email", _("e-mail")
    FAX = "fax", _("fax")
    OTHER = "other", pgettext_lazy("channel", "other")


class RequesterKind(models.TextChoices):
    """Who asked: the categories desks count by (research: the 手引き's 相談者 categories)."""

    CARE_MANAGER = "care_manager", _("care manager")
    COMMUNITY_SUPPORT_CENTER = "community_support_center", _("community support center")
    HOSPITAL = "hospital", _("hospital (discharge nurse, MSW)")
    CLINIC = "clinic", _("clinic (doctor)")
    DENTAL_CLINIC = "dental_clinic", _("dental clinic")
    PHARMACY = "pharmacy", _("pharmacy")
    VISITING_NURSING = "visiting_nursing", _("visiting nursing station")
    CARE_SERVICE = "care_service", _("care service")
    OTHER_PROFESSIONAL = "other_professional", _("other professional")
    RESIDENT = "resident", _("resident (the person concerned)")
    FAMILY = "family", _("family")
    OTHER = "other", pgettext_lazy("requester", "other")

    @classmethod
    def professional_kinds(cls) -> frozenset[str]:
        return frozenset({cls.CARE_MANAGER, cls.COMMUNITY_SUPPORT_CENTER, cls.HOSPITAL, cls.CLINIC, cls.DENTAL_CLINIC,
                          cls.PHARMACY, cls.VISITING_NURSING, cls.CARE_SERVICE, cls.OTHER_PROFESSIONAL})


class Outcome(models.TextChoices):
    RESOLVED = "resolved", _("resolved (information or advice given)")
    REFERRED = "referred", _("referred or coordinated")
    MEETING = "meeting", _("resolved at a meeting arranged by the desk")
    CONTINUING = "continuing", _("handed on for continuing support")
    WITHDRAWN = "withdrawn", _("withdrawn by the requester")
    NOT_RESOLVED = "not_resolved", _("could not be resolved")


class Case(Versioned):
    """One consultation: received, handled, closed. Numbered per desk and fiscal year (R7-0001)."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("case", "open")
        CLOSED = "closed", pgettext_lazy("case", "closed")

    desk = models.ForeignKey(Desk, on_delete=models.PROTECT, related_name="cases", verbose_name=_("desk"))
    # The desk's municipality, kept on the row: the owner of its audit entries and the key of every count.
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="consult_cases",
                                     verbose_name=_("municipality"))
    number = models.CharField(_("case number"), max_length=20)
    received_at = models.DateTimeField(_("received at"))
    channel = models.CharField(_("how"), max_length=20, choices=Channel.choices, default=Channel.PHONE)
    requester_kind = models.CharField(_("who asked"), max_length=30, choices=RequesterKind.choices)
    requester_profession = models.CharField(_("profession"), max_length=40, choices=Profession.choices, blank=True)
    requester_facility = models.ForeignKey("directory.Facility", on_delete=models.PROTECT, null=True, blank=True,
                                           related_name="consult_cases_asked", verbose_name=_("organization"))
    requester_organization_name = models.CharField(_("organization (not in the directory)"), max_length=120,
                                                   blank=True)
    requester_name = models.CharField(_("name of the person asking"), max_length=80, blank=True)
    requester_contact = models.CharField(_("contact of the person asking"), max_length=120, blank=True)
    # The person the consultation is about: a patient only under the patients' rules, else the minimum words.
    patient = models.ForeignKey("careteams.Patient", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="consult_cases", verbose_name=_("patient"))
    subject_description = models.CharField(_("person concerned (minimum needed)"), max_length=200, blank=True)
    daily_living_area = models.ForeignKey(DailyLivingArea, on_delete=models.SET_NULL, null=True, blank=True,
                                          related_name="consult_cases", verbose_name=_("daily living area"))
    scene = models.CharField(_("scene"), max_length=30, choices=Scene.choices, blank=True)
    topics = models.ManyToManyField(Topic, blank=True, related_name="cases", verbose_name=_("topics"))
    question = models.TextField(_("question"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(_("outcome note"), blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    handled_by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="consult_cases_handled", verbose_name=_("handled by"))
    raised_issue = models.ForeignKey("pdca.Issue", on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="consult_cases", verbose_name=_("issue raised for the council"))
    created_by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                   verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    AUDIT_IGNORED_FIELDS = frozenset({"version"})
    AUDIT_SENSITIVE_FIELDS = frozenset({"requester_name", "requester_contact", "subject_description", "question",
                                        "outcome_note"})

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("consultation case")
        verbose_name_plural = _("consultation cases")
        constraints = [models.UniqueConstraint(fields=["desk", "number"], name="consult_case_number_per_desk")]
        indexes = [models.Index(fields=["municipality", "received_at"], name="consult_case_muni_received"),
                   models.Index(fields=["desk", "status", "received_at"], name="consult_case_desk_status")]

    def __str__(self) -> str:
        return self.number

    def audit_owner(self):
        return self.municipality

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class CaseAction(models.Model):
    """What the desk did on a case, in order: information given, resources suggested, a referral, a meeting, a
    follow-up call."""

    class Kind(models.TextChoices):
        INFORMATION = "information", _("information or advice given")
        RESOURCES = "resources", _("resources from the directory suggested")
        REFERRAL = "referral", _("referred to")
        MEETING = "meeting", _("meeting arranged")
        FOLLOW_UP = "follow_up", _("follow-up")
        OTHER = "other", pgettext_lazy("case action", "other")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="actions", verbose_name=_("case"))
    kind = models.CharField(_("what was done"), max_length=20, choices=Kind.choices)
    done_on = models.DateField(_("date"))
    note = models.TextField(_("note"), blank=True)
    referred_to_facility = models.ForeignKey("directory.Facility", on_delete=models.PROTECT, null=True, blank=True,
                                             related_name="+", verbose_name=_("referred to (directory)"))
    referred_to_name = models.CharField(_("referred to (not in the directory)"), max_length=120, blank=True)
    meeting_on = models.DateField(_("meeting date"), null=True, blank=True)
    follow_up_on = models.DateField(_("next follow-up"), null=True, blank=True)
    by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                           verbose_name=_("by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    AUDIT_SENSITIVE_FIELDS = frozenset({"note"})

    class Meta:
        ordering = ["case", "done_on", "pk"]
        verbose_name = _("case action")
        verbose_name_plural = _("case actions")

    def __str__(self) -> str:
        return f"{self.case} {self.get_kind_display()}"

    def audit_owner(self):
        return self.case.municipality


class CaseResource(models.Model):
    """A resource from the directory suggested on a case: linked, so its current details are one click away."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="resources", verbose_name=_("case"))
    facility = models.ForeignKey("directory.Facility", on_delete=models.PROTECT, related_name="consult_suggestions",
                                 verbose_name=_("resource"))
    action = models.ForeignKey(CaseAction, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="resources", verbose_name=_("suggested in"))
    note = models.CharField(_("why"), max_length=200, blank=True)
    suggested_on = models.DateField(_("suggested on"))
    by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                           verbose_name=_("by"))

    class Meta:
        ordering = ["case", "suggested_on", "pk"]
        verbose_name = _("suggested resource")
        verbose_name_plural = _("suggested resources")
        constraints = [models.UniqueConstraint(fields=["case", "facility"], name="consult_resource_once_per_case")]

    def __str__(self) -> str:
        return f"{self.case} → {self.facility_id}"

    def audit_owner(self):
        return self.case.municipality
