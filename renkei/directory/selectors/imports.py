"""Reads for the import screens: the runs a member may see."""

from __future__ import annotations

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from renkei.core import policy

from ..models import Facility, ImportRun


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


def _field_label(name: str) -> str:
    extra = {"identifiers": _("codes"), "opening_hours": _("opening hours")}
    if name in extra:
        return extra[name]
    try:
        return str(Facility._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


def import_report(run: ImportRun) -> dict:
    """The run's report for the screen: each changing row with its fields in words, skipped rows,
    placeholder values and entries left off the map (lists as stored, with their full totals)."""
    report = run.report or {}
    change_labels = {"created": _("new entry"), "updated": _("updated"), "closed": _("closed (no longer listed)")}
    changes = [{**change, "change_label": change_labels.get(change["change"], change["change"]),
                "field_labels": [_field_label(name) for name in change.get("fields", [])]}
               for change in report.get("changes", [])]
    placeholders = [{**row, "field_label": _field_label(row.get("field", ""))}
                    for row in report.get("placeholders", [])]
    return {
        "changes": changes, "changes_total": report.get("changes_total", len(changes)),
        "skipped": report.get("skipped", []), "skipped_total": report.get("skipped_total", 0),
        "placeholders": placeholders, "placeholders_total": report.get("placeholders_total", 0),
        "without_position": report.get("without_position", []),
        "without_position_total": report.get("without_position_total", 0),
    }


def waiting_import_runs(membership, *, limit: int = 50) -> list[ImportRun]:
    """Dry runs the member may see that wait to be applied: their upload is kept, it would change the
    directory, and nobody applied that file since. One per file (the newest dry run), newest first."""
    from ..services.imports import upload_is_waiting, would_change

    runs = list(import_runs_for(membership).filter(outcome=ImportRun.Outcome.DRY_RUN)
                .order_by("-started_at", "-pk")[:limit])
    applied: dict[tuple[str, str], list] = {}
    for source, sha256, started_at in ImportRun.objects.filter(
            outcome=ImportRun.Outcome.APPLIED, sha256__in={run.sha256 for run in runs}).values_list(
            "source", "sha256", "started_at"):
        applied.setdefault((source, sha256), []).append(started_at)
    waiting, seen = [], set()
    for run in runs:
        key = (run.source, run.sha256)
        if key in seen:
            continue
        seen.add(key)
        applied_since = any(at >= run.started_at for at in applied.get(key, []))
        if not applied_since and would_change(run) and upload_is_waiting(run.sha256):
            waiting.append(run)
    return waiting


PREFECTURE_WIDE_SOURCES = ("mhlw", "kaigo")


def facilities_from_prefecture_wide_lists(municipality_ids) -> dict[int, int]:
    """{municipality id: open facilities held by a prefecture-wide list (医療情報ネット, 介護サービス情報公表)}."""
    q = Q()
    for source in PREFECTURE_WIDE_SOURCES:
        q |= Q(sources__has_key=source)
    rows = (Facility.objects.filter(q, municipality_id__in=list(municipality_ids), status=Facility.Status.OPEN)
            .values_list("municipality_id").annotate(n=Count("pk")).order_by())
    return dict(rows)
