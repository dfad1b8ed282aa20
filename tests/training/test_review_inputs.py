"""Review of the training parts: bad uploads, bad CLI arguments, the public page's bad posts and races, and
one rule for a registration cancelled after answering (it leaves every count: page, CLI, API, ZT-C-O01)."""

from __future__ import annotations

import io
import threading

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import close_old_connections, connection
from django.test import Client

from renkei.core.models import Municipality
from renkei.indicators.periods import fiscal_year
from renkei.training.models import Registration, SurveyAnswer, SurveyResponse
from renkei.training.selectors.surveys import effect_table
from renkei.training.services import series as series_services
from renkei.training.survey_indicators import improved_share

from .factories import RegistrationFactory, SeriesFactory, builtin_instrument
from .survey_helpers import full_answers, issue, paired_dataset, upcoming


def _import(client, series, data: bytes, name: str = "list.csv"):
    return client.post(f"/training/series/{series.pk}/participants/import/",
                       {"file": SimpleUploadedFile(name, data, content_type="text/csv")})


# --- uploads -------------------------------------------------------------------------------------------------

def test_a_csv_with_a_nul_byte_is_refused_and_registers_nobody(world, login_as):
    client = login_as(world.official)
    response = _import(client, world.series, "山田\x00花子,看護師,試験市民病院\n".encode())
    assert response.status_code == 400 and "CSV ファイルではありません" in response.content.decode()
    # past the first 4 KB the shared decoder does not look: the import refuses it itself
    late = "".join(f"参加者{n},看護師,\n" for n in range(300)) + "山田\x00花子,看護師,\n"
    response = _import(client, world.series, late.encode())
    assert response.status_code == 400 and "NUL 文字" in response.content.decode()
    assert not Registration.objects.filter(series=world.series).exists()


def test_an_excel_workbook_sent_as_csv_is_named_as_not_a_csv(world, login_as):
    response = _import(login_as(world.official), world.series, b"PK\x03\x04" + b"\x00\x14" * 200, "list.xlsx")
    assert response.status_code == 400
    assert "CSV ファイルではありません" in response.content.decode()
    assert not Registration.objects.filter(series=world.series).exists()


def test_a_cp932_csv_with_tabs_and_empty_lines_registers_every_person(world, login_as):
    text = "氏名\t職種\t所属\n\n山田花子\t看護師\t試験市民病院\n\n佐藤一郎\tケアマネ\t\n"
    response = _import(login_as(world.official), world.series, text.encode("cp932"))
    assert response.status_code == 302
    assert sorted(Registration.objects.filter(series=world.series).values_list("name", "facility__name")) == [
        ("佐藤一郎", None), ("山田花子", "試験市民病院")]


def test_a_list_of_more_lines_than_allowed_is_refused_whole(world, login_as):
    text = "\n".join(f"参加者{n},看護師," for n in range(series_services.MAX_IMPORT_LINES + 1))
    response = login_as(world.official).post(f"/training/series/{world.series.pk}/participants/import/",
                                             {"text": text})
    assert response.status_code == 400
    assert not Registration.objects.filter(series=world.series).exists()


def test_a_facility_of_another_municipality_cannot_be_posted_for_a_participant(world, login_as):
    from tests.factories import FacilityFactory

    elsewhere = FacilityFactory(municipality=Municipality.objects.exclude(pk=world.municipality.pk).first())
    response = login_as(world.official).post(f"/training/series/{world.series.pk}/participants/add/",
                                             {"name": "山田花子", "facility": elsewhere.pk})
    assert response.status_code == 400
    assert not Registration.objects.filter(series=world.series).exists()


# --- the CLI -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("bad", ["²", "9" * 30, "-1", "abc", " "])
def test_the_effect_cli_answers_a_bad_series_number_with_exit_code_1(world, bad):
    with pytest.raises(CommandError) as caught:
        call_command("training", "effect", bad, stdout=io.StringIO())
    assert caught.value.returncode == 1
    assert "見つかりません" in str(caught.value) and "unknown training series" in str(caught.value)


# --- the public page ----------------------------------------------------------------------------------------

