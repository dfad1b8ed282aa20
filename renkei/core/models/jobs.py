"""Background jobs as staff see them: what was asked, for which place, and how it went."""

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .places import Municipality, Prefecture


class Job(models.Model):
    """One piece of background work (a coverage recomputation, …) and its outcome.

    The task queue (django-tasks: database or RQ backend) only carries `run_job(job_id)`; this row is
    what the jobs screen lists, scoped by place, with the error in both languages and the attempts.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=80)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.QUEUED,
                              db_index=True)
    # The place the job works for: it decides who sees it. A municipal job also names its prefecture.
    municipality = models.ForeignKey(Municipality, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    prefecture = models.ForeignKey(Prefecture, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    arguments = models.JSONField(default=dict, blank=True)
    # Jobs with the same key are not queued twice while one of them waits or runs.
    key = models.CharField(max_length=120, blank=True, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    max_attempts = models.PositiveSmallIntegerField(default=3)
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    error_en = models.TextField(blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    backend = models.CharField(max_length=32, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True, db_index=True)
    run_after = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    # Jobs are bookkeeping of derived work; what they change is audited by the services they call.
    AUDIT_SKIP = True

    class Meta:
        verbose_name = _("background job")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["municipality", "-created_at"]),
                   models.Index(fields=["prefecture", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"

    @property
    def error_message(self) -> str:
        """The error in the reader's language (Japanese unless the page is in English)."""
        if (translation.get_language() or "ja").startswith("en") and self.error_en:
            return self.error_en
        return self.error
