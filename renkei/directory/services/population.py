"""Import e-Stat 地域メッシュ統計 population files (国勢調査 1 km and 500 m meshes) into MeshPopulation.

The files e-Stat distributes per 1st mesh (e.g. `tblT001140S5339.txt`, 500 m: `tblT001141H5339.txt`):
CP932 text, a first header line of column codes and a second of Japanese names:

    KEY_CODE,HTKSYORI,HTKSAKI,GASSAN,T001140001,T001140002,…
    ,,,,人口（総数）,人口（総数）　男,…
    53394611,0,,,1234,600,…

KEY_CODE is the 8-digit (1 km) or 9-digit (500 m) mesh code. Cells with few residents are suppressed
(秘匿): HTKSYORI 2, values `*`, their figures added to the cell named in HTKSAKI (HTKSYORI 1, whose GASSAN
lists the sources). We store `*` as 0 and keep the destination's figure, so totals are preserved.
Older editions name the columns differently (T000876…, a CITYNAME column): columns are found by
their Japanese names, falling back to the table's first statistic for the total population.

All or nothing per file; rows are upserted in bulk (MeshPopulation is statistics: one audit entry).
Population rows are shared by every municipality, so an upload for a municipality writes only the cells of
its area (its shapes, else the box around its facilities): e-Stat files cover a whole 1st mesh (80 km), and
the cells of neighbouring municipalities are not imported but listed in the report with the reason, as the
area shapes import skips other municipalities' features. Without a municipality (a system administrator's
national load) every cell is written.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from renkei.core import audit
from renkei.core.models import AuditEntry, Municipality

from .. import mesh as jis_mesh
from ..models import ImportRun, MeshPopulation

MAX_REJECTS_STORED = 200
SUPPRESSED = {"*", "-", "", "X", "x"}


@dataclass
class PopulationImportReport:
    run: ImportRun
    rejects: list[dict] = field(default_factory=list)

    @property
    def is_rejected(self) -> bool:
        return self.run.outcome == ImportRun.Outcome.REJECTED


def _reason(ja: str, en: str, row: int | None = None) -> dict:
    return {"row": row, "reason": ja, "reason_en": en}


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("cp932")
    except UnicodeDecodeError:
        return data.decode("utf-8")


def _norm(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def _find_columns(codes: list[str], names: list[str]) -> dict[str, int]:
    """Positions of key, population, households and 65+ columns (by Japanese name, else by code)."""
    normalized = [_norm(n) for n in names]
    columns: dict[str, int] = {}
    if "KEY_CODE" in codes:
        columns["key"] = codes.index("KEY_CODE")
    for i, name in enumerate(normalized):
        if "population" not in columns and name in ("人口(総数)", "人口総数", "総人口"):
            columns["population"] = i
        if "households" not in columns and name in ("世帯総数", "世帯数", "一般世帯数"):
            columns["households"] = i
        if "aged_65_plus" not in columns and re.fullmatch(r"65歳以上人口(総数)?", name):
            columns["aged_65_plus"] = i
    if "population" not in columns:
        statistic = [i for i, c in enumerate(codes) if re.fullmatch(r"T\d{6}001", c)]
        if statistic:
            columns["population"] = statistic[0]
    return columns


def _count(text: str, row: int, column: str) -> tuple[int | None, dict | None, bool]:
    """(value, reject, suppressed) for one statistic."""
    value = unicodedata.normalize("NFKC", text).strip().replace(",", "")
    if value in SUPPRESSED:
        return 0, None, value == "*"
    if not value.isdecimal():  # isdigit() also admits digits int() refuses (e.g. "𐩀")
        return None, _reason(f"{column} の値「{text}」が数値ではありません。",
                             f"{column} value “{text}” is not a number.", row), False
    return int(value), None, False


def read_population(data: bytes) -> tuple[dict[str, dict], list[dict], dict]:
    """Parse a file: ({mesh_code: fields}, rejects, facts). Writes nothing."""
    try:
        text = _decode(data)
    except UnicodeDecodeError:
        return {}, [_reason("文字コードが CP932（Shift_JIS）でも UTF-8 でもありません。",
                            "The file is neither CP932 (Shift_JIS) nor UTF-8.")], {}
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        return {}, [_reason(f"CSV として読めません（{error}）。", f"Not readable as CSV ({error}).")], {}
    if not records:
        return {}, [_reason("ファイルが空です。", "The file is empty.")], {}
    reader = iter(records)
    codes = [c.strip() for c in next(reader)]
    names: list[str] = []
    columns = _find_columns(codes, names)
    if "key" not in columns:
        return {}, [_reason("KEY_CODE 列がありません。e-Stat の地域メッシュ統計（CSV 形式）の"
                            "ファイルを選んでください。",
                            "No KEY_CODE column: choose an e-Stat mesh statistics file (CSV).")], {}
    rows: dict[str, dict] = {}
    lines: dict[str, int] = {}
    rejects: list[dict] = []
    digits: set[int] = set()
    suppressed = 0
    line = 1
    for record in reader:
        line += 1
        if not record or not any(v.strip() for v in record):
            continue
        key = record[columns["key"]].strip() if len(record) > columns["key"] else ""
        if line == 2 and not key.isdigit():
            names = record  # the second header line: Japanese column names
            columns = {**_find_columns(codes, names), "key": columns["key"]}
            if "population" not in columns:
                return {}, [_reason("人口（総数）の列が見つかりません。", "No total population column.")], {}
            continue
        if "population" not in columns:
            return {}, [_reason("人口（総数）の列が見つかりません。", "No total population column.")], {}
        if not jis_mesh.is_valid_code(key) or len(key) not in (8, 9):
            rejects.append(_reason(f"メッシュコード「{key}」が 1km（8桁）・500m（9桁）メッシュではありません。",
                                   f"Mesh code “{key}” is not a 1 km (8-digit) or 500 m (9-digit) mesh.", line))
            continue
        digits.add(len(key))
        fields = {}
        for name in ("population", "households", "aged_65_plus"):
            if name not in columns:
                continue
            raw = record[columns[name]] if len(record) > columns[name] else ""
            value, problem, was_suppressed = _count(raw, line, codes[columns[name]])
            if problem:
                rejects.append(problem)
                break
            if name == "population":
                suppressed += was_suppressed
            fields[name] = value if (name == "population" or raw.strip() not in SUPPRESSED) else None
        else:
            if key in rows:
                rejects.append(_reason(f"メッシュコード「{key}」が重複しています。", f"Mesh code “{key}” repeats.",
                                       line))
                continue
            rows[key] = fields
            lines[key] = line
    if len(digits) > 1:
        rejects.append(_reason("1km と 500m のメッシュが混在しています。", "1 km and 500 m meshes are mixed.", None))
    if not rows and not rejects:
        rejects.append(_reason("データ行がありません。", "The file holds no data rows.", None))
    mesh = {8: "1km", 9: "500m"}.get(next(iter(digits))) if len(digits) == 1 else ""
    return rows, rejects, {"mesh": mesh, "suppressed": suppressed, "lines": lines}


def _outside_area(rows: dict[str, dict], lines: dict[str, int],
                  municipality: Municipality) -> dict[str, dict] | None:
    """{mesh code: reason} for the rows whose cell lies outside the municipality's area (None: area unknown)."""
    import numpy as np

    from .coverage import cells_in_area_of

    codes = list(rows)
    if not codes:
        return {}
    inside = cells_in_area_of(municipality, np.array([int(c) for c in codes], dtype=np.int64))
    if inside is None:
        return None
    return {code: _reason(f"メッシュ「{code}」は{municipality.name}の区域の外です（取り込みません）。",
                          f"Mesh {code} lies outside {municipality.name}: not imported.", lines.get(code))
            for code, is_inside in zip(codes, inside.tolist(), strict=True) if not is_inside}


