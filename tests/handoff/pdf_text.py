"""Reading back what a Renkei PDF says without a PDF library: inflate the content streams and decode the CID
fonts' UTF-16 strings (reportlab writes Japanese text as UCS-2 in literal strings). Good enough to assert that a
text is, or is not, on the page; pypdf is used instead when installed."""

from __future__ import annotations

import base64
import contextlib
import re
import zlib

_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\n?endstream", re.S)
_STRING = re.compile(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", re.S)
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f", b"(": b"(", b")": b")",
            b"\\": b"\\"}


def _unescape(raw: bytes) -> bytes:
    out, i = bytearray(), 0
    while i < len(raw):
        byte = raw[i:i + 1]
        if byte != b"\\":
            out += byte
            i += 1
            continue
        following = raw[i + 1:i + 2]
        octal = re.match(rb"[0-7]{1,3}", raw[i + 1:i + 4])
        if octal:
            out.append(int(octal.group(), 8))
            i += 1 + len(octal.group())
        else:
            out += _ESCAPES.get(following, following)
            i += 2
    return bytes(out)


def pages(data: bytes) -> int:
    return len(re.findall(rb"/Type /Page\b", data))


def text(data: bytes) -> str:
    chunks = []
    for stream in _STREAM.findall(data):
        content = stream.strip()
        if content.endswith(b"~>"):  # reportlab: ASCII85, then Flate
            try:
                content = base64.a85decode(content[:-2])
            except ValueError:
                continue
        with contextlib.suppress(zlib.error):
            content = zlib.decompress(content)
        for raw in _STRING.findall(content):
            value = _unescape(raw)
            try:
                chunks.append(value.decode("utf-16-be") if len(value) % 2 == 0 else value.decode("latin-1"))
            except UnicodeDecodeError:
                chunks.append(value.decode("latin-1"))
    return "\n".join(chunks)
