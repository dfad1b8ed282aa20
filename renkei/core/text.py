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


# --- roman letters → katakana (search: "fukuchiyama" finds フクチヤマ) ---------------------------------------

_VOWELS = "aeiou"
_VOWEL_KANA = dict(zip(_VOWELS, "アエイオウ", strict=True))
# Hepburn and kunrei/nihon-shiki syllables (and the common IME spellings) to katakana, longest first.
_ROMAJI: dict[str, str] = {}


def _syllables(consonant: str, kana: str) -> None:
    for vowel, letter in zip("aiueo", kana, strict=True):
        if letter != "・":
            _ROMAJI[consonant + vowel] = letter


for _c, _k in [("", "アイウエオ"), ("k", "カキクケコ"), ("g", "ガギグゲゴ"), ("s", "サシスセソ"), ("z", "ザジズゼゾ"),
               ("t", "タチツテト"), ("d", "ダヂヅデド"), ("n", "ナニヌネノ"), ("h", "ハヒフヘホ"), ("b", "バビブベボ"),
               ("p", "パピプペポ"), ("m", "マミムメモ"), ("y", "ヤ・ユ・ヨ"), ("r", "ラリルレロ"), ("l", "ラリルレロ"),
               ("w", "ワ・・・ヲ")]:
    _syllables(_c, _k)
for _c, _k in [("ky", "キ"), ("gy", "ギ"), ("sy", "シ"), ("sh", "シ"), ("zy", "ジ"), ("j", "ジ"), ("jy", "ジ"),
               ("ty", "チ"), ("ch", "チ"), ("cy", "チ"), ("dy", "ヂ"), ("ny", "ニ"), ("hy", "ヒ"), ("by", "ビ"),
               ("py", "ピ"), ("my", "ミ"), ("ry", "リ"), ("ly", "リ"), ("fy", "フ"), ("vy", "ヴ")]:
    for _vowel, _small in (("a", "ャ"), ("u", "ュ"), ("o", "ョ")):
        _ROMAJI[_c + _vowel] = _k + _small
_ROMAJI.update({
    "shi": "シ", "chi": "チ", "tsu": "ツ", "fu": "フ", "ji": "ジ", "di": "ヂ", "du": "ヅ", "dzu": "ヅ",
    "she": "シェ", "je": "ジェ", "che": "チェ", "tsa": "ツァ", "tse": "ツェ", "tso": "ツォ", "ti": "チ", "tu": "ツ",
    "fa": "ファ", "fi": "フィ", "fe": "フェ", "fo": "フォ", "va": "ヴァ", "vi": "ヴィ", "vu": "ヴ", "ve": "ヴェ",
    "vo": "ヴォ", "wi": "ウィ", "we": "ウェ", "ye": "イェ", "thi": "ティ", "dhi": "ディ", "twu": "トゥ",
    "hu": "フ", "si": "シ", "zi": "ジ", "ca": "カ", "cu": "ク", "co": "コ", "qa": "クァ",
})
_ROMAJI_LONGEST = max(len(k) for k in _ROMAJI)
_MACRONS = str.maketrans({"ā": "a-", "ī": "i-", "ū": "u-", "ē": "e-", "ō": "o-", "â": "a-", "î": "i-",
                          "û": "u-", "ê": "e-", "ô": "o-"})
_ROMAJI_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz'-āīūēōâîûêô0123456789")


def looks_like_romaji(text: str) -> bool:
    """True when the text is roman letters (with digits, spaces, apostrophes, hyphens or macrons) and nothing else."""
    letters = normalize_width(text).lower().replace(" ", "").replace("\u3000", "")
    return bool(letters) and any(c.isalpha() for c in letters) and all(c in _ROMAJI_CHARS for c in letters)


