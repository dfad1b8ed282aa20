"""Import the national survey's answers (the long CSV of `importers.implementation`): all or nothing, fast.

The same result as `implementation_save` per municipality (sheet of the fiscal year created or updated, items of
the file written, the others kept, source=import, confirmed), but written with bulk_create/bulk_update: 1,741
municipalities × 8 items in seconds. Every object written gets one audit entry (`audit.record_many`) with the
municipality as owner. `membership=None` is the system (the CLI); staff are asked `region.import_implementation`
on every municipality a row resolves to, and a row of a municipality they may not import is rejected.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from renkei.core import audit, policy
from renkei.core.files import FileError, RowError
from renkei.core.models import AuditEntry, ProgramItem

from ..importers.implementation import Sheet, read_answers
from ..models import Implementation, ItemImplementation

IMPORT = "region.import_implementation"
SHEET_FIELDS = ("source", "training_contents", "difficulties", "support_wishes", "answered_questions",
                "confirmed_at", "confirmed_by")
ITEM_FIELDS = ("status", "stage", "operation", "prefecture_supported")


@dataclass
class ImportReport:
    fiscal_year: int
    rows: int = 0
    municipalities: int = 0
    created: list[str] = field(default_factory=list)  # municipality names whose sheet was created
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    items_created: int = 0
    items_updated: int = 0
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False
    encoding: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> tuple[str, str]:
        """(Japanese, English) one-line summary."""
        verb_ja, verb_en = ("確認のみ（書き込みなし）", "dry run (nothing written)") if self.dry_run else ("", "")
        ja = (f"{self.fiscal_year}年度：{self.rows} 行、{self.municipalities} 市区町村（新規 {len(self.created)}、"
              f"更新 {len(self.updated)}、変更なし {len(self.unchanged)}）、取組の行 新規 {self.items_created}・"
              f"更新 {self.items_updated} {verb_ja}").strip()
        en = (f"FY{self.fiscal_year}: {self.rows} rows, {self.municipalities} municipalities ({len(self.created)} "
              f"created, {len(self.updated)} updated, {len(self.unchanged)} unchanged), item rows "
              f"{self.items_created} created, {self.items_updated} updated {verb_en}").strip()
        return ja, en


def _authorisation_errors(membership, sheets: list[Sheet]) -> list[RowError]:
    if membership is None:
        return []
    errors = []
    for sheet in sheets:
        if not policy.check(membership, IMPORT, sheet.municipality):
            m = sheet.municipality
            errors.append(RowError(f"{m.prefecture.name}{m.name}（{m.code}）の回答は取り込めません（所管外の市区町村です）",
                                   f"{m.code}: you may not import answers of this municipality (another prefecture's)",
                                   row=sheet.first_row, column="市区町村コード"))
    return errors


def implementation_import(*, data: bytes, fiscal_year: int, membership=None, dry_run: bool = False) -> ImportReport:
    """Read and check the file; unless `dry_run` or a row is rejected, write every sheet in one transaction."""
    report = ImportReport(fiscal_year=fiscal_year, dry_run=dry_run)
    if not 2000 <= fiscal_year <= 2100:
        raise FileError(f"年度 {fiscal_year} は扱えません（2000〜2100）", f"fiscal year {fiscal_year} is out of range")
    read = read_answers(data)
    report.rows, report.encoding = read.rows, read.encoding
    report.municipalities = len(read.sheets)
    report.errors = sorted([*read.errors, *_authorisation_errors(membership, read.sheets)], key=lambda e: e.row or 0)
    if report.errors or not read.sheets:
        if not read.sheets and not report.errors:
            report.errors = [RowError("回答の行がありません", "the file holds no answers", row=None)]
        return report
    with transaction.atomic():
        _write(read.sheets, fiscal_year, membership, report)
        if dry_run:
            transaction.set_rollback(True)
    return report


def _sheet_values(sheet: Sheet, existing: Implementation | None) -> dict:
    values = {"source": Implementation.Source.IMPORT}
    if sheet.training_contents or existing is None:
        values["training_contents"] = sorted(set(sheet.training_contents))
    if sheet.answered_questions or existing is None:
        values["difficulties"] = sorted(set(sheet.difficulties))
        values["support_wishes"] = sorted(set(sheet.support_wishes))
        values["answered_questions"] = sheet.answered_questions
    return values


def _item_values(sheet: Sheet, item: str, row: ItemImplementation | None) -> dict:
    values = {"status": sheet.statuses[item]}
    if item == ProgramItem.B and (sheet.stage or row is None):
        values["stage"] = sheet.stage
    operation = sheet.operation(item)
    if operation or row is None:
        values["operation"] = operation
    if item in sheet.supported or row is None:
        values["prefecture_supported"] = sheet.supported.get(item)
    return values


def _changes(obj, values: dict) -> dict:
    return {name: [getattr(obj, name), value] for name, value in values.items() if getattr(obj, name) != value}


def _write(sheets: list[Sheet], fiscal_year: int, membership, report: ImportReport) -> None:
    now = timezone.now()
    by_municipality = {sheet.municipality.pk: sheet for sheet in sheets}
    existing = {i.municipality_id: i for i in Implementation.objects.select_for_update().filter(
        fiscal_year=fiscal_year, municipality_id__in=by_municipality)}
    for implementation in existing.values():
        implementation.municipality = by_municipality[implementation.municipality_id].municipality
    by_pk = {i.pk: i for i in existing.values()}
    rows = {}
    for row in ItemImplementation.objects.filter(implementation__in=list(existing.values())):
        row.implementation = by_pk[row.implementation_id]
        rows[(row.implementation_id, row.item)] = row
    audit_items: list[dict] = []
    new_sheets, changed_sheets = [], []
    for pk, sheet in by_municipality.items():
        implementation = existing.get(pk)
        values = _sheet_values(sheet, implementation)
        values["confirmed_by"] = membership
        if implementation is None:
            implementation = Implementation(municipality=sheet.municipality, fiscal_year=fiscal_year,
                                            confirmed_at=now, **values)
            new_sheets.append(implementation)
            report.created.append(sheet.municipality.name)
            continue
        changes = _changes(implementation, {k: v for k, v in values.items() if k != "confirmed_by"})
        sheet_items_change = any(_changes(rows[(implementation.pk, item)], _item_values(
            sheet, item, rows[(implementation.pk, item)])) if (implementation.pk, item) in rows else True
            for item in sheet.statuses)
        if not changes and not sheet_items_change and implementation.confirmed_at is not None:
            report.unchanged.append(sheet.municipality.name)
            continue
        for name, value in values.items():
            setattr(implementation, name, value)
        implementation.confirmed_at = now
        implementation.version += 1
        changed_sheets.append(implementation)
        report.updated.append(sheet.municipality.name)
        audit_items.append({"action": AuditEntry.Action.UPDATE, "obj": implementation, "permission": IMPORT,
                            "owner": sheet.municipality, "changes": {**changes, "confirmed_at": "import"}})
    Implementation.objects.bulk_create(new_sheets, batch_size=500)
    for implementation in new_sheets:
        audit_items.append({"action": AuditEntry.Action.CREATE, "obj": implementation, "permission": IMPORT,
                            "owner": implementation.municipality,
                            "changes": {"source": "import", "fiscal_year": fiscal_year, "confirmed_at": "import"}})
    if changed_sheets:
        Implementation.objects.bulk_update(changed_sheets, [*SHEET_FIELDS, "version", "updated_at"],
                                           batch_size=500)
    new_items, changed_items = [], []
    for implementation in [*new_sheets, *changed_sheets]:
        sheet = by_municipality[implementation.municipality_id]
        for item, _status in sheet.statuses.items():
            row = rows.get((implementation.pk, item))
            values = _item_values(sheet, item, row)
            if row is None:
                row = ItemImplementation(implementation=implementation, item=item, **values)
                new_items.append(row)
                continue
            changes = _changes(row, values)
            if not changes:
                continue
            for name, value in values.items():
                setattr(row, name, value)
            changed_items.append(row)
            audit_items.append({"action": AuditEntry.Action.UPDATE, "obj": row, "permission": IMPORT,
                                "owner": sheet.municipality, "changes": changes})
    ItemImplementation.objects.bulk_create(new_items, batch_size=1000)
    for row in new_items:
        audit_items.append({"action": AuditEntry.Action.CREATE, "obj": row, "permission": IMPORT,
                            "owner": row.implementation.municipality,
                            "changes": {k: v for k, v in _item_values(by_municipality[
                                row.implementation.municipality_id], row.item, None).items() if v not in (None, "")}})
    if changed_items:
        ItemImplementation.objects.bulk_update(changed_items, list(ITEM_FIELDS), batch_size=1000)
    report.items_created, report.items_updated = len(new_items), len(changed_items)
    audit.record_many(audit_items)
