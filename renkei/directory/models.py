"""The resource directory (program item a): facilities, their collaboration details, surveys, imports, coverage.

Public fields (name, address, hours, beds...) come from imports and are overwritten by newer editions.
Collaboration details are local knowledge: they live in their own table, each with the date it was
last confirmed and by whom, and imports never touch them.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from renkei.core.concurrency import Versioned
from renkei.core.models import DailyLivingArea, Membership, Municipality, Organization, Prefecture


def _name_of(obj, relation: str) -> str:
    """The name of a related row for a label, "" when it is gone (a cascade delete) rather than an error."""
    try:
        return str(getattr(obj, relation))
    except ObjectDoesNotExist:
        return ""


class FacilityKind(models.TextChoices):
    HOSPITAL = "hospital", _("hospital")
    CLINIC = "clinic", _("clinic")
    DENTAL_CLINIC = "dental_clinic", _("dental clinic")
    PHARMACY = "pharmacy", _("pharmacy")
    VISITING_NURSING_STATION = "visiting_nursing_station", _("visiting nursing station")
    CARE_SERVICE = "care_service", _("care service")
    COMMUNITY_SUPPORT_CENTER = "community_support_center", _("community support center")
    INFORMAL_RESOURCE = "informal_resource", _("informal resource")


class Facility(Versioned):
    """One place that provides care: a hospital, a clinic, a care service office, a 通いの場…

    Its version covers the facility's own fields, its opening hours and its collaboration details: the
    screens that edit any of them are opened at one version (see core.concurrency).
    """

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    class CoordinateSource(models.TextChoices):
        NONE = "", _("no position")
        MHLW = "mhlw", _("MHLW open data")
        KAIGO = "kaigo", _("care service information system")
        MUNICIPAL = "municipal", _("municipal list")
        GAZETTEER = "gazetteer", _("town of the address")
        MANUAL = "manual", _("set by staff on the map")
        SURVEY = "survey", _("confirmed by the facility")

    class CoordinateQuality(models.TextChoices):
        UNKNOWN = "unknown", _("unknown")
        MUNICIPALITY = "municipality", _("municipality only")
        TOWN = "town", _("town (町字)")
        ADDRESS = "address", _("street address")
        EXACT = "exact", _("exact (building)")

    kind = models.CharField(_("kind"), max_length=32, choices=FacilityKind.choices, db_index=True)
    # 介護保険サービス種別 code (e.g. "110" 訪問介護) or informal resource type; see taxonomy.SERVICE_TYPES.
    service_type = models.CharField(_("service type"), max_length=40, blank=True, db_index=True)
    name = models.CharField(_("name"), max_length=200)
    kana = models.CharField(_("kana"), max_length=400, blank=True)
    short_name = models.CharField(_("short name"), max_length=120, blank=True)
    name_romaji = models.CharField(_("name in roman letters"), max_length=300, blank=True)
    # Normalized name + kana + romaji (NFKC, katakana, lower case): what the name search matches.
    search_text = models.TextField(blank=True, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="facilities", verbose_name=_("Renkei organization"))
    corporation_name = models.CharField(_("operating corporation"), max_length=200, blank=True)

    prefecture = models.ForeignKey(Prefecture, on_delete=models.PROTECT, related_name="facilities",
                                   verbose_name=_("prefecture"))
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="facilities",
                                     verbose_name=_("municipality"))
    daily_living_area = models.ForeignKey(DailyLivingArea, on_delete=models.SET_NULL, null=True, blank=True,
                                          related_name="facilities", verbose_name=_("daily living area"))
    postal_code = models.CharField(_("postal code"), max_length=8, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    # Normalized address (NFKC, no spaces, 丁目 digits unified): one half of the merge key.
    address_key = models.CharField(max_length=300, blank=True, editable=False, db_index=True)
    phone = models.CharField(_("phone (public)"), max_length=40, blank=True)
    fax = models.CharField(_("fax"), max_length=40, blank=True)
    website = models.URLField(_("website"), max_length=500, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    coordinate_source = models.CharField(_("position source"), max_length=16, blank=True,
                                         choices=CoordinateSource.choices)
    coordinate_quality = models.CharField(_("position quality"), max_length=16,
                                          choices=CoordinateQuality.choices, default=CoordinateQuality.UNKNOWN)

    # "|内科|外科|": delimited so that a department filter is a plain substring match on both databases.
    departments = models.TextField(_("departments"), blank=True)
    beds = models.JSONField(_("beds by type"), default=dict, blank=True)
    beds_total = models.PositiveIntegerField(_("beds"), null=True, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    closed_on_holidays = models.BooleanField(_("closed on public holidays"), default=False)
    hours_note = models.TextField(_("notes on hours"), blank=True)
    description = models.TextField(_("description"), blank=True)

    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.OPEN,
                              db_index=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closed_reason = models.CharField(_("reason for closing"), max_length=200, blank=True)
    # Which sources hold this facility, e.g. ["mhlw", "municipal:431001"], and when each last listed it.
    sources = models.JSONField(_("sources"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    AUDIT_IGNORED_FIELDS = frozenset({"search_text", "address_key", "updated_at"})
    AUDIT_UPDATE_SENTENCES = {("status", "closed"): _("Closed the facility: %(label)s"),
                              ("status", "open"): _("Reopened the facility: %(label)s")}

    class Meta:
        ordering = ["kind", "kana", "name"]
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")
        indexes = [
            models.Index(fields=["municipality", "kind", "status"]),
            models.Index(fields=["latitude", "longitude"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(latitude__isnull=True, longitude__isnull=True)
                           | Q(latitude__gte=20, latitude__lte=46, longitude__gte=122, longitude__lte=154)),
                name="facility_position_in_japan"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def has_position(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def service_type_name(self) -> str:
        """The service type by name (「訪問介護」), never its internal code; "" when none is set."""
        from django.utils.translation import get_language

        from .taxonomy import SERVICE_TYPES

        names = SERVICE_TYPES.get(self.service_type)
        if names is None:
            return ""
        return names[1] if (get_language() or "ja").startswith("en") else names[0]

    @property
    def department_list(self) -> list[str]:
        return [d for d in self.departments.split("|") if d]


class FacilityIdentifier(models.Model):
    """A code another system knows the facility by. Merging across sources happens on these."""

    class Scheme(models.TextChoices):
        MHLW_ID = "mhlw_id", _("医療情報ネット ID")
        MEDICAL_INSTITUTION_CODE = "medical_institution_code", _("medical institution code")
        # 介護保険事業所番号 + "-" + service type: one office number covers several services.
        CARE_OFFICE = "care_office", _("care service office number")
        CORPORATE_NUMBER = "corporate_number", _("corporate number")
        MUNICIPAL_ID = "municipal_id", _("municipal list ID")

    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="identifiers",
                                 verbose_name=_("facility"))
    scheme = models.CharField(_("scheme"), max_length=32, choices=Scheme.choices)
    value = models.CharField(_("code"), max_length=64)

    class Meta:
        ordering = ["scheme", "value"]
        verbose_name = _("facility code")
        verbose_name_plural = _("facility codes")
        constraints = [
            # A corporation runs many facilities; every other code names exactly one.
            models.UniqueConstraint(fields=["scheme", "value"], condition=~Q(scheme="corporate_number"),
                                    name="unique_facility_identifier"),
        ]
        indexes = [models.Index(fields=["scheme", "value"])]

    def __str__(self) -> str:
        return f"{_name_of(self, 'facility')}: {self.get_scheme_display()} {self.value}"

    def audit_owner(self):
        return self.facility


class OpeningHours(models.Model):
    """One opening period on one weekday (0 = Monday) or on public holidays (7)."""

    HOLIDAY = 7

    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="opening_hours",
                                 verbose_name=_("facility"))
    weekday = models.PositiveSmallIntegerField(_("day"))
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    WEEKDAYS = "月火水木金土日祝"

    class Meta:
        ordering = ["weekday", "opens"]
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        indexes = [models.Index(fields=["weekday", "opens", "closes"])]
        constraints = [models.CheckConstraint(condition=Q(weekday__lte=7), name="opening_hours_weekday_range")]

    def __str__(self) -> str:
        day = self.WEEKDAYS[self.weekday] if 0 <= self.weekday < len(self.WEEKDAYS) else str(self.weekday)
        return f"{_name_of(self, 'facility')}: {day} {self.opens:%H:%M}–{self.closes:%H:%M}"

    def audit_owner(self):
        return self.facility


class CollaborationCategory(Versioned):
    """A group of collaboration attributes (home visits, medical care accepted, pharmacy services…)."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    sort_order = models.PositiveIntegerField(_("display order"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("collaboration category")

    def __str__(self) -> str:
        return self.name


