"""GeoJSON FeatureCollection of facilities: public properties, plus the collaboration details the caller may see.

Only facilities with a position become features (GeoJSON points need coordinates); how many were left
out for lack of a position is reported in the top-level `metadata` member, which RFC 7946 §6.1 allows
as a foreign member. The output is streamed feature by feature so a large directory never sits in
memory; `metadata` comes last because its counts are known only at the end.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from django.utils import timezone

from ..models import Facility
from ..selectors.facilities import may_see_professional_details, visible_collaboration_details
from . import common
from .scope import ExportScope, iter_export_facilities


def facility_properties(facility: Facility, membership=None) -> dict[str, Any]:
    """The properties of one facility's feature: public fields, and details visible to `membership`."""
    details = visible_collaboration_details(facility, membership,
                                            details=list(facility.collaboration_details.all()))
    return {
        "id": facility.pk,
        "kind": facility.kind,
        "kind_label": common.kind_label(facility.kind),
        "service_type": facility.service_type,
        "service_type_label": common.service_type_label(facility),
        "name": facility.name,
        "kana": facility.kana,
        "postal_code": facility.postal_code,
        "address": common.full_address(facility),
        "phone": facility.phone,
        "fax": facility.fax,
        "website": facility.website,
        "departments": facility.department_list,
        "beds": facility.beds_total,
        "capacity": facility.capacity,
        "municipality_code": facility.municipality.code,
        "daily_living_area": facility.daily_living_area.name if facility.daily_living_area else "",
        "status": facility.status,
        "position_quality": facility.coordinate_quality,
        "details": [
            {"code": d.code, "name": d.name, "value": d.value, "display": d.display,
             "confirmed_on": d.confirmed_on.isoformat(), "professional_only": d.is_professional}
            for category in details for d in category.details
        ],
    }


def feature(facility: Facility, membership=None) -> dict[str, Any]:
    return {
        "type": "Feature",
        "id": facility.pk,
        # RFC 7946: longitude first, WGS84 decimal degrees.
        "geometry": {"type": "Point", "coordinates": [round(facility.longitude, 6), round(facility.latitude, 6)]},
        "properties": facility_properties(facility, membership),
    }


def geojson_chunks(scope: ExportScope, membership=None) -> Iterator[str]:
    """The FeatureCollection as text chunks: features first, then `metadata` with the counts."""
    yield '{"type": "FeatureCollection", "features": ['
    with_position = without_position = 0
    for facility in iter_export_facilities(scope):
        if not facility.has_position:
            without_position += 1
            continue
        prefix = "," if with_position else ""
        with_position += 1
        yield prefix + "\n" + json.dumps(feature(facility, membership), ensure_ascii=False)
    metadata = {
        "municipality_code": scope.municipality.code,
        "municipality": str(scope.municipality),
        **{k: v for k, v in scope.describe().items() if k != "municipality"},
        "features": with_position,
        "without_position": without_position,
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "includes_professional_details": may_see_professional_details(membership),
    }
    yield '\n], "metadata": ' + json.dumps(metadata, ensure_ascii=False) + "}\n"


def feature_collection(scope: ExportScope, membership=None) -> dict[str, Any]:
    """The same FeatureCollection as a dict (small directories, tests, the map's feeds)."""
    return json.loads("".join(geojson_chunks(scope, membership)))
