"""Reads for the import screens: the runs a member may see."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from renkei.core import policy

from ..models import ImportRun


def import_runs_for(membership) -> QuerySet[ImportRun]:
    """Runs of the member's municipalities (or prefecture), and those they started; all for administrators."""
    runs = ImportRun.objects.select_related("municipality", "mapping", "started_by")
    scoped = policy.scope(membership, "directory.view_import_runs", ImportRun.objects.all()).values("pk")
    return runs.filter(Q(pk__in=scoped) | Q(started_by_id=membership.user_id))


def import_run_for(membership, run_id: int) -> ImportRun:
    """One visible run; the same 404 for missing and forbidden."""
    return get_object_or_404(import_runs_for(membership), pk=run_id)


def applied_after(run: ImportRun) -> ImportRun | None:
    """The application of this dry run's file, when it has been applied since."""
    return (ImportRun.objects.filter(sha256=run.sha256, source=run.source, outcome=ImportRun.Outcome.APPLIED,
                                     started_at__gte=run.started_at).order_by("started_at").first())