class CollaborationAttribute(Versioned):
    """One thing facilities are asked about: 往診, 無菌調剤, how to reach the doctor… Staff can add more."""

    class ValueType(models.TextChoices):
        YES_NO = "yes_no", _("yes / no")
        CHOICE = "choice", _("one of a list")
        MULTI_CHOICE = "multi_choice", _("several of a list")
        TEXT = "text", _("text")
        NUMBER = "number", _("number")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("residents and professionals")
        PROFESSIONAL = "professional", _("logged-in professionals and staff only")

    category = models.ForeignKey(CollaborationCategory, on_delete=models.PROTECT, related_name="attributes")
    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("English name"), max_length=120, blank=True)
    help_text = models.CharField(_("explanation"), max_length=300, blank=True)
    value_type = models.CharField(_("answer type"), max_length=16, choices=ValueType.choices,
                                  default=ValueType.YES_NO)
    # [{"code": "within_30_min", "name": "30分以内", "name_en": "within 30 minutes"}, …]
    choices = models.JSONField(_("choices"), default=list, blank=True)
    # Facility kinds asked about this attribute; empty means every kind.
    applies_to = models.JSONField(_("applies to"), default=list, blank=True)
    visibility = models.CharField(_("visibility"), max_length=16, choices=Visibility.choices,
                                  default=Visibility.PUBLIC)
    # None: part of the shared taxonomy. Set: added by that municipality for its own directory.
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="collaboration_attributes", verbose_name=_("municipality"))
    is_builtin = models.BooleanField(default=False, editable=False)
    is_active = models.BooleanField(_("in use"), default=True)
    sort_order = models.PositiveIntegerField(_("display order"), default=0)

    class Meta:
        ordering = ["category__sort_order", "sort_order", "code"]
        verbose_name = _("collaboration attribute")

    def __str__(self) -> str:
        return self.name

    def applies_to_kind(self, kind: str) -> bool:
        return not self.applies_to or kind in self.applies_to


