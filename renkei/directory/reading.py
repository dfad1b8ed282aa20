"""Readings (kana) for facility names that arrive without one: municipal lists often have no kana column.

The reading is generated with pykakasi's dictionary, so it is a good guess, not an authority: a kana
given by a source or by staff always wins (callers only fill an empty `kana`).
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache

from renkei.core.text import normalize_width, to_katakana

_lock = threading.RLock()
_KANJI = re.compile(r"[\u3400-\u9fff\uf900-\ufaff々〆ヶ]")
_kakasi = None


def _converter():
    global _kakasi
    if _kakasi is None:
        with _lock:
            if _kakasi is None:
                import pykakasi

                _kakasi = pykakasi.kakasi()
    return _kakasi


@lru_cache(maxsize=65536)
def kana_for(name: str) -> str:
    """A katakana reading of a facility name ("福知山医院" → "フクチヤマイイン"); spaces are dropped.

    About 0.5 ms a name with kanji (pykakasi is pure Python): call it only for facilities without a kana.
    """
    text = normalize_width(name or "").strip()
    if not text:
        return ""
    if not _KANJI.search(text):
        return to_katakana(text).replace(" ", "").replace("\u3000", "")
    with _lock:  # pykakasi's converter keeps state between calls
        parts = _converter().convert(text)
    return to_katakana("".join(part["kana"] for part in parts if not part["orig"].isspace())).replace(" ", "")


def romaji_for(name: str) -> str:
    """A Hepburn spelling of a facility name, lower case ("福知山医院" → "fukuchiyamaiin")."""
    text = normalize_width(name or "").strip()
    if not text:
        return ""
    with _lock:
        parts = _converter().convert(text)
    return "".join(part["hepburn"] for part in parts if not part["orig"].isspace()).replace(" ", "").lower()
