"""Patients (利用者・患者) and their key people: 要配慮個人情報, seen only through the careteams policy."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from renkei.core.audit import Subject
from renkei.core.concurrency import Versioned
from renkei.core.models import DailyLivingArea, Membership, Municipality, Organization


class Sex(models.TextChoices):
    FEMALE = "female", _("female")
    MALE = "male", _("male")
    OTHER = "other", _("other")
    UNKNOWN = "unknown", _("not stated")


class CareLevel(models.TextChoices):
    """要支援・要介護度 (care need level) as certified."""

    NONE = "", _("not certified")
    APPLYING = "applying", _("applying")
    NOT_APPLICABLE = "not_applicable", _("not applicable (非該当)")
    SUPPORT_1 = "support_1", _("要支援1")
    SUPPORT_2 = "support_2", _("要支援2")
    CARE_1 = "care_1", _("要介護1")
    CARE_2 = "care_2", _("要介護2")
    CARE_3 = "care_3", _("要介護3")
    CARE_4 = "care_4", _("要介護4")
    CARE_5 = "care_5", _("要介護5")


class DisabilityIndependence(models.TextChoices):
    """障害高齢者の日常生活自立度（寝たきり度）."""

    NONE = "", _("not assessed")
    NORMAL = "normal", _("自立")
    J1 = "J1", "J1"
    J2 = "J2", "J2"
    A1 = "A1", "A1"
    A2 = "A2", "A2"
    B1 = "B1", "B1"
    B2 = "B2", "B2"
    C1 = "C1", "C1"
    C2 = "C2", "C2"


class DementiaIndependence(models.TextChoices):
    """認知症高齢者の日常生活自立度."""

    NONE = "", _("not assessed")
    NORMAL = "normal", _("自立")
    I = "I", "I"  # noqa: E741 (the grade's own name)
    IIA = "IIa", "IIa"
    IIB = "IIb", "IIb"
    IIIA = "IIIa", "IIIa"
    IIIB = "IIIb", "IIIb"
    IV = "IV", "IV"
    M = "M", "M"


class LivingSituation(models.TextChoices):
    ALONE = "alone", _("lives alone (独居)")
    ELDERLY_ONLY = "elderly_only", _("older people only (高齢者のみ世帯)")
    WITH_FAMILY = "with_family", _("with family")
    FACILITY = "facility", _("in a care facility or housing")
    OTHER = "other", _("other")
    UNKNOWN = "", _("not stated")


class DeathPlace(models.TextChoices):
    HOME = "home", _("home")
    FACILITY = "facility", _("care facility")
    HOSPITAL = "hospital", _("hospital")
    OTHER = "other", _("other")


class Patient(Versioned):
    """A person cared for at home. Registered by one organization; seen by their team with consent."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("receiving care")
        ENDED = "ended", _("care ended")
        DECEASED = "deceased", _("deceased")

    registered_by_organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="registered_patients",
        verbose_name=_("registered by"))
    registered_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+",
                                      verbose_name=_("registered by (person)"))
    name = models.CharField(_("name"), max_length=80)
    kana = models.CharField(_("kana"), max_length=160)
    birth_date = models.DateField(_("date of birth"))
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    postal_code = models.CharField(_("postal code"), max_length=8, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="patients", verbose_name=_("municipality"))
    daily_living_area = models.ForeignKey(DailyLivingArea, on_delete=models.SET_NULL, null=True, blank=True,
                                          related_name="patients", verbose_name=_("daily living area"))
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    # 介護保険: 保険者番号 (6 digits) and 被保険者番号 (10 digits); strings, leading zeros matter.
    care_insurer_number = models.CharField(_("care insurer number"), max_length=6, blank=True)
    care_insured_number = models.CharField(_("care insurance insured number"), max_length=10, blank=True,
                                           db_index=True)
    medical_insurer_number = models.CharField(_("medical insurer number"), max_length=8, blank=True)
    medical_insured_symbol_number = models.CharField(_("medical insurance symbol and number"), max_length=40,
                                                     blank=True)
    care_level = models.CharField(_("care need level"), max_length=20, choices=CareLevel.choices, blank=True)
    care_level_valid_from = models.DateField(_("certified from"), null=True, blank=True)
    care_level_valid_until = models.DateField(_("certified until"), null=True, blank=True)
    disability_independence = models.CharField(_("independence of older people with disabilities"), max_length=8,
                                               choices=DisabilityIndependence.choices, blank=True)
    dementia_independence = models.CharField(_("independence of older people with dementia"), max_length=8,
                                             choices=DementiaIndependence.choices, blank=True)
    main_conditions = models.TextField(_("main conditions"), blank=True)
    allergies = models.TextField(_("allergies"), blank=True)
    living_situation = models.CharField(_("living situation"), max_length=20, choices=LivingSituation.choices,
                                        blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    AUDIT_LABEL_IS_SENSITIVE = True  # a log line must not carry the name: entries name the patient by number
    AUDIT_IGNORED_FIELDS = frozenset({"version"})

    class Meta:
        ordering = ["kana", "pk"]
        verbose_name = _("patient")
        verbose_name_plural = _("patients")
        indexes = [models.Index(fields=["birth_date", "kana"]),
                   models.Index(fields=["municipality", "status"])]

    def __str__(self) -> str:
        return self.name

    def audit_subject(self) -> Subject:
        return Subject("patient", self.pk)

    @property
    def age(self) -> int:
        """Full years today (or on the day of death)."""
        death = getattr(self, "death", None) if self.pk else None
        on = death.died_on if death else timezone.localdate()
        return on.year - self.birth_date.year - ((on.month, on.day) < (self.birth_date.month, self.birth_date.day))

    def audit_owner(self):
        return self.municipality or self.registered_by_organization

    # --- the two questions core.policy.is_on_care_team asks -----------------------------------------------
    def care_team_includes(self, membership) -> bool:
        from renkei.careteams.access import is_current_team_member

        return is_current_team_member(membership, self)

    def has_recorded_consent_for(self, membership) -> bool:
        from renkei.careteams.access import has_consent_for

        return has_consent_for(membership, self)


class KeyPerson(models.Model):
    """Family, 成年後見人 and others the team calls: relation and contact."""

    class Relation(models.TextChoices):
        SPOUSE = "spouse", _("spouse")
        CHILD = "child", _("child")
        CHILD_IN_LAW = "child_in_law", _("child's spouse")
        PARENT = "parent", _("parent")
        SIBLING = "sibling", _("sibling")
        GRANDCHILD = "grandchild", _("grandchild")
        RELATIVE = "relative", _("other relative")
        GUARDIAN = "guardian", _("adult guardian (成年後見人)")
        NEIGHBOUR = "neighbour", _("neighbour or friend")
        OTHER = "other", _("other")

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="key_people")
    name = models.CharField(_("name"), max_length=80)
    kana = models.CharField(_("kana"), max_length=160, blank=True)
    relation = models.CharField(_("relation"), max_length=20, choices=Relation.choices)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    lives_with_patient = models.BooleanField(_("lives with the patient"), default=False)
    is_emergency_contact = models.BooleanField(_("call in an emergency"), default=False)
    is_decision_maker = models.BooleanField(_("speaks for the patient (キーパーソン)"), default=False)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    note = models.CharField(_("note"), max_length=200, blank=True)

    AUDIT_LABEL_IS_SENSITIVE = True

    class Meta:
        ordering = ["patient", "sort_order", "pk"]
        verbose_name = _("key person")
        verbose_name_plural = _("key people")

    def __str__(self) -> str:
        return f"{self.name}（{self.get_relation_display()}）"

    def audit_subject(self):
        return self.patient

    def audit_owner(self):
        return self.patient
