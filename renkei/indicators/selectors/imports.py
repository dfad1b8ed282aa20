"""Reads for the import screens: the runs and saved column mappings a member may see."""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404

from renkei.core.models import Role

from ..models import IndicatorColumnMapping, IndicatorImportRun


def _place_filter(membership) -> Q | None:
    """Rows of the member's municipality (and its wards), or of their prefecture for prefecture staff; None: all."""
    if membership.role == Role.SYSTEM_ADMIN:
        return None
    organization = membership.organization
    if membership.role == Role.PREFECTURE_STAFF:
        return Q(prefecture_id=organization.prefecture_id) | Q(municipality__prefecture_id=organization.prefecture_id)
    if membership.role in (Role.MUNICIPAL_STAFF, Role.COORDINATOR) and organization.municipality_id:
        own = organization.municipality_id
        return Q(municipality_id=own) | Q(municipality__parent_id=own)
    return Q(pk__in=[])


def import_runs_for(membership):
    """Indicator imports of the member's places, newest first."""
    runs = IndicatorImportRun.objects.select_related("municipality", "prefecture", "mapping", "started_by")
    where = _place_filter(membership)
    return runs if where is None else runs.filter(where)


def import_run_for(membership, run_id: int) -> IndicatorImportRun:
    """One run the member may see; 404 for a missing and a forbidden one alike."""
    run = import_runs_for(membership).filter(pk=run_id).first()
    if run is None:
        raise Http404
    return run


def applied_after(run: IndicatorImportRun) -> IndicatorImportRun | None:
    """The application of this dry run's file, if it was applied since."""
    return (IndicatorImportRun.objects.filter(file_sha256=run.file_sha256, status=IndicatorImportRun.Status.APPLIED,
                                              started_at__gte=run.started_at).exclude(pk=run.pk).first()
            if run.file_sha256 else None)


def mappings_for(membership):
    """Saved column mappings of the member's municipality and prefecture (the upload form's choices)."""
    mappings = IndicatorColumnMapping.objects.select_related("municipality", "prefecture")
    if membership.role == Role.SYSTEM_ADMIN:
        return mappings
    organization = membership.organization
    where = Q(municipality__isnull=True, prefecture_id=organization.prefecture_id)
    if organization.municipality_id:
        where |= Q(municipality_id=organization.municipality_id)
        if getattr(organization.municipality, "parent_id", None):
            where |= Q(municipality_id=organization.municipality.parent_id)
    if membership.role == Role.PREFECTURE_STAFF:
        where |= Q(municipality__prefecture_id=organization.prefecture_id)
    return mappings.filter(where)
