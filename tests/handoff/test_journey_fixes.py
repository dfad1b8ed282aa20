"""Fixes found by the browser journey (tests/browser/test_handoff_journey.py, test_handoff_screens.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

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


@pytest.mark.django_db
def test_the_link_of_a_sent_summary_on_the_timeline_can_be_followed(world):
    """The timeline post of a sent form ends with "全文・印刷: <link>": it was shown as plain text, so the doctor
    could read the address but not open the form. The post's links are now links (escaped like the rest)."""
    from renkei.handoff.models import DocumentKind
    from renkei.handoff.services import documents as services
    from renkei.handoff.services.documents import Recipient
    from tests.conftest import client_for

    from .factories import open_handoff

    handoff = open_handoff(world)
    summary = services.document_save(membership=world.discharge_nurse, handoff=handoff,
                                     kind=DocumentKind.DISCHARGE_SUMMARY, data={"discharge_plan": "<b>在宅酸素</b>"})
    services.document_send(membership=world.discharge_nurse, document=summary, base_url="http://testserver",
                           recipients=[Recipient(organization=world.care_manager.organization)])
    response = client_for(world.doctor).get(f"/patients/{world.patient.pk}/timeline/")
    assert response.status_code == 200
    html = response.content.decode()
    link = f"http://testserver/handoffs/{handoff.pk}/documents/{summary.pk}/"
    assert f'<a href="{link}"' in html
    assert "&lt;b&gt;在宅酸素&lt;/b&gt;" in html and "<b>在宅酸素</b>" not in html
    assert client_for(world.doctor).get(link.removeprefix("http://testserver")).status_code == 200
