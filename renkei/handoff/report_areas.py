"""The areas a もれ率 report is about: a municipality, a group of municipalities (二次医療圏…) or a prefecture.

One syntax everywhere (the report's `?area=`, the API and `renkei handoffs report --area`):

    262013 or 26201   a municipality (6-digit local government code or 5-digit JIS code; a designated city
                      includes its wards)
    G12               a group of municipalities, by its number (AreaGroup id; the report's chooser lists them)
    26                a prefecture (2-digit code)

Who may read which area (`within_reach`, asked by the policy): municipal staff and coordinators their own
municipality (its city when it is a ward) and the groups it belongs to; prefecture staff their prefecture and
everything in it; a system administrator everything.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from renkei.core.models import AreaGroup, Municipality, Prefecture, Role


class AreaError(ValueError):
    """An area key that cannot be read or names no area; `ja` and `en` are the message."""

    def __init__(self, ja: str, en: str):
        super().__init__(en)
        self.ja, self.en = ja, en


@dataclass(frozen=True)
class ReportArea:
    kind: str  # "municipality", "area_group", "prefecture"
    key: str
    name: str
    prefecture_id: int
    municipality_ids: tuple[int, ...]
    municipality: Municipality | None = None
    area_group: AreaGroup | None = None
    prefecture: Prefecture | None = None

    def __str__(self) -> str:
        return self.name

    @property
    def owner(self):
        """What the audit log sees."""
        return self.municipality or self.area_group or self.prefecture


def of_municipality(municipality: Municipality) -> ReportArea:
    ids = (municipality.pk, *Municipality.objects.filter(parent=municipality).values_list("pk", flat=True))
    return ReportArea("municipality", municipality.code, municipality.name, municipality.prefecture_id, tuple(ids),
                      municipality=municipality)


def of_area_group(group: AreaGroup) -> ReportArea:
    members = list(group.municipalities.values_list("pk", flat=True))
    wards = Municipality.objects.filter(parent_id__in=members).values_list("pk", flat=True)
    return ReportArea("area_group", f"G{group.pk}", group.name, group.prefecture_id,
                      tuple(sorted({*members, *wards})), area_group=group)


def of_prefecture(prefecture: Prefecture) -> ReportArea:
    ids = tuple(Municipality.objects.filter(prefecture=prefecture).values_list("pk", flat=True))
    return ReportArea("prefecture", prefecture.code, prefecture.name, prefecture.pk, ids, prefecture=prefecture)


def area_from_key(key: str) -> ReportArea:
    """The area a key names (see the module's docstring); AreaError when unreadable or unknown."""
    raw = unicodedata.normalize("NFKC", key or "").strip().upper()
    unknown = AreaError(f"地域「{key}」が見つかりません（市区町村コード6桁・5桁、圏域 G番号、都道府県コード2桁）。",
                        f"Unknown area “{key}” (municipality code of 6 or 5 digits, G and a group number, or a "
                        "2-digit prefecture code).")
    if raw.startswith("G") and raw[1:].isascii() and raw[1:].isdigit() and len(raw) < 12:
        group = AreaGroup.objects.filter(pk=int(raw[1:])).first()
        if group is None:
            raise unknown
        return of_area_group(group)
    if not (raw.isascii() and raw.isdigit()):
        raise unknown
    if len(raw) in (5, 6):
        municipality = (Municipality.objects.select_related("prefecture")
                        .filter(**{"code" if len(raw) == 6 else "jis_code": raw}).first())
        if municipality is None:
            raise unknown
        return of_municipality(municipality)
    if len(raw) <= 2:
        prefecture = Prefecture.objects.filter(code=raw.zfill(2)).first()
        if prefecture is None:
            raise unknown
        return of_prefecture(prefecture)
    raise unknown


def _own_municipality(membership) -> Municipality | None:
    return membership.organization.municipality if membership.organization.municipality_id else None


def within_reach(membership, area: ReportArea) -> bool:
    """Whether this member may read the report of this area (see the module's docstring)."""
    role = membership.role
    if role == Role.SYSTEM_ADMIN:
        return True
    if role == Role.PREFECTURE_STAFF:
        return membership.organization.prefecture_id == area.prefecture_id
    if role not in (Role.MUNICIPAL_STAFF, Role.COORDINATOR):
        return False
    own = _own_municipality(membership)
    if own is None:
        return False
    family = {own.pk, own.parent_id} - {None}
    if area.kind == "municipality":
        return area.municipality.pk in family
    if area.kind == "area_group":
        return bool(family & set(area.area_group.municipalities.values_list("pk", flat=True)))
    return False


def area_choices(membership) -> list[tuple[str, str]]:
    """(key, name) of the areas the report's chooser offers this member (the first is the default)."""
    role = membership.role
    own = _own_municipality(membership)
    if role in (Role.MUNICIPAL_STAFF, Role.COORDINATOR):
        if own is None:
            return []
        city = own.parent if own.parent_id else own
        groups = AreaGroup.objects.filter(municipalities=city).order_by("kind", "name")
        return [(city.code, city.name), *((f"G{g.pk}", g.name) for g in groups)]
    if role in (Role.PREFECTURE_STAFF, Role.SYSTEM_ADMIN):
        prefecture = membership.organization.prefecture
        if prefecture is None:
            return []
        groups = AreaGroup.objects.filter(prefecture=prefecture).order_by("kind", "name")
        cities = (Municipality.objects.filter(prefecture=prefecture, parent__isnull=True, abolished_on__isnull=True)
                  .order_by("code"))
        return [(prefecture.code, prefecture.name), *((f"G{g.pk}", g.name) for g in groups),
                *((m.code, m.name) for m in cities)]
    return []
