"""The public answer page: a participant answers through their personal link without an account."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.translation import gettext as _

from renkei.core import throttle
from renkei.core.models import AuditEntry
from renkei.directory.services import surveys as directory_surveys
from renkei.training.models import Phase, SurveyAnswer, SurveyLink, SurveyResponse
from renkei.training.services import surveys as services
from tests.i18n import ja

from .factories import RegistrationFactory
from .survey_helpers import full_answers, issue, upcoming


@pytest.fixture
def participant(world):
    upcoming(world)
    return RegistrationFactory(series=world.series, name="山田花子", email="hanako@example.jp")


def url(token: str) -> str:
    return f"/events/s/{token}/"


def test_the_page_shows_the_series_and_phase_but_never_the_participants_name(world, participant):
    response = Client().get(url(issue(world, participant)))
    content = response.content.decode()
    assert response.status_code == 200
    assert world.series.title in content
    assert _("Survey before the training") in content
    assert "山田花子" not in content and "hanako@example.jp" not in content
    # one fieldset with a legend per scale item, radio buttons 1…4 with the end labels
    assert content.count("<fieldset") == 9 and content.count("<legend>") == 9
    assert content.count('type="radio"') == 36
    assert "そう思わない" in content and "そう思う" in content


def test_opening_the_link_is_noted_once(world, participant):
    token = issue(world, participant)
    Client().get(url(token))
    first = SurveyLink.objects.get(registration=participant).opened_at
    Client().get(url(token))
    assert first is not None and SurveyLink.objects.get(registration=participant).opened_at == first


def test_a_complete_answer_is_saved_with_one_audit_entry_and_the_answers_in_bulk(world, participant):
    token = issue(world, participant)
    before = AuditEntry.objects.count()
    response = Client().post(url(token), full_answers(world, 3, text="顔の見える関係を作りたい"))
    assert response.status_code == 200 and _("Thank you") in response.content.decode()
    saved = SurveyResponse.objects.get(registration=participant, phase=Phase.PRE)
    assert saved.entered_by is None
    assert sorted(saved.answers.exclude(value=None).values_list("value", flat=True)) == [3] * 9
    assert saved.answers.get(item__kind="text").text == "顔の見える関係を作りたい"
    entries = AuditEntry.objects.filter(pk__gt=AuditEntry.objects.order_by("pk")[before - 1].pk if before else 0)
    assert [(e.action, e.object_type) for e in entries] == [("create", "training.surveyresponse")]
    assert not any(e.object_type == "training.surveyanswer" for e in AuditEntry.objects.all())


def test_a_second_submission_for_the_same_phase_is_refused_with_a_clear_message(world, participant):
    token = issue(world, participant)
    assert Client().post(url(token), full_answers(world, 2)).status_code == 200
    again = Client().post(url(token), full_answers(world, 4))
    assert again.status_code == 409
    assert _("This survey has already been answered. Thank you: one answer per survey is counted.") in \
        again.content.decode()
    assert set(SurveyAnswer.objects.filter(response__registration=participant).exclude(value=None)
               .values_list("value", flat=True)) == {2}


def test_an_answered_phase_gets_no_new_link_and_paper_entry_is_refused(world, participant):
    from django.core.exceptions import ValidationError

    Client().post(url(issue(world, participant)), full_answers(world, 2))
    assert services.survey_links_issue(series=world.series, phase=Phase.PRE, membership=world.official,
                                       registrations=[participant], send_email=False) == []
    with pytest.raises(ValidationError):
        services.survey_response_submit(registration=participant, phase=Phase.PRE, raw=full_answers(world, 4),
                                        membership=world.official)


def test_an_unknown_link_gets_a_404_page_and_counts_toward_the_throttle(world):
    response = Client().get(url("not-a-real-token"))
    assert response.status_code == 404
    assert ja("This survey link is not valid. It may have been replaced by a newer link: use the latest e-mail or "
              "sheet, or ask the training's organizer.") in response.content.decode()
    assert throttle.count(directory_surveys._throttle_key("bad", "127.0.0.1")) == 1


def test_an_expired_link_gets_a_410_page(world, participant):
    token = issue(world, participant)
    SurveyLink.objects.filter(registration=participant).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    response = Client().get(url(token))
    assert response.status_code == 410
    assert ja("This survey link has expired. Ask the training's organizer if you still want to answer.") in (
        response.content.decode().replace("&#x27;", "'"))


def test_reissuing_a_link_invalidates_the_previous_one(world, participant):
    old = issue(world, participant)
    new = issue(world, participant)
    assert Client().get(url(old)).status_code == 404
    assert Client().get(url(new)).status_code == 200
    assert SurveyLink.objects.filter(registration=participant, phase=Phase.PRE).count() == 1


def test_too_many_bad_links_from_one_address_are_throttled(world, participant):
    token = issue(world, participant)
    for n in range(directory_surveys.BAD_LINK_LIMIT):
        Client().get(url(f"guess-{n}"))
    response = Client().get(url(token))
    assert response.status_code == 429
    assert _("Too many attempts from your network. Wait a while before trying again.") in response.content.decode()


def test_an_out_of_range_value_is_refused_with_a_message_and_nothing_is_saved(world, participant):
    token = issue(world, participant)
    data = full_answers(world, 3)
    first = next(key for key in data if data[key] == "3")
    data[first] = "9"
    response = Client().post(url(token), data)
    assert response.status_code == 400
    assert _("The answer must be a number from %(low)s to %(high)s.") % {"low": 1, "high": 4} in \
        response.content.decode()
    assert not SurveyResponse.objects.exists()


def test_missing_answers_are_refused_per_question(world, participant):
    token = issue(world, participant)
    data = full_answers(world, 3)
    missing = [key for key in data if data[key] == "3"][:2]
    for key in missing:
        del data[key]
    response = Client().post(url(token), data)
    content = response.content.decode()
    assert response.status_code == 400
    assert content.count(_("Choose one answer from %(low)s to %(high)s.") % {"low": 1, "high": 4}) == 2
    assert not SurveyResponse.objects.exists()


def test_garbage_input_never_gives_a_500(world, participant):
    token = issue(world, participant)
    for data in ({"item_x": "y"}, {key: "abc" for key in full_answers(world)}, {key: "" for key in full_answers(world)},
                 {**full_answers(world), next(iter(full_answers(world))): "3.5"}):
        assert Client().post(url(token), data).status_code == 400
    assert Client().put(url(token)).status_code == 405


def test_the_service_validates_on_its_own_too(world, participant):
    from django.core.exceptions import ValidationError

    link = SurveyLink.objects.get(token_hash=directory_surveys.hash_token(issue(world, participant)))
    data = full_answers(world, 3)
    key = next(k for k in data if data[k] == "3")
    with pytest.raises(ValidationError) as error:
        services.survey_response_submit(registration=participant, phase=Phase.PRE, raw={**data, key: "0"}, link=link)
    assert key in error.value.message_dict


def test_a_pre_link_expires_when_the_first_session_ends_and_a_post_link_30_days_after_the_last(world):
    upcoming(world)
    first, last = world.first_session, world.second_session
    assert services.link_expiry(world.series, Phase.PRE) == timezone.make_aware(dt.datetime.combine(
        timezone.localtime(first.starts_at).date(), dt.time(23, 59, 59)))
    last.ends_at = last.starts_at + dt.timedelta(hours=2)
    last.save()
    assert services.link_expiry(world.series, Phase.POST) == last.ends_at + dt.timedelta(days=30)


def test_pre_links_cannot_be_issued_once_the_training_has_begun(world):
    from django.core.exceptions import ValidationError

    registration = RegistrationFactory(series=world.series)  # the world's first session was 14 days ago
    with pytest.raises(ValidationError):
        services.survey_links_issue(series=world.series, phase=Phase.PRE, membership=world.official,
                                    registrations=[registration], send_email=False)
    assert len(services.survey_links_issue(series=world.series, phase=Phase.POST, membership=world.official,
                                           registrations=[registration], send_email=False)) == 1


def test_links_are_emailed_with_the_link_only(world, participant, mailoutbox):
    RegistrationFactory(series=world.series, name="紙の人")  # no e-mail: printed instead
    issued = services.survey_links_issue(series=world.series, phase=Phase.PRE, membership=world.official,
                                         base_url="https://renkei.example")
    assert sorted(link.emailed for link in issued) == [False, True]
    [mail] = mailoutbox
    assert mail.to == ["hanako@example.jp"]
    link = next(link for link in issued if link.emailed).link
    assert link.startswith("https://renkei.example/events/s/") and link in mail.body
    token = link.rstrip("/").rsplit("/", 1)[-1]
    assert not SurveyLink.objects.filter(token_hash=token).exists()  # only the hash is stored
    assert SurveyLink.objects.filter(token_hash=directory_surveys.hash_token(token)).exists()


def test_a_cancelled_registration_cannot_answer(world, participant):
    token = issue(world, participant)
    participant.cancelled_at = timezone.now()
    participant.save()
    assert Client().get(url(token)).status_code == 410
