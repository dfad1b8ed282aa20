"""Importing indicator values from files staff already have: all-or-nothing per file, with a dry run.

A file is read by its layout (`importers/layouts.py`: e-Stat 死亡の場所 and 年齢別人口, the 見える化 system's
Excel, KDB CSV, a plain table) or by a saved column mapping, turned into values (`importers/build.py`), each
authorised on the area it resolves to, and written through `values_record` (corrections keep their
history, one audit entry per value). Any rejected row, or a dry run, writes no value: the run is kept with
its report (rows read, values created / corrected / unchanged, rejected rows with their reasons in Japanese
and English, and for a dry run the values that would change).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.db import transaction

from renkei.core import policy
from renkei.core.files import FileError, RowError, too_large
from renkei.core.models import Municipality, Prefecture

from ..importers.areas import AreaResolver
from ..importers.build import Built, values_from
from ..importers.layouts import LAYOUTS, Layout, ParsedFile, header_signature, layout_named, read_file
from ..models import IndicatorColumnMapping, IndicatorDefinition, IndicatorImportRun, IndicatorValue, Origin
from ..periods import PeriodError
from ..policy import NATION
from .values import CORRECTED, CREATED, UNCHANGED, ValueError_, _checked, _same, values_record

logger = logging.getLogger(__name__)
MAX_REPORTED_ROWS = 500  # rejected rows and changes kept in a run's report


# --- saved column mappings -------------------------------------------------------------------------------

def indicator_mapping_for_header(*, municipality=None, prefecture=None, headers: list[str],
                                 layout: str = "") -> IndicatorColumnMapping | None:
    """The saved mapping of this municipality (or its prefecture) whose header signature matches the file's."""
    signature = header_signature(headers)
    mappings = IndicatorColumnMapping.objects.filter(header_signature=signature)
    if layout:
        mappings = mappings.filter(layout=layout)
    if municipality is not None:
        prefecture = prefecture or municipality.prefecture
        owners = mappings.filter(municipality__in=[municipality.pk, *([municipality.parent_id]
                                                                      if municipality.parent_id else [])])
        found = owners.order_by("-updated_at").first()
        if found is not None:
            return found
    if prefecture is not None:
        return mappings.filter(municipality__isnull=True, prefecture=prefecture).order_by("-updated_at").first()
    return None


def indicator_mapping_save(*, name: str, layout: str, columns: dict, headers: list[str], municipality=None,
                           prefecture=None, source_note: str = "", membership=None) -> IndicatorColumnMapping:
    """Create or update a municipality's (or a prefecture's) named column mapping; found again by its header.

    `columns` is the layout's columns (see `importers/layouts.py`). The member must be allowed to record values
    for the owner (rule indicators.record_values).
    """
    layout_named(layout)  # FileError for an unknown layout
    owner = municipality or prefecture
    if owner is None:
        raise ValueError("a mapping belongs to a municipality or a prefecture")
    if membership is not None:
        policy.require(membership, "indicators.record_values", owner)
    indicators = [item for item in columns.get("indicators") or [] if isinstance(item, dict)
                  and item.get("definition")]
    columns = {**{k: v for k, v in columns.items() if v not in (None, "", [])}, "indicators": indicators}
    with transaction.atomic():
        lookup = {"municipality": municipality} if municipality is not None else {
            "municipality": None, "prefecture": prefecture}
        mapping = IndicatorColumnMapping.objects.select_for_update().filter(name=name[:120], **lookup).first()
        if mapping is None:
            mapping = IndicatorColumnMapping(name=name[:120], municipality=municipality,
                                             prefecture=prefecture if municipality is None else
                                             municipality.prefecture,
                                             created_by=membership.user if membership is not None else None)
        mapping.layout = layout
        mapping.columns = columns
        mapping.source_note = source_note[:300]
        mapping.header_signature = header_signature(headers)
        mapping.save()
    return mapping


# --- the import ------------------------------------------------------------------------------------------

@dataclass
class _Source:
    data: bytes
    sha256: str


