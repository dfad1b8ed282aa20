"""Fixes found by the browser journey (tests/browser/test_handoff_journey.py, test_handoff_screens.py)."""

from __future__ import annotations

import re
from pathlib import Path

HANDOFF = Path(__file__).resolve().parents[2] / "renkei" / "handoff"


def test_the_report_tables_wrapper_scrolls_inside_itself_so_the_report_fits_a_phone():
    """The report's tables sit in `.table-scroll`, which no stylesheet defined: on a 390 px phone the page was
    2,344 px wide. measures.css (the stylesheet the report links) now lets the wrapper scroll sideways."""
    css = (HANDOFF / "static" / "handoff" / "measures.css").read_text(encoding="utf-8")
    rule = re.search(r"\.table-scroll\s*\{([^}]*)\}", css)
    assert rule is not None
    assert re.search(r"overflow-x:\s*auto", rule.group(1))
    templates = [p for p in (HANDOFF / "templates" / "handoff").glob("*.html") if "table-scroll" in p.read_text()]
    assert {p.name for p in templates} >= {"report.html", "_trend.html", "_figures_table.html"}
