"""The printable resource booklet (資源マップ冊子): A4 PDF, one section per daily living area, with a map.

What it holds, in order: a cover (municipality, title 在宅医療・介護資源マップ, date of issue in 和暦, the
data sources and how recent they are, counts by kind), a table of contents, then one section per daily
living area (and one for facilities whose area is not set, when there are any). Each section has a map
drawn here as vector graphics (the area's outline from AreaShape when loaded, facilities as numbered
markers, one shape and colour per kind, a scale bar; no tiles, no network) and tables of its facilities
grouped by kind, with ○ marks for the key public collaboration details. Page numbers and the date of
issue are in every page's footer.

Residents receive the booklet: it shows public fields and public details only, whoever prints it.
Fonts are reportlab's built-in Japanese CID fonts (HeiseiKakuGo-W5, HeiseiMin-W3): no font files needed.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from collections import Counter
from dataclasses import dataclass, field

from django.utils import timezone
from reportlab.graphics.shapes import Circle, Drawing, Group, Line, Polygon, PolyLine, Rect, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Frame,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents

from renkei.core.models import DailyLivingArea
from renkei.core.pdf import GOTHIC, MINCHO, register_japanese_fonts
from renkei.core.wareki import to_wareki

from ..models import AreaShape, CollaborationAttribute, Facility
from . import common
from .scope import KIND_ORDER, ExportScope, areas_of, iter_export_facilities

TITLE = "在宅医療・介護資源マップ"
AREA_NOT_SET_TITLE = "圏域未設定の資源"

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 15 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
MAP_HEIGHT = 105 * mm
INSET_WIDTH = 42 * mm

# Okabe–Ito colours (distinguishable with colour-blindness), plus a distinct shape per kind for greyscale prints.
KIND_STYLE = {
    "hospital": ("#D55E00", "square"),
    "clinic": ("#0072B2", "circle"),
    "dental_clinic": ("#CC79A7", "triangle"),
    "pharmacy": ("#009E73", "diamond"),
    "visiting_nursing_station": ("#E69F00", "ring"),
    "care_service": ("#56B4E9", "triangle_down"),
    "community_support_center": ("#000000", "square_outline"),
    "informal_resource": ("#7F7F7F", "circle_outline"),
}
# Key public collaboration details shown as ○ columns, per kind (header, attribute code).
HOME_CARE_MARKS = [("訪問診療", "scheduled_home_visit"), ("往診", "urgent_home_visit"),
                   ("在宅看取り", "home_end_of_life_care"), ("24時間対応", "round_the_clock")]
MARK_COLUMNS = {
    "hospital": HOME_CARE_MARKS,
    "clinic": HOME_CARE_MARKS,
    "dental_clinic": [("訪問歯科", "home_dental_visit"), ("摂食嚥下", "swallowing_rehabilitation")],
    "pharmacy": [("在宅訪問薬剤管理", "home_pharmacy_visit"), ("無菌調剤", "sterile_preparation"),
                 ("麻薬調剤", "narcotics"), ("24時間対応", "round_the_clock")],
    "visiting_nursing_station": [("24時間対応", "round_the_clock"), ("在宅看取り", "home_end_of_life_care"),
                                 ("小児", "pediatric_home_care")],
    "care_service": [("新規受入", "accepting_new_clients")],
    "community_support_center": [],
    "informal_resource": [],
}
# Kinds whose table shows the service type (介護保険サービス種別, or 通いの場・配食…) as a column.
SERVICE_TYPE_KINDS = {"care_service", "informal_resource"}
SOURCE_LABELS = {
    "mhlw": "厚生労働省 医療情報ネット（オープンデータ）",
    "kaigo": "介護サービス情報公表システム（オープンデータ）",
    "municipal": "市区町村の資源一覧",
    "survey": "各施設への連携情報調査",
    "demo": "デモ用に生成したデータ",
}
YES_MARK, NO_MARK = "○", "－"



def _styles() -> dict[str, ParagraphStyle]:
    base = {"fontName": GOTHIC, "wordWrap": "CJK"}
    return {
        "cover_title": ParagraphStyle("cover_title", fontSize=30, leading=40, alignment=TA_CENTER, **base),
        "cover_city": ParagraphStyle("cover_city", fontSize=22, leading=30, alignment=TA_CENTER, **base),
        "cover_date": ParagraphStyle("cover_date", fontName=MINCHO, fontSize=14, leading=20, alignment=TA_CENTER,
                                     wordWrap="CJK"),
        "heading": ParagraphStyle("heading", fontSize=14, leading=20, spaceAfter=6, **base),
        "section": ParagraphStyle("section", fontSize=18, leading=24, spaceAfter=4, textColor=colors.HexColor(
            "#0B5394"), **base),
        "kind": ParagraphStyle("kind", fontSize=12, leading=16, spaceBefore=8, spaceAfter=3, **base),
        "body": ParagraphStyle("body", fontName=MINCHO, fontSize=9.5, leading=14, wordWrap="CJK"),
        "small": ParagraphStyle("small", fontSize=8, leading=11, **base),
        "cell": ParagraphStyle("cell", fontSize=8, leading=10, **base),
        "cell_head": ParagraphStyle("cell_head", fontSize=7, leading=8.5, **base),
        "cell_kana": ParagraphStyle("cell_kana", fontSize=5.5, leading=7, textColor=colors.HexColor("#555555"),
                                    **base),
        "toc": ParagraphStyle("toc", fontSize=12, leading=20, leftIndent=8 * mm, firstLineIndent=-8 * mm, **base),
    }


@dataclass
class Section:
    """One daily living area (or the facilities without one) and what goes in it."""

    title: str
    area: DailyLivingArea | None
    facilities: list[Facility] = field(default_factory=list)
    shape: dict | None = None  # GeoJSON geometry
    unlabelled: int = 0  # markers whose number did not fit on the map


@dataclass
class BookletInfo:
    pages: int
    sections: list[str]
    facilities: int


# --- data ---------------------------------------------------------------------------------------

def _sections(scope: ExportScope) -> list[Section]:
    """Sections in the booklet's order: the areas by display order, then "area not set" if non-empty."""
    if scope.area is not None:
        sections = [Section(scope.area.name, scope.area)]
    elif scope.area_not_set:
        sections = []
    else:
        sections = [Section(area.name, area) for area in areas_of(scope.municipality)]
    by_area = {section.area.pk: section for section in sections}
    not_set = Section(AREA_NOT_SET_TITLE, None)
    for facility in iter_export_facilities(scope):
        target = by_area.get(facility.daily_living_area_id) if facility.daily_living_area_id else not_set
        (target or not_set).facilities.append(facility)
    if not_set.facilities or scope.area_not_set:
        sections.append(not_set)
    shapes = {shape.daily_living_area_id: shape.geometry
              for shape in AreaShape.objects.filter(daily_living_area__in=[s.area for s in sections if s.area])}
    outline = AreaShape.objects.filter(municipality=scope.municipality, daily_living_area__isnull=True).first()
    for section in sections:
        section.shape = shapes.get(section.area.pk) if section.area is not None else (
            outline.geometry if outline else None)
        section.facilities.sort(key=lambda f: (KIND_ORDER.index(f.kind) if f.kind in KIND_ORDER else 99,
                                               f.kana or f.name, f.pk))
    return sections


