"""What an export contains: one municipality (with its wards), optionally one daily living area and some kinds.

Every format reads facilities through `export_facilities` / `iter_export_facilities`, so all of them agree
on what "the directory of this municipality" is, and all of them cost a bounded number of queries: the
facility rows plus one query per prefetched relation for each chunk of rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db.models import Case, IntegerField, Prefetch, Q, QuerySet, Value, When

from renkei.core.models import DailyLivingArea, Municipality

from ..models import CollaborationDetail, Facility, FacilityKind

CHUNK_SIZE = 1000
# Exports list kinds in the model's order (hospitals, clinics, … informal resources), not alphabetically.
KIND_ORDER = [kind for kind, _label in FacilityKind.choices]
# The daily living area filter value that means "facilities with no area set".
AREA_NOT_SET = "none"


@dataclass(frozen=True)
class ExportScope:
    """The facilities to export. `area=None` with `area_not_set=False` means every area."""

    municipality: Municipality
    area: DailyLivingArea | None = None
    area_not_set: bool = False
    kinds: tuple[str, ...] = field(default_factory=tuple)
    include_closed: bool = False

    def describe(self) -> dict:
        """A plain summary for the audit log."""
        return {
            "municipality": self.municipality.code,
            "area": self.area.name if self.area else (AREA_NOT_SET if self.area_not_set else ""),
            "kinds": list(self.kinds),
            "include_closed": self.include_closed,
        }


def export_facilities(scope: ExportScope) -> QuerySet[Facility]:
    """The facilities in scope, with everything every export format reads prefetched."""
    queryset = Facility.objects.filter(
        Q(municipality=scope.municipality) | Q(municipality__parent=scope.municipality))
    if not scope.include_closed:
        queryset = queryset.filter(status=Facility.Status.OPEN)
    if scope.area is not None:
        queryset = queryset.filter(daily_living_area=scope.area)
    elif scope.area_not_set:
        queryset = queryset.filter(daily_living_area__isnull=True)
    if scope.kinds:
        queryset = queryset.filter(kind__in=scope.kinds)
    return (queryset
            .select_related("municipality__prefecture", "municipality__parent", "prefecture", "daily_living_area")
            .prefetch_related(
                "identifiers", "opening_hours",
                Prefetch("collaboration_details",
                         queryset=CollaborationDetail.objects.select_related("attribute__category")))
            .annotate(kind_order=Case(*[When(kind=kind, then=Value(index)) for index, kind in enumerate(KIND_ORDER)],
                                      default=Value(len(KIND_ORDER)), output_field=IntegerField()))
            .order_by("kind_order", "kana", "name", "pk"))


def iter_export_facilities(scope: ExportScope, *, chunk_size: int = CHUNK_SIZE) -> Iterator[Facility]:
    """Stream the facilities in scope: rows are fetched and prefetched `chunk_size` at a time."""
    yield from export_facilities(scope).iterator(chunk_size=chunk_size)


def areas_of(municipality: Municipality) -> list[DailyLivingArea]:
    """The municipality's daily living areas in display order (for choosers and the booklet's sections)."""
    return list(DailyLivingArea.objects.filter(municipality=municipality).order_by("sort_order", "name", "pk"))



def exportable_municipalities(membership):
    """Municipalities a member may export (the chooser for prefecture staff and administrators)."""
    from renkei.core import policy

    queryset = Municipality.objects.filter(abolished_on__isnull=True).select_related("prefecture", "parent")
    return policy.scope(membership, "directory.export", queryset).order_by("code")


def facility_counts(municipality: Municipality) -> dict[str, int]:
    """Open facilities per kind in the municipality (and its wards), for the exports page."""
    from django.db.models import Count

    rows = (Facility.objects.filter(Q(municipality=municipality) | Q(municipality__parent=municipality),
                                    status=Facility.Status.OPEN)
            .values("kind").annotate(n=Count("pk")))
    return {row["kind"]: row["n"] for row in rows}