def romaji_to_katakana(text: str) -> str:
    """Roman letters to katakana: Hepburn ("shi", "tsu", "fu", "ji"), kunrei/nihon-shiki ("si", "tu", "hu",
    "zi", "di"), long vowels written "ou"/"oo"/"uu", with a macron (ō → オー) or "-" (ー), double consonants
    (ッ, including Hepburn "tch"), and ン written "n", "n'", "nn" or Hepburn "m" before b/m/p.

    Letters that spell nothing are kept as they are, so the result can be compared but never invents kana.
    """
    s = normalize_width(text).lower().translate(_MACRONS)
    out: list[str] = []
    i = 0
    while i < len(s):
        c = s[i]
        rest = s[i + 1:]
        if c == "n":
            nxt = rest[:1]
            if nxt == "'":
                out.append("ン")
                i += 2
                continue
            if nxt == "n" and rest[1:2] not in tuple(_VOWELS) + ("y",):
                # "nn" not followed by a vowel: the IME spelling of ン
                out.append("ン")
                i += 2
                continue
            if nxt == "" or (nxt not in _VOWELS and nxt != "y"):
                out.append("ン")
                i += 1
                continue
        if c == "m" and rest[:1] in ("b", "m", "p"):
            out.append("ン")  # Hepburn "shimbun", "shimmachi"
            i += 1
            continue
        if c.isalpha() and c not in _VOWELS and c != "n" and (rest[:1] == c or (c == "t" and rest[:2] == "ch")):
            out.append("ッ")
            i += 1
            continue
        if c == "-":
            out.append("ー")
            i += 1
            continue
        for length in range(_ROMAJI_LONGEST, 0, -1):
            kana = _ROMAJI.get(s[i:i + length])
            if kana is not None:
                out.append(kana)
                i += length
                break
        else:
            if c != "'":
                out.append(c)
            i += 1
    return "".join(out)


_KANA_ROMAJI: dict[str, str] | None = None


def katakana_to_hepburn(text: str) -> str:
    """Katakana to modified Hepburn ("シンリョウジョ" → "shinryoujo"; ッ doubles the next consonant, ー is "-",
    ン before a vowel or y is "n'"). Characters without a reading are kept. Used by tests and for romaji fields."""
    global _KANA_ROMAJI
    if _KANA_ROMAJI is None:
        table: dict[str, str] = {}
        preferred = {"シ": "shi", "チ": "chi", "ツ": "tsu", "フ": "fu", "ジ": "ji", "ヂ": "ji", "ヅ": "zu",
                     "ヲ": "o"}
        for romaji, kana in sorted(_ROMAJI.items(), key=lambda kv: (len(kv[0]), kv[0]), reverse=True):
            if romaji[0] in "lcqx" or romaji in ("thi", "dhi", "twu", "dzu", "di", "du", "ti", "tu", "si", "zi",
                                                  "hu", "wo"):
                continue
            table.setdefault(kana, romaji)
        table.update(preferred)
        for kana in list(table):
            if len(kana) == 2 and kana[0] in "シチジ" and kana[1] in "ャュョ":
                table[kana] = preferred[kana[0]][:-1] + "auo"["ャュョ".index(kana[1])]
        _KANA_ROMAJI = table
    table = _KANA_ROMAJI
    text = to_katakana(text)
    out: list[str] = []
    i = 0
    while i < len(text):
        pair, char = text[i:i + 2], text[i]
        if char == "ッ":
            reading = table.get(text[i + 1:i + 3]) or table.get(text[i + 1:i + 2], "")
            first = reading[:1]
            out.append("t" if reading.startswith("ch") else first if first.isalpha() and first not in _VOWELS
                       else "xtsu")
            i += 1
            continue
        if char == "ン":
            nxt = text[i + 1:i + 2]
            reading = table.get(text[i + 1:i + 3]) or table.get(nxt, "")
            out.append("n'" if reading[:1] in tuple(_VOWELS) + ("y",) or nxt == "ン" else "n")
            i += 1
            continue
        if char == "ー":
            out.append("-")
            i += 1
            continue
        if pair in table:
            out.append(table[pair])
            i += 2
            continue
        out.append(table.get(char, char))
        i += 1
    return "".join(out)


def display_width(text: str) -> int:
    """Columns a terminal gives `text`: two for a wide (full-width) character, one otherwise."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def table_lines(rows: list[list[str]], *, left_columns: int = 1) -> list[str]:
    """A text table of the CLIs: columns padded to their widest cell (full-width characters count two), the first
    `left_columns` aligned left, the figures right, two spaces between columns."""
    if not rows:
        return []
    widths = [max(display_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = []
        for i, cell in enumerate(row):
            space = " " * (widths[i] - display_width(cell))
            cells.append(cell + space if i < left_columns else space + cell)
        lines.append("  ".join(cells))
    return lines