def _read_source(path_or_file) -> _Source:
    if isinstance(path_or_file, bytes | bytearray):
        data = bytes(path_or_file)
    elif isinstance(path_or_file, str | Path):
        path = Path(path_or_file)
        error = too_large(path.stat().st_size)
        if error is not None:
            raise error
        data = path.read_bytes()
    elif hasattr(path_or_file, "chunks"):
        size = getattr(path_or_file, "size", None)
        if size is not None and (error := too_large(size)) is not None:
            raise error
        data = b"".join(path_or_file.chunks())
    else:
        data = path_or_file.read()
    error = too_large(len(data))
    if error is not None:
        raise error
    return _Source(data=data, sha256=hashlib.sha256(data).hexdigest())


def _definitions(codes: set[str] | None, municipality, prefecture) -> dict[str, IndicatorDefinition]:
    """Definitions by code as the importing place sees them: its own first, then its prefecture's, then the
    built-in library (a municipality's own definition of a code wins over the library's)."""
    from django.db.models import Q

    query = Q(owner_municipality__isnull=True, owner_prefecture__isnull=True)
    if prefecture is not None:
        query |= Q(owner_municipality__isnull=True, owner_prefecture=prefecture)
        query |= Q(owner_municipality__prefecture=prefecture, is_shared=True)
    if municipality is not None:
        query |= Q(owner_municipality=municipality)
    found = IndicatorDefinition.objects.filter(query, is_active=True)
    if codes is not None:
        found = found.filter(code__in=codes)

    def rank(d):
        if municipality is not None and d.owner_municipality_id == municipality.pk:
            return 0
        if d.owner_municipality_id is None and d.owner_prefecture_id is not None:
            return 1
        if d.owner_municipality_id is not None:
            return 2
        return 3

    out: dict[str, IndicatorDefinition] = {}
    for definition in sorted(found, key=rank):
        out.setdefault(definition.code, definition)
    return out


def _layout_of(mapping) -> tuple[Layout, IndicatorColumnMapping | None]:
    if isinstance(mapping, IndicatorColumnMapping):
        return layout_named(mapping.layout).with_columns(mapping.columns or {}), mapping
    return layout_named(str(mapping)), None


def _owner_of(area):
    return NATION if area.owner is None else area.owner


def _message(error) -> tuple[str, str]:
    if isinstance(error, RowError | FileError):
        return error.reason, error.reason_en
    return getattr(error, "ja", str(error)), getattr(error, "en", str(error))


def _rejection(error, *, row=None, column: str = "") -> dict:
    ja, en = _message(error)
    return {"row": row if row is not None else getattr(error, "row", None),
            "column": column or getattr(error, "column", ""), "ja": ja, "en": en}