def _public_mark_columns() -> dict[str, list[tuple[str, str]]]:
    """MARK_COLUMNS without attributes staff deactivated or made professional-only."""
    public = set(CollaborationAttribute.objects.filter(
        is_active=True, visibility=CollaborationAttribute.Visibility.PUBLIC).values_list("code", flat=True))
    return {kind: [(label, code) for label, code in columns if code in public]
            for kind, columns in MARK_COLUMNS.items()}


def _sources(facilities: list[Facility]) -> list[str]:
    """Lines for the cover: each data source with the latest date it listed facilities, and the survey span.

    Reads what the facilities already hold (their `sources` and prefetched details): no extra query.
    """
    latest: dict[str, dt.date | None] = {}
    for facility in facilities:
        for key, value in (facility.sources or {}).items():
            name = str(key).split(":")[0]
            try:
                day = dt.date.fromisoformat(str(value)[:10])
            except ValueError:
                day = None
            if name not in latest or (day and (latest[name] is None or day > latest[name])):
                latest[name] = day
    lines = [f"{SOURCE_LABELS.get(name, name)}（{to_wareki(day)}時点）" if day else SOURCE_LABELS.get(name, name)
             for name, day in sorted(latest.items())]
    dates = sorted(detail.confirmed_on for facility in facilities
                   for detail in common.public_details(facility).values())
    if dates:
        lines.append(f"連携情報：各施設の回答・市区町村の確認（{to_wareki(dates[0])}～{to_wareki(dates[-1])}に確認）")
    return lines or ["（データの出典はまだ記録されていません）"]