class CollaborationDetail(models.Model):
    """A facility's answer for one attribute, with when and by whom it was last confirmed."""

    class Source(models.TextChoices):
        STAFF = "staff", _("entered by staff")
        SURVEY = "survey", _("answered by the facility")
        IMPORT = "import", _("imported")

    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="collaboration_details",
                                 verbose_name=_("facility"))
    attribute = models.ForeignKey(CollaborationAttribute, on_delete=models.PROTECT, related_name="details",
                                  verbose_name=_("collaboration attribute"))
    # bool for yes_no, a choice code, a list of codes, text, or a number.
    value = models.JSONField(_("value"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    confirmed_on = models.DateField(_("last confirmed on"))
    confirmed_by = models.CharField(_("confirmed by"), max_length=120)
    confirmed_by_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                          blank=True, related_name="+", verbose_name=_("confirmed by (user)"))
    source = models.CharField(_("source"), max_length=8, choices=Source.choices, default=Source.STAFF)

    AUDIT_SENSITIVE_FIELDS = frozenset({"confirmed_by"})  # a person's name (a survey respondent, a staff member)

    class Meta:
        ordering = ["attribute__category__sort_order", "attribute__sort_order"]
        verbose_name = _("collaboration detail")
        verbose_name_plural = _("collaboration details")
        constraints = [models.UniqueConstraint(fields=["facility", "attribute"], name="unique_collaboration_detail")]
        indexes = [models.Index(fields=["attribute", "facility"])]

    def __str__(self) -> str:
        return f"{_name_of(self, 'facility')}: {_name_of(self, 'attribute')}"

    def audit_owner(self):
        return self.facility

    @property
    def is_yes(self) -> bool:
        return self.value is True or (isinstance(self.value, list | str | int | float) and bool(self.value)
                                      and self.value != "no")


class MergeCandidate(models.Model):
    """Two entries that may be the same facility (same normalized name and address, different codes)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for review")
        MERGED = "merged", _("merged")
        DISMISSED = "dismissed", _("not the same")

    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="+", verbose_name=_("facility"))
    other = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="+",
                              verbose_name=_("other facility"))
    score = models.FloatField(_("similarity"))
    reason = models.CharField(_("reason"), max_length=200)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    AUDIT_UPDATE_SENTENCES = {("status", "merged"): _("Merged the possible duplicate: %(label)s"),
                              ("status", "dismissed"): _("Marked as not the same facility: %(label)s")}

    class Meta:
        ordering = ["-score", "pk"]
        constraints = [models.UniqueConstraint(fields=["facility", "other"], name="unique_merge_candidate")]
        verbose_name = _("possible duplicate")
        verbose_name_plural = _("possible duplicates")

    def __str__(self) -> str:
        return f"{_name_of(self, 'facility')} / {_name_of(self, 'other')}"

    def audit_owner(self):
        return self.facility


class ImportRun(models.Model):
    """One file read by an importer: what it held, what it changed, what it rejected and why."""

    class Source(models.TextChoices):
        MHLW = "mhlw", _("MHLW 医療情報ネット")
        MUNICIPAL = "municipal", _("municipal open data / own list")
        KAIGO = "kaigo", _("介護サービス情報公表システム")
        AREA_SHAPES = "area_shapes", _("daily living area shapes (GeoJSON)")
        MESH_POPULATION = "mesh_population", _("mesh population (e-Stat)")

    class Outcome(models.TextChoices):
        APPLIED = "applied", _("applied")
        DRY_RUN = "dry_run", _("dry run (nothing written)")
        REJECTED = "rejected", _("rejected (nothing written)")

    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    file_name = models.CharField(_("file"), max_length=255)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("municipality"))
    mapping = models.ForeignKey("ColumnMapping", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="runs", verbose_name=_("column mapping"))
    # {"rows": n, "created": n, "updated": n, "unchanged": n, "closed": n, "rejected": n}
    counts = models.JSONField(_("counts"), default=dict)
    # [{"row": 12, "reason": "…", "reason_en": "…"}], capped; the full list is printed by the command.
    rejected_rows = models.JSONField(_("rejected rows"), default=list)
    messages = models.JSONField(_("messages"), default=list)
    # What the run would change or did, before "apply": {"changes": [{"row", "facility_id", "name", "change",
    # "fields"}], "skipped": [{"row", "facility_id", "reason", "reason_en"}], "placeholders": [...],
    # "without_position": [{"facility_id", "name"}], "…_total": n}; lists capped like rejected_rows.
    report = models.JSONField(_("report"), default=dict, blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("started by"))
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return self.file_name


class ImportStagingRow(models.Model):
    """A parsed row of a file being imported, waiting inside the import's transaction (never outside it).

    The import streams the file into this table, then reads it back grouped (by municipality for facility
    rows, by code for speciality-and-hours rows) to compare and apply a bounded batch at a time. The rows
    are deleted before the transaction commits and vanish with it when it rolls back.
    """

    AUDIT_SKIP = True  # rows of a file on their way in, never outliving the transaction; the import run is audited

    run_key = models.CharField(max_length=32)
    group_key = models.CharField(max_length=40)  # a zero-padded municipality id, or a facility's code
    row = models.PositiveIntegerField()  # the row number in the file, as a spreadsheet shows it
    payload = models.BinaryField()  # the parsed record (pickled; written and read by the same import)

    class Meta:
        indexes = [models.Index(fields=["run_key", "group_key", "row"], name="import_staging_order")]


class ColumnMapping(models.Model):
    """How one municipality's own list maps to our fields; saved once and reused for the next edition."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="column_mappings",
                                     verbose_name=_("municipality"))
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("facility kind"), max_length=32, choices=FacilityKind.choices, blank=True)
    # {"name": "医療機関名", "address": "所在地", "departments": {"columns": ["内科", "外科"], "mark": "○"}, …}
    columns = models.JSONField(_("columns"), default=dict)
    # Sorted header names: a new edition with the same header finds its mapping again.
    header_signature = models.CharField(_("header"), max_length=64, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["municipality", "name"]
        verbose_name = _("column mapping")
        verbose_name_plural = _("column mappings")
        constraints = [models.UniqueConstraint(fields=["municipality", "name"], name="unique_column_mapping_name")]

    def __str__(self) -> str:
        return self.name


class SurveyRound(models.Model):
    """A round of personal links sent to facilities to confirm their collaboration details."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="survey_rounds",
                                     verbose_name=_("municipality"))
    title = models.CharField(_("title"), max_length=120)
    message = models.TextField(_("message to facilities"), blank=True)
    due_on = models.DateField(_("answer by"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("survey round")
        verbose_name_plural = _("survey rounds")

    def __str__(self) -> str:
        return self.title


class SurveyInvitation(models.Model):
    """One facility's personal link in a round. Only a hash of the token is stored."""

    class Status(models.TextChoices):
        SENT = "sent", _("sent")
        ANSWERED = "answered", _("answered, waiting for review")
        APPROVED = "approved", _("approved")
        RETURNED = "returned", _("returned to the facility")
        WITHDRAWN = "withdrawn", _("withdrawn")

    survey_round = models.ForeignKey(SurveyRound, on_delete=models.CASCADE, related_name="invitations",
                                     verbose_name=_("survey round"))
    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="survey_invitations",
                                 verbose_name=_("facility"))
    token_hash = models.CharField(_("link"), max_length=64, unique=True)
    email = models.EmailField(_("sent to"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SENT)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    reminder_count = models.PositiveSmallIntegerField(_("reminders"), default=0)
    opened_at = models.DateTimeField(null=True, blank=True)

    AUDIT_IGNORED_FIELDS = frozenset({"opened_at"})
    # token_hash (a secret) and email (person data) are never logged: core.audit's default lists.
    AUDIT_UPDATE_SENTENCES = {("status", "withdrawn"): _("Withdrew the survey link: %(label)s")}

    class Meta:
        ordering = ["survey_round", "facility__kana"]
        constraints = [models.UniqueConstraint(fields=["survey_round", "facility"], name="unique_survey_invitation")]
        verbose_name = _("survey link")
        verbose_name_plural = _("survey links")

    def __str__(self) -> str:
        return f"{_name_of(self, 'facility')}（{_name_of(self, 'survey_round')}）"

    def audit_owner(self):
        return self.survey_round


class SurveyResponse(models.Model):
    """What a facility answered through its link; applied to its details only when staff approve."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("waiting for review")
        APPROVED = "approved", _("approved")
        RETURNED = "returned", _("returned")

    invitation = models.ForeignKey(SurveyInvitation, on_delete=models.CASCADE, related_name="responses",
                                   verbose_name=_("survey link"))
    # {"attribute_code": value, …}
    answers = models.JSONField(_("answers"), default=dict)
    # Corrections to public fields the facility suggests: {"phone": "…", "website": "…"}.
    corrections = models.JSONField(_("corrections"), default=dict, blank=True)
    respondent_name = models.CharField(_("answered by"), max_length=120)
    respondent_role = models.CharField(_("position"), max_length=120, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices,
                                default=Decision.PENDING)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("reviewed by"))
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.TextField(_("note to the facility"), blank=True)

    AUDIT_SENSITIVE_FIELDS = frozenset({"respondent_name", "respondent_role"})
    AUDIT_UPDATE_SENTENCES = {("decision", "approved"): _("Approved the survey answer: %(label)s"),
                              ("decision", "returned"): _("Returned the survey answer: %(label)s")}

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")

    def __str__(self) -> str:
        """The facility that answered (never the respondent's name: that is person data)."""
        try:
            return str(self.invitation.facility)
        except ObjectDoesNotExist:
            return ""

    def audit_owner(self):
        return self.invitation.survey_round


class CorrectionProposal(models.Model):
    """A change of a facility's public fields proposed by a professional of its own organization.

    Nothing is published before the municipality's staff approve it in their review queue (next to the
    survey answers); approval applies the proposed values, rejection leaves the facility as it was.
    """

    class Decision(models.TextChoices):
        PENDING = "pending", _("waiting for review")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="correction_proposals",
                                 verbose_name=_("facility"))
    proposed_by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, related_name="+",
                                    verbose_name=_("proposed by"))
    # The proposed values of public fields that differ from the entry when proposed: {"phone": "…", …}.
    changes = models.JSONField(_("proposed changes"), default=dict)
    comment = models.TextField(_("comment"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, default=Decision.PENDING)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("reviewed by"))
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.TextField(_("note to the proposer"), blank=True)

    AUDIT_UPDATE_SENTENCES = {("decision", "approved"): _("Approved the proposed correction: %(label)s"),
                              ("decision", "rejected"): _("Rejected the proposed correction: %(label)s")}

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("proposed correction")
        verbose_name_plural = _("proposed corrections")

    def __str__(self) -> str:
        return _name_of(self, "facility")

    def audit_owner(self):
        return self.facility

    @property
    def municipality(self):
        """The facility's municipality: whose staff review the proposal (the directory policy reads it)."""
        return self.facility.municipality


