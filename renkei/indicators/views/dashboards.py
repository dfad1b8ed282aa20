"""The dashboards (見える化): the scenes' status summary, a scene's indicators, their download and their map.

A scene dashboard shows, per indicator, a line chart (the municipality, its prefecture and the nation, the
target line dashed), the status, the rank within the prefecture, the data's source and vintage, the caveat, and
a data table under the chart (the chart's text alternative). The choropleth is drawn on demand (htmx, or the
same page with `?map=CODE` without JavaScript) over the outlines the directory loads.
"""

from __future__ import annotations

import io
import json

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from renkei.core import policy
from renkei.core.models import Municipality
from renkei.core.models.program import Scene
from renkei.core.spreadsheets import SafeCsvWriter, excel_row

from .. import choropleth, suppression
from .. import dashboards as selectors
from ..models import AreaLevel
from ..status import LABELS as STATUS_LABELS

GEOJSON = "application/geo+json"
MAP_LEVELS = (AreaLevel.MUNICIPALITY, AreaLevel.DAILY_LIVING_AREA)


def _municipality(request, **kwargs) -> Municipality | None:
    """`?municipality=CODE`, else the member's own municipality, else the first of their prefecture."""
    code = (request.GET.get("municipality") or "").strip()
    queryset = Municipality.objects.select_related("prefecture")
    if code:
        field = "jis_code" if len(code) == 5 else "code"
        return get_object_or_404(queryset, **{field: code})
    membership = getattr(request, "membership", None)
    if membership is None:
        return None
    own = membership.organization.municipality_id
    if own:
        return queryset.get(pk=own)
    if membership.organization.prefecture_id:
        return queryset.filter(prefecture_id=membership.organization.prefecture_id,
                               abolished_on__isnull=True).order_by("code").first()
    return None


def _scene(scene: str) -> str:
    if scene not in Scene.values:
        raise Http404(scene)
    return scene


def _no_municipality(request):
    return render(request, "indicators/dashboard_choose.html", {}, status=200)


def _chooser(request, municipality):
    return selectors.municipality_choices(request.membership, municipality)


@policy.requires("indicators.view", get_object=_municipality)
def index_view(request, obj):
    """The scenes with how many of their indicators are on track, behind, without data or target."""
    if obj is None:
        return _no_municipality(request)
    return render(request, "indicators/dashboard_index.html", {
        "municipality": obj, "summaries": selectors.scene_summaries(request.membership, obj),
        "municipalities": _chooser(request, obj), "status_labels": STATUS_LABELS,
    })


def _map_context(request, municipality, definitions) -> dict:
    """The map section: the chosen indicator (`map`, a code among the dashboard's) and level, its data."""
    code = (request.GET.get("map") or "").strip()
    level = request.GET.get("level") or AreaLevel.MUNICIPALITY
    if level not in MAP_LEVELS:
        level = AreaLevel.MUNICIPALITY
    chosen = next((d for d in definitions if d.code == code), None)
    context = {"map_definition": chosen, "map_level": level, "map_levels": [
        (AreaLevel.MUNICIPALITY, _("municipalities of the prefecture")),
        (AreaLevel.DAILY_LIVING_AREA, _("daily living areas of the municipality"))]}
    if chosen is None:
        return context
    period, areas = choropleth.map_areas(request.membership, chosen, municipality, level)
    classes = choropleth.map_classes([a.value.value for a in areas if a.value is not None])
    rows = []
    for area in areas:
        found = choropleth.class_of(classes, area.value.value if area.value else None)
        rows.append({"area": area, "class": found,
                     "text": suppression.format_number(area.value.value if area.value else None,
                                                                 chosen.decimals)})
    query = f"municipality={municipality.code}&map={chosen.code}&level={level}"
    context.update({
        "map_period": period, "map_rows": rows, "map_classes": classes, "no_data_color": choropleth.NO_DATA_COLOR,
        "map_has_shapes": any(a.shape is not None for a in areas),
        "map_feed_url": reverse("indicators:choropleth_geojson") + "?" + query,
        "map_missing": sum(1 for a in areas if a.value is None),
    })
    return context


def cards(panels) -> list[tuple]:
    """(panel, the id of its chart's json_script, the chart's data) for the cards' template."""
    return [(panel, f"chart-data-{i}", panel.chart_data()) for i, panel in enumerate(panels)]