# --- map ----------------------------------------------------------------------------------------

def _rings(geometry: dict | None) -> list[list[tuple[float, float]]]:
    """Outer rings of a GeoJSON Polygon / MultiPolygon as (lon, lat) lists."""
    if not geometry:
        return []
    if geometry.get("type") == "Polygon":
        polygons = [geometry.get("coordinates", [])]
    elif geometry.get("type") == "MultiPolygon":
        polygons = geometry.get("coordinates", [])
    else:
        return []
    return [[(float(p[0]), float(p[1])) for p in polygon[0]] for polygon in polygons if polygon and polygon[0]]


def _marker(kind: str, x: float, y: float, size: float) -> list:
    colour, shape = KIND_STYLE.get(kind, ("#333333", "circle"))
    fill = colors.HexColor(colour)
    white = colors.white
    r = size / 2
    if shape == "square":
        return [Rect(x - r, y - r, size, size, fillColor=fill, strokeColor=white, strokeWidth=0.4)]
    if shape == "square_outline":
        return [Rect(x - r, y - r, size, size, fillColor=white, strokeColor=fill, strokeWidth=1)]
    if shape == "triangle":
        return [Polygon([x - r, y - r, x + r, y - r, x, y + r], fillColor=fill, strokeColor=white, strokeWidth=0.4)]
    if shape == "triangle_down":
        return [Polygon([x - r, y + r, x + r, y + r, x, y - r], fillColor=fill, strokeColor=white, strokeWidth=0.4)]
    if shape == "diamond":
        return [Polygon([x, y - r * 1.2, x + r * 1.2, y, x, y + r * 1.2, x - r * 1.2, y], fillColor=fill,
                        strokeColor=white, strokeWidth=0.4)]
    if shape == "ring":
        return [Circle(x, y, r, fillColor=white, strokeColor=fill, strokeWidth=1.6)]
    if shape == "circle_outline":
        return [Circle(x, y, r, fillColor=white, strokeColor=fill, strokeWidth=1)]
    return [Circle(x, y, r, fillColor=fill, strokeColor=white, strokeWidth=0.4)]


def _nice_distance(km: float) -> float:
    """A round scale-bar length (0.5, 1, 2, 5, 10 … km) not longer than `km`."""
    for candidate in (50, 20, 10, 5, 2, 1, 0.5, 0.2, 0.1):
        if candidate <= km:
            return candidate
    return 0.1


class _View:
    """An equirectangular projection of a lon/lat box onto a drawing box (fine at a municipality's scale)."""

    def __init__(self, bounds, x0: float, y0: float, width: float, height: float, pad: float = 10):
        min_lon, min_lat, max_lon, max_lat = bounds
        self.kx = math.cos(math.radians((min_lat + max_lat) / 2))
        span_x = max((max_lon - min_lon) * self.kx, 0.004)
        span_y = max(max_lat - min_lat, 0.004)
        self.scale = min((width - 2 * pad) / span_x, (height - 2 * pad) / span_y)
        self.centre = ((min_lon + max_lon) / 2 * self.kx, (min_lat + max_lat) / 2)
        self.origin = (x0 + width / 2, y0 + height / 2)
        # What the box really shows (wider than `bounds` on one axis, to keep the aspect ratio).
        half_x, half_y = width / 2 / self.scale, height / 2 / self.scale
        self.visible = ((self.centre[0] - half_x) / self.kx, self.centre[1] - half_y,
                        (self.centre[0] + half_x) / self.kx, self.centre[1] + half_y)

    def project(self, lon: float, lat: float) -> tuple[float, float]:
        return (self.origin[0] + (lon * self.kx - self.centre[0]) * self.scale,
                self.origin[1] + (lat - self.centre[1]) * self.scale)


