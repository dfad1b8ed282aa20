"""Login security: two-factor devices, login attempts for throttling, API tokens."""

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


class LoginAttempt(models.Model):
    """One login try; recent failures per account and per address decide throttling."""

    username = models.CharField(max_length=254, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    succeeded = models.BooleanField(default=False)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    AUDIT_SKIP = True  # login events are audited explicitly by the login service

    class Meta:
        verbose_name = _("login attempt")


class APIToken(models.Model):
    """A bearer token for the JSON API, bound to one membership (so the same policy applies)."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=80)
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