@policy.requires("indicators.view", get_object=_municipality)
def scene_dashboard_view(request, scene, obj):
    """One scene's indicators for a municipality: chart, table, status, rank, source; the map on demand."""
    scene = _scene(scene)
    if obj is None:
        return _no_municipality(request)
    dashboard = selectors.scene_dashboard(request.membership, obj, scene)
    context = {
        "dashboard": dashboard, "municipality": obj, "scene": scene, "panels": dashboard.panels,
        "municipalities": _chooser(request, obj), "cards": cards(dashboard.panels),
        **_map_context(request, obj, [panel.definition for panel in dashboard.panels]),
    }
    if request.headers.get("HX-Request") and request.GET.get("map") is not None:
        return render(request, "indicators/_choropleth.html", context)
    return render(request, "indicators/dashboard_scene.html", context)


def _download_rows(dashboard):
    yield [_("code"), _("indicator"), _("unit"), _("period"), _("period (label)"), dashboard.municipality.name,
           dashboard.municipality.prefecture.name, _("nation"), _("target"), _("status"), _("rank"), _("source"),
           _("data as of")]
    for panel in dashboard.panels:
        rank = f"{panel.rank.position}/{panel.rank.count}" if panel.rank else ""
        source = "、".join(panel.sources)
        vintage = panel.vintage.isoformat() if panel.vintage else panel.definition.vintage_note

        def number(value):
            return float(value.value) if value is not None and value.value is not None else None

        for point in panel.points:
            yield [panel.definition.code, panel.definition.name_ja, panel.definition.unit, point.period.key,
                   point.period.label, number(point.own), number(point.prefecture), number(point.nation),
                   float(point.target) if point.target is not None else None, panel.status.label, rank, source,
                   vintage]


@policy.requires("indicators.view", get_object=_municipality)
def scene_download_view(request, scene, fmt, obj):
    """The dashboard's data as CSV or Excel (cells through renkei.core.spreadsheets)."""
    scene = _scene(scene)
    if obj is None or fmt not in ("csv", "xlsx"):
        raise Http404(fmt)
    dashboard = selectors.scene_dashboard(request.membership, obj, scene)
    name = f"indicators-{obj.code}-{scene}"
    if fmt == "csv":
        stream = io.StringIO()
        stream.write("\ufeff")  # Excel opens UTF-8 CSV as Shift_JIS without the BOM
        SafeCsvWriter(stream).writerows(_download_rows(dashboard))
        response = HttpResponse(stream.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet(title=str(Scene(scene).label)[:31])
        for row in _download_rows(dashboard):
            sheet.append(excel_row(sheet, row))
        stream = io.BytesIO()
        book.save(stream)
        response = HttpResponse(stream.getvalue(),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@policy.requires("indicators.view", get_object=_municipality)
def choropleth_geojson_view(request, obj):
    """The map's areas as GeoJSON, each styled by its class (directory/map.js draws `properties.style`)."""
    if obj is None:
        raise Http404("municipality")
    context = _map_context(request, obj, selectors.visible_definitions(request.membership))
    features = []
    for row in context.get("map_rows", []):
        area = row["area"]
        if area.shape is None:
            continue
        color = row["class"].color if row["class"] else choropleth.NO_DATA_COLOR
        features.append({"type": "Feature", "id": area.key, "geometry": area.shape.geometry, "properties": {
            "name": f"{area.name}: {row['text'] or _('no data')}",
            "popup_html": str(format_html("<strong>{}</strong><br>{} {}", area.name, row["text"] or _("no data"),
                                          context["map_definition"].unit if row["text"] else "")),
            "style": {"fillColor": color, "color": "#073763" if area.is_own else "#4a4a4a",
                      "weight": 3 if area.is_own else 1, "fillOpacity": 0.75},
        }})
    body = {"type": "FeatureCollection", "features": features}
    return HttpResponse(json.dumps(body, ensure_ascii=False, separators=(",", ":")), content_type=GEOJSON)


urlpatterns = [
    path("", index_view, name="index"),
    path("scene/<str:scene>/", scene_dashboard_view, name="scene_dashboard"),
    path("scene/<str:scene>/download.<str:fmt>", scene_download_view, name="scene_download"),
    path("map.geojson", choropleth_geojson_view, name="choropleth_geojson"),
]