def _bounds(coords) -> tuple[float, float, float, float]:
    return (min(c[0] for c in coords), min(c[1] for c in coords), max(c[0] for c in coords),
            max(c[1] for c in coords))


def _clipped_outline(rings, box) -> tuple[list, list]:
    """The outline cut to the visible box (shapely): (fill polygons, boundary lines), so that a zoomed map
    neither draws outside its frame nor mistakes the frame's edge for the area's boundary."""
    from shapely.geometry import LineString
    from shapely.geometry import Polygon as ShapelyPolygon
    from shapely.geometry import box as shapely_box

    clip = shapely_box(*box)
    fills, lines = [], []
    for ring in rings:
        if len(ring) < 4:
            continue
        piece = ShapelyPolygon(ring).buffer(0).intersection(clip)
        fills += [list(p.exterior.coords) for p in getattr(piece, "geoms", [piece])
                  if p.geom_type == "Polygon" and not p.is_empty]
        edge = LineString(ring).intersection(clip)
        lines += [list(line.coords) for line in getattr(edge, "geoms", [edge])
                  if line.geom_type == "LineString" and not line.is_empty]
    return fills, lines


def _outline_shapes(rings, view: _View, *, stroke: float = 1.2, lines=None) -> list:
    """Filled area polygons, stroked unless separate boundary `lines` are given (a clipped outline)."""
    edge = colors.HexColor("#0B5394")
    shapes = [Polygon([v for lon, lat in ring for v in view.project(lon, lat)], fillColor=colors.HexColor("#E3EEF9"),
                      strokeColor=None if lines is not None else edge, strokeWidth=stroke) for ring in rings]
    shapes += [PolyLine([v for lon, lat in line for v in view.project(lon, lat)], strokeColor=edge,
                        strokeWidth=stroke) for line in (lines or [])]
    return shapes


