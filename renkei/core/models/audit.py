"""The append-only, hash-chained audit log."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    class Action(models.TextChoices):
        CREATE = "create", _("create")
        UPDATE = "update", _("update")
        DELETE = "delete", _("delete")
        READ = "read", _("read")
        REFUSE = "refuse", _("refused")
        LOGIN = "login", _("login")
        LOGIN_FAILED = "login_failed", _("failed login")
        LOGOUT = "logout", _("logout")
        EXPORT = "export", _("export")
        BULK = "bulk", _("bulk change")

    # Actors are kept as plain ids and labels, not foreign keys: the log outlives what it describes.
    seq = models.BigIntegerField(unique=True)
    at = models.DateTimeField(db_index=True)
    user_id_value = models.BigIntegerField(null=True, blank=True, db_index=True)
    user_label = models.CharField(max_length=254, blank=True)
    membership_id_value = models.BigIntegerField(null=True, blank=True)
    organization_id_value = models.BigIntegerField(null=True, blank=True, db_index=True)
    action = models.CharField(max_length=20, choices=Action.choices, db_index=True)
    permission = models.CharField(max_length=80, blank=True)
    object_type = models.CharField(max_length=80, blank=True, db_index=True)
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    object_label = models.CharField(max_length=200, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    reason = models.TextField(blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    # Whose object the entry is about (core.audit.owner_of): who may see it, whoever acted. Plain ids too.
    owner_municipality_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    owner_prefecture_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    # The person the data is about (a patient, a consultation client: 個人情報保護法's 本人), when it is
    # person-identifying: such entries are shown only on that person's access history, to the people the
    # subject's app allows (core.audit.subject_of), never on the municipality's audit screen.
    # Nullable, as the owner columns: both databases add them in place, so 0002's triggers stay.
    subject_type = models.CharField(max_length=40, null=True, blank=True)  # noqa: DJ001
    subject_id = models.BigIntegerField(null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    AUDIT_SKIP = True

    class Meta:
        ordering = ["-seq"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        indexes = [models.Index(fields=["subject_type", "subject_id", "seq"], name="audit_subject_seq")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.summary}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("audit entries are append-only")

    @property
    def summary(self) -> str:
        """What happened, as a sentence in the viewer's language ("施設を登録しました: みどり診療所")."""
        from ..audit_display import sentence

        return sentence(self)

    @property
    def change_lines(self):
        """The changed fields by name, sensitive values masked (core.audit_display.ChangeLine)."""
        from ..audit_display import change_lines

        return change_lines(self)

    @property
    def shown_changes(self) -> dict:
        """The stored changes with sensitive values masked, for the API."""
        from ..audit_display import masked_changes

        return masked_changes(self)


class AuditChainHead(models.Model):
    """One row holding the last sequence number and hash; locking it serializes appends."""

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    AUDIT_SKIP = True
