"""Normalized keys for facility names and addresses: what search and merging compare.

Both sides of a comparison go through the same function, so "ﾌｸﾁﾔﾏ　医院" and "フクチヤマ医院" meet.
"""

from __future__ import annotations

import re

from renkei.core.text import normalize_width, to_katakana

_SPACES = re.compile(r"[\s\u3000]+")
_DASHES = re.compile(r"[‐‑‒–—―−－-]")
# "1ー2" typed with the long-vowel mark: a dash only between digits (センター keeps its ー).
_DIGIT_LONG_VOWEL = re.compile(r"(?<=\d)[ーｰ](?=\d)")
_CORPORATE_PREFIXES = re.compile(
    r"^(医療法人(社団|財団)?|社会福祉法人|一般社団法人|公益社団法人|一般財団法人|公益財団法人|株式会社|有限会社|合同会社|"
    r"特定非営利活動法人|NPO法人|社会医療法人|独立行政法人|地方独立行政法人)[\s　]*[^\s　]*[\s　]+")
_KANJI_DIGITS = str.maketrans("〇一二三四五六七八九", "0123456789")


def facility_search_text(name: str, kana: str = "", romaji: str = "", short_name: str = "") -> str:
    """The text the name search matches: NFKC, no spaces, kana in katakana, roman letters in lower case."""
    parts = [name, short_name, to_katakana(normalize_width(kana)), romaji]
    return " ".join(search_key(part) for part in parts if part)


def search_key(text: str) -> str:
    """One query or field, normalized the way `facility_search_text` stores it."""
    return _SPACES.sub("", to_katakana(normalize_width(text))).lower()


def name_key(name: str) -> str:
    """A facility name for merging: without the operating corporation and spaces, width-normalized."""
    text = normalize_width(name)
    text = _CORPORATE_PREFIXES.sub("", text)
    return _SPACES.sub("", text).lower()


def address_key(address: str) -> str:
    """An address for merging: width-normalized, no spaces, 丁目/番地/号 and dashes unified to "-"."""
    text = _SPACES.sub("", normalize_width(kanji_numerals_to_digits(address)))
    text = _DIGIT_LONG_VOWEL.sub("-", text)
    text = re.sub(r"(\d+)丁目", r"\1-", text)
    text = re.sub(r"(\d+)番地?", r"\1-", text)
    text = re.sub(r"(\d+)号", r"\1", text)
    text = _DASHES.sub("-", text)
    text = re.sub(r"-+", "-", text).rstrip("-")
    return text


def kanji_numerals_to_digits(text: str) -> str:
    """"三丁目" → "3丁目" for single-digit kanji numerals (enough for 丁目 in addresses)."""
    return re.sub(r"([〇一二三四五六七八九])(?=丁目)", lambda m: m.group(1).translate(_KANJI_DIGITS), text)