def area_map(section: Section, numbers: dict[int, int], *, width: float = CONTENT_WIDTH,
             height: float = MAP_HEIGHT) -> Drawing | None:
    """The section's map: outline, numbered markers, scale bar and north arrow. None when nothing to draw.

    When the facilities sit in a small part of a large area, the map zooms to them (outline cut to the
    frame) and an overview of the whole area, with the zoomed extent marked, goes in the top-left corner.
    """
    rings = _rings(section.shape)
    points = [(f.longitude, f.latitude, f) for f in section.facilities if f.has_position]
    coords = [p for ring in rings for p in ring] + [(lon, lat) for lon, lat, _ in points]
    if not coords:
        return None
    whole = _bounds(coords)
    view = _View(whole, 0, 12, width, height - 12)
    outline, boundary, zoom = rings, None, False
    if rings and len(points) >= 2:
        spread = _bounds([(lon, lat) for lon, lat, _ in points])
        margin_lon = max((spread[2] - spread[0]) * 0.12, 0.004)
        margin_lat = max((spread[3] - spread[1]) * 0.12, 0.003)
        # The overview takes a column on the left, so it never hides a marker.
        zoomed = _View((spread[0] - margin_lon, spread[1] - margin_lat, spread[2] + margin_lon,
                        spread[3] + margin_lat), INSET_WIDTH + 8, 12, width - INSET_WIDTH - 8, height - 12)
        if zoomed.scale >= 2 * view.scale:  # zoom only when it makes the markers at least twice as far apart
            view, zoom = zoomed, True
            outline, boundary = _clipped_outline(rings, zoomed.visible)

    drawing = Drawing(width, height)
    drawing.add(Rect(0, 0, width, height, fillColor=colors.HexColor("#F7FAFC"), strokeColor=colors.HexColor(
        "#9AA5B1"), strokeWidth=0.6))
    for shape in _outline_shapes(outline, view, lines=boundary):
        drawing.add(shape)
    size = 6 if len(points) <= 80 else 4.5
    label_size = 6.5 if len(points) <= 80 else 5
    projected = [(view.project(lon, lat), facility) for lon, lat, facility in points]
    for (x, y), facility in projected:
        for shape in _marker(facility.kind, x, y, size):
            drawing.add(shape)
    inset = (4, height - 4 - INSET_WIDTH * 0.8, INSET_WIDTH, INSET_WIDTH * 0.8) if zoom else None
    placed: list[tuple[float, float, float, float]] = [
        (inset[0], inset[1], inset[0] + inset[2], inset[1] + inset[3])] if inset else []
    placed.append((0, 0, 80, 20))  # the scale bar
    placed.append((width - 22, height - 34, width, height))  # the north arrow
    labels = Group()
    section.unlabelled = 0
    # Numbers go right, left, above or below their marker, wherever they overlap no other number.
    for (x, y), facility in projected:
        text = str(numbers[facility.pk])
        text_width = pdfmetrics.stringWidth(text, GOTHIC, label_size) + 1.5
        for dx, dy in ((size / 2, -1), (-size / 2 - text_width, -1), (-text_width / 2, size / 2),
                       (-text_width / 2, -size / 2 - label_size)):
            box = (x + dx, y + dy, x + dx + text_width, y + dy + label_size)
            inside = box[0] >= 1 and box[2] <= width - 1 and box[1] >= 1 and box[3] <= height - 1
            if inside and not any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3]
                                  for b in placed):
                placed.append(box)
                labels.add(Rect(box[0], box[1], text_width, label_size, fillColor=colors.Color(1, 1, 1, 0.8),
                                strokeColor=None))
                labels.add(String(box[0] + 0.75, box[1] + 1, text, fontName=GOTHIC, fontSize=label_size))
                break
        else:
            section.unlabelled += 1
    drawing.add(labels)
    if inset:
        drawing.add(_overview(rings, points, view.visible, *inset))
    # Scale bar (bottom left) and north arrow (top right).
    km_per_point = 111.32 / view.scale  # one degree of latitude ≈ 111.32 km
    bar_km = _nice_distance(km_per_point * width / 5)
    bar = bar_km / km_per_point
    drawing.add(Rect(8, 6, bar, 3, fillColor=colors.black, strokeColor=colors.black))
    drawing.add(String(8, 11, f"{bar_km:g} km", fontName=GOTHIC, fontSize=7))
    drawing.add(Line(width - 14, height - 22, width - 14, height - 8, strokeColor=colors.black, strokeWidth=1))
    drawing.add(Polygon([width - 17, height - 12, width - 11, height - 12, width - 14, height - 6],
                        fillColor=colors.black, strokeColor=colors.black))
    drawing.add(String(width - 16.5, height - 31, "N", fontName=GOTHIC, fontSize=8))
    return drawing


def _overview(rings, points, visible, x0: float, y0: float, width: float, height: float) -> Group:
    """The whole area in a small frame, with the zoomed map's extent as a red rectangle."""
    group = Group()
    group.add(Rect(x0, y0, width, height, fillColor=colors.white, strokeColor=colors.HexColor("#9AA5B1"),
                   strokeWidth=0.6))
    view = _View(_bounds([p for ring in rings for p in ring]), x0, y0, width, height, pad=4)
    for shape in _outline_shapes(rings, view, stroke=0.6):
        group.add(shape)
    for lon, lat, _facility in points:
        x, y = view.project(lon, lat)
        group.add(Circle(x, y, 0.6, fillColor=colors.HexColor("#333333"), strokeColor=None))
    (left, bottom), (right, top) = view.project(visible[0], visible[1]), view.project(visible[2], visible[3])
    group.add(Rect(left, bottom, right - left, top - bottom, fillColor=None, strokeColor=colors.HexColor("#D00000"),
                   strokeWidth=0.9))
    group.add(String(x0 + 2, y0 + height - 7, "圏域全体", fontName=GOTHIC, fontSize=6))
    return group


