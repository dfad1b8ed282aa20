import datetime as dt

from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from renkei.training.models import AwarenessResponse
from renkei.training.services import awareness as services

from .awareness_helpers import activity_in, days

ANSWER = {"understanding_before": "2", "understanding_after": "4", "acp_intention": "will_talk",
          "age_band": "75_plus", "comment": "家族と話してみます"}


def _link(world, **kwargs):
    return services.survey_link_issue(membership=world.official, activity=activity_in(world, date=days(-1),
                                                                                      **kwargs))


def test_a_resident_answers_once_per_visit_without_login(world):
    issued = _link(world)
    client = Client()
    url = reverse("events:awareness_answer", args=[issued.token])
    page = client.get(url)
    assert page.status_code == 200 and issued.link.activity.title in page.content.decode()
    response = client.post(url, ANSWER)
    assert response.status_code == 302
    answer = AwarenessResponse.objects.get()
    assert (answer.understanding_before, answer.understanding_after, answer.acp_intention, answer.age_band) == (
        2, 4, "will_talk", "75_plus")
    again = client.post(url, ANSWER)
    assert again.status_code == 200 and AwarenessResponse.objects.count() == 1
    assert Client().post(url, ANSWER).status_code == 302  # another visit (another phone) answers too
    assert AwarenessResponse.objects.count() == 2


def test_out_of_range_and_empty_answers_get_a_message_not_a_500(world):
    issued = _link(world)
    url = reverse("events:awareness_answer", args=[issued.token])
    response = Client().post(url, {"understanding_before": "9", "acp_intention": "maybe"})
    assert response.status_code == 400
    response = Client().post(url, {})
    assert response.status_code == 400 and response.context["form"].non_field_errors()
    assert not AwarenessResponse.objects.exists()


def test_unknown_expired_and_stopped_links_are_refused_with_a_message(world):
    assert Client().get(reverse("events:awareness_answer", args=["no-such-token"])).status_code == 404
    issued = _link(world)
    url = reverse("events:awareness_answer", args=[issued.token])
    issued.link.expires_at = timezone.now() - dt.timedelta(seconds=1)
    issued.link.save()
    response = Client().post(url, ANSWER)
    assert response.status_code == 410 and not AwarenessResponse.objects.exists()
    other = _link(world)
    services.survey_link_deactivate(membership=world.official, link=other.link)
    assert Client().get(reverse("events:awareness_answer", args=[other.token])).status_code == 410
    assert Client().get(reverse("events:awareness_answer", args=["x" * 300])).status_code == 404


def test_an_address_guessing_links_is_throttled(world):
    cache.clear()
    client = Client()
    for n in range(services.BAD_LINK_LIMIT):
        client.get(reverse("events:awareness_answer", args=[f"guess{n}"]))
    issued = _link(world)
    response = client.get(reverse("events:awareness_answer", args=[issued.token]))
    assert response.status_code == 429
    assert "アクセスが多すぎます" in response.content.decode()
    cache.clear()
