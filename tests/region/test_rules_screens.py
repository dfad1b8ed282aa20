"""The wide-area rules screens and API: list, detail with adoptions and measures, adding and ending an adoption,
the survey screens and their import, masking for outsiders, refusals."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from renkei.region.models import CoordinationSurvey, CoordinationSurveyRow, RuleAdoption
from renkei.region.services.rules import adoption_record
from tests.conftest import client_for

from .test_rules_world import ADOPTED, build_rules_world, discharge

pytestmark = pytest.mark.django_db


@pytest.fixture
def rw():
    rw = build_rules_world()
    w = rw.world
    adoption_record(membership=w.prefecture, rule_set=rw.rule, municipality=w.fukuchiyama, adopted_on=ADOPTED)
    adoption_record(membership=w.prefecture, rule_set=rw.rule, municipality=w.maizuru, adopted_on=ADOPTED)
    discharge(rw, on=ADOPTED - dt.timedelta(days=20), municipality=w.maizuru, hospital=rw.maizuru_hospital,
              missed=True, count=3)
    return rw


def test_the_list_shows_the_rule_with_its_adoptions(rw):
    response = client_for(rw.world.health_center_staff).get(reverse("region:wide_rules"))
    assert response.status_code == 200
    assert rw.rule.name in response.content.decode()
    assert response.context["rules"][0].municipalities_adopted == 2


def test_the_detail_shows_adoptions_measures_and_the_chart_data(rw):
    response = client_for(rw.world.prefecture).get(reverse("region:wide_rule_detail", args=[rw.rule.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "舞鶴市" in body and 'id="rules-trend-data"' in body
    maizuru = next(r for r in response.context["figures"].municipalities if r.label == "舞鶴市")
    assert maizuru.before.counted == 3


def test_a_municipal_viewer_sees_the_neighbours_small_count_masked(rw):
    response = client_for(rw.world.official).get(reverse("region:wide_rule_detail", args=[rw.rule.pk]))
    maizuru = next(r for r in response.context["figures"].municipalities if r.label == "舞鶴市")
    assert maizuru.before.counted == "<10"
    assert "&lt;10" in response.content.decode()


def test_another_prefectures_staff_get_403_on_the_detail(rw):
    response = client_for(rw.world.other_prefecture).get(reverse("region:wide_rule_detail", args=[rw.rule.pk]))
    assert response.status_code == 403


def test_a_municipality_adds_its_adoption_through_the_form(rw):
    client = client_for(rw.world.small_town_official)
    response = client.post(reverse("region:adoption_add", args=[rw.rule.pk]),
                           {"municipality": rw.world.ine.pk, "adopted_on": "2025-05-01"})
    assert response.status_code == 403  # 伊根町 is outside 中丹: it may not record any adoption of this rule
    client = client_for(rw.world.prefecture)
    response = client.post(reverse("region:adoption_add", args=[rw.rule.pk]),
                           {"municipality": rw.world.ayabe.pk, "adopted_on": "2025-05-01"})
    assert response.status_code == 302
    assert RuleAdoption.objects.filter(municipality=rw.world.ayabe, adopted_on=dt.date(2025, 5, 1)).exists()


def test_a_bad_adoption_form_is_answered_400_with_the_message(rw):
    response = client_for(rw.world.prefecture).post(reverse("region:adoption_add", args=[rw.rule.pk]),
                                                    {"hospital": rw.hospital.pk, "adopted_on": "2001-01-01"})
    assert response.status_code == 400
    assert "施行日" in response.content.decode()


def test_the_municipality_ends_its_adoption(rw):
    adoption = RuleAdoption.objects.get(municipality=rw.world.fukuchiyama)
    response = client_for(rw.world.official).post(reverse("region:adoption_end", args=[adoption.pk]),
                                                  {"ended_on": "2025-12-31"})
    assert response.status_code == 302
    adoption.refresh_from_db()
    assert adoption.ended_on == dt.date(2025, 12, 31)


def test_a_neighbour_cannot_end_another_municipalitys_adoption(rw):
    adoption = RuleAdoption.objects.get(municipality=rw.world.maizuru)
    response = client_for(rw.world.official).post(reverse("region:adoption_end", args=[adoption.pk]),
                                                  {"ended_on": "2025-12-31"})
    assert response.status_code == 403


def test_the_prefecture_creates_a_survey_and_imports_its_answers(rw):
    client = client_for(rw.world.prefecture)
    response = client.post(reverse("region:coordination_survey_new"),
                           {"title": "中丹 退院調整状況調査", "area_group": rw.world.chutan.pk, "month": "2024-05"})
    survey = CoordinationSurvey.objects.get()
    assert response.status_code == 302 and survey.month == dt.date(2024, 5, 1)
    content = ("病院名,区分,入院件数,入院時情報提供書提出なし,退院件数,退院調整なし\n"
               "市立福知山市民病院,病院,40,20,38,12\n")
    response = client.post(reverse("region:coordination_survey_import", args=[survey.pk]),
                           {"file": SimpleUploadedFile("a.csv", content.encode("cp932"))})
    assert response.status_code == 302 and CoordinationSurveyRow.objects.count() == 1
    assert client.get(reverse("region:coordination_survey_detail", args=[survey.pk])).status_code == 200


def test_a_refused_import_lists_the_lines(rw):
    survey = CoordinationSurvey.objects.create(prefecture=rw.world.kyoto, month=dt.date(2024, 5, 1), title="t")
    content = "病院名,区分,入院件数,入院時情報提供書提出なし,退院件数,退院調整なし\n架空病院,病院,1,1,1,1\n"
    response = client_for(rw.world.prefecture).post(reverse("region:coordination_survey_import", args=[survey.pk]),
                                                    {"file": SimpleUploadedFile("a.csv", content.encode())})
    assert response.status_code == 400
    assert "2行目" in response.content.decode() and not CoordinationSurveyRow.objects.exists()


def test_municipal_staff_read_surveys_but_do_not_get_the_new_survey_page(rw):
    client = client_for(rw.world.official)
    assert client.get(reverse("region:coordination_survey_list")).status_code == 200
    assert client.get(reverse("region:coordination_survey_new")).status_code == 403


def test_the_api_lists_rules_and_masks_measures_for_outsiders(rw, api_token_for):
    def get(membership, url):
        return Client().get(f"/api/v1{url}", HTTP_AUTHORIZATION=f"Bearer {api_token_for(membership)}")

    rows = get(rw.world.official, "/region/rules").json()
    assert [r["id"] for r in rows] == [rw.rule.pk] and rows[0]["municipalities_adopted"] == 2
    measures = get(rw.world.official, f"/region/rules/{rw.rule.pk}/measures").json()
    maizuru = next(r for r in measures["municipalities"] if r["label"] == "舞鶴市")
    assert maizuru["before"]["counted"] == "<10" and maizuru["before"]["missed_rate"] is None
    full = get(rw.world.prefecture, f"/region/rules/{rw.rule.pk}/measures").json()
    assert next(r for r in full["municipalities"] if r["label"] == "舞鶴市")["before"]["counted"] == 3
    assert get(rw.world.other_prefecture, f"/region/rules/{rw.rule.pk}/measures").status_code == 403
    assert get(rw.world.professional, "/region/rules").status_code == 403