def indicator_file_import(*, path_or_file, file_name: str, mapping, membership=None, municipality=None,
                          dry_run: bool = False, period: str = "",
                          skip_other_areas: bool = False) -> IndicatorImportRun:
    """Import one file of indicator values, all or nothing; returns the run with its report.

    `mapping` is a built-in layout's name ("estat-death-place", "estat-population-age", "mieruka", "kdb",
    "table") or a saved `IndicatorColumnMapping`; for the `table`, `kdb` and `mieruka` layouts a saved mapping
    of the municipality whose header matches the file is used when there is one. `membership` is asked
    `indicators.record_values` on every value's area (None: the command line, the system itself).
    `municipality` is the importing place (defaults to the member's); `period` the file's period when it has
    no period column and its title names none. `skip_other_areas`: rows of areas the member may not record
    (the neighbours in a prefecture-wide e-Stat table) are left out and listed instead of rejecting the file.
    """
    if municipality is None and membership is not None:
        municipality = membership.organization.municipality
    prefecture = municipality.prefecture if municipality is not None else (
        membership.organization.prefecture if membership is not None else None)
    run = IndicatorImportRun(municipality=municipality, prefecture=prefecture, file_name=file_name[:255],
                             layout=getattr(mapping, "layout", str(mapping))[:40],
                             started_by=membership.user if membership is not None else None)
    report: dict = {"rejected": [], "skipped": [], "changes": []}
    try:
        source = _read_source(path_or_file)
        run.file_sha256 = source.sha256
        layout, saved = _layout_of(mapping)
        parsed = _read(source.data, layout, file_name)
        if saved is None and layout.name in ("table", "kdb", "mieruka") and (municipality or prefecture):
            saved = indicator_mapping_for_header(municipality=municipality, prefecture=prefecture,
                                                 headers=parsed.header, layout=layout.name)
            if saved is not None:
                layout = layout.with_columns(saved.columns or {})
                parsed = _read(source.data, layout, file_name)
        run.mapping = saved
        run.layout = layout.name
        run.source_note = ((saved.source_note if saved is not None else "") or layout.source_note)[:300]
        run.vintage = parsed.vintage
        run.rows_read = parsed.rows_read
        report.update(_file_facts(parsed))
        codes = {spec.definition for spec in layout.indicators} or None
        definitions = _definitions(codes, municipality, prefecture)
        resolver = AreaResolver(hint_prefecture=prefecture)
        built = values_from(parsed, definitions=definitions, resolver=resolver, period=period,
                            source_note=run.source_note)
    except FileError as error:
        run.status = IndicatorImportRun.Status.REJECTED
        report["file_error"] = {"ja": error.reason, "en": error.reason_en}
        report["rejected"].append(_rejection(error, row=None))
        run.rows_rejected = 0
        run.report = report
        run.save()
        return run

    report.update(suppressed=built.suppressed, other_level=built.other_level, skipped=built.skipped[:MAX_REPORTED_ROWS],
                  definitions=[spec.definition for spec in built.specs],
                  missing_definitions=built.missing_definitions)
    errors = _once_per_row_and_reason([*built.errors, *_checked_items(built, membership,
                                                                      skip_other_areas=skip_other_areas)])
    report["skipped"] = built.skipped[:MAX_REPORTED_ROWS]
    changes = _changes(built) if not errors else []
    if errors:
        run.status = IndicatorImportRun.Status.REJECTED
        rows = sorted({e.row for e in errors if e.row is not None})
        run.rows_rejected = len(rows) or len(errors)
        report["rejected"] = [_rejection(e) for e in sorted(errors, key=lambda e: (e.row or 0))][:MAX_REPORTED_ROWS]
        run.report = report
        run.save()
        return run

    counts = {CREATED: 0, CORRECTED: 0, UNCHANGED: 0}
    for change in changes:
        counts[change["kind"]] += 1
    report["changes"] = [c for c in changes if c["kind"] != UNCHANGED][:MAX_REPORTED_ROWS]
    run.values_created, run.values_corrected, run.values_unchanged = (counts[CREATED], counts[CORRECTED],
                                                                      counts[UNCHANGED])
    run.report = report
    if dry_run:
        run.status = IndicatorImportRun.Status.DRY_RUN
        run.save()
        return run
    try:
        with transaction.atomic():
            run.status = IndicatorImportRun.Status.APPLIED
            run.save()
            result = values_record(items=[p.item for p in built.items], origin=Origin.IMPORTED,
                                   membership=membership, import_run=run)
            run.values_created = result.counts[CREATED]
            run.values_corrected = result.counts[CORRECTED]
            run.values_unchanged = result.counts[UNCHANGED]
            run.save(update_fields=["values_created", "values_corrected", "values_unchanged"])
            _schedule_recomputation(result.values)
    except (ValueError_, PeriodError, PermissionDenied) as error:  # checked above; a race or a new rule
        run.pk = None
        run.status = IndicatorImportRun.Status.REJECTED
        report["rejected"] = [_rejection(error)] if not isinstance(error, PermissionDenied) else [
            {"row": None, "column": "", "ja": "この地域の値を記録する権限がありません。",
             "en": "You may not record values for this area."}]
        report["changes"] = []
        run.values_created = run.values_corrected = run.values_unchanged = 0
        run.report = report
        run.save()
    return run


def _schedule_recomputation(written) -> None:
    """Computed indicators that divide by what this file changed (population 75+ → visits per 75+) are
    recomputed for the prefectures it touched, by the background job once the import has committed."""
    from ..jobs import schedule_indicators_compute
    from ..registry import is_provider_input

    prefectures = {value.prefecture_id or (value.municipality.prefecture_id if value.municipality_id else None)
                   for value in written if is_provider_input(value.definition.code)}
    for prefecture in Prefecture.objects.filter(pk__in=prefectures - {None}):
        transaction.on_commit(lambda prefecture=prefecture: schedule_indicators_compute(prefecture=prefecture))


def _once_per_row_and_reason(errors: list[RowError]) -> list[RowError]:
    """A bad cell feeds several indicators (病院 → a count and a share): report it once."""
    seen, out = set(), []
    for error in errors:
        key = (error.row, error.column, error.reason)
        if key not in seen:
            seen.add(key)
            out.append(error)
    return out


