"""Writing what the もれ率 report reads besides handoffs: an imported survey month, a baseline figure.

Both are region figures (no patient data), asked as `handoff.import_census` on the area. An import is all or
nothing: one rejected row and nothing is written; a new import of the same area and month replaces the old one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from renkei.core import policy
from renkei.core.files import FileError, RowError
from renkei.directory.models import Facility, FacilityKind

from ..importers.census import ParsedCensus, match_hospitals, read_census
from ..models import Baseline, CensusDischarge, CensusImport
from ..report_areas import ReportArea

IMPORT_PERMISSION = "handoff.import_census"


@dataclass
class CensusResult:
    census: CensusImport | None = None
    parsed: ParsedCensus | None = None
    file_error: FileError | None = None
    errors: list[RowError] = field(default_factory=list)
    matched: int = 0  # hospital names found in the directory
    unmatched: list[str] = field(default_factory=list)
    replaced: int = 0  # earlier imports of the same area and month

    @property
    def is_ok(self) -> bool:
        return self.census is not None


def _area_fields(area: ReportArea) -> dict:
    if area.kind == "municipality":
        return {"municipality": area.municipality, "area_group": None}
    if area.kind == "area_group":
        return {"municipality": None, "area_group": area.area_group}
    raise ValidationError(_("Import a survey for a municipality or a group of municipalities, not a prefecture."))


def census_import(*, membership, area: ReportArea, month: dt.date, file_name: str, data: bytes) -> CensusResult:
    """Import one survey file for the area's month (all rows or none); returns what was written or why not."""
    policy.require(membership, IMPORT_PERMISSION, area)
    fields = _area_fields(area)
    month = month.replace(day=1)
    result = CensusResult()
    try:
        parsed = read_census(data, month=month)
    except FileError as error:
        result.file_error = error
        return result
    result.parsed = parsed
    if parsed.errors:
        result.errors = parsed.errors
        return result
    if not parsed.rows:
        result.file_error = FileError("データの行がありません。", "The file holds no rows.")
        return result
    hospitals = Facility.objects.filter(kind__in=(FacilityKind.HOSPITAL, FacilityKind.CLINIC),
                                        prefecture_id=area.prefecture_id).only("pk", "name", "short_name")
    found = match_hospitals([r.hospital_name for r in parsed.rows], hospitals)
    result.matched = len(found)
    result.unmatched = sorted({r.hospital_name for r in parsed.rows} - set(found))
    with transaction.atomic():
        earlier = CensusImport.objects.filter(month=month, **fields)
        result.replaced = earlier.count()
        for old in earlier:
            old.discharges.all().delete()
            old.delete()
        census = CensusImport.objects.create(month=month, file_name=file_name[:200], imported_by=membership,
                                             row_count=parsed.discharges, **fields)
        discharges = []
        for row in parsed.rows:
            for index in range(row.count):
                discharges.append(CensusDischarge(
                    census=census, hospital=found.get(row.hospital_name), hospital_name=row.hospital_name,
                    care_office_name=row.care_office_name, care_level_group=row.care_level_group,
                    discharged_on=row.discharged_on, was_contacted=index < row.contacted_count))
        CensusDischarge.objects.bulk_create(discharges, batch_size=1000)
    result.census = census
    return result


def baseline_enter(*, membership, area: ReportArea, measured_in: dt.date, missed_rate, source: str = ""
                   ) -> Baseline:
    """The もれ率 the region measured before Renkei (e.g. 31.0 % in 2015-05), drawn on the report's trend."""
    policy.require(membership, IMPORT_PERMISSION, area)
    fields = _area_fields(area)
    try:
        value = Decimal(str(missed_rate)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError) as error:
        raise ValidationError(_("Enter the rate as a number between 0 and 100.")) from error
    if not Decimal(0) <= value <= Decimal(100):
        raise ValidationError(_("Enter the rate as a number between 0 and 100."))
    with transaction.atomic():
        return Baseline.objects.create(measured_in=measured_in.replace(day=1), missed_rate=value,
                                       source=source.strip()[:200], entered_by=membership, **fields)


def baseline_delete(*, membership, baseline: Baseline) -> None:
    """A baseline entered by mistake."""
    from ..report_areas import of_area_group, of_municipality

    area = of_municipality(baseline.municipality) if baseline.municipality_id else of_area_group(baseline.area_group)
    policy.require(membership, IMPORT_PERMISSION, area)
    with transaction.atomic():
        baseline.delete()
