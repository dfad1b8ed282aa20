"""Public awareness (事業項目キ): lectures, talks, articles, leaflets and events for residents.

An `AwarenessActivity` has a kind, themes, a date (and times for events), a place and the daily living area it
reached (for the reach map: which areas were never reached), its audience, capacity and attendance (a count:
residents are not registered by name), and whether it is on the residents' calendar. `AwarenessMaterial`s are its
files (slides, leaflets), public or staff-only.

After an event, residents answer a short questionnaire through one shared link or QR code per activity
(`AwarenessSurveyLink`, hashed token, expiry, rate limit) or staff enter paper forms: `AwarenessResponse` holds
anonymous answers — understanding before and after (asked in one sitting, so each response is a pair), the
intention to talk about ACP with family, an age band and a comment.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from renkei.core.concurrency import Versioned
from renkei.core.models import DailyLivingArea, JointProject, Membership, Municipality, Organization


class ActivityKind(models.TextChoices):
    PUBLIC_LECTURE = "public_lecture", _("public lecture (市民公開講座)")
    OUTREACH_LECTURE = "outreach_lecture", _("outreach talk (出前講座)")
    ARTICLE = "article", _("article in the municipal bulletin (広報)")
    LEAFLET = "leaflet", _("leaflet or booklet")
    EVENT = "event", _("event")
    OTHER = "other", pgettext_lazy("awareness kind", "other")


class Theme(models.TextChoices):
    ACP = "acp", _("advance care planning (人生会議)")
    FAMILY_DOCTOR = "family_doctor", _("family doctor (かかりつけ医)")
    HOME_CARE = "home_care", _("care at home (在宅療養)")
    END_OF_LIFE = "end_of_life", _("end of life at home (看取り)")
    DEMENTIA = "dementia", _("dementia")
    EMERGENCY = "emergency", _("emergencies and the emergency sheet")
    CARE_SERVICES = "care_services", _("care services")
    OTHER = "other", pgettext_lazy("theme", "other")


class AcpIntention(models.TextChoices):
    WILL_TALK = "will_talk", _("I will talk with my family")
    ALREADY = "already", _("I have already talked with my family")
    NOT_NOW = "not_now", _("not now")
    UNSURE = "unsure", _("I do not know")


class AwarenessActivity(Versioned):
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="awareness_activities",
                                     verbose_name=_("municipality"))
    kind = models.CharField(_("kind"), max_length=20, choices=ActivityKind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    themes = models.JSONField(_("themes"), default=list, blank=True)
    date = models.DateField(_("date"))
    starts_at = models.TimeField(_("starts at"), null=True, blank=True)
    ends_at = models.TimeField(_("ends at"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    daily_living_area = models.ForeignKey(DailyLivingArea, on_delete=models.SET_NULL, null=True, blank=True,
                                          related_name="awareness_activities", verbose_name=_("daily living area"))
    audience = models.CharField(_("audience"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    attendance = models.PositiveIntegerField(_("attendance"), null=True, blank=True)
    copies = models.PositiveIntegerField(_("copies distributed"), null=True, blank=True)
    how_to_join = models.CharField(_("how to join"), max_length=300, blank=True)
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    organizer = models.ForeignKey(Organization, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="awareness_activities", verbose_name=_("organized by"))
    # A joint project (共同実施) the campaign belongs to: its municipalities share it.
    joint_project = models.ForeignKey(JointProject, on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="+", verbose_name=_("joint project"))
    is_published = models.BooleanField(_("on the residents' calendar"), default=False)
    is_cancelled = models.BooleanField(_("cancelled"), default=False)
    created_by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    AUDIT_IGNORED_FIELDS = frozenset({"version"})

    class Meta:
        ordering = ["municipality", "-date", "title"]
        verbose_name = _("awareness activity")
        verbose_name_plural = _("awareness activities")
        indexes = [models.Index(fields=["municipality", "date"], name="training_awareness_muni_date"),
                   models.Index(fields=["is_published", "date"], name="training_awareness_public")]

    def __str__(self) -> str:
        return self.title

    def audit_owner(self):
        return self.municipality


class AwarenessMaterial(models.Model):
    activity = models.ForeignKey(AwarenessActivity, on_delete=models.CASCADE, related_name="materials",
                                 verbose_name=_("activity"))
    title = models.CharField(_("title"), max_length=200)
    stored_name = models.CharField(_("stored file"), max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    is_public = models.BooleanField(_("residents may download"), default=False)
    uploaded_by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                    verbose_name=_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["activity", "uploaded_at"]
        verbose_name = _("awareness material")
        verbose_name_plural = _("awareness materials")

    def __str__(self) -> str:
        return self.title

    def audit_owner(self):
        return self.activity.municipality


class AwarenessSurveyLink(models.Model):
    """The one shared questionnaire link of an activity (printed as a QR code on the handout)."""

    activity = models.ForeignKey(AwarenessActivity, on_delete=models.CASCADE, related_name="survey_links",
                                 verbose_name=_("activity"))
    token_hash = models.CharField(_("link"), max_length=64, unique=True)
    expires_at = models.DateTimeField(_("expires at"))
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["activity", "-created_at"]
        verbose_name = _("questionnaire link")
        verbose_name_plural = _("questionnaire links")

    def __str__(self) -> str:
        return f"{self.activity} ({self.created_at:%Y-%m-%d})"

    def audit_owner(self):
        return self.activity.municipality


class AwarenessResponse(models.Model):
    class AgeBand(models.TextChoices):
        UNDER_40 = "under_40", _("under 40")
        FROM_40 = "40_64", _("40–64")
        FROM_65 = "65_74", _("65–74")
        FROM_75 = "75_plus", _("75 and over")

    class Source(models.TextChoices):
        LINK = "link", _("answered through the link")
        PAPER = "paper", _("entered from a paper form")

    activity = models.ForeignKey(AwarenessActivity, on_delete=models.CASCADE, related_name="responses",
                                 verbose_name=_("activity"))
    submitted_at = models.DateTimeField(_("submitted at"))
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.LINK)
    # 1 (did not understand at all) … 4 (understood well), before and after the talk, asked in one sitting.
    understanding_before = models.PositiveSmallIntegerField(_("understanding before"), null=True, blank=True)
    understanding_after = models.PositiveSmallIntegerField(_("understanding after"), null=True, blank=True)
    acp_intention = models.CharField(_("talk about ACP with family"), max_length=20, choices=AcpIntention.choices,
                                     blank=True)
    age_band = models.CharField(_("age"), max_length=10, choices=AgeBand.choices, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    AUDIT_SENSITIVE_FIELDS = frozenset({"comment"})

    class Meta:
        ordering = ["activity", "submitted_at"]
        verbose_name = _("questionnaire answer")
        verbose_name_plural = _("questionnaire answers")

    def __str__(self) -> str:
        return f"{self.activity} #{self.pk}"

    def audit_owner(self):
        return self.activity.municipality