def mesh_population_import(*, file, file_name: str, municipality: Municipality | None = None,
                           survey_year: int | None = None, user=None) -> PopulationImportReport:
    """Import one e-Stat mesh population file, all or nothing; re-computes coverage of the municipality."""
    data = file.read() if hasattr(file, "read") else bytes(file)
    run = ImportRun(source=ImportRun.Source.MESH_POPULATION, file_name=file_name[:255],
                    sha256=hashlib.sha256(data).hexdigest(), municipality=municipality, started_by=user,
                    outcome=ImportRun.Outcome.REJECTED)
    rows, rejects, facts = read_population(data)
    outside: list[dict] = []
    if not rejects and municipality is not None:
        found = _outside_area(rows, facts["lines"], municipality)
        if found is None:
            rejects = [_reason(f"{municipality.name}の区域が分かりません。区域の境界（GeoJSON）を読み込むか、"
                               "位置のある施設を登録してから取り込んでください。",
                               f"The area of {municipality.name} is not known: load its outline (GeoJSON) or "
                               "facilities with positions first.")]
        elif len(found) == len(rows):
            rejects = [_reason(f"ファイルのメッシュはどれも{municipality.name}の区域にありません。",
                               f"None of the file's cells lies in {municipality.name}."), *found.values()]
        else:
            outside = list(found.values())
            rows = {code: fields for code, fields in rows.items() if code not in found}
    report = PopulationImportReport(run=run, rejects=rejects)
    if rejects:
        run.counts = {"rows": len(rows) + len(rejects), "rejected": len(rejects)}
        run.rejected_rows = rejects[:MAX_REJECTS_STORED]
        run.finished_at = timezone.now()
        run.save()
        return report

    with transaction.atomic():
        existing: dict[str, tuple] = {}
        codes = list(rows)
        for start in range(0, len(codes), 900):
            for row in MeshPopulation.objects.filter(mesh_code__in=codes[start:start + 900]).values_list(
                    "mesh_code", "population", "households", "aged_65_plus", "survey_year"):
                existing[row[0]] = row[1:]
        objects, created, updated, unchanged = [], 0, 0, 0
        for code, fields in rows.items():
            values = (fields["population"], fields.get("households"), fields.get("aged_65_plus"), survey_year)
            if code not in existing:
                created += 1
            elif existing[code] == values:
                unchanged += 1
                continue
            else:
                updated += 1
            objects.append(MeshPopulation(mesh_code=code, population=values[0], households=values[1],
                                          aged_65_plus=values[2], survey_year=survey_year))
        MeshPopulation.objects.bulk_create(
            objects, batch_size=2000, update_conflicts=True, unique_fields=["mesh_code"],
            update_fields=["population", "households", "aged_65_plus", "survey_year"])
        run.outcome = ImportRun.Outcome.APPLIED
        run.counts = {"rows": len(rows) + len(outside), "created": created, "updated": updated,
                      "unchanged": unchanged, "rejected": 0, "outside_area": len(outside),
                      "suppressed": facts["suppressed"], "population": sum(f["population"] for f in rows.values())}
        run.rejected_rows = outside[:MAX_REJECTS_STORED]
        report.rejects = outside
        run.messages = [{"message": f"メッシュ: {facts['mesh']}", "message_en": f"Mesh: {facts['mesh']}"}]
        run.finished_at = timezone.now()
        run.save()
        audit.record(action=AuditEntry.Action.BULK, obj=run,
                     changes={"source": run.source, "created": created, "updated": updated,
                              "unchanged": unchanged, "outside_area": len(outside), "mesh": facts["mesh"],
                              "import_run": run.pk})
        if municipality is not None and (created or updated):
            from ..jobs import schedule_coverage_recompute

            schedule_coverage_recompute([municipality.pk], mesh=facts["mesh"] or "1km")
    return report
