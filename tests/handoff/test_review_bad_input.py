"""Garbage posted to every handoff screen (dates out of range, huge numbers, non-numeric ids, NUL characters,
missing fields, ids that overflow) answers a page with a message (200 or 4xx), never a server error.

Generic: each form's field names are read from the page the screen shows, then every field receives the same bad
value; the query strings of the pages that read them (?status=, ?area=, ?municipality=…) get the same values.
"""

from __future__ import annotations

import re

import pytest

from renkei.handoff.services import documents as document_services
from tests.conftest import client_for

from .conference_helpers import add_family, propose
from .factories import build_world, open_handoff

BAD_VALUES = ["", "abc", "-1", "0", "99999999999999999999999", "1e400", "2026-13-45", "0000-00-00",
              "9999-12-31T99:99", "令和99年99月99日", "nul\x00byte", "²", "G²", "\U00010a40", "G\U00010a40",
              "x" * 5000, "NaN"]
FIELD = re.compile(r'name="([^"]+)"')


@pytest.fixture
def place(db):
    world = build_world()
    handoff = open_handoff(world)
    document = document_services.document_save(membership=world.care_manager, handoff=handoff,
                                               kind="admission_info", data={})
    family = add_family(world)
    conference = propose(world, handoff, extra=())
    conference.invitees.create(name=family.person_name, role="family", team_member=family)
    step = handoff.steps.order_by("order").first()
    h = handoff.pk
    c = conference.pk
    mine = conference.invitees.filter(membership=world.care_manager).first() or conference.invitees.first()
    family_invitee = conference.invitees.get(team_member=family)
    routes = [
        # (url, who)
        (f"/handoffs/new/{world.patient.pk}/", world.care_manager),
        (f"/handoffs/afterwards/{world.patient.pk}/", world.care_manager),
        (f"/handoffs/{h}/steps/{step.key}/done/", world.care_manager),
        (f"/handoffs/{h}/steps/{step.key}/not-needed/", world.care_manager),
        (f"/handoffs/{h}/screening/", world.discharge_nurse),
        (f"/handoffs/{h}/planned-discharge/", world.discharge_nurse),
        (f"/handoffs/{h}/exchanges/new/", world.care_manager),
        (f"/handoffs/{h}/discharge/", world.discharge_nurse),
        (f"/handoffs/{h}/documents/new/admission_info/", world.care_manager),
        (f"/handoffs/{h}/documents/new/discharge_summary/", world.discharge_nurse),
        (f"/handoffs/{h}/documents/{document.pk}/send/", world.care_manager),
        (f"/handoffs/{h}/documents/{document.pk}/pdf/", world.care_manager),
        (f"/handoffs/{h}/conferences/new/", world.discharge_nurse),
        (f"/handoffs/conferences/invitations/{mine.pk}/answer/", mine.membership or world.care_manager),
        (f"/handoffs/conferences/invitations/{family_invitee.pk}/answer-for/", world.care_manager),
        (f"/handoffs/conferences/{c}/schedule/", world.discharge_nurse),
        (f"/handoffs/conferences/{c}/hold/", world.discharge_nurse),
        (f"/handoffs/conferences/{c}/cancel/", world.discharge_nurse),
        (f"/handoffs/{h}/fhir/import/", world.care_manager),
        ("/handoffs/rules/new/", world.municipal),
        (f"/handoffs/rules/{handoff.rule_set_id}/", world.municipal),
        (f"/handoffs/rules/closed-days/{world.patient.municipality_id}/add/", world.municipal),
        ("/handoffs/rules/closed-days/", world.municipal),
        ("/handoffs/report/", world.municipal),
        ("/handoffs/report/download/", world.municipal),
        ("/handoffs/report/own/", world.discharge_nurse),
        ("/handoffs/report/census/", world.municipal),
        ("/handoffs/report/baseline/", world.municipal),
        ("/handoffs/", world.care_manager),
        (f"/handoffs/{h}/cancel/", world.care_manager),  # last: a reason cancels the handoff
    ]
    return world, routes


def _fields(html: str) -> list[str]:
    names = [n for n in FIELD.findall(html) if n != "csrfmiddlewaretoken"]
    return sorted(set(names)) or ["q"]


