"""Login security: two-factor devices and their enrolments, login attempts, API tokens."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .organizations import Membership, User


class TOTPDevice(models.Model):
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="totp_device")
    secret = models.CharField(max_length=64)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # The last accepted time step: a code cannot be replayed within its 30-second window.
    last_used_step = models.BigIntegerField(default=0)

    AUDIT_SENSITIVE_FIELDS = frozenset({"secret", "last_used_step"})

    class Meta:
        verbose_name = _("two-factor device")

    def __str__(self) -> str:
        return str(self.user)


class TwoFactorEnrolment(models.Model):
    """An administrator's permission to set up an authenticator without a current code.

    A role that needs a second factor cannot enrol its first device from a session that only knows the
    password: the enrolment is issued by an invitation (the e-mailed link was the out-of-band step), by
    `renkei create-admin`, or by an administrator's reset, which also gives a one-time code to pass on
    by phone or in person. Used once; expires.
    """

    class Reason(models.TextChoices):
        INVITATION = "invitation", _("invitation")
        RESET = "reset", _("reset by an administrator")
        COMMAND = "command", _("create-admin command")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="two_factor_enrolments")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    issued_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # Empty when no code is needed (invitation, command); only a hash of the one-time code is stored.
    code_hash = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    AUDIT_SENSITIVE_FIELDS = frozenset({"code_hash"})

    class Meta:
        verbose_name = _("two-factor enrolment")

    def __str__(self) -> str:
        return f"enrolment({self.user_id}, {self.reason})"


class LoginAttempt(models.Model):
    """One login try, kept as history; throttling and the lockout count in the shared cache (core.throttle)."""

    username = models.CharField(max_length=254, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    succeeded = models.BooleanField(default=False)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    AUDIT_SKIP = True  # login events are audited explicitly by the login service

    class Meta:
        verbose_name = _("login attempt")


class APIToken(models.Model):
    """A bearer token for the JSON API, bound to one membership (so the same policy applies)."""

    class Scope(models.TextChoices):
        FULL = "full", _("read and write, as the member may on screen")
        READ_ONLY = "read_only", _("read only")
        NO_PATIENT_DATA = "no_patient_data", _("no patient data")

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=80)
    # What the token may do, at most: the policy still decides within it (core.policy.check, core api auth).
    scope = models.CharField(_("scope"), max_length=20, choices=Scope.choices, default=Scope.FULL)
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    AUDIT_SENSITIVE_FIELDS = frozenset({"key_hash"})
    AUDIT_IGNORED_FIELDS = frozenset({"last_used_at"})

    class Meta:
        verbose_name = _("API token")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def audit_owner(self):
        return self.membership
