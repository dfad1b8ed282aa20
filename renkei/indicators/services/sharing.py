"""Sharing indicator definitions between places as JSON packages (after DHIS2's metadata packages).

A package is `{"format": "renkei-indicators", "version": 1, "exported_at": "…", "exported_by": "…",
"definitions": [{code, name_ja, …}, …]}`: the definitions' codes and every field (`DEFINITION_FIELDS`), never
values, owners or ids. Importing makes the definitions the importer's own (their municipality's, or their
prefecture's, which the prefecture's municipalities then see): matched by code among the importer's own,
created, updated or unchanged; all or nothing, with the rejected entries and why (ja/en). Built-in
definitions and other owners' are never touched: a code they use becomes the importer's own definition,
which the importer's screens then prefer (`selectors.definition_by_code`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation

from renkei.core import audit, policy
from renkei.core.concurrency import StaleEdit, lock_in_order
from renkei.core.models import AuditEntry

from ..models import IndicatorDefinition
from ..selectors.definitions import definitions_visible, own_place
from .definitions import CODE_PATTERN, DEFINITION_FIELDS, definition_new

FORMAT, VERSION = "renkei-indicators", 1
MAX_PACKAGE_BYTES = 2 * 1024 * 1024
MAX_DEFINITIONS = 2000
CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


class PackageError(ValueError):
    """A package that cannot be read at all; `ja` and `en` are the message."""

    def __init__(self, ja: str, en: str):
        super().__init__(en)
        self.ja, self.en = ja, en


def definition_as_dict(definition: IndicatorDefinition) -> dict:
    return {name: getattr(definition, name) for name in DEFINITION_FIELDS}


def definitions_export(*, membership, definition_ids: list[int] | None = None) -> dict:
    """The package of the chosen definitions among those the member may use (ids out of reach are left out,
    as a 404 would), or of all the member's own when none are chosen. Recorded as one `export` audit entry."""
    from ..selectors.definitions import DefinitionFilter

    if definition_ids:
        definitions = list(definitions_visible(membership).filter(pk__in=definition_ids))
    else:
        definitions = list(definitions_visible(membership, DefinitionFilter(owner="own")))
    package = {
        "format": FORMAT, "version": VERSION, "exported_at": timezone.now().isoformat(timespec="seconds"),
        "exported_by": membership.organization.name,
        "definitions": [definition_as_dict(d) for d in sorted(definitions, key=lambda d: d.code)],
    }
    audit.record(action=AuditEntry.Action.EXPORT, object_type="indicators.indicatordefinition",
                 object_label=f"{len(definitions)} indicator definitions",
                 changes={"codes": [d.code for d in definitions][:200]},
                 permission="indicators.view_definitions", owner=membership.organization)
    return package


def package_json(package: dict) -> str:
    return json.dumps(package, ensure_ascii=False, indent=2)


def package_read(data: bytes | str) -> dict:
    """Parse a package file; raises PackageError with a message in ja/en when it is not one."""
    if isinstance(data, bytes):
        if len(data) > MAX_PACKAGE_BYTES:
            raise PackageError("ファイルが大きすぎます（2 MB まで）。", "The file is too large (at most 2 MB).")
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise PackageError("UTF-8 の JSON ファイルではありません。", "This is not a UTF-8 JSON file.") from None
    if len(data) > MAX_PACKAGE_BYTES:
        raise PackageError("ファイルが大きすぎます（2 MB まで）。", "The file is too large (at most 2 MB).")
    try:
        package = json.loads(data)
    except ValueError:
        raise PackageError("JSON として読めません。", "This cannot be read as JSON.") from None
    if not isinstance(package, dict) or package.get("format") != FORMAT:
        raise PackageError(f"Renkei の指標定義パッケージ（format: {FORMAT}）ではありません。",
                           f"This is not a Renkei indicator package (format: {FORMAT}).")
    if package.get("version") != VERSION:
        found = str(package.get("version"))[:10]
        raise PackageError(f"パッケージの版 {found} には対応していません（{VERSION} のみ）。",
                           f"Package version {found} is not supported (only {VERSION}).")
    definitions = package.get("definitions")
    if not isinstance(definitions, list):
        raise PackageError("definitions（指標定義の一覧）がありません。", "There is no “definitions” list.")
    if len(definitions) > MAX_DEFINITIONS:
        raise PackageError(f"指標定義が多すぎます（{MAX_DEFINITIONS} まで）。",
                           f"Too many definitions (at most {MAX_DEFINITIONS}).")
    return package


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    rejected: list[dict] = field(default_factory=list)  # {"index": 1, "code": "…", "ja": "…", "en": "…"}
    applied: bool = False

    @property
    def is_ok(self) -> bool:
        return not self.rejected


def _reject(report: ImportReport, index: int, code, ja: str, en: str) -> None:
    report.rejected.append({"index": index, "code": str(code or "")[:40], "ja": ja, "en": en})


