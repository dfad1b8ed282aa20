"""Organizations, the people who work in them, and their memberships (a person acts as one at a time)."""

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..concurrency import Versioned
from .places import Municipality, Prefecture


class Organization(Versioned):
    class Kind(models.TextChoices):
        MUNICIPALITY_OFFICE = "municipality_office", _("municipality office")
        PREFECTURE_OFFICE = "prefecture_office", _("prefecture office")
        PUBLIC_HEALTH_CENTER = "public_health_center", _("public health center")
        MEDICAL_ASSOCIATION = "medical_association", _("local medical association")
        DENTAL_ASSOCIATION = "dental_association", _("local dental association")
        PHARMACISTS_ASSOCIATION = "pharmacists_association", _("local pharmacists association")
        HOSPITAL = "hospital", _("hospital")
        CLINIC = "clinic", _("clinic")
        DENTAL_CLINIC = "dental_clinic", _("dental clinic")
        PHARMACY = "pharmacy", _("pharmacy")
        VISITING_NURSING_STATION = "visiting_nursing_station", _("visiting nursing station")
        CARE_MANAGEMENT_OFFICE = "care_management_office", _("care management office")
        COMMUNITY_SUPPORT_CENTER = "community_support_center", _("community support center")
        OTHER_CARE_PROVIDER = "other_care_provider", _("other care provider")

    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=120)
    kana = models.CharField(_("kana"), max_length=240, blank=True)
    prefecture = models.ForeignKey(Prefecture, on_delete=models.PROTECT, related_name="organizations",
                                   verbose_name=_("prefecture"))
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="organizations",
                                     null=True, blank=True, verbose_name=_("municipality"))
    postal_code = models.CharField(_("postal code"), max_length=8, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    corporate_number = models.CharField(_("corporate number"), max_length=13, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    deactivated_at = models.DateTimeField(_("deactivated at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # The version is not logged: an organization's log shows what changed, and a save that changes nothing
    # (its version aside) writes no entry.
    AUDIT_IGNORED_FIELDS = frozenset({"version"})

    class Meta:
        ordering = ["kind", "kana", "name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        indexes = [models.Index(fields=["municipality", "kind"])]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    MUNICIPAL_STAFF = "municipal_staff", _("municipal staff")
    COORDINATOR = "coordinator", _("coordinator")
    PROFESSIONAL = "professional", _("medical or care professional")
    PREFECTURE_STAFF = "prefecture_staff", _("prefecture / health center staff")
    SYSTEM_ADMIN = "system_admin", _("system administrator")


class Profession(models.TextChoices):
    DOCTOR = "doctor", _("doctor")
    DENTIST = "dentist", _("dentist")
    PHARMACIST = "pharmacist", _("pharmacist")
    NURSE = "nurse", _("nurse")
    VISITING_NURSE = "visiting_nurse", _("visiting nurse")
    PUBLIC_HEALTH_NURSE = "public_health_nurse", _("public health nurse")
    CARE_MANAGER = "care_manager", _("care manager")
    MEDICAL_SOCIAL_WORKER = "medical_social_worker", _("medical social worker")
    DISCHARGE_NURSE = "discharge_nurse", _("discharge nurse")
    PHYSICAL_THERAPIST = "physical_therapist", _("physical therapist")
    OCCUPATIONAL_THERAPIST = "occupational_therapist", _("occupational therapist")
    SPEECH_THERAPIST = "speech_therapist", _("speech therapist")
    DIETITIAN = "dietitian", _("dietitian")
    DENTAL_HYGIENIST = "dental_hygienist", _("dental hygienist")
    CARE_WORKER = "care_worker", _("care worker")
    HOME_HELPER = "home_helper", _("home helper")
    SOCIAL_WORKER = "social_worker", _("social worker")
    COMMUNITY_LIFE_COORDINATOR = "community_life_coordinator", _("community life coordinator")
    WELFARE_COMMISSIONER = "welfare_commissioner", _("welfare commissioner")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields):
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields):
        fields.setdefault("is_superuser", True)
        fields.setdefault("is_staff", True)
        return self.create_user(email, password, **fields)


class User(AbstractUser):
    """A person who logs in. What they may do comes from their memberships, never from this row."""

    username = None
    email = models.EmailField(_("e-mail"), unique=True)
    display_name = models.CharField(_("name"), max_length=80)
    kana = models.CharField(_("kana"), max_length=160, blank=True)
    deactivated_at = models.DateTimeField(_("deactivated at"), null=True, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []
    objects = UserManager()

    # With e-mail and name (core.audit's person-data defaults): the log says these changed, not to what.
    AUDIT_SENSITIVE_FIELDS = frozenset({"kana"})

    class Meta:
        ordering = ["kana", "email"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.email


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="memberships")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="memberships",
                                     verbose_name=_("organization"))
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    profession = models.CharField(_("profession"), max_length=40, choices=Profession.choices, blank=True)
    title = models.CharField(_("job title"), max_length=80, blank=True)
    # 個人情報管理責任者: reviews the organization's break-glass accesses and sees its patients' access histories.
    is_responsible_person = models.BooleanField(_("responsible person for personal data"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta:
        ordering = ["organization__name", "role"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} / {self.organization} / {self.get_role_display()}"

    @property
    def municipality_id(self) -> int | None:
        return self.organization.municipality_id

    def audit_owner(self):
        return self.organization

    @property
    def prefecture_id(self) -> int:
        return self.organization.prefecture_id


class Invitation(models.Model):
    """An e-mailed link that creates a membership (and the user, if new) when accepted."""

    email = models.EmailField(_("e-mail"))
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="invitations",
                                     verbose_name=_("organization"))
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    profession = models.CharField(_("profession"), max_length=40, choices=Profession.choices, blank=True)
    invited_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="invitations_sent")
    # Only a hash is stored: a database dump must not yield working invitation links.
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_membership = models.OneToOneField(Membership, on_delete=models.PROTECT, null=True, blank=True,
                                               related_name="invitation")
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.email} → {self.organization}"

    def audit_owner(self):
        return self.organization

    @property
    def is_usable(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > timezone.now()
