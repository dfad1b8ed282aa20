"""A small iCalendar (RFC 5545) writer for the residents' calendar: VCALENDAR with one VEVENT per activity.

Text values escape backslashes, semicolons, commas and newlines; lines are folded at 75 octets (never inside a
UTF-8 character). Times are local to Asia/Tokyo (TZID with a VTIMEZONE: Japan has no daylight saving time); an
activity without a start time is an all-day event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

PRODID = "-//Renkei//Awareness calendar//JA"
TZID = "Asia/Tokyo"
VTIMEZONE = ["BEGIN:VTIMEZONE", f"TZID:{TZID}", "BEGIN:STANDARD", "DTSTART:19700101T000000",
             "TZOFFSETFROM:+0900", "TZOFFSETTO:+0900", "TZNAME:JST", "END:STANDARD", "END:VTIMEZONE"]


def escape_text(value: str) -> str:
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def fold(line: str) -> str:
    """Fold a content line into lines of at most 75 octets, continuation lines starting with a space."""
    out: list[str] = []
    current = ""
    size = 0
    limit = 75
    for char in line:
        width = len(char.encode())
        if size + width > limit:
            out.append(current)
            current, size, limit = " ", 1, 75
        current += char
        size += width
    out.append(current)
    return "\r\n".join(out)


def event_lines(*, uid: str, stamp: dt.datetime, day: dt.date, starts: dt.time | None, ends: dt.time | None,
                summary: str, location: str = "", description: str = "", url: str = "") -> list[str]:
    lines = ["BEGIN:VEVENT", f"UID:{uid}", f"DTSTAMP:{stamp.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}"]
    if starts is None:
        lines += [f"DTSTART;VALUE=DATE:{day:%Y%m%d}", f"DTEND;VALUE=DATE:{day + dt.timedelta(days=1):%Y%m%d}"]
    else:
        end = ends if ends is not None and ends > starts else None
        lines.append(f"DTSTART;TZID={TZID}:{dt.datetime.combine(day, starts):%Y%m%dT%H%M%S}")
        if end is not None:
            lines.append(f"DTEND;TZID={TZID}:{dt.datetime.combine(day, end):%Y%m%dT%H%M%S}")
    lines.append(f"SUMMARY:{escape_text(summary)}")
    if location:
        lines.append(f"LOCATION:{escape_text(location)}")
    if description:
        lines.append(f"DESCRIPTION:{escape_text(description)}")
    if url:
        lines.append(f"URL:{url}")
    lines.append("END:VEVENT")
    return lines


def calendar(events: Iterable[list[str]], *, name: str) -> str:
    """The whole file: CRLF line ends, folded lines."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
             f"X-WR-CALNAME:{escape_text(name)}", f"X-WR-TIMEZONE:{TZID}", *VTIMEZONE]
    for event in events:
        lines += event
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