def _validation_messages(instance: IndicatorDefinition) -> tuple[str, str] | None:
    """full_clean's messages in Japanese and in English (None when the definition is valid)."""
    messages = {}
    for language in ("ja", "en"):
        with translation.override(language):
            try:
                instance.full_clean(exclude=["owner_municipality", "owner_prefecture", "version"],
                                    validate_unique=False, validate_constraints=False)
            except ValidationError as error:
                messages[language] = " ".join(f"{name}: {' '.join(texts)}" for name, texts in
                                              error.message_dict.items())
    if not messages:
        return None
    return messages.get("ja", messages.get("en", "")), messages.get("en", messages.get("ja", ""))


def _list_of(value, allowed) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) and v in allowed for v in value)


def definitions_import(*, membership, package: dict, dry_run: bool = False) -> ImportReport:
    """Import a package as the member's own definitions, all or nothing (see the module docstring).

    Policy `indicators.manage_definitions` on each definition written. With `dry_run`, or when any entry is
    rejected, nothing is written. Each definition created or updated gets its audit entry (on save)."""
    from renkei.core.models.program import ProgramItem, Scene

    from ..models import AreaLevel

    municipality, prefecture = own_place(membership)
    report = ImportReport()
    if municipality is None and prefecture is None:
        _reject(report, 0, "", "システム管理者の取り込みは組み込みの指標を変えるため、できません。"
                "市区町村または都道府県の職員として取り込んでください。",
                "A system administrator's import would change the built-in library: import as municipal or "
                "prefecture staff.")
        return report
    template = definition_new(membership)
    policy.require(membership, "indicators.manage_definitions", template)
    own = {d.code: d for d in IndicatorDefinition.objects.filter(
        owner_municipality=template.owner_municipality, owner_prefecture=template.owner_prefecture)}
    seen: set[str] = set()
    planned: list[tuple[IndicatorDefinition, str]] = []
    for index, entry in enumerate(package.get("definitions", []), start=1):
        if not isinstance(entry, dict):
            _reject(report, index, "", "指標定義がオブジェクトではありません。", "The entry is not an object.")
            continue
        code = entry.get("code")
        if not isinstance(code, str) or not CODE_PATTERN.match(code):
            _reject(report, index, code, "コードがないか、使えない文字を含みます（英数字と _ . - で 40 文字まで）。",
                    "The code is missing or has characters that cannot be used (letters, digits, _ . -, up to 40).")
            continue
        if code in seen:
            _reject(report, index, code, f"コード {code} がパッケージの中で二度あります。",
                    f"The code {code} appears twice in the package.")
            continue
        seen.add(code)
        unknown = sorted(set(entry) - set(DEFINITION_FIELDS) - {"owner"})
        if unknown:
            _reject(report, index, code, f"知らない項目があります: {', '.join(unknown)[:200]}",
                    f"Unknown fields: {', '.join(unknown)[:200]}")
            continue
        for name, allowed in (("scenes", Scene.values), ("program_items", ProgramItem.values),
                              ("area_levels", AreaLevel.values)):
            if name in entry and not _list_of(entry[name], allowed):
                _reject(report, index, code, f"{name} に使えない値があります（使える値: {', '.join(allowed)}）。",
                        f"{name} holds a value that is not one of: {', '.join(allowed)}.")
                break
        else:
            existing = own.get(code)
            definition = IndicatorDefinition.objects.get(pk=existing.pk) if existing else definition_new(membership)
            before = definition_as_dict(definition) if existing else None
            bad_type = False
            for name in DEFINITION_FIELDS:
                if name not in entry:
                    continue
                value = entry[name]
                model_field = IndicatorDefinition._meta.get_field(name)
                if value is None and not model_field.null:
                    value = model_field.get_default()
                if isinstance(value, dict | list) and name not in ("scenes", "program_items", "area_levels"):
                    bad_type = True
                    break
                setattr(definition, name, value)
            if bad_type:
                _reject(report, index, code,
                        "値の形が正しくありません（文字・数・真偽値のはずの項目に一覧があります）。",
                        "A value has the wrong shape (a list or object where text, a number or true/false belongs).")
                continue
            messages = _validation_messages(definition)
            if messages:
                _reject(report, index, code, *messages)
                continue
            if before is not None and definition_as_dict(definition) == before:
                report.unchanged.append(code)
                continue
            (report.updated if existing else report.created).append(code)
            planned.append((definition, existing.version if existing else None))
    if report.rejected or dry_run:
        return report
    from .definitions import definition_save

    with transaction.atomic():
        # The lock order: every existing row first (by primary key), then the audited saves.
        stored = lock_in_order(IndicatorDefinition, [d.pk for d, _version in planned if d.pk])
        for definition, version in planned:
            if definition.pk and stored[definition.pk].version != version:
                raise StaleEdit(stored[definition.pk], version)
        for definition, _version in planned:
            definition_save(membership=membership, definition=definition)
    report.applied = True
    return report