class AreaShape(models.Model):
    """The outline of a daily living area (or of a whole municipality when `daily_living_area` is empty)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="area_shapes",
                                     verbose_name=_("municipality"))
    daily_living_area = models.OneToOneField(DailyLivingArea, on_delete=models.CASCADE, null=True, blank=True,
                                             related_name="shape", verbose_name=_("daily living area"))
    geometry = models.JSONField()  # GeoJSON Polygon or MultiPolygon, WGS84
    min_lat = models.FloatField()
    min_lon = models.FloatField()
    max_lat = models.FloatField()
    max_lon = models.FloatField()
    updated_at = models.DateTimeField(auto_now=True)

    AUDIT_IGNORED_FIELDS = frozenset({"geometry"})  # too large for the log; the import run records the file

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["municipality"], condition=Q(daily_living_area__isnull=True),
                                    name="one_outline_per_municipality"),
        ]
        verbose_name = _("area outline")
        verbose_name_plural = _("area outlines")

    def __str__(self) -> str:
        return _name_of(self, "daily_living_area") if self.daily_living_area_id else _name_of(self, "municipality")


class MeshPopulation(models.Model):
    """Population of one JIS X 0410 mesh cell (8 digits: 1 km, 9 digits: 500 m), from e-Stat."""

    AUDIT_SKIP = True  # statistics, loaded in bulk; the import run is audited instead

    mesh_code = models.CharField(max_length=10, primary_key=True)
    population = models.PositiveIntegerField()
    households = models.PositiveIntegerField(null=True, blank=True)
    aged_65_plus = models.PositiveIntegerField(null=True, blank=True)
    survey_year = models.PositiveSmallIntegerField(null=True, blank=True)


class CoverageRun(models.Model):
    """One computation of coverage gaps for a municipality, daily living area or prefecture."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        RUNNING = "running", _("computing")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    AUDIT_SKIP = True  # derived data, recomputed at will

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, null=True, blank=True,
                                     related_name="coverage_runs")
    prefecture = models.ForeignKey(Prefecture, on_delete=models.CASCADE, null=True, blank=True,
                                   related_name="coverage_runs")
    daily_living_area = models.ForeignKey(DailyLivingArea, on_delete=models.CASCADE, null=True, blank=True,
                                          related_name="coverage_runs")
    mesh = models.CharField(max_length=8, default="1km")
    radius_km = models.FloatField(default=16.0)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    requested_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    # {"cells": n, "uncovered_home_visit": n, "uncovered_nursing_24h": n, "population": …, "by_area": […]}
    summary = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]


class CoverageCell(models.Model):
    """One mesh cell of a coverage run and its distance to the nearest providers."""

    AUDIT_SKIP = True

    run = models.ForeignKey(CoverageRun, on_delete=models.CASCADE, related_name="cells")
    mesh_code = models.CharField(max_length=10)
    daily_living_area = models.ForeignKey(DailyLivingArea, on_delete=models.SET_NULL, null=True, blank=True,
                                          related_name="+")
    population = models.PositiveIntegerField(null=True, blank=True)
    home_visit_km = models.FloatField(null=True)
    nursing_24h_km = models.FloatField(null=True)
    is_home_visit_gap = models.BooleanField(default=False)
    is_nursing_24h_gap = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["run", "is_home_visit_gap", "is_nursing_24h_gap"])]