def test_every_bad_value_posted_to_a_handoff_screen_answers_without_a_server_error(place):
    world, routes = place
    seen = []
    for url, who in routes:
        client = client_for(who)
        page = client.get(url)
        assert page.status_code < 500, url
        assert page.status_code != 403, f"{url}: the test's caller should be allowed"
        fields = _fields(page.content.decode("utf-8", "replace")) if page.status_code == 200 else ["q"]
        # Missing fields.
        response = client.post(url, {})
        assert response.status_code < 500, f"POST {url} (empty): {response.status_code}"
        for value in BAD_VALUES:
            data = dict.fromkeys(fields, value)
            response = client.post(url, data)
            assert response.status_code < 500, f"POST {url} {value[:20]!r}: {response.status_code}"
            if response.status_code in (400, 422):
                assert response.content.strip(), f"POST {url}: a 4xx without a message"
            query = "&".join(f"{name}={value[:200]}" for name in [*fields, "status", "area", "municipality",
                                                                 "start", "end", "table", "admitted_at",
                                                                 "planned_discharge_on", "sending", "initials",
                                                                 "compare", "format", "q"])
            response = client.get(url.split("?")[0] + "?" + query.replace("\x00", "%00"))
            assert response.status_code < 500, f"GET {url}?{query[:80]}: {response.status_code}"
        seen.append(url)
    assert len(seen) == len(routes)


@pytest.mark.parametrize("url", [
    "/handoffs/99999999999999999999/", "/handoffs/99999999999999999999/documents/",
    "/handoffs/1/documents/99999999999999999999/", "/handoffs/1/documents/99999999999999999999/pdf/",
    "/handoffs/1/sendings/99999999999999999999/acknowledge/",
    "/handoffs/conferences/99999999999999999999/schedule/",
    "/handoffs/conferences/invitations/99999999999999999999/answer/",
    "/handoffs/patients/99999999999999999999/", "/handoffs/new/99999999999999999999/",
    "/handoffs/rules/99999999999999999999/", "/handoffs/rules/closed-days/99999999999999999999/add/",
    "/handoffs/rules/closed-days/day/99999999999999999999/remove/",
    "/handoffs/report/baseline/99999999999999999999/delete/",
    "/handoffs/rules/closed-days/?municipality=99999999999999999999",
])
def test_an_id_that_overflows_answers_not_found(world, url):
    response = client_for(world.care_manager).get(url)
    assert response.status_code in (403, 404, 405)


def test_a_digit_python_cannot_read_as_a_number_is_an_unknown_area_not_a_crash():
    from renkei.handoff.report_areas import AreaError, area_from_key
    from renkei.handoff.selectors.rules import area_candidate

    for key in ("\U00010a40", "G\U00010a40"):  # Kharosthi digit one: str.isdigit() is True, int() refuses it
        with pytest.raises(AreaError):
            area_from_key(key)
    assert area_candidate("municipality:\U00010a40") is None
    assert area_candidate("municipality:²") is None


def test_a_census_count_in_a_digit_python_cannot_read_is_no_count():
    from renkei.handoff.importers.census import _count

    assert _count("\U00010a40") is None
    assert _count("１２人") == 12


@pytest.mark.parametrize("value", ["abc", "", None, "-1", "0", str(2**63), "1e3", "1.5", float("inf"), "²"])
def test_the_one_id_reader_answers_not_found_for_anything_but_a_positive_64_bit_integer(value):
    from django.http import Http404

    from renkei.handoff.selectors.handoffs import pk_or_404

    with pytest.raises(Http404):
        pk_or_404(value)


def test_the_one_id_reader_reads_a_plain_id():
    from renkei.handoff.selectors.handoffs import pk_or_404

    assert pk_or_404("42") == 42 and pk_or_404(2**63 - 1) == 2**63 - 1


def test_the_census_reads_dates_with_the_forms_date_reader_and_the_survey_months_day():
    import datetime as dt

    from renkei.handoff.importers.census import parse_date

    july = dt.date(2024, 7, 1)
    assert parse_date("r6.7.3", month=july) == dt.date(2024, 7, 3)
    assert parse_date("昭和60年1月2日", month=july) == dt.date(1985, 1, 2)
    assert parse_date("7月3日", month=july) == dt.date(2024, 7, 3)
    for bad in ("2024-13-45", "R6.2.30", "99/99"):
        with pytest.raises(ValueError):
            parse_date(bad, month=july)
