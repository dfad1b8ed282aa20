"""Staff screens: issuing links (shown once, with QR codes), paper entry, and the instruments."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from renkei.core.models import AuditEntry
from renkei.training.models import Instrument, InstrumentItem, Phase, SurveyLink, SurveyResponse
from renkei.training.services import instruments as services
from tests.conftest import client_for

from .factories import RegistrationFactory, answer, builtin_instrument
from .survey_helpers import full_answers, upcoming


def test_issuing_links_shows_each_once_with_a_qr_code_and_stores_only_hashes(world, mailoutbox):
    upcoming(world)
    RegistrationFactory(series=world.series, name="紙の人")
    RegistrationFactory(series=world.series, name="メールの人", email="mail@example.jp")
    client = client_for(world.official)
    response = client.post(f"/training/series/{world.series.pk}/surveys/", {"phase": "pre", "send_email": "on"})
    content = response.content.decode()
    assert response.status_code == 200
    assert content.count("<svg") >= 2 and content.count("/events/s/") == 2
    assert len(mailoutbox) == 1 and "紙の人" in content
    page = client.get(f"/training/series/{world.series.pk}/surveys/").content.decode()
    assert "/events/s/" not in page  # never shown again
    assert SurveyLink.objects.filter(phase=Phase.PRE).count() == 2


def test_issuing_a_pre_link_after_the_training_began_gives_a_message(world):
    RegistrationFactory(series=world.series)
    response = client_for(world.official).post(f"/training/series/{world.series.pk}/surveys/", {"phase": "pre"})
    assert response.status_code == 400 and not SurveyLink.objects.exists()


def test_the_links_page_shows_the_response_rates(world):
    first, second = RegistrationFactory(series=world.series), RegistrationFactory(series=world.series)
    answer(first, Phase.PRE, [3] * 9)
    answer(first, Phase.POST, [4] * 9)
    answer(second, Phase.PRE, [2] * 9)
    content = client_for(world.official).get(f"/training/series/{world.series.pk}/surveys/").content.decode()
    assert "(100%)" in content and "(50%)" in content


def test_staff_enter_paper_answers_with_the_same_validation(world):
    registration = RegistrationFactory(series=world.series)
    client = client_for(world.coordinator)
    url = f"/training/series/{world.series.pk}/surveys/enter/"
    bad = client.post(url, {"registration": registration.pk, "phase": "post"})
    assert bad.status_code == 400 and not SurveyResponse.objects.exists()
    good = client.post(url, {"registration": registration.pk, "phase": "post", **full_answers(world, 4)})
    assert good.status_code == 302
    saved = SurveyResponse.objects.get(registration=registration, phase=Phase.POST)
    assert saved.entered_by == world.coordinator
    assert client.post(url, {"registration": registration.pk, "phase": "post",
                             **full_answers(world, 1)}).status_code == 400
    assert client.post(url, {"phase": "post", **full_answers(world, 1)}).status_code == 400


def test_a_municipality_copies_the_builtin_instrument_and_adapts_it(world):
    client = client_for(world.official)
    response = client.post(f"/training/instruments/{builtin_instrument().pk}/copy/")
    copy = Instrument.objects.get(municipality=world.municipality)
    assert response.status_code == 302 and copy.items.count() == 10
    response = client.post(f"/training/instruments/{copy.pk}/", {
        "text": "ACPについて説明できる", "kind": "likert", "scale_min": 1, "scale_max": 5,
        "low_label": "できない", "high_label": "できる", "subscale": "看取り"})
    assert response.status_code == 302
    added = copy.items.get(text="ACPについて説明できる")
    assert (added.scale_max, added.order) == (5, 110)
    first = copy.items.order_by("order").first()
    client.post(f"/training/instruments/items/{first.pk}/down/")
    assert list(copy.items.filter(is_active=True).order_by("order").values_list("pk", flat=True))[1] == first.pk
    client.post(f"/training/instruments/items/{first.pk}/retire/")
    first.refresh_from_db()
    assert first.is_active is False
    assert AuditEntry.objects.filter(object_type="training.instrumentitem", action="update").exists()


def test_a_new_instrument_is_created_from_the_list(world):
    response = client_for(world.official).post("/training/instruments/", {"name": "独自の尺度", "description": ""})
    assert response.status_code == 302
    assert Instrument.objects.get(municipality=world.municipality).code == "own-1"


def test_the_builtin_instrument_cannot_be_changed(world):
    item = builtin_instrument().items.first()
    with pytest.raises(PermissionDenied):
        services.instrument_item_retire(item=item, membership=world.official)
    assert client_for(world.official).post(f"/training/instruments/items/{item.pk}/retire/").status_code == 403
    assert client_for(world.prefecture).post("/training/instruments/", {"name": "x"}).status_code == 403


def test_an_answered_question_is_never_edited_in_place(world):
    copy = services.instrument_copy(instrument=builtin_instrument(), municipality=world.municipality,
                                    membership=world.official)
    world.series.instrument = copy
    world.series.save()
    answer(RegistrationFactory(series=world.series), Phase.PRE, [3] * 9)
    answered = copy.items.filter(kind=InstrumentItem.Kind.LIKERT).first()
    with pytest.raises(ValidationError):
        services.instrument_item_update(item=answered, text="変えた", membership=world.official)
    fresh = services.instrument_item_add(instrument=copy, text="新しい設問", membership=world.official)
    fixed = services.instrument_item_update(item=fresh, text="直した設問", membership=world.official)
    assert fixed.text == "直した設問"


def test_bad_item_input_gives_messages_not_errors(world):
    own = services.instrument_create(municipality=world.municipality, name="独自", membership=world.official)
    response = client_for(world.official).post(f"/training/instruments/{own.pk}/", {
        "text": "", "kind": "likert", "scale_min": 3, "scale_max": 2})
    assert response.status_code == 400
    response = client_for(world.official).post(f"/training/instruments/{own.pk}/", {
        "text": "設問", "kind": "likert", "scale_min": 3, "scale_max": 2})
    assert response.status_code == 400 and not own.items.exists()
    item = services.instrument_item_add(instrument=own, text="設問", membership=world.official)
    assert client_for(world.official).post(f"/training/instruments/items/{item.pk}/sideways/").status_code == 404


def test_the_instrument_list_takes_few_queries(world, django_assert_max_num_queries):
    for n in range(5):
        Instrument.objects.create(municipality=world.municipality, code=f"own-{n}", name=f"尺度{n}")
    client = client_for(world.official)
    client.get("/training/instruments/")
    with django_assert_max_num_queries(15):
        assert client.get("/training/instruments/").status_code == 200
