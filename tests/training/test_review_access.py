"""Review of the training parts: ids posted from elsewhere, the instrument of a series once answered, and no
participant's name, e-mail or free-text answer in the audit log."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client

from renkei.core.models import AuditEntry
from renkei.training.models import Attendance, Instrument, Phase, TrainingSeries
from renkei.training.services import series as series_services
from renkei.training.services import surveys as survey_services

from .factories import RegistrationFactory, SeriesFactory, answer
from .survey_helpers import full_answers, issue, upcoming


def _edit_data(series, **overrides):
    data = {"kind": series.kind, "title": series.title, "fiscal_year": str(series.fiscal_year),
            "version": str(series.version), "instrument": str(series.instrument_id or "")}
    data.update(overrides)
    return data


def test_the_instrument_cannot_be_changed_once_someone_has_answered(world, login_as):
    answer(RegistrationFactory(series=world.series), Phase.PRE, [2] * 9)
    own = Instrument.objects.create(municipality=world.municipality, code="own", name="市の研修アンケート")
    before = world.series.instrument_id
    response = login_as(world.official).post(f"/training/series/{world.series.pk}/edit/",
                                             _edit_data(world.series, instrument=str(own.pk)))
    assert response.status_code == 400
    assert "instrument can no longer be changed" in response.content.decode() or \
        "変更できません" in response.content.decode()
    world.series.refresh_from_db()
    assert world.series.instrument_id == before


def test_the_instrument_may_change_while_nobody_has_answered(world, login_as):
    own = Instrument.objects.create(municipality=world.municipality, code="own", name="市の研修アンケート")
    response = login_as(world.official).post(f"/training/series/{world.series.pk}/edit/",
                                             _edit_data(world.series, instrument=str(own.pk)))
    assert response.status_code == 302
    world.series.refresh_from_db()
    assert world.series.instrument_id == own.pk


def test_another_municipalitys_instrument_is_refused_by_the_form_and_the_service(world, login_as):
    neighbour = world.neighbour_official.organization.municipality
    theirs = Instrument.objects.create(municipality=neighbour, code="theirs", name="隣の市のアンケート")
    response = login_as(world.official).post(f"/training/series/{world.series.pk}/edit/",
                                             _edit_data(world.series, instrument=str(theirs.pk)))
    assert response.status_code == 400
    series = TrainingSeries.objects.get(pk=world.series.pk)
    series.instrument = theirs
    with pytest.raises(ValidationError):
        series_services.series_save(membership=world.official, series=series)
    assert TrainingSeries.objects.get(pk=world.series.pk).instrument_id != theirs.pk


def test_a_registration_of_another_series_posted_to_a_checklist_is_not_found(world, login_as):
    other = RegistrationFactory(series=SeriesFactory(municipality=world.municipality))
    url = f"/training/sessions/{world.first_session.pk}/attendance/{other.pk}/"
    response = login_as(world.official).post(url, {"attended": "1"})
    assert response.status_code == 404
    assert not Attendance.objects.filter(registration=other).exists()


def test_a_registration_of_another_series_cannot_get_a_link_or_paper_answers_here(world, login_as):
    upcoming(world)
    other = RegistrationFactory(series=SeriesFactory(municipality=world.municipality))
    client = login_as(world.official)
    response = client.post(f"/training/series/{world.series.pk}/surveys/",
                           {"phase": "pre", "registration": str(other.pk)})
    assert response.status_code == 404
    response = client.post(f"/training/series/{world.series.pk}/surveys/enter/",
                           {"registration": str(other.pk), "phase": "pre", **full_answers(world, 2)})
    assert response.status_code == 400
    assert not other.survey_responses.exists() and not other.survey_links.exists()


def test_no_name_email_or_free_text_answer_reaches_the_audit_log(world, login_as):
    cache.clear()
    upcoming(world)
    client = login_as(world.official)
    client.post(f"/training/series/{world.series.pk}/participants/add/",
                {"name": "秘密山花子", "email": "himitsu@example.jp", "profession": "nurse"})
    client.post(f"/training/series/{world.series.pk}/participants/import/",
                {"text": "秘密川一郎,看護師,どこかの病院"})
    registration = world.series.registrations.get(name="秘密山花子")
    token = issue(world, registration)
    assert Client().post(f"/events/s/{token}/", full_answers(world, 3, text="秘密の感想")).status_code == 200
    series_services.registration_cancel(membership=world.official, registration=registration)
    entries = list(AuditEntry.objects.values_list("changes", "object_label"))
    assert entries
    dumped = repr(entries)
    for secret in ("秘密山", "himitsu@", "秘密川", "秘密の感想"):
        assert secret not in dumped
    assert survey_services.TEXT_LIMIT == 2000


def test_a_question_retired_after_answers_keeps_its_pairs_and_the_table_agrees_with_the_indicator(world):
    from renkei.indicators.periods import fiscal_year
    from renkei.training.selectors.surveys import effect_table
    from renkei.training.services.instruments import instrument_item_retire
    from renkei.training.survey_indicators import improved_share

    from .survey_helpers import paired_dataset

    paired_dataset(world)
    own = Instrument.objects.create(municipality=world.municipality, code="own", name="市の研修アンケート")
    for item in world.series.instrument.items.order_by("order"):
        item.pk, item.instrument = None, own
        item.save()
    # a fresh series on the municipality's own copy, so that its question can be retired
    series = SeriesFactory(municipality=world.municipality, instrument=own, fiscal_year=world.series.fiscal_year)
    first = own.items.filter(kind="likert").order_by("order").first()
    late = RegistrationFactory(series=series)
    answer(late, Phase.PRE, [1] * 9)
    early = RegistrationFactory(series=series)
    answer(early, Phase.PRE, [1] * 9)
    answer(early, Phase.POST, [2] * 9)
    instrument_item_retire(item=first, membership=world.official)
    answer(late, Phase.POST, [4] * 8)  # asked after the retirement: the first question is no longer there

    table = effect_table(series)
    retired_row = next(row for row in table.rows if row.item_id == first.pk)
    assert retired_row.effect.pairs == 1  # only the one who answered it before and after
    assert table.total.effect.pairs == 2 and table.pairs == 2
    computed = {c.area.key: c for c in improved_share([world.municipality], fiscal_year(series.fiscal_year))}
    assert sum(c.denominator for c in computed.values()) == 6 + 2  # the world's series' pairs and these two