def legend(kinds: list[str], styles) -> Table:
    """Marker shape and colour for each kind present in the section."""
    cells = []
    for kind in kinds:
        swatch = Drawing(10, 10)
        for shape in _marker(kind, 5, 5, 7):
            swatch.add(shape)
        cells.append([swatch, Paragraph(common.kind_label(kind).split("（")[0], styles["small"])])
    rows, per_row = [], 4
    for start in range(0, len(cells), per_row):
        row = [item for cell in cells[start:start + per_row] for item in cell]
        rows.append(row + [""] * (per_row * 2 - len(row)))
    widths = [5 * mm, CONTENT_WIDTH / per_row - 5 * mm] * per_row
    table = Table(rows, colWidths=widths, hAlign="LEFT")
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("LEFTPADDING", (0, 0), (-1, -1), 1),
                               ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]))
    return table


# --- tables -------------------------------------------------------------------------------------

def facility_table(kind: str, facilities: list[Facility], numbers: dict[int, int], mark_columns, styles) -> Table:
    """One kind's facilities: No., name (with kana), address, phone, then ○ columns.

    The first row is the kind's title and the second the column headers; both repeat on every page the
    table runs onto, so a reader never meets a page of rows without knowing what they are.
    """
    marks = mark_columns.get(kind, [])
    with_service = kind in SERVICE_TYPE_KINDS
    mark_width = 14 * mm
    fixed = 9 * mm + 24 * mm + (28 * mm if with_service else 0) + mark_width * len(marks)
    remaining = CONTENT_WIDTH - fixed
    name_width, address_width = remaining * 0.48, remaining * 0.52
    header = ["No.", "名称", "所在地", "電話番号"] + (["種別"] if with_service else []) + [label for label, _ in marks]
    header_cells = [Paragraph(text, styles["cell_head"]) for text in header]
    title = Paragraph(f"{_escape(common.kind_label(kind))}（{len(facilities)}件）", styles["kind"])
    rows = [[title] + [""] * (len(header_cells) - 1), header_cells]
    for facility in facilities:
        details = common.public_details(facility)
        name = [Paragraph(_escape(facility.name), styles["cell"])]
        if facility.kana:
            name.insert(0, Paragraph(_escape(common.katakana(facility.kana)), styles["cell_kana"]))
        row = [str(numbers[facility.pk]), name, Paragraph(_escape(common.full_address(facility)), styles["cell"]),
               Paragraph(_escape(facility.phone), styles["cell"])]
        if with_service:
            row.append(Paragraph(_escape(common.service_type_label(facility)), styles["cell"]))
        for _label, code in marks:
            detail = details.get(code)
            row.append("" if detail is None or detail.value is None else (YES_MARK if detail.is_yes else NO_MARK))
        rows.append(row)
    widths = [9 * mm, name_width, address_width, 24 * mm] + ([28 * mm] if with_service else []) + [mark_width] * len(
        marks)
    table = Table(rows, colWidths=widths, repeatRows=2, hAlign="LEFT")
    first_mark = len(widths) - len(marks)
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), GOTHIC, 8),
        ("SPAN", (0, 0), (-1, 0)),
        ("LEFTPADDING", (0, 0), (-1, 0), 0), ("BOTTOMPADDING", (0, 0), (-1, 0), 3),
        ("BACKGROUND", (0, 1), (-1, 1), colors.HexColor("#DCE6F2")),
        ("GRID", (0, 1), (-1, -1), 0.4, colors.HexColor("#9AA5B1")),
        ("VALIGN", (0, 1), (-1, -1), "MIDDLE"),
        ("ALIGN", (0, 2), (0, -1), "RIGHT"),
        ("ALIGN", (first_mark, 2), (-1, -1), "CENTER"),
        ("FONTSIZE", (first_mark, 2), (-1, -1), 10),
        ("ROWBACKGROUNDS", (0, 2), (-1, -1), [colors.white, colors.HexColor("#F5F7FA")]),
        ("TOPPADDING", (0, 1), (-1, -1), 2), ("BOTTOMPADDING", (0, 1), (-1, -1), 2),
        ("LEFTPADDING", (0, 1), (-1, -1), 3), ("RIGHTPADDING", (0, 1), (-1, -1), 3),
        ("LEFTPADDING", (first_mark, 1), (-1, 1), 2), ("RIGHTPADDING", (first_mark, 1), (-1, 1), 1),
    ]))
    return table


