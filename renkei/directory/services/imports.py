"""Importing public and municipal lists into the directory: all-or-nothing per file, with a dry run.

Every file goes through the same steps, in one transaction and in bounded memory: the source's importer
reads the file as a stream of rows (`importers/`) and each parsed row goes to a staging table
(`ImportStagingRow`); the staged rows are read back grouped by municipality (speciality files: by code),
and a batch at a time is matched against the directory (identifiers first, then normalized name + address
in the same municipality) and written with bulk inserts and updates. A rejected row anywhere in the file,
or a dry run, rolls the whole transaction back: nothing is written, the staging rows included. Public fields
are overwritten by a newer edition; collaboration details are never touched; facilities the same source no
longer lists (in the same scope) are closed, never deleted.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import heapq
import io
import itertools
import pickle
import re
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Q
from django.db.models.signals import post_save
from django.utils import timezone
from django.utils.translation import gettext_lazy

from renkei.core import audit, policy
from renkei.core.concurrency import for_write, next_version
from renkei.core.models import AuditEntry, Municipality

from ..importers import kaigo, mhlw, municipal
from ..importers.common import (
    FacilityRecord,
    FileError,
    HoursRecord,
    MunicipalityResolver,
    ParsedFile,
    RowError,
    departments_field,
)
from ..importers.limits import too_large, upload_limits
from ..importers.positions import drop_far_positions
from ..models import (
    ColumnMapping,
    Facility,
    FacilityIdentifier,
    ImportRun,
    ImportStagingRow,
    MergeCandidate,
    OpeningHours,
)
from ..normalize import name_key
from .facilities import refresh_derived_fields

BATCH = 1000
UPDATE_BATCH = 200  # CASE WHEN grows with the batch: SQLite evaluates it row by row
QUERY_CHUNK = 5000  # ids per `__in` query (SQLite's variable limit)
MAX_STORED_REJECTIONS = 500
# Staged rows compared and written together: a batch holds whole municipalities (whole facilities for a
# speciality file), so it may pass this by the rows of one municipality. Memory follows the batch, not the file.
STAGE_BATCH = 2000
# Positions staff placed by hand or facilities confirmed are better than any list's.
KEPT_POSITION_SOURCES = {Facility.CoordinateSource.MANUAL, Facility.CoordinateSource.SURVEY}
POSITION_FIELDS = ("latitude", "longitude", "coordinate_source", "coordinate_quality")
DERIVED_FROM = {"name", "kana", "name_romaji", "short_name", "address"}


@dataclass
class ImportContext:
    """What the files of one run share: a dry run of a speciality file sees the facilities of the files before."""

    pending: dict[tuple[str, str], int | None] = field(default_factory=dict)  # identifier → municipality id
    # When set, the caller recomputes coverage once for all files (the command line) instead of after each file.
    coverage_municipality_ids: set[int] | None = None


@dataclass
class _Plan:
    creates: list[FacilityRecord] = field(default_factory=list)
    updates: list[tuple[Facility, set[str], FacilityRecord | None]] = field(default_factory=list)
    source_only: list[Facility] = field(default_factory=list)
    identifiers: list[tuple[Any, str, str]] = field(default_factory=list)  # (Facility | FacilityRecord, scheme, value)
    hours: dict[Any, list] = field(default_factory=dict)  # Facility | FacilityRecord → [(weekday, opens, closes)]
    closes: list[Facility] = field(default_factory=list)
    candidates: list[tuple[FacilityRecord, int, float, str]] = field(default_factory=list)
    rejected: list[RowError] = field(default_factory=list)
    # Rows resolving to a facility the importer may not change: {"row", "facility_id", "name", "reason", "reason_en"}.
    skipped: list[dict] = field(default_factory=list)
    placeholders: list[dict] = field(default_factory=list)
    # Entries of the file (new, changed or not) that stay off the map: {"row", "facility_id", "name"}.
    without_position: list[dict] = field(default_factory=list)
    unchanged: int = 0
    skipped_out_of_scope: int = 0
    duplicates: int = 0
    pending: int = 0
    municipality_ids: set[int] = field(default_factory=set)


def import_file(*, source: str, file, file_name: str, membership=None, dry_run: bool = False,
                mapping: ColumnMapping | None = None, municipality=None,
                context: ImportContext | None = None, kind: str = "") -> ImportRun:
    """Import one file; returns its ImportRun (applied, dry run, or rejected with the reasons per row).

    `file`: bytes, a path, or a file object. `membership` None means an operator at the command line
    (everything in scope); otherwise rows outside the member's `directory.import` scope are skipped and
    counted. `municipality` narrows the scope (and reads addresses without a prefecture in its prefecture);
    for municipal lists it is the municipality whose list it is. `mapping` applies a saved column mapping.
    `kind` is the kind of facility of a municipal list's rows whose kind column is empty (chosen for the file).
    """
    if source not in ImportRun.Source.values or source in ("area_shapes", "mesh_population"):
        raise ValueError(f"unknown import source {source!r}")
    if municipality is None and mapping is not None:
        municipality = mapping.municipality
    if municipality is None and membership is not None and source == ImportRun.Source.MUNICIPAL:
        municipality = membership.organization.municipality
    if membership is not None and not policy.check(membership, "directory.import", municipality):
        raise PermissionDenied("directory.import")
    binary, size, sha256 = _open_file(file)
    run = ImportRun(source=source, file_name=str(file_name)[:255], sha256=sha256,
                    municipality=municipality, mapping=mapping,
                    started_by=membership.user if membership is not None else None, started_at=timezone.now())
    run.all_rejected_rows = []
    too_large_error = too_large(size)
    if too_large_error is not None:
        return _finish(run, ImportRun.Outcome.REJECTED, _empty_counts(), [too_large_error])
    resolver = MunicipalityResolver(hint=municipality)
    try:
        with binary, transaction.atomic():
            parsed, items = _stream(source, binary, file_name=str(file_name), resolver=resolver, mapping=mapping,
                                    municipality=municipality, kind=kind)
            run, rolled_back = _import_staged(run, parsed, items, source=source, membership=membership,
                                              municipality=municipality, dry_run=dry_run, context=context)
    except FileError as error:
        run.pk = None  # saved inside the transaction rolled back
        return _finish(run, ImportRun.Outcome.REJECTED, _empty_counts(), [error])
    if rolled_back is not None:  # a dry run or a rejected file: its run is saved once the transaction is undone
        run.pk = None
        return _finish(run, *rolled_back)
    return run


def _import_staged(run: ImportRun, parsed: ParsedFile, items: Iterator, *, source, membership, municipality,
                   dry_run: bool, context: ImportContext | None) -> tuple[ImportRun, tuple | None]:
    """Stage the rows, then plan and write a batch at a time; roll back (the caller's atomic) unless applied.

    Returns the run, and for a dry run or a rejected file (outcome, counts, errors) for `_finish` to save
    once the transaction is rolled back.
    """
    staging = _Staging(parsed)
    staging.stage(items)
    if parsed.rows == 0:
        raise FileError("見出しの後にデータ行がありません。", "The file has a header but no rows.")
    edition = _edition(parsed, run)
    totals = _Totals(rejected=list(staging.errors))
    writes = not dry_run and not totals.rejected
    if writes:
        # The per-facility audit entries name the run, so it is inserted first (rolled back with the rest when
        # a later row fails), raw: the audit log records it once, as created, with its outcome (below).
        run.outcome = ImportRun.Outcome.APPLIED
        run.save_base(raw=True)
    scope = _Scope(membership, municipality)
    state = _RunState()
    for records in staging.batches():
        plan = _Plan()
        if staging.hours:
            _plan_hours(plan, records, scope, context or ImportContext())
        else:
            _plan_facilities(plan, records, parsed=parsed, edition=edition, scope=scope, state=state,
                             check_positions=source != ImportRun.Source.MUNICIPAL)
        totals.add(plan)
        writes = writes and not totals.rejected
        if writes:
            touched = _apply(plan, parsed, edition=edition)
            state.created_ids.update(t.pk for t in touched if t.change == "created")
            _audit_each_facility(touched, run=run, source=source)
        elif dry_run and context is not None:
            for record in plan.creates:
                for identifier in record.identifiers:
                    context.pending[identifier] = record.municipality.pk
    if not staging.hours:
        for plan in _plan_closing(parsed, staging, scope, state=state):
            totals.add(plan)
            if writes and not totals.rejected:
                _audit_each_facility(_apply(plan, parsed, edition=edition), run=run, source=source)
    run.messages = parsed.messages[:100]
    counts = totals.counts(parsed)
    run.report = totals.report()
    if totals.rejected or dry_run:
        transaction.set_rollback(True)  # everything written above, the staging rows included
        outcome = ImportRun.Outcome.REJECTED if totals.rejected else ImportRun.Outcome.DRY_RUN
        return run, (outcome, counts, totals.rejected)
    staging.clear()
    _settle(run, ImportRun.Outcome.APPLIED, counts, [])
    run.save_base(raw=True)
    post_save.send(sender=ImportRun, instance=run, created=True, raw=False, using=run._state.db)
    audit.record(action=AuditEntry.Action.BULK, obj=run, object_label=run.file_name,
                 changes={"source": source, "counts": counts, "import_run": run.pk, "edition": edition})
    # The database's position index followed the rows written (triggers or GiST, see `spatial`).
    if counts["created"] or counts["updated"] or counts["closed"]:
        if context is not None and context.coverage_municipality_ids is not None:
            context.coverage_municipality_ids.update(totals.municipality_ids)
        else:
            municipality_ids = sorted(totals.municipality_ids)
            transaction.on_commit(lambda: _schedule_coverage(municipality_ids))
    return run, None


def mapping_for_header(*, municipality, headers: list[str]) -> ColumnMapping | None:
    """The saved mapping of this municipality (or its designated city) whose header signature matches."""
    signature = municipal.header_signature(headers)
    owners = [municipality.pk] + ([municipality.parent_id] if municipality.parent_id else [])
    return (ColumnMapping.objects.filter(header_signature=signature, municipality_id__in=owners)
            .order_by("-updated_at").first())


def column_mapping_save(*, municipality, name: str, kind: str, columns: dict, headers: list[str],
                        user=None) -> ColumnMapping:
    """Create or update a municipality's named column mapping (audited through the model signals)."""
    with transaction.atomic():
        mapping, _ = ColumnMapping.objects.get_or_create(municipality=municipality, name=name[:120],
                                                         defaults={"created_by": user})
        mapping.kind = kind
        mapping.columns = columns
        mapping.header_signature = municipal.header_signature(headers)
        mapping.save()
    return mapping


# --- parsing --------------------------------------------------------------------------------------

def _open_file(file) -> tuple[Any, int, str]:
    """(binary file object, size, sha256) without reading a file on disk into memory."""
    if isinstance(file, str | Path):
        digest, size = hashlib.sha256(), 0
        with open(file, "rb") as handle:
            while chunk := handle.read(1024 * 1024):
                digest.update(chunk)
                size += len(chunk)
        return open(file, "rb"), size, digest.hexdigest()  # noqa: SIM115 (closed by import_file)
    if isinstance(file, bytes | bytearray):
        data = bytes(file)
    elif hasattr(file, "chunks"):
        data = b"".join(file.chunks())
    else:
        data = file.read()
    return io.BytesIO(data), len(data), hashlib.sha256(data).hexdigest()


def _stream(source, binary, *, file_name, resolver, mapping, municipality, kind="") -> tuple[ParsedFile, Iterator]:
    """The file's ParsedFile and an iterator of its parsed rows (records, hours rows, RowErrors)."""
    if source == ImportRun.Source.MHLW:
        return mhlw.stream(binary, file_name=file_name, resolver=resolver)
    if source == ImportRun.Source.KAIGO:
        return kaigo.stream(binary, file_name=file_name, resolver=resolver)
    # A municipality's list is small (and may be an Excel workbook): parsed whole, then staged like the others.
    parsed = municipal.parse(binary.read(), file_name=file_name, resolver=resolver,
                             mapping=mapping.columns if mapping is not None else None, owner=municipality,
                             default_kind=kind or (mapping.kind if mapping is not None else ""),
                             list_name=mapping.name if mapping is not None else "")
    items = itertools.chain(parsed.errors, parsed.facilities)
    parsed.errors, parsed.facilities = [], []
    return parsed, items


def _edition(parsed: ParsedFile, run: ImportRun) -> str:
    """The edition label stored in Facility.sources: the file's date, else when this same file was first applied."""
    if parsed.edition:
        return parsed.edition.isoformat()
    earlier = (ImportRun.objects.filter(source=run.source, sha256=run.sha256, outcome=ImportRun.Outcome.APPLIED)
               .order_by("started_at").values_list("started_at", flat=True).first())
    return timezone.localdate(earlier or run.started_at).isoformat()


# --- staging: the file's rows in a table, read back a bounded batch at a time --------------------------

class _Staging:
    """The parsed rows of one file in ImportStagingRow, inside the import's transaction."""

    def __init__(self, parsed: ParsedFile):
        self.parsed = parsed
        self.run_key = uuid.uuid4().hex
        self.errors: list[RowError] = []
        self.hours = parsed.layout == "mhlw_hours"
        self.municipalities: dict[int, Any] = {}
        # What closing needs of the whole file, kept instead of its records.
        self.facility_rows = 0
        self.prefecture_ids: set[int] = set()
        self.service_types: set[str] = set()
        self.all_have_service_type = True

    def stage(self, items: Iterator) -> None:
        """Write the parsed rows in batches; RowErrors are kept (the file will be rejected)."""
        pending: list[tuple] = []
        rows: list = []  # a speciality file's consecutive rows of one facility, staged as one payload
        for item in items:
            if isinstance(item, RowError):
                self.errors.append(item)
                continue
            if not self.hours:
                pending.append((self.run_key, *self._facility_row(item)))
            elif rows and item.value != rows[0].value:
                pending.append(self._hours_row(rows))
                rows = [item]
            else:
                rows.append(item)
            if len(pending) >= BATCH:
                self._insert(pending)
                pending = []
        if rows:
            pending.append(self._hours_row(rows))
        self._insert(pending)

    def _insert(self, rows: list[tuple]) -> None:
        """Plain executemany: the values are already what the columns hold (text, a number, bytes)."""
        if rows:
            quote = connection.ops.quote_name
            columns = ", ".join(quote(name) for name in ("run_key", "group_key", "row", "payload"))
            with connection.cursor() as cursor:
                cursor.executemany(f"INSERT INTO {quote(ImportStagingRow._meta.db_table)} ({columns}) "  # noqa: S608
                                   "VALUES (%s, %s, %s, %s)", rows)

    def _hours_row(self, rows: list) -> tuple:
        payload = [(row.row, row.department, row.periods) for row in rows]
        return self.run_key, rows[0].value, rows[0].row, pickle.dumps(payload, pickle.HIGHEST_PROTOCOL)

    def _facility_row(self, record: FacilityRecord) -> tuple[str, int, bytes]:
        municipality = record.municipality
        self.municipalities.setdefault(municipality.pk, municipality)
        self.facility_rows += 1
        self.prefecture_ids.add(municipality.prefecture_id)
        if "service_type" in record.values:
            self.service_types.add(record.values["service_type"] or "")
        else:
            self.all_have_service_type = False
        # A plain tuple (the municipality by id, the kind as text) pickles and loads several times faster.
        values = {**record.values, "kind": str(record.values["kind"])}
        identifiers = [(str(scheme), value) for scheme, value in record.identifiers]
        payload = (record.row, municipality.pk, values, identifiers, record.corporate_number, record.opening_hours)
        return f"{municipality.pk:012d}", record.row, pickle.dumps(payload, pickle.HIGHEST_PROTOCOL)

    def _groups(self) -> Iterator[tuple[str, list[bytes]]]:
        """Payloads grouped by group_key, in (group_key, row) order, read a page at a time (keyset)."""
        rows = ImportStagingRow.objects.filter(run_key=self.run_key).order_by("group_key", "row")
        last_group, last_row, group = None, 0, []
        while True:
            page = rows
            if last_group is not None:
                page = rows.filter(Q(group_key__gt=last_group) | Q(group_key=last_group, row__gt=last_row))
            page = list(page.values_list("group_key", "row", "payload")[:BATCH * 5])
            if not page:
                break
            for group_key, row, payload in page:
                if group and group_key != last_group:
                    yield last_group, group
                    group = []
                group.append(bytes(payload))
                last_group, last_row = group_key, row
        if group:
            yield last_group, group

    def batches(self) -> Iterator[list]:
        """Lists of FacilityRecord (whole municipalities) or HoursRecord (whole facilities), about STAGE_BATCH long."""
        batch: list = []
        for group_key, group in self._groups():
            items = [pickle.loads(payload) for payload in group]  # noqa: S301 (written by this import, just now)
            if self.hours:
                value = group_key
                batch.append(mhlw.hours_record([mhlw.HoursRow(row, value, department, periods)
                                                for rows in items for row, department, periods in rows]))
            else:
                batch += [FacilityRecord(row=row, municipality=self.municipalities[municipality_id], values=values,
                                         identifiers=identifiers, corporate_number=corporate_number,
                                         opening_hours=opening_hours)
                          for row, municipality_id, values, identifiers, corporate_number, opening_hours in items]
            if len(batch) >= STAGE_BATCH:
                yield batch
                batch = []
        if batch:
            yield batch

    def clear(self) -> None:
        """Delete the staged rows (one DELETE: a queryset delete would load them)."""
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {quote(ImportStagingRow._meta.db_table)} "  # noqa: S608 (a model's name)
                           f"WHERE {quote('run_key')} = %s", [self.run_key])


