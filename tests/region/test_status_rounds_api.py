"""Survey rounds (open, progress, close, publish), the home-page item, and the implementation API."""

import pytest
from django.test import Client
from django.urls import reverse

from renkei.core.models import AuditEntry
from renkei.region.home_status import survey_attention
from renkei.region.models import Implementation, SurveyRound
from renkei.region.services.implementation import round_open
from tests.conftest import client_for

from .factories import FY, answer

pytestmark = pytest.mark.django_db


def test_prefecture_staff_open_a_round_for_their_prefecture(world):
    response = client_for(world.prefecture).post(reverse("region:round_new"), {"fiscal_year": str(FY)})
    created = SurveyRound.objects.get()
    assert response.status_code == 302
    assert (created.prefecture, created.fiscal_year, created.opened_by) == (world.kyoto, FY, world.prefecture)


def test_a_second_round_for_the_same_year_is_refused_with_a_message(world):
    round_open(membership=world.prefecture, fiscal_year=FY, prefecture=world.kyoto)
    response = client_for(world.prefecture).post(reverse("region:round_new"), {"fiscal_year": str(FY)})
    assert response.status_code == 400
    assert "already exists" in response.context["error"]


def test_a_bad_year_is_refused_with_a_message(world):
    response = client_for(world.prefecture).post(reverse("region:round_new"), {"fiscal_year": "令和"})
    assert response.status_code == 400
    assert not SurveyRound.objects.exists()


def test_municipal_staff_cannot_open_a_round(world):
    assert client_for(world.official).get(reverse("region:round_new")).status_code == 403


def test_prefecture_staff_cannot_open_a_national_round(world):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        round_open(membership=world.prefecture, fiscal_year=FY, prefecture=None)


def test_the_round_shows_who_answered_confirmed_or_not_yet(world):
    survey_round = round_open(membership=world.prefecture, fiscal_year=FY, prefecture=world.kyoto)
    answer(world.fukuchiyama, "IIPNIIIN")
    answer(world.maizuru, "NNNNNNNN", confirm=False)
    response = client_for(world.prefecture).get(reverse("region:round_detail", args=[survey_round.pk]))
    states = {row.municipality.name: row.state for row in response.context["rows"]}
    assert states == {"福知山市": "confirmed", "舞鶴市": "answered", "綾部市": "none", "伊根町": "none"}


def test_another_prefectures_round_is_refused(world):
    survey_round = round_open(membership=world.prefecture, fiscal_year=FY, prefecture=world.kyoto)
    response = client_for(world.other_prefecture).get(reverse("region:round_detail", args=[survey_round.pk]))
    assert response.status_code == 403


def test_publishing_a_round_publishes_its_confirmed_sheets_audited(world):
    survey_round = round_open(membership=world.prefecture, fiscal_year=FY, prefecture=world.kyoto)
    confirmed = answer(world.fukuchiyama, "IIPNIIIN")
    draft = answer(world.maizuru, "NNNNNNNN", confirm=False)
    client_for(world.prefecture).post(reverse("region:round_publish", args=[survey_round.pk]))
    confirmed.refresh_from_db()
    draft.refresh_from_db()
    assert (confirmed.is_published, draft.is_published) == (True, False)
    entry = AuditEntry.objects.filter(object_type="region.implementation", object_id=str(confirmed.pk)).latest("seq")
    assert "is_published" in entry.changes
    assert entry.owner_municipality_id == world.fukuchiyama.pk


def test_closing_a_round_records_when(world):
    survey_round = round_open(membership=world.prefecture, fiscal_year=FY, prefecture=world.kyoto)
    client_for(world.prefecture).post(reverse("region:round_close", args=[survey_round.pk]))
    survey_round.refresh_from_db()
    assert survey_round.closed_at is not None


def test_the_home_page_says_the_open_survey_is_not_confirmed(world):
    round_open(membership=world.prefecture, fiscal_year=FY, prefecture=world.kyoto)
    [item] = survey_attention(world.official)
    assert item.url == reverse("region:implementation_answer", kwargs={"code": world.fukuchiyama.code,
                                                                       "fiscal_year": FY})


def test_the_home_item_goes_once_the_sheet_is_confirmed(world):
    round_open(membership=world.prefecture, fiscal_year=FY, prefecture=world.kyoto)
    answer(world.fukuchiyama, "IIPNIIIN")
    assert survey_attention(world.official) == []


# --- the API -------------------------------------------------------------------------------------------------