def _escape(text: str) -> str:
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# --- document -----------------------------------------------------------------------------------

class _BookletTemplate(BaseDocTemplate):
    """Cover without footer; every other page with page number and date of issue; TOC entries per section."""

    def __init__(self, buffer, *, footer: str, publisher: str, **kwargs):
        super().__init__(buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                         bottomMargin=MARGIN + 6 * mm, **kwargs)
        self.footer = footer
        self.publisher = publisher
        frame = Frame(MARGIN, MARGIN + 6 * mm, CONTENT_WIDTH, PAGE_HEIGHT - 2 * MARGIN - 6 * mm, id="body")
        self.addPageTemplates([PageTemplate("cover", [frame], onPage=self._cover_decoration),
                               PageTemplate("body", [frame], onPage=self._footer)])
        self.section_count = 0

    def _cover_decoration(self, canvas, doc) -> None:
        canvas.saveState()
        canvas.setFillColor(colors.HexColor("#0B5394"))
        canvas.rect(0, PAGE_HEIGHT - 18 * mm, PAGE_WIDTH, 18 * mm, stroke=0, fill=1)
        canvas.setFillColor(colors.HexColor("#E3EEF9"))
        canvas.rect(0, 0, PAGE_WIDTH, 14 * mm, stroke=0, fill=1)
        canvas.setFillColor(colors.HexColor("#0B5394"))
        canvas.setFont(GOTHIC, 10)
        canvas.drawCentredString(PAGE_WIDTH / 2, 5.5 * mm, f"発行：{self.publisher}")
        canvas.restoreState()

    def _footer(self, canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(GOTHIC, 8)
        canvas.setStrokeColor(colors.HexColor("#9AA5B1"))
        canvas.line(MARGIN, MARGIN + 3 * mm, PAGE_WIDTH - MARGIN, MARGIN + 3 * mm)
        canvas.drawString(MARGIN, MARGIN, self.footer)
        canvas.drawRightString(PAGE_WIDTH - MARGIN, MARGIN, f"- {doc.page} -")
        canvas.restoreState()

    def afterFlowable(self, flowable) -> None:
        if isinstance(flowable, Paragraph) and flowable.style.name == "section":
            text = flowable.getPlainText()
            key = f"section-{self.seq.nextf('section')}"
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(text, key, level=0)
            self.notify("TOCEntry", (0, text, self.page, key))


def booklet_story(scope: ExportScope, sections: list[Section], issued_on: dt.date, styles) -> list:
    facilities = [f for section in sections for f in section.facilities]
    kind_counts = Counter(f.kind for f in facilities)
    mark_columns = _public_mark_columns()
    story: list = [NextPageTemplate("body"), Spacer(1, 55 * mm),
                   Paragraph(_escape(str(scope.municipality)), styles["cover_city"]), Spacer(1, 8 * mm),
                   Paragraph(TITLE, styles["cover_title"]), Spacer(1, 12 * mm),
                   Paragraph(f"{to_wareki(issued_on)} 発行", styles["cover_date"]), Spacer(1, 30 * mm)]
    about = [Paragraph("掲載している情報", styles["heading"])]
    about += [Paragraph("・" + _escape(line), styles["body"]) for line in _sources(facilities)]
    about.append(Spacer(1, 4 * mm))
    counts = "、".join(f"{common.kind_label(kind).split('（')[0]} {kind_counts[kind]}件" for kind in KIND_ORDER
                      if kind_counts[kind])
    about.append(Paragraph(f"掲載件数：{len(facilities)}件" + (f"（{counts}）" if counts else ""), styles["body"]))
    about.append(Spacer(1, 2 * mm))
    about.append(Paragraph(f"この冊子の情報は{to_wareki(issued_on)}時点のものです。対応状況は変わることがあります。"
                           "ご利用の前に各施設へお問い合わせください。", styles["body"]))
    box = Table([[about]], colWidths=[CONTENT_WIDTH - 20 * mm], hAlign="CENTER")
    box.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 0.8, colors.HexColor("#0B5394")),
                             ("LEFTPADDING", (0, 0), (-1, -1), 5 * mm), ("RIGHTPADDING", (0, 0), (-1, -1), 5 * mm),
                             ("TOPPADDING", (0, 0), (-1, -1), 3 * mm), ("BOTTOMPADDING", (0, 0), (-1, -1), 4 * mm)]))
    story.append(box)
    story.append(PageBreak())

    toc = TableOfContents()
    toc.levelStyles = [styles["toc"]]
    story += [Paragraph("目次", styles["heading"]), toc, Spacer(1, 8 * mm),
              Paragraph("表の見かた", styles["heading"]),
              Paragraph(f"{YES_MARK}：対応できる（施設の回答・市区町村の確認による）　{NO_MARK}：対応していない　"
                        "空欄：未回答。番号は各圏域の地図の番号と対応しています。"
                        "対応状況は変わることがあります。ご利用の前に各施設へお問い合わせください。", styles["body"])]
    if not sections:
        story += [PageBreak(), Paragraph("掲載する資源はありません", styles["section"]),
                  Paragraph("この市区町村には、まだ資源が登録されていません。", styles["body"])]
    for section in sections:
        story.append(PageBreak())
        story.append(Paragraph(_escape(section.title), styles["section"]))
        numbers = {facility.pk: index for index, facility in enumerate(section.facilities, start=1)}
        kinds = [kind for kind in KIND_ORDER if any(f.kind == kind for f in section.facilities)]
        summary = "、".join(f"{common.kind_label(k).split('（')[0]} {sum(f.kind == k for f in section.facilities)}件"
                           for k in kinds)
        story.append(Paragraph(f"掲載 {len(section.facilities)}件" + (f"（{summary}）" if summary else ""),
                               styles["small"]))
        if section.area is not None and section.area.description:
            story.append(Paragraph(_escape(section.area.description), styles["small"]))
        story.append(Spacer(1, 2 * mm))
        if not section.facilities:
            story.append(Paragraph("この圏域に掲載する資源はありません。", styles["body"]))
            drawing = area_map(section, numbers)
            if drawing is not None:
                story.append(drawing)
            continue
        drawing = area_map(section, numbers)
        if drawing is not None:
            story += [drawing, Spacer(1, 1 * mm), legend(kinds, styles)]
        unplaced = sum(not f.has_position for f in section.facilities)
        if drawing is None:
            story.append(Paragraph("位置情報がないため、地図は表示していません。", styles["small"]))
        elif unplaced:
            story.append(Paragraph(f"位置が不明のため地図に表示していない資源：{unplaced}件", styles["small"]))
        if drawing is not None and section.unlabelled:
            story.append(Paragraph(f"密集しているため地図上の番号を省略した資源：{section.unlabelled}件（表をご覧ください）",
                                   styles["small"]))
        for kind in kinds:
            group = [f for f in section.facilities if f.kind == kind]
            story += [CondPageBreak(30 * mm), Spacer(1, 3 * mm)]
            story.append(facility_table(kind, group, numbers, mark_columns, styles))
    return story


def booklet_pdf(scope: ExportScope, *, issued_on: dt.date | None = None) -> tuple[bytes, BookletInfo]:
    """Render the booklet for the scope; returns the PDF and what it holds (pages, sections, facilities)."""
    register_japanese_fonts()
    issued_on = issued_on or timezone.localdate()
    styles = _styles()
    sections = _sections(scope)
    buffer = io.BytesIO()
    doc = _BookletTemplate(buffer, footer=f"{TITLE}　{scope.municipality}　{to_wareki(issued_on)}発行",
                           publisher=str(scope.municipality),
                           title=f"{scope.municipality} {TITLE}", author=str(scope.municipality),
                           subject=TITLE, lang="ja")
    doc.multiBuild(booklet_story(scope, sections, issued_on, styles))
    return buffer.getvalue(), BookletInfo(pages=doc.page, sections=[s.title for s in sections],
                                          facilities=sum(len(s.facilities) for s in sections))