@dataclass
class _RunState:
    """What batches of one file share: facilities already listed by an earlier batch or created by this run."""

    listed: set[int] = field(default_factory=set)
    created_ids: set[int] = field(default_factory=set)


class _Smallest:
    """The `limit` entries with the smallest keys (rows, None last), of however many are added."""

    def __init__(self, limit: int = MAX_STORED_REJECTIONS):
        self.limit = limit
        self.total = 0
        self._heap: list = []
        self._counter = itertools.count()

    def add(self, row: int | None, entry) -> None:
        """`entry`: the dict, or a function making it (called only when the entry is kept)."""
        self.total += 1
        key = (-(row is None), -(row or 0))  # a max-heap by row, earlier added first among equal rows
        order = -next(self._counter)
        if len(self._heap) >= self.limit and (key, order) <= self._heap[0][:2]:
            return
        item = (key, order, entry() if callable(entry) else entry)
        if len(self._heap) < self.limit:
            heapq.heappush(self._heap, item)
        else:
            heapq.heapreplace(self._heap, item)

    def entries(self) -> list[dict]:
        return [entry for *_, entry in sorted(self._heap, reverse=True)]


@dataclass
class _Totals:
    """The counts and the bounded report of a file, summed over its batches."""

    rejected: list[RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    closed: int = 0
    candidates: int = 0
    skipped_out_of_scope: int = 0
    duplicates: int = 0
    changes: _Smallest = field(default_factory=_Smallest)
    skipped: _Smallest = field(default_factory=_Smallest)
    placeholders: _Smallest = field(default_factory=_Smallest)
    without_position: _Smallest = field(default_factory=_Smallest)
    municipality_ids: set[int] = field(default_factory=set)

    def add(self, plan: _Plan) -> None:
        self.rejected += plan.rejected
        self.created += len(plan.creates)
        self.updated += len(plan.updates) + plan.pending
        self.unchanged += plan.unchanged
        self.closed += len(plan.closes)
        self.candidates += len(plan.candidates)
        self.skipped_out_of_scope += plan.skipped_out_of_scope
        self.duplicates += plan.duplicates
        self.municipality_ids |= plan.municipality_ids
        for record in plan.creates:
            self.changes.add(record.row, lambda r=record: {"row": r.row, "facility_id": None, "name": r.name,
                                                           "change": "created", "fields": []})
        for facility, changed, record in plan.updates:
            row = getattr(record, "row", None)
            self.changes.add(row, lambda f=facility, c=changed, row=row: {
                "row": row, "facility_id": f.pk, "name": f.name, "change": "updated", "fields": sorted(c)})
        for facility in plan.closes:
            self.changes.add(None, {"row": None, "facility_id": facility.pk, "name": facility.name,
                                    "change": "closed", "fields": ["status"]})
        for entry in plan.skipped:
            self.skipped.add(entry["row"], entry)
        for entry in plan.placeholders:
            self.placeholders.add(entry["row"], entry)
        for entry in plan.without_position:
            self.without_position.add(entry["row"], entry)

    def counts(self, parsed: ParsedFile) -> dict[str, int]:
        return {"rows": parsed.rows, "created": self.created, "updated": self.updated,
                "unchanged": self.unchanged, "closed": self.closed, "rejected": len(self.rejected),
                "merge_candidates": self.candidates, "skipped_out_of_scope": self.skipped_out_of_scope,
                "duplicates": self.duplicates, "positions_dropped": parsed.positions_dropped,
                "placeholders": self.placeholders.total, "without_position": self.without_position.total}

    def report(self) -> dict:
        """Which rows change which fields (before "apply"), rows skipped, placeholders, entries without a position."""
        return {"changes": self.changes.entries(), "changes_total": self.changes.total,
                "skipped": self.skipped.entries(), "skipped_total": self.skipped.total,
                "placeholders": self.placeholders.entries(), "placeholders_total": self.placeholders.total,
                "without_position": self.without_position.entries(),
                "without_position_total": self.without_position.total}


# --- planning: everything decided in memory, nothing written --------------------------------------

class _Known(NamedTuple):
    pk: int
    kind: str
    service_type: str
    name: str
    address_key: str
    municipality_id: int
    status: str


class _Scope:
    def __init__(self, membership, municipality):
        self.membership = membership
        self.municipality = municipality
        self._cache: dict[int, bool] = {}

    def allows(self, municipality) -> bool:
        allowed = self._cache.get(municipality.pk)
        if allowed is None:
            allowed = True
            if self.municipality is not None:
                allowed = municipality.pk == self.municipality.pk or municipality.parent_id == self.municipality.pk
            if allowed and self.membership is not None:
                allowed = policy.check(self.membership, "directory.import", municipality)
            self._cache[municipality.pk] = allowed
        return allowed

    def allows_facility(self, facility) -> bool:
        """May this run write to an existing facility: its municipality is in the run's scope and the policy
        lets the member import into that very facility (not only into the municipality the row names)."""
        if not self.allows(facility.municipality):
            return False
        return self.membership is None or policy.check(self.membership, "directory.import", facility)

    def facilities(self):
        queryset = Facility.objects.all()
        if self.municipality is not None:
            queryset = queryset.filter(Q(municipality=self.municipality) | Q(municipality__parent=self.municipality))
        if self.membership is not None:
            queryset = policy.scope(self.membership, "directory.import", queryset)
        return queryset


def _chunks(items: list, size: int = QUERY_CHUNK) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _load_facilities(ids: Iterable[int]) -> dict[int, Facility]:
    loaded: dict[int, Facility] = {}
    for chunk in _chunks(sorted(set(ids))):
        loaded.update((f.pk, f) for f in Facility.objects.filter(pk__in=chunk))
    # One instance per municipality (not select_related's one per row): the policy reads facility.municipality.
    municipalities = Municipality.objects.in_bulk({f.municipality_id for f in loaded.values()})
    for facility in loaded.values():
        facility.municipality = municipalities[facility.municipality_id]
    return loaded


def _identifier_index(identifiers: set[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """{(scheme, value): facility id} of these identifiers (a batch's, not every identifier of the scheme)."""
    found: dict[tuple[str, str], int] = {}
    schemes = sorted({scheme for scheme, _ in identifiers})
    for chunk in _chunks(sorted({value for _, value in identifiers}), 900):
        for scheme, value, facility_id in (FacilityIdentifier.objects.filter(scheme__in=schemes, value__in=chunk)
                                           .values_list("scheme", "value", "facility_id")):
            if (scheme, value) in identifiers:
                found[(scheme, value)] = facility_id
    return found


def _existing_hours(facility_ids: list[int]) -> dict[int, list]:
    hours: dict[int, list] = {}
    for chunk in _chunks(facility_ids):
        for facility_id, weekday, opens, closes in (OpeningHours.objects.filter(facility_id__in=chunk)
                                                    .values_list("facility_id", "weekday", "opens", "closes")):
            hours.setdefault(facility_id, []).append((weekday, opens, closes))
    return {k: sorted(v) for k, v in hours.items()}


def _plan_facilities(plan: _Plan, batch: list[FacilityRecord], *, parsed: ParsedFile, edition: str, scope: _Scope,
                     state: _RunState, check_positions: bool) -> None:
    """Match a batch of records (whole municipalities) against the directory and decide what changes."""
    if check_positions:  # per municipality, so a batch of whole municipalities checks as the whole file would
        checked = ParsedFile(source_key=parsed.source_key, facilities=batch)
        drop_far_positions(checked)
        parsed.positions_dropped += checked.positions_dropped
        parsed.messages += checked.messages[:max(0, 100 - len(parsed.messages))]
    records = []
    for record in batch:
        if scope.allows(record.municipality):
            records.append(record)
        else:
            _skip_outside(plan, record)
    identifiers = {identifier for record in records for identifier in record.identifiers}
    identifier_index = _identifier_index(identifiers) if identifiers else {}
    _flag_placeholders(plan, records)
    matched: dict[int, FacilityRecord] = {}
    unmatched: list[FacilityRecord] = []
    for record in records:
        facility_id = next((identifier_index[i] for i in record.identifiers if i in identifier_index), None)
        if facility_id is None:
            unmatched.append(record)
        elif facility_id in matched or facility_id in state.listed or facility_id in state.created_ids:
            plan.duplicates += 1  # listed by an earlier row (of this batch or of one before)
        else:
            matched[facility_id] = record
    candidates_by_name, candidates_by_address, exact = _name_address_index(unmatched)
    seen_new: set[tuple] = set()
    for record in unmatched:
        key = (record.municipality.pk, name_key(record.name), _address_key(record))
        # Several entries may share a name and an address (a hospital and its nursing station): the row
        # takes the one of its own kind, so an unchanged list matches every entry again.
        facility = next((f for f in exact.get(key, []) if f.pk not in matched and f.pk not in state.listed
                         and (f.kind, f.service_type) == (
            record.kind, record.values.get("service_type", f.service_type))), None)
        if facility is not None:
            matched[facility.pk] = record
            continue
        # Rows with their own code are distinct facilities even when the name and address repeat (two
        # registrations in one building); rows without any code are the same facility listed twice.
        if not record.identifiers:
            if (*key, record.kind, record.values.get("service_type", "")) in seen_new:
                plan.duplicates += 1
                continue
            seen_new.add((*key, record.kind, record.values.get("service_type", "")))
        plan.creates.append(record)
        _doubtful_pairs(plan, record, key, candidates_by_name, candidates_by_address, exact)
    facilities = _load_facilities(matched)
    for pk, record in list(matched.items()):
        if not scope.allows_facility(facilities[pk]):
            del matched[pk]
            by_code = any(identifier_index.get(i) == pk for i in record.identifiers)
            _skip(plan, row=record.row, facility=facilities[pk], by_code=by_code)
    hours_ids = [pk for pk, record in matched.items() if record.opening_hours is not None]
    existing_hours = _existing_hours(hours_ids) if hours_ids else {}
    own_identifiers = _identifiers_of([pk for pk, r in matched.items() if r.identifiers or r.corporate_number])
    for pk, record in matched.items():
        _plan_update(plan, facilities[pk], record, parsed.source_key, edition, existing_hours, own_identifiers)
    for record in plan.creates:
        plan.municipality_ids.add(record.municipality.pk)
        if record.values.get("latitude") is None or record.values.get("longitude") is None:
            plan.without_position.append({"row": record.row, "facility_id": None, "name": record.name})
        if record.opening_hours:
            plan.hours[record] = record.opening_hours
    state.listed.update(matched)


def _skip_outside(plan: _Plan, record: FacilityRecord) -> None:
    """A row of a municipality outside the importer's scope (another prefecture's, in a national file): skipped,
    with the reason in both languages."""
    plan.skipped_out_of_scope += 1
    where = str(record.municipality)
    plan.skipped.append({
        "row": record.row, "facility_id": None, "name": str(record.values.get("name", ""))[:200],
        "reason": f"この行は{where}の施設で、取り込む権限のある市区町村ではないため取り込みませんでした。",
        "reason_en": f"This row is a facility of {where}, outside the municipalities you may import for; "
                     "the row was skipped.",
    })


def _skip(plan: _Plan, *, row: int | None, facility, by_code: bool = True) -> None:
    """A row resolving to a facility the importer may not change: skipped, with the reason in both languages."""
    plan.skipped_out_of_scope += 1
    where = str(facility.municipality)
    name = getattr(facility, "name", "") or f"#{facility.pk}"
    matched_by = ("コード" if by_code else "名称と住所")
    matched_by_en = ("The code matches" if by_code else "The name and address match")
    plan.skipped.append({
        "row": row, "facility_id": facility.pk, "name": name,
        "reason": f"この行の{matched_by}が{where}の「{name}」と一致しますが、その施設を変更する権限がないため"
                  "取り込みませんでした。",
        "reason_en": f"{matched_by_en} “{name}” of {where}, a facility you may not change; the row was skipped.",
    })


# Obvious stand-ins left in a list: 「〇〇」 in a name, 000-000-0000, a corporation named "-".
_PLACEHOLDER_TEXT = re.compile(r"[〇○◯Ｏ]{2,}|[×✕Ｘ]{2,}|^[\-－ー―‐—・*＊?？]+$"
                               r"|^(なし|無し|未定|不明|該当なし|未記入)$")
_PLACEHOLDER_FIELDS = ("name", "corporation_name", "address", "phone", "fax")


def _is_placeholder(name: str, value) -> bool:
    if not isinstance(value, str) or not value.strip():
        return False
    if name in ("phone", "fax"):
        digits = re.sub(r"\D", "", value)
        return len(digits) >= 6 and len(set(digits)) == 1  # 000-000-0000, 9999999999
    return bool(_PLACEHOLDER_TEXT.search(value.strip()))


def _flag_placeholders(plan: _Plan, records: list[FacilityRecord]) -> None:
    """Note values that only stand in for the real one; they are imported as given, but staff should look."""
    for record in records:
        for name in _PLACEHOLDER_FIELDS:
            value = record.values.get(name)
            if _is_placeholder(name, value):
                plan.placeholders.append({
                    "row": record.row, "field": name, "value": str(value)[:100],
                    "reason": f"「{value}」は仮の値のようです。元の一覧を確認してください。",
                    "reason_en": f"“{value}” looks like a placeholder; check the original list."})


def _address_key(record: FacilityRecord) -> str:
    from ..normalize import address_key

    return address_key(record.values.get("address", ""))


def _name_address_index(records: list[FacilityRecord]):
    """Existing facilities of the records' municipalities, keyed for exact and doubtful matches."""
    by_name: dict[tuple, list[Facility]] = {}
    by_address: dict[tuple, list[Facility]] = {}
    exact: dict[tuple, list[_Known]] = {}
    municipality_ids = sorted({r.municipality.pk for r in records})
    for chunk in _chunks(municipality_ids, 500):
        # Open entries first, then the oldest: a row takes the entry it matched last time, not a closed twin.
        rows = Facility.objects.filter(municipality_id__in=chunk).values_list(
            "id", "kind", "service_type", "name", "address_key", "municipality_id", "status")
        rows = sorted(rows, key=lambda row: (row[6] != Facility.Status.OPEN, row[0]))
        for facility in (_Known(*row) for row in rows):  # plain tuples: a national list builds no model objects
            key = name_key(facility.name)
            by_name.setdefault((facility.municipality_id, key), []).append(facility)
            if facility.address_key:
                by_address.setdefault((facility.municipality_id, facility.address_key), []).append(facility)
            exact.setdefault((facility.municipality_id, key, facility.address_key), []).append(facility)
    return by_name, by_address, exact


def _doubtful_pairs(plan, record, key, by_name, by_address, exact) -> None:
    municipality_id, name, address = key
    others: dict[int, tuple[float, str]] = {}
    for facility in exact.get(key, []):  # same name and address but another kind
        others[facility.pk] = (0.9, "same name and address, different kind / 名称・住所が同じで種類が異なる")
    for facility in by_name.get((municipality_id, name), []):
        if facility.pk not in others and facility.address_key != address:
            others[facility.pk] = (0.7, "same name, different address / 名称が同じで住所が異なる")
    for facility in by_address.get((municipality_id, address), []) if address else []:
        if facility.pk in others:
            continue
        ratio = difflib.SequenceMatcher(None, name, name_key(facility.name)).ratio()
        if ratio >= 0.6 or name in name_key(facility.name) or name_key(facility.name) in name:
            others[facility.pk] = (round(max(ratio, 0.6), 2), "same address, similar name / 住所が同じで名称が似ている")
    for other_id, (score, reason) in others.items():
        plan.candidates.append((record, other_id, score, reason))


def _identifiers_of(facility_ids: list[int]) -> dict[int, set[tuple[str, str]]]:
    result: dict[int, set[tuple[str, str]]] = {}
    for chunk in _chunks(facility_ids):
        for facility_id, scheme, value in (FacilityIdentifier.objects.filter(facility_id__in=chunk)
                                           .values_list("facility_id", "scheme", "value")):
            result.setdefault(facility_id, set()).add((scheme, value))
    return result


def _plan_update(plan, facility: Facility, record: FacilityRecord, source_key, edition, existing_hours,
                 own_identifiers) -> None:
    values = dict(record.values)
    if facility.coordinate_source in KEPT_POSITION_SOURCES:
        for name in POSITION_FIELDS:
            values.pop(name, None)
    changed = {name for name, value in values.items() if getattr(facility, name) != value}
    if facility.status == Facility.Status.CLOSED:
        changed |= {"status", "closed_on", "closed_reason"}
    present = own_identifiers.get(facility.pk, set())
    for scheme, value in record.identifiers:
        if (scheme, value) not in present:
            plan.identifiers.append((facility, scheme, value))
            changed.add("identifiers")
    if record.corporate_number and (FacilityIdentifier.Scheme.CORPORATE_NUMBER, record.corporate_number) not in present:
        plan.identifiers.append((facility, FacilityIdentifier.Scheme.CORPORATE_NUMBER, record.corporate_number))
        changed.add("identifiers")
    if record.opening_hours is not None and sorted(record.opening_hours) != existing_hours.get(facility.pk, []):
        plan.hours[facility] = record.opening_hours
        changed.add("opening_hours")
    for name in changed & set(values):
        setattr(facility, name, values[name])
    if not facility.has_position:
        plan.without_position.append({"row": record.row, "facility_id": facility.pk, "name": facility.name})
    if changed:
        if facility.status == Facility.Status.CLOSED:
            facility.status, facility.closed_on, facility.closed_reason = Facility.Status.OPEN, None, ""
        plan.updates.append((facility, changed, record))
        plan.municipality_ids.add(facility.municipality_id)
    else:
        plan.unchanged += 1
    if (facility.sources or {}).get(source_key) != edition:
        facility.sources = {**(facility.sources or {}), source_key: edition}
        if not changed:
            plan.source_only.append(facility)


def _plan_closing(parsed: ParsedFile, staging: _Staging, scope: _Scope, *, state: _RunState) -> Iterator[_Plan]:
    """Facilities this source listed before, of the file's kinds and places, that this edition leaves out.

    Planned once every batch is written, in plans of QUERY_CHUNK facilities: the ones listed or created by
    this run are left out by id.
    """
    if not staging.facility_rows or not parsed.kinds:
        return
    # Only the service types the file holds: the care-service data comes as one file per service type.
    queryset = scope.facilities().filter(status=Facility.Status.OPEN, kind__in=sorted(parsed.kinds),
                                         sources__has_key=parsed.source_key)
    if staging.all_have_service_type:
        queryset = queryset.filter(service_type__in=staging.service_types)
    if not parsed.source_key.startswith("municipal:"):
        # A national file cut to one prefecture must not close the rest of the country.
        queryset = queryset.filter(prefecture_id__in=staging.prefecture_ids)
    gone = [pk for pk in queryset.values_list("pk", flat=True)
            if pk not in state.listed and pk not in state.created_ids]
    for chunk in _chunks(gone):
        plan = _Plan(closes=list(_load_facilities(chunk).values()))
        plan.municipality_ids.update(f.municipality_id for f in plan.closes)
        yield plan


def _plan_hours(plan: _Plan, records: list[HoursRecord], scope: _Scope, context: ImportContext) -> None:
    """Departments and hours of a batch of facilities named by code (a speciality-and-hours file)."""
    identifier_index = _identifier_index({(record.scheme, record.value) for record in records})
    known = {}
    for record in records:
        key = (record.scheme, record.value)
        if key in identifier_index:
            known[identifier_index[key]] = record
        elif key in context.pending:
            plan.pending += 1  # created by the dry run of a facility file before this one
            if context.pending[key] is not None:
                plan.municipality_ids.add(context.pending[key])
        else:
            plan.rejected.append(RowError(
                f"ID「{record.value}」の施設が施設票にもデータベースにもありません（先に施設票を取り込んでください）。",
                f"No facility with the ID “{record.value}” in the facility file or the directory "
                "(import the facility file first).", row=record.row, column="ID"))
    pks = sorted(known)
    for chunk in _chunks(pks):
        facilities = {row[0]: _Ref(*row) for row in Facility.objects.filter(pk__in=chunk).values_list(
            "pk", "departments", "municipality_id", "prefecture_id", "name")}
        existing_hours = _existing_hours(chunk)
        municipalities = Municipality.objects.in_bulk({f.municipality_id for f in facilities.values()})
        for pk in chunk:
            record, facility = known[pk], facilities[pk]
            facility.municipality = municipalities[facility.municipality_id]
            if not scope.allows_facility(facility):
                _skip(plan, row=record.row, facility=facility)
                continue
            changed = set()
            departments = departments_field(record.departments)
            if facility.departments != departments:
                facility.departments = departments
                changed.add("departments")
            if sorted(record.opening_hours) != existing_hours.get(pk, []):
                plan.hours[facility] = record.opening_hours
                changed.add("opening_hours")
            if changed:
                plan.updates.append((facility, changed, record))
                plan.municipality_ids.add(facility.municipality_id)
            else:
                plan.unchanged += 1


@dataclass(eq=False)
class _Ref:
    """A facility as a speciality file updates it: its departments and the hours replaced by pk."""

    pk: int
    departments: str
    municipality_id: int
    prefecture_id: int
    name: str
    updated_at: Any = None
    municipality: Any = None  # set by the plan: the policy reads the facility's municipality


# --- writing --------------------------------------------------------------------------------------

class _Touched(NamedTuple):
    """A facility a run wrote to, as its audit entry names it."""

    pk: int
    name: str
    municipality_id: int
    prefecture_id: int
    change: str  # "created", "updated", "closed"
    fields: list[str]


def _write_changed_columns(facilities: list[Facility], fields_of: dict[int, frozenset[str]]) -> None:
    """Write each facility's changed columns only, so that a staff edit committed after this batch was planned
    keeps every field the file leaves alone (the instances hold the values read at planning).

    The rows are locked together first, in primary-key order (the one lock order), then written in groups
    of facilities that change the same columns.
    """
    facilities.sort(key=lambda f: f.pk)
    if connection.features.has_select_for_update:
        for chunk in _chunks([f.pk for f in facilities]):
            list(for_write(Facility.objects.filter(pk__in=chunk).order_by("pk")).values_list("pk", flat=True))
    groups: dict[frozenset[str], list[Facility]] = {}
    for facility in facilities:
        facility.version = next_version()
        groups.setdefault(fields_of[facility.pk], []).append(facility)
    for columns, group in groups.items():
        Facility.objects.bulk_update(group, sorted(columns | {"sources", "updated_at", "version"}),
                                     batch_size=UPDATE_BATCH)


def _apply(plan: _Plan, parsed: ParsedFile, *, edition: str) -> list[_Touched]:
    """Write the plan; returns every facility written to (for one audit entry each)."""
    now = timezone.now()
    created: dict[int, int] = {}  # id(record) → new facility pk; instances are dropped batch by batch (memory)
    touched: list[_Touched] = []
    for chunk in _chunks(plan.creates, BATCH):
        new_facilities = []
        for record in chunk:
            facility = Facility(prefecture_id=record.municipality.prefecture_id,
                                municipality_id=record.municipality.pk, sources={parsed.source_key: edition},
                                **record.values)
            refresh_derived_fields(facility)
            new_facilities.append(facility)
        Facility.objects.bulk_create(new_facilities, batch_size=BATCH)
        created.update((id(record), facility.pk) for record, facility in zip(chunk, new_facilities, strict=True))
        touched += [_Touched(f.pk, f.name, f.municipality_id, f.prefecture_id, "created", []) for f in new_facilities]
    identifiers = []
    for record in plan.creates:
        facility_id = created[id(record)]
        identifiers += [(facility_id, s, v) for s, v in record.identifiers]
        if record.corporate_number:
            identifiers.append((facility_id, "corporate_number", record.corporate_number))
    identifiers += [(f.pk, s, v) for f, s, v in plan.identifiers]
    _insert_rows(FacilityIdentifier, ["facility", "scheme", "value"], identifiers)

    updated_fields: set[str] = set()
    to_update = []
    fields_of: dict[int, frozenset[str]] = {}  # facility pk → the columns the file changes on it
    for facility, changed, _ in plan.updates:
        columns = changed - {"identifiers", "opening_hours"}
        if changed & DERIVED_FROM:
            refresh_derived_fields(facility)
            columns |= {"search_text", "address_key"}
        updated_fields |= columns
        fields_of[facility.pk] = frozenset(columns)
        facility.updated_at = now
        to_update.append(facility)
        touched.append(_Touched(facility.pk, facility.name, facility.municipality_id, facility.prefecture_id,
                                "updated", sorted(changed)))
    if to_update and updated_fields <= {"departments"}:
        # Speciality files change only departments; few distinct lists, so one UPDATE per list beats CASE WHEN.
        by_value: dict[str, list[int]] = {}
        for facility in to_update:
            by_value.setdefault(facility.departments, []).append(facility.pk)
        for departments, ids in by_value.items():
            for chunk in _chunks(ids):
                Facility.objects.filter(pk__in=chunk).update(departments=departments, updated_at=now,
                                                             version=next_version())
    elif to_update:
        _write_changed_columns(to_update, fields_of)
    if plan.source_only:
        for facility in plan.source_only:
            facility.version = next_version()
        Facility.objects.bulk_update(plan.source_only, ["sources", "version"], batch_size=UPDATE_BATCH)

    if plan.hours:
        replaced = [owner.pk for owner in plan.hours if not isinstance(owner, FacilityRecord)]
        _delete_hours(replaced)
        rows = []
        for owner, periods in plan.hours.items():
            facility_id = created[id(owner)] if isinstance(owner, FacilityRecord) else owner.pk
            rows += [(facility_id, d, a, b) for d, a, b in periods]
        _insert_rows(OpeningHours, ["facility", "weekday", "opens", "closes"], rows)

    if plan.closes:
        labels = {"mhlw": "医療情報ネット", "kaigo": "介護サービス情報公表システム"}
        label = labels.get(parsed.source_key, parsed.source_key)
        for chunk in _chunks([f.pk for f in plan.closes]):
            Facility.objects.filter(pk__in=chunk).update(
                status=Facility.Status.CLOSED, closed_on=timezone.localdate(), updated_at=now, version=next_version(),
                closed_reason=f"no longer in {label} {edition}"[:200])
        touched += [_Touched(f.pk, f.name, f.municipality_id, f.prefecture_id, "closed",
                             ["closed_on", "closed_reason", "status"]) for f in plan.closes]

    if plan.candidates:
        MergeCandidate.objects.bulk_create(
            [MergeCandidate(facility_id=created[id(record)], other_id=other_id, score=score, reason=reason[:200])
             for record, other_id, score, reason in plan.candidates], batch_size=BATCH, ignore_conflicts=True)
    return touched


def _audit_each_facility(touched: list[_Touched], *, run: ImportRun, source: str) -> None:
    """One entry per facility written, naming its municipality so that its staff see it in their audit log.

    The entry says which fields changed, not their values: the list itself is kept by the import run.
    """
    object_type = audit.object_type_of(Facility)
    actions = {"created": AuditEntry.Action.CREATE, "updated": AuditEntry.Action.UPDATE,
               "closed": AuditEntry.Action.UPDATE}
    audit.record_many([
        {"action": actions[t.change], "object_type": object_type, "object_id": t.pk, "object_label": t.name,
         "permission": "directory.import",
         "changes": {"import_run": run.pk, "source": source, "change": t.change, "fields": t.fields},
         "owner": audit.Owner(t.municipality_id, t.prefecture_id)}
        for t in touched])


def _delete_hours(facility_ids: list[int]) -> None:
    """Remove the opening hours a file replaces, in plain DELETEs (a queryset delete loads every row for signals)."""
    quote = connection.ops.quote_name
    table, column = quote(OpeningHours._meta.db_table), quote(OpeningHours._meta.get_field("facility").column)
    with connection.cursor() as cursor:
        for chunk in _chunks(facility_ids, 900):
            cursor.execute(f"DELETE FROM {table} WHERE {column} IN ({', '.join(['%s'] * len(chunk))})",  # noqa: S608
                           chunk)


def _insert_rows(model, field_names: list[str], rows: list[tuple]) -> None:
    """Plain multi-row INSERTs for rows that need no id back: no model instances, no per-row signals.

    Bulk writes are audited once per file by the caller (audit.record BULK), as bulk_create would be.
    """
    if not rows:
        return
    fields = [model._meta.get_field(name) for name in field_names]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    sql = (f"INSERT INTO {quote(model._meta.db_table)} ({columns}) "  # noqa: S608 (names from the model, values bound)
           f"VALUES ({', '.join(['%s'] * len(fields))})")
    prepared = [[f.get_db_prep_save(v, connection) for f, v in zip(fields, row, strict=True)] for row in rows]
    with connection.cursor() as cursor:
        for chunk in _chunks(prepared, BATCH * 5):
            cursor.executemany(sql, chunk)


def _schedule_coverage(municipality_ids: list[int]) -> None:
    from renkei.directory.jobs import schedule_coverage_recompute

    schedule_coverage_recompute(municipality_ids)


# --- the report -----------------------------------------------------------------------------------

def _empty_counts() -> dict[str, int]:
    return {"rows": 0, "created": 0, "updated": 0, "unchanged": 0, "closed": 0, "rejected": 0,
            "merge_candidates": 0, "skipped_out_of_scope": 0, "duplicates": 0, "positions_dropped": 0,
            "placeholders": 0, "without_position": 0}


def would_change(run: ImportRun) -> bool:
    """True when applying the run would write something (the import screen offers "apply" only then)."""
    counts = run.counts or {}
    return any(counts.get(key, 0) for key in ("created", "updated", "closed"))


def _finish(run: ImportRun, outcome: str, counts: dict, errors: list) -> ImportRun:
    _settle(run, outcome, counts, errors)
    run.save()
    return run


def _settle(run: ImportRun, outcome: str, counts: dict, errors: list) -> None:
    """Set the run's outcome, counts and rejected rows (sorted, the stored ones bounded)."""
    rows = []
    for error in errors:
        if isinstance(error, RowError):
            rows.append(error.as_dict())
        else:
            rows.append({"row": None, "column": "", "reason": error.reason, "reason_en": error.reason_en})
    rows.sort(key=lambda r: (r["row"] is not None, r["row"] or 0))
    if outcome == ImportRun.Outcome.REJECTED:
        counts = {**counts, "rejected": max(counts.get("rejected", 0), len(rows))}
        if any(r["row"] is None for r in rows):  # the file itself: nothing was read
            counts = {**counts, "created": 0, "updated": 0, "unchanged": 0, "closed": 0, "merge_candidates": 0}
    run.outcome = outcome
    run.counts = counts
    run.rejected_rows = rows[:MAX_STORED_REJECTIONS]
    run.all_rejected_rows = rows
    run.finished_at = timezone.now()


COUNT_LABELS = [
    ("rows", gettext_lazy("rows read")), ("created", gettext_lazy("created")),
    ("updated", gettext_lazy("updated")), ("unchanged", gettext_lazy("unchanged")),
    ("closed", gettext_lazy("closed (no longer listed)")), ("rejected", gettext_lazy("rejected")),
    ("merge_candidates", gettext_lazy("possible duplicates for review")),
    ("skipped_out_of_scope", gettext_lazy("skipped (outside your municipality)")),
    ("duplicates", gettext_lazy("listed twice in the file")),
    ("positions_dropped", gettext_lazy("positions dropped (far from their municipality)")),
    ("placeholders", gettext_lazy("placeholder values to check")),
    ("without_position", gettext_lazy("without a position (not on the map)")),
]


def counts_table(counts: dict) -> list[tuple[str, int]]:
    """[(label in the current language, number)] of an import run's counts, for the screen and the command."""
    return [(str(label), counts.get(key, 0)) for key, label in COUNT_LABELS]


def report_lines(run: ImportRun) -> list[str]:
    """The per-file report the command prints (counts, then each rejected row with its reason)."""
    lines = [f"{run.file_name}: {run.get_outcome_display()}",
             "  " + ", ".join(f"{label} {number}" for label, number in counts_table(run.counts))]
    report = run.report or {}
    for row in [*(getattr(run, "all_rejected_rows", None) or run.rejected_rows), *report.get("skipped", []),
                *report.get("placeholders", [])]:
        where = gettext_lazy("row %(row)s") % {"row": row["row"]} if row.get("row") else gettext_lazy("file")
        lines.append(f"  {where}: {row['reason']} / {row['reason_en']}")
    return lines


def stored_upload_path(sha256: str, suffix: str = ".csv") -> Path:
    """Where an uploaded file waits between its dry run and its application (deleted once applied)."""
    from django.conf import settings

    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise ValueError("not a sha256")
    return Path(settings.DATA_DIR) / "imports" / f"{sha256}{suffix}"


def store_upload(data: bytes, *, meta: dict) -> str:
    """Keep an upload under its sha256 (with its file name, source, municipality) so apply needs no re-upload."""
    import json

    sha = hashlib.sha256(data).hexdigest()
    path = stored_upload_path(sha)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.write_bytes(data)
    else:
        path.touch()  # uploaded again: its retention period starts again
    stored_upload_path(sha, ".json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    return sha


def load_upload(sha256: str) -> tuple[bytes, dict] | None:
    """(bytes, meta) of a kept upload, or None when it was applied or never stored."""
    import json

    try:
        path = stored_upload_path(sha256)
    except ValueError:
        return None
    if not path.exists():
        return None
    meta_path = stored_upload_path(sha256, ".json")
    meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {}
    return path.read_bytes(), meta


def upload_is_waiting(sha256: str) -> bool:
    """True while an upload is kept for its application."""
    try:
        return stored_upload_path(sha256).exists()
    except ValueError:
        return False


def discard_upload(sha256: str) -> None:
    for suffix in (".csv", ".json"):
        path = stored_upload_path(sha256, suffix)
        if path.exists():
            path.unlink()


def discard_old_uploads(*, now: dt.datetime | None = None, retention_days: int | None = None) -> int:
    """Delete the uploads kept longer than the retention period without being applied; returns how many.

    A dry run keeps its file so "apply" needs no second upload; one never applied would otherwise stay in
    DATA_DIR/imports for ever. The period is `retention_days` of the upload limits (settings).
    """
    from django.conf import settings

    days = upload_limits().retention_days if retention_days is None else retention_days
    cutoff = (now or timezone.now()).timestamp() - days * 86400
    folder = Path(settings.DATA_DIR) / "imports"
    if not folder.is_dir():
        return 0
    discarded = 0
    for path in folder.iterdir():
        if path.suffix not in (".csv", ".json") or len(path.stem) != 64:
            continue
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                discarded += path.suffix == ".csv"
        except FileNotFoundError:  # deleted meanwhile (applied, or another worker)
            continue
    return discarded


def last_seen(facility: Facility) -> dict[str, dt.date]:
    """{source key: edition date} from Facility.sources, for screens."""
    result = {}
    for key, value in (facility.sources or {}).items():
        try:
            result[key] = dt.date.fromisoformat(value)
        except (TypeError, ValueError):
            continue
    return result
