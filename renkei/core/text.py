"""Japanese text helpers: kana script conversion and width normalization for search."""

from __future__ import annotations

import unicodedata

_HIRA_START, _HIRA_END = 0x3041, 0x3096
_KATA_OFFSET = 0x60


def to_katakana(text: str) -> str:
    return "".join(chr(ord(c) + _KATA_OFFSET) if _HIRA_START <= ord(c) <= _HIRA_END else c for c in text)


def to_hiragana(text: str) -> str:
    return "".join(
        chr(ord(c) - _KATA_OFFSET) if _HIRA_START + _KATA_OFFSET <= ord(c) <= _HIRA_END + _KATA_OFFSET else c
        for c in text
    )


def normalize_width(text: str) -> str:
    """NFKC: full-width digits and letters to ASCII, half-width kana to full-width."""
    return unicodedata.normalize("NFKC", text)


def kana_variants(text: str) -> list[str]:
    """The distinct spellings a kana search should also try (katakana, hiragana, width-normalized)."""
    base = normalize_width(text.strip())
    variants = {base, to_katakana(base), to_hiragana(base)}
    variants.discard(text)
    return sorted(v for v in variants if v)
