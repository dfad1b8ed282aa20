"""Finding the area of a row: the nation, a prefecture or a municipality, from a code, a name or both.

Statistics tables write areas as "26201 福知山市", "26201_福知山市", "京都府福知山市", "福知山市" with the code
in a separate column (5-digit JIS or 6-digit 全国地方公共団体コード), "26000 京都府", "00000 全国". The place
master is loaded once per file (about 1,900 rows). A name without the prefecture that several prefectures
share (府中市, 伊達市) is read in the prefecture of the importing municipality or of the file's other rows.
"""

from __future__ import annotations

import re

from renkei.core.files import RowError, clean
from renkei.core.models import Municipality, Prefecture

from ..areas import Area

NATION_NAMES = frozenset({"全国", "全国計", "全国合計", "日本", "国"})
NATION_CODES = frozenset({"00000", "000000", "00", "0"})
_CODE_AND_NAME = re.compile(r"^(\d{5,6})\s*[_:：\-\s]?\s*(.*)$")
_GUN = re.compile(r"^[^市区町村]+?郡")


class AreaResolver:
    """Areas from codes and names, checked against the place master (loaded once)."""

    def __init__(self, *, hint_prefecture: Prefecture | None = None):
        self.prefectures = {p.pk: p for p in Prefecture.objects.all()}
        self.prefecture_by_code = {p.code: p for p in self.prefectures.values()}
        self.prefecture_by_lg_code = {p.local_government_code: p for p in self.prefectures.values()}
        self.prefecture_by_name = {p.name: p for p in self.prefectures.values()}
        # "京都" as well as "京都府": some tables drop the suffix.
        self.prefecture_by_name |= {p.name[:-1]: p for p in self.prefectures.values()
                                    if p.name.endswith(("都", "府", "県")) and len(p.name) > 2}
        self.by_code: dict[str, Municipality] = {}
        self.by_jis: dict[str, Municipality] = {}
        self.by_name: dict[str, list[Municipality]] = {}
        for municipality in Municipality.objects.all():
            municipality.prefecture = self.prefectures[municipality.prefecture_id]
            self.by_code[municipality.code] = municipality
            self.by_jis[municipality.jis_code] = municipality
            if municipality.abolished_on is not None:
                continue
            for name in {municipality.name, _GUN.sub("", municipality.name)}:
                self.by_name.setdefault(name, []).append(municipality)
        self.hint_prefecture_id = hint_prefecture.pk if hint_prefecture else None

    def _current(self, municipality: Municipality) -> Municipality:
        """A merged municipality's successor (old codes in older editions)."""
        seen = set()
        while municipality.abolished_on is not None and municipality.succeeded_by_id and \
                municipality.pk not in seen:
            seen.add(municipality.pk)
            municipality = next((m for m in self.by_code.values() if m.pk == municipality.succeeded_by_id),
                                municipality)
        return municipality

    def from_code(self, code: str) -> Area | None:
        code = clean(code).replace(" ", "")
        if not code.isdigit():
            return None
        if code in NATION_CODES:
            return Area.nation()
        if len(code) == 5 and code.endswith("000") or len(code) == 2:
            prefecture = self.prefecture_by_code.get(code[:2])
            return Area.of_prefecture(prefecture) if prefecture else None
        if len(code) == 6 and code[2:5] == "000":
            prefecture = self.prefecture_by_lg_code.get(code)
            return Area.of_prefecture(prefecture) if prefecture else None
        municipality = self.by_code.get(code) if len(code) == 6 else self.by_jis.get(code) if len(code) == 5 else None
        return Area.of_municipality(self._current(municipality)) if municipality else None

    def from_name(self, name: str) -> Area:
        """The area a name names; RowError when none or several do."""
        text = clean(name).replace(" ", "").replace("　", "")
        if text in NATION_NAMES:
            return Area.nation()
        if text in self.prefecture_by_name and not self.by_name.get(text):
            return Area.of_prefecture(self.prefecture_by_name[text])
        prefecture = None
        for prefecture_name in sorted(self.prefecture_by_name, key=len, reverse=True):
            if text.startswith(prefecture_name) and len(text) > len(prefecture_name):
                rest = text[len(prefecture_name):]
                if rest in self.by_name or _GUN.sub("", rest) in self.by_name:
                    prefecture, text = self.prefecture_by_name[prefecture_name], rest
                    break
        candidates = self.by_name.get(text) or self.by_name.get(_GUN.sub("", text)) or []
        if prefecture is not None:
            candidates = [m for m in candidates if m.prefecture_id == prefecture.pk]
        elif len(candidates) > 1 and self.hint_prefecture_id:
            candidates = [m for m in candidates if m.prefecture_id == self.hint_prefecture_id] or candidates
        if len(candidates) == 1:
            municipality = self._current(candidates[0])
            if self.hint_prefecture_id is None:
                self.hint_prefecture_id = municipality.prefecture_id  # the file's other rows read in its prefecture
            return Area.of_municipality(municipality)
        if len(candidates) > 1:
            names = "、".join(f"{m.prefecture.name}{m.name}" for m in candidates[:4])
            raise RowError(f"地域「{name}」は複数の市区町村に当たります（{names}）。"
                           "都道府県名から書くかコードを入れてください。",
                           f"The area “{name}” names several municipalities ({names}); write the prefecture first "
                           "or give the code.")
        raise RowError(f"地域「{name}」が地名マスタにありません。", f"The area “{name}” is not in the place master.")

    def resolve(self, *, code: str = "", name: str = "") -> Area:
        """From the code when it is known, else from the name; "26201 福知山市" in one cell is split first."""
        code, name = clean(code), clean(name)
        if not code and (m := _CODE_AND_NAME.match(name)):
            code, name = m[1], m[2]
        if code:
            found = self.from_code(code)
            if found is not None:
                return found
            if not name:
                raise RowError(f"地域コード「{code}」が地名マスタにありません。",
                               f"The area code “{code}” is not in the place master.")
        if not name:
            raise RowError("地域（コードまたは名称）がありません。", "The row names no area (code or name).")
        return self.from_name(name)
