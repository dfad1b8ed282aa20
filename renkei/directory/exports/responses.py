"""HTTP responses for every export format, with file names and an audit entry per export.

The staff exports page calls `export_response(..., membership=request.membership)`; the public portal
may call the same functions with `membership=None` (public fields only) and `record=False` when it does
not want an audit entry per anonymous download.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone

from renkei.core import audit
from renkei.core.models import AuditEntry

from . import booklet, excel, geojson, opendata
from .scope import ExportScope, export_facilities


@dataclass(frozen=True)
class ExportFormat:
    code: str
    file_part: str  # ASCII part of the file name
    title: str  # Japanese part of the file name (documents are Japanese)
    extension: str
    content_type: str


FORMATS = {
    "csv_medical": ExportFormat("csv_medical", "iryokikan", "医療機関一覧", "csv", "text/csv; charset=utf-8"),
    "csv_care": ExportFormat("csv_care", "kaigo_jigyosho", "介護サービス事業所一覧", "csv",
                             "text/csv; charset=utf-8"),
    "geojson": ExportFormat("geojson", "shigen", "在宅医療介護資源", "geojson", "application/geo+json"),
    "xlsx": ExportFormat("xlsx", "shigen", "在宅医療介護資源一覧", "xlsx",
                         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pdf": ExportFormat("pdf", "shigen_map", "在宅医療・介護資源マップ", "pdf", "application/pdf"),
}
CSV_DATASETS = {"csv_medical": opendata.MEDICAL, "csv_care": opendata.CARE}


def file_names(scope: ExportScope, fmt: ExportFormat) -> tuple[str, str]:
    """(ASCII name, Japanese name), e.g. ("262013_iryokikan_20261125.csv", "福知山市_医療機関一覧_20261125.csv")."""
    day = timezone.localdate().strftime("%Y%m%d")
    area_ascii = f"_area{scope.area.pk}" if scope.area else ("_area_none" if scope.area_not_set else "")
    area_ja = f"_{scope.area.name}" if scope.area else ("_圏域未設定" if scope.area_not_set else "")
    ascii_name = f"{scope.municipality.code}_{fmt.file_part}{area_ascii}_{day}.{fmt.extension}"
    japanese = f"{scope.municipality.name}_{fmt.title}{area_ja}_{day}.{fmt.extension}"
    return ascii_name, japanese.replace("/", "／").replace("\\", "＼")


def content_disposition(ascii_name: str, japanese_name: str) -> str:
    """attachment with an ASCII fallback and the Japanese name as RFC 5987 / RFC 6266 `filename*`."""
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(japanese_name, safe='')}"


def export_count(scope: ExportScope, fmt_code: str) -> int:
    if fmt_code in CSV_DATASETS:
        return opendata.count_rows(scope, CSV_DATASETS[fmt_code])
    return export_facilities(scope).count()


def export_response(scope: ExportScope, fmt_code: str, *, membership=None, record: bool = True):
    """The download for one format; CSV and GeoJSON stream, Excel and PDF are built in memory."""
    fmt = FORMATS[fmt_code]
    count = None
    details = {}
    if fmt_code in CSV_DATASETS:
        count = export_count(scope, fmt_code)
        response = StreamingHttpResponse(opendata.opendata_csv(scope, CSV_DATASETS[fmt_code]),
                                         content_type=fmt.content_type)
    elif fmt_code == "geojson":
        count = export_count(scope, fmt_code)
        response = StreamingHttpResponse(geojson.geojson_chunks(scope, membership), content_type=fmt.content_type)
    elif fmt_code == "xlsx":
        content, count = excel.workbook_bytes(scope, membership)
        response = HttpResponse(content, content_type=fmt.content_type)
    else:
        content, info = booklet.booklet_pdf(scope)
        count = info.facilities
        details = {"pages": info.pages, "sections": len(info.sections)}
        response = HttpResponse(content, content_type=fmt.content_type)
    ascii_name, japanese_name = file_names(scope, fmt)
    response["Content-Disposition"] = content_disposition(ascii_name, japanese_name)
    response["X-Content-Type-Options"] = "nosniff"
    if record:
        audit.record(action=AuditEntry.Action.EXPORT, obj=scope.municipality, permission="directory.export",
                     changes={"format": fmt_code, "file": ascii_name, "facilities": count, **details,
                              **{k: v for k, v in scope.describe().items() if k != "municipality"}})
    return response
