"""The series page section, the audit of link issuing, and the links page's queries."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.test import RequestFactory

from renkei.core.models import AuditEntry
from renkei.training.models import Phase
from renkei.training.sections import series_page
from renkei.training.services import surveys as services
from tests.conftest import client_for

from .factories import RegistrationFactory, answer


def test_the_series_page_gets_rates_and_links_for_staff_and_only_the_effect_link_for_the_prefecture(world):
    registration = RegistrationFactory(series=world.series)
    answer(registration, Phase.PRE, [2] * 9)
    [section] = [s for s in series_page.rendered(world.official, world.series) if s["key"] == "surveys"]
    assert section["context"]["rates"].pre == 1 and section["context"]["may_links"] is True
    html = render_to_string(section["template"], section["context"], request=RequestFactory().get("/"))
    assert f"/training/series/{world.series.pk}/effect/" in html and "/surveys/" in html
    [prefecture] = [s for s in series_page.rendered(world.prefecture, world.series) if s["key"] == "surveys"]
    html = render_to_string(prefecture["template"], prefecture["context"])
    assert "/effect/" in html and f"/training/series/{world.series.pk}/surveys/" not in html
    assert not [s for s in series_page.rendered(world.professional, world.series) if s["key"] == "surveys"]


def test_issuing_links_writes_one_entry_per_link_without_the_token(world):
    RegistrationFactory(series=world.series)
    RegistrationFactory(series=world.series)
    [first, second] = services.survey_links_issue(series=world.series, phase=Phase.POST, membership=world.official,
                                                  send_email=False)
    entries = AuditEntry.objects.filter(object_type="training.surveylink", action="create")
    assert entries.count() == 2
    assert all(entry.membership_id_value == world.official.pk for entry in entries)
    token = first.link.rstrip("/").rsplit("/", 1)[-1]
    assert not any(token in str(entry.changes) for entry in entries)
    assert all(entry.changes.get("token_hash") in ("***", None) for entry in entries)


def test_the_links_page_takes_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    for _ in range(3):
        answer(RegistrationFactory(series=world.series), Phase.PRE, [3] * 9)
    client = client_for(world.official)
    client.get(f"/training/series/{world.series.pk}/surveys/")
    with django_assert_max_num_queries(30) as captured:
        client.get(f"/training/series/{world.series.pk}/surveys/")
    few = len(captured.captured_queries)
    for _ in range(10):
        answer(RegistrationFactory(series=world.series), Phase.PRE, [3] * 9)
    with django_assert_max_num_queries(few):
        client.get(f"/training/series/{world.series.pk}/surveys/")