def _read(data: bytes, layout: Layout, file_name: str) -> ParsedFile:
    """The file read by its layout; whatever a broken file makes a reader raise becomes a FileError (a report
    for staff, never a server error)."""
    try:
        return read_file(data, layout, file_name=file_name)
    except FileError:
        raise
    except Exception as error:  # noqa: BLE001 (openpyxl and csv raise many kinds on damaged files)
        logger.warning("indicator import: unreadable file %s (%s: %s)", file_name, type(error).__name__, error)
        raise FileError("ファイルを読めません（壊れているか、対応していない形式です）。",
                        "Cannot read the file (it is damaged or in a format we do not read).") from error


def _file_facts(parsed: ParsedFile) -> dict:
    return {"encoding": parsed.encoding, "sheet": parsed.sheet, "header_row": parsed.header_row,
            "shape": parsed.shape, "notes_skipped": parsed.notes_skipped, "file_period": parsed.file_period,
            "header": parsed.header[:60]}


def _checked_items(built: Built, membership, *, skip_other_areas: bool = False) -> list[RowError]:
    """Each value as values_record will check it, and the member's right to record it, row by row.

    With `skip_other_areas`, the values of areas the member may not record are dropped from `built` and their
    rows listed as skipped."""
    errors: list[RowError] = []
    allowed: dict = {}
    refused_rows: set[int] = set()
    dropped: list = []
    for planned in built.items:
        row = planned.rows[0]
        area = planned.item.area
        if membership is not None:
            owner = _owner_of(area)
            key = area.key
            if key not in allowed:
                allowed[key] = policy.check(membership, "indicators.record_values", owner)
            if not allowed[key]:
                if skip_other_areas:
                    dropped.append(planned)
                    if row not in refused_rows:
                        refused_rows.add(row)
                        built.skipped.append({
                            "row": row, "ja": f"{area.name} の値は記録する権限がないため取り込みません。",
                            "en": f"{area.name}: left out (you may not record its values)."})
                    continue
                if row in refused_rows:
                    continue
                refused_rows.add(row)
                errors.append(RowError(
                    f"{area.name} の値を記録する権限がありません"
                    "（自分の市区町村とその都道府県・全国の値だけを取り込めます）。",
                    f"You may not record values for {area.name} (only your own municipality, its prefecture and "
                    "the nation).", row=row, column="area"))
                continue
        try:
            _checked(planned.item)
        except (ValueError_, PeriodError) as error:
            errors.append(RowError(error.ja, error.en, row=row))
    if dropped:
        left_out = {id(planned) for planned in dropped}
        built.items = [planned for planned in built.items if id(planned) not in left_out]
    return errors


def _number(value) -> str | None:
    if value is None:
        return None
    text = format(Decimal(value).normalize(), "f")
    return text


def _changes(built: Built) -> list[dict]:
    """What applying would do to each value: created, corrected (with the old value) or unchanged."""
    items = [p.item for p in built.items]
    current = {}
    if items:
        rows = IndicatorValue.objects.filter(
            definition_id__in={i.definition.pk for i in items}, area_key__in={i.area.key for i in items},
            period_start__in={i.period.start for i in items}, is_current=True)
        current = {(r.definition_id, r.area_key, r.period_start): r for r in rows}
    out = []
    for planned in built.items:
        item = planned.item
        old = current.get((item.definition.pk, item.area.key, item.period.start))
        kind = CREATED if old is None else UNCHANGED if _same(old, item) else CORRECTED
        out.append({"row": planned.rows[0], "kind": kind, "definition": item.definition.code,
                    "area": item.area.key, "area_name": item.area.name, "period": item.period.key,
                    "period_label": item.period.label, "old": _number(old.value) if old else None,
                    "new": _number(item.value), "numerator": _number(item.numerator),
                    "denominator": _number(item.denominator)})
    return out


# --- reporting, for the command and the screens -----------------------------------------------------------