def api_get(membership, token_for, path):
    return Client().get(f"/api/v1/{path}", HTTP_AUTHORIZATION=f"Bearer {token_for(membership)}")


def test_prefecture_staff_get_every_municipality_of_their_prefecture(world, api_token_for):
    answer(world.fukuchiyama, "IIPNIIIN")
    response = api_get(world.prefecture, api_token_for, f"implementation?year={FY}&prefecture=26")
    assert response.status_code == 200
    rows = {row["municipality"]["name"]: row for row in response.json()["rows"]}
    assert set(rows) == {"福知山市", "舞鶴市", "綾部市", "伊根町"}
    assert rows["福知山市"]["statuses"]["c"] == "planned"
    assert rows["福知山市"]["confirmed"] is True
    assert rows["伊根町"]["answered"] is False


def test_health_center_staff_get_their_prefecture(world, api_token_for):
    response = api_get(world.health_center_staff, api_token_for, f"implementation?year={FY}")
    assert response.status_code == 200
    assert response.json()["prefecture"]["code"] == "26"


def test_another_prefectures_code_is_refused_and_logged(world, api_token_for):
    response = api_get(world.other_prefecture, api_token_for, f"implementation?year={FY}&prefecture=26")
    assert response.status_code == 403
    assert AuditEntry.objects.filter(action=AuditEntry.Action.REFUSE).exists()


def test_municipal_staff_get_their_row_and_published_rows_with_aggregates(world, api_token_for):
    answer(world.fukuchiyama, "NNNNNNNN", confirm=False)
    answer(world.maizuru, "IIPNIIIN", publish=True)
    answer(world.ayabe, "IIIIIIII")  # confirmed but not published
    response = api_get(world.official, api_token_for, f"implementation?year={FY}&prefecture=26")
    body = response.json()
    assert {row["municipality"]["name"] for row in body["rows"]} == {"福知山市", "舞鶴市"}
    assert body["aggregates"]["n"] == 1
    assert body["aggregates"]["items"]["c"] == {"implemented": 0, "planned": 1, "not_implemented": 0}


def test_professionals_are_refused(world, api_token_for):
    assert api_get(world.professional, api_token_for, f"implementation?year={FY}").status_code == 403


def test_one_sheet_reads_with_its_version(world, api_token_for):
    sheet = answer(world.fukuchiyama, "IIPNIIIN")
    response = api_get(world.prefecture, api_token_for, f"implementation/{world.fukuchiyama.code}/{FY}")
    assert response.status_code == 200
    assert response["ETag"] == f'"{sheet.version}"'
    assert response.json()["statuses"]["d"] == "not_implemented"


def test_another_municipalitys_unpublished_sheet_is_refused(world, api_token_for):
    answer(world.maizuru, "IIPNIIIN")
    assert api_get(world.official, api_token_for, f"implementation/{world.maizuru.code}/{FY}").status_code == 403


def put(membership, token_for, municipality, body, **headers):
    return Client().put(f"/api/v1/implementation/{municipality.code}/{FY}", body, content_type="application/json",
                        HTTP_AUTHORIZATION=f"Bearer {token_for(membership)}", **headers)


def items(statuses):
    letter = {"I": "implemented", "P": "planned", "N": "not_implemented"}
    return [{"item": item, "status": letter[s]} for item, s in zip("abcdefgh", statuses, strict=True)]


def test_municipal_staff_save_their_sheet_through_the_api(world, api_token_for):
    response = put(world.official, api_token_for, world.fukuchiyama, {"items": items("IIPNIIIN"), "confirm": True})
    assert response.status_code == 200
    sheet = Implementation.objects.get(municipality=world.fukuchiyama)
    assert sheet.is_confirmed


def test_a_stale_put_is_409(world, api_token_for):
    sheet = answer(world.fukuchiyama, "IIPNIIIN")
    answer(world.fukuchiyama, "NNNNNNNN")
    response = put(world.official, api_token_for, world.fukuchiyama, {"items": items("IIIIIIII"),
                                                                     "version": sheet.version})
    assert response.status_code == 409
    assert response.json()["current_version"] == sheet.version + 1


def test_an_unknown_status_through_the_api_is_422(world, api_token_for):
    body = {"items": [{"item": "a", "status": "often"}]}
    assert put(world.official, api_token_for, world.fukuchiyama, body).status_code == 422


def test_prefecture_staff_cannot_put(world, api_token_for):
    assert put(world.prefecture, api_token_for, world.fukuchiyama, {"items": items("IIPNIIIN")}).status_code == 403