@pytest.fixture
def token(world):
    cache.clear()
    upcoming(world)
    return issue(world, RegistrationFactory(series=world.series, name="山田花子"))


@pytest.mark.parametrize("bad", ["3\x00", "abc", "3.5", "-1", "99", "9" * 400, "", "１"])
def test_a_bad_value_gets_a_clear_message_and_nothing_is_saved(world, token, bad):
    data = full_answers(world)
    first_scale = next(key for key, value in data.items() if value == "3")
    data[first_scale] = bad
    response = Client().post(f"/events/s/{token}/", data)
    assert response.status_code == 400
    assert ("1" in response.content.decode() or "NUL" in response.content.decode())
    assert not SurveyResponse.objects.exists()


def test_free_text_over_the_limit_or_with_a_nul_byte_is_refused(world, token):
    data = full_answers(world, text="あ" * 2001)
    assert Client().post(f"/events/s/{token}/", data).status_code == 400
    data = full_answers(world, text="よい\x00研修")
    assert Client().post(f"/events/s/{token}/", data).status_code == 400
    assert not SurveyResponse.objects.exists()


def test_answers_to_another_instruments_items_are_ignored(world, token):
    other = SeriesFactory(municipality=world.municipality, instrument=builtin_instrument())
    foreign = {f"item_{pk}": "4" for pk in range(1, 400)}
    data = {**foreign, **full_answers(world, 2)}
    response = Client().post(f"/events/s/{token}/", data)
    assert response.status_code == 200
    saved = SurveyAnswer.objects.filter(response__registration__series=world.series)
    items = set(world.series.instrument.items.values_list("pk", flat=True))
    assert set(saved.values_list("item_id", flat=True)) <= items
    assert not SurveyResponse.objects.filter(registration__series=other).exists()


def test_a_bad_token_of_any_shape_gets_the_invalid_page(world):
    cache.clear()
    for bad in ["x" * 2000, "%00", "..", "a b"]:
        response = Client().get(f"/events/s/{bad}/")
        assert response.status_code in (400, 404, 429)  # 400: the NUL check of every request


postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's")


@postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_submissions_at_once_save_one_response_and_the_other_is_told_it_was_answered():
    from .factories import build_world

    cache.clear()
    world = build_world()
    upcoming(world)
    token = issue(world, RegistrationFactory(series=world.series))
    data = full_answers(world, 3)
    statuses, errors = [], []
    barrier = threading.Barrier(2)

    def post():
        try:
            barrier.wait(timeout=30)
            statuses.append(Client().post(f"/events/s/{token}/", data).status_code)
        except BaseException as error:  # noqa: BLE001 - collected and asserted on
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert sorted(statuses) == [200, 409]
    assert SurveyResponse.objects.count() == 1


# --- a registration cancelled after answering ----------------------------------------------------------------

def test_a_registration_cancelled_after_answering_leaves_the_page_cli_api_and_indicator(world, login_as,
                                                                                        api_token_for):
    registrations = paired_dataset(world)
    period = fiscal_year(world.series.fiscal_year)
    assert effect_table(world.series).pairs == 6
    [before] = improved_share([world.municipality], period)
    series_services.registration_cancel(membership=world.official, registration=registrations[0])

    assert effect_table(world.series).pairs == 5
    assert effect_table(world.series).total.effect.pairs == 5
    [after] = improved_share([world.municipality], period)
    assert (after.denominator, before.denominator) == (5, 6)
    out = io.StringIO()
    call_command("training", "effect", str(world.series.pk), stdout=out)
    assert "pairs 5," in out.getvalue()
    body = Client().get(f"/api/v1/training/series/{world.series.pk}/effect",
                        HTTP_AUTHORIZATION=f"Bearer {api_token_for(world.official)}").json()
    assert body["pairs"] == 5 and body["rows"][-1]["pairs"] == 5
    page = login_as(world.official).get(f"/training/series/{world.series.pk}/effect/")
    assert page.status_code == 200 and page.context["table"].pairs == 5
    assert SurveyResponse.objects.filter(registration=registrations[0]).count() == 2  # kept, not counted