def report_lines(run: IndicatorImportRun, *, language: str = "ja") -> list[str]:
    """The per-file report the command prints: outcome, counts, then each rejected or skipped row and why."""
    report = run.report or {}
    status = {"dry_run": ("確認のみ（書き込みなし）", "checked (nothing written)"),
              "applied": ("取り込み済み", "applied"), "rejected": ("取り込み不可（何も書き込んでいません）",
                                                            "rejected (nothing written)")}[run.status]
    ja = language == "ja"
    lines = [f"{run.file_name}: {status[0] if ja else status[1]}"]
    counts = [("行", "rows read", run.rows_read), ("新規", "created", run.values_created),
              ("訂正", "corrected", run.values_corrected), ("変更なし", "unchanged", run.values_unchanged),
              ("却下した行", "rows rejected", run.rows_rejected),
              ("秘匿・空欄のセル", "suppressed or blank cells", report.get("suppressed", 0))]
    lines.append("  " + ", ".join(f"{label_ja if ja else label_en} {number}"
                                  for label_ja, label_en, number in counts))
    if run.layout:
        facts = [f"layout {run.layout}"]
        if report.get("shape"):
            facts.append(f"shape {report['shape']}")
        if report.get("header_row"):
            facts.append(f"header row {report['header_row']}")
        if run.vintage:
            facts.append(f"vintage {run.vintage.isoformat()}")
        lines.append("  " + ", ".join(facts))
    if report.get("missing_definitions"):
        lines.append("  " + ("指標の定義がないため取り込まない列: " if ja else "Definitions not found (skipped): ")
                     + ", ".join(report["missing_definitions"]))
    for row in report.get("rejected", []):
        where = (f"{row['row']} 行目" if ja else f"row {row['row']}") if row.get("row") else (
            "ファイル" if ja else "file")
        lines.append(f"  {where}: {row['ja']} / {row['en']}")
    for row in report.get("skipped", []):
        where = f"{row['row']} 行目" if ja else f"row {row['row']}"
        lines.append(f"  {where}: {row['ja']} / {row['en']}")
    if run.status == IndicatorImportRun.Status.DRY_RUN:
        for change in report.get("changes", [])[:50]:
            old = f"{change['old']} → " if change.get("old") is not None else ""
            lines.append(f"  {change['kind']}: {change['definition']} {change['area']} {change['period']} "
                         f"{old}{change['new']}")
    return lines


# --- uploads kept between the dry run and the application --------------------------------------------------

def stored_upload_path(sha256: str) -> Path:
    """Where an uploaded file waits between its dry run and its application (deleted once applied)."""
    from django.conf import settings

    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise ValueError("not a sha256")
    return Path(settings.DATA_DIR) / "indicator-imports" / sha256


def store_upload(data: bytes) -> str:
    """Keep an upload under its sha256 so that applying it needs no second upload."""
    sha = hashlib.sha256(data).hexdigest()
    path = stored_upload_path(sha)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.write_bytes(data)
    return sha


def stored_upload(sha256: str) -> bytes | None:
    try:
        path = stored_upload_path(sha256)
    except ValueError:
        return None
    return path.read_bytes() if path.is_file() else None


def discard_upload(sha256: str) -> None:
    with contextlib.suppress(ValueError):
        stored_upload_path(sha256).unlink(missing_ok=True)


def file_header(data: bytes, layout_name: str, *, file_name: str = "") -> tuple[list[str], list[list[str]]]:
    """(header, first rows) of a file as the layout finds them: what the column-mapping screen shows."""
    layout = replace_indicators(layout_named(layout_name))
    parsed = read_file(data, layout, file_name=file_name)
    sample = []
    for group in parsed.groups[:5]:
        sample.append([group.area_code, group.area_name, group.period,
                       *[group.measures.get(k, "") for k in list(group.measures)[:20]]])
    return parsed.header, sample


def replace_indicators(layout: Layout) -> Layout:
    """The layout with no indicators of its own: any header with an area column is accepted (mapping screen)."""
    return replace(layout, indicators=())


def layout_choices() -> list[tuple[str, str, str]]:
    """(name, Japanese label, English label) of the built-in layouts."""
    return [(layout.name, layout.label_ja, layout.label_en) for layout in LAYOUTS.values()]


def municipality_by_code(code: str) -> Municipality | None:
    """A municipality by its 6-digit or 5-digit code (the command's --municipality)."""
    code = (code or "").strip()
    return Municipality.objects.filter(code=code).first() or Municipality.objects.filter(jis_code=code).first()


__all__ = ["discard_upload", "file_header", "indicator_file_import", "indicator_mapping_for_header",
           "indicator_mapping_save", "layout_choices", "municipality_by_code", "report_lines", "store_upload",
           "stored_upload", "stored_upload_path"]
