import io

import pytest
from django.urls import reverse

from renkei.core.models import AuditEntry
from renkei.training.models import AwarenessActivity, AwarenessResponse, AwarenessSurveyLink
from renkei.training.services import awareness as services
from tests.conftest import client_for

from .awareness_helpers import activity_in, answers, data_dir, days, pdf  # noqa: F401 (data_dir: a fixture)


def _form(world, **changes):
    data = {"kind": "public_lecture", "title": "人生会議 市民公開講座", "description": "", "themes": ["acp"],
            "date": days(40).isoformat(), "starts_at": "14:00", "ends_at": "15:30", "place": "市民会館",
            "daily_living_area": world.areas[0].pk, "audience": "市民", "capacity": "100", "attendance": "",
            "copies": "", "how_to_join": "申込不要", "contact": "地域包括ケア推進課 0773-00-0000", "organizer": "",
            "is_published": "on"}
    data.update(changes)
    return data


def test_staff_add_an_activity_and_land_on_its_page(world):
    client = client_for(world.official)
    response = client.post(reverse("training:awareness_create") + f"?municipality={world.municipality.code}",
                           _form(world))
    activity = AwarenessActivity.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("training:awareness_detail",
                                                                           args=[activity.pk])
    assert (activity.municipality, activity.daily_living_area, activity.is_published) == (
        world.municipality, world.areas[0], True)
    page = client.get(response["Location"]).content.decode()
    assert "人生会議 市民公開講座" in page and "市民会館" in page


def test_bad_input_shows_the_form_again_with_a_message(world):
    client = client_for(world.official)
    response = client.post(reverse("training:awareness_create"), _form(world, date="", ends_at="13:00"))
    assert response.status_code == 400
    assert not AwarenessActivity.objects.exists()


def test_an_edit_over_someone_elses_save_shows_the_conflict_screen(world):
    activity = activity_in(world)
    client = client_for(world.official)
    url = reverse("training:awareness_edit", args=[activity.pk])
    assert client.post(url, _form(world, title="一人目", version=activity.version)).status_code == 302
    response = client_for(world.coordinator).post(url, _form(world, title="二人目", version=activity.version))
    assert response.status_code == 409
    activity.refresh_from_db()
    assert activity.title == "一人目"


def test_the_list_filters_by_year_kind_theme_and_area(world):
    activity_in(world, title="圏域1の講座", daily_living_area=world.areas[0], date=days(1))
    activity_in(world, title="認知症の出前講座", kind="outreach_lecture", themes=["dementia"], date=days(1))
    activity_in(world, title="隣の市の講座", municipality=world.neighbour_official.organization.municipality)
    client = client_for(world.official)
    url = reverse("training:awareness_list")
    page = client.get(url).content.decode()
    assert "圏域1の講座" in page and "認知症の出前講座" in page and "隣の市の講座" not in page
    page = client.get(url, {"theme": "dementia"}).content.decode()
    assert "認知症の出前講座" in page and "圏域1の講座" not in page
    page = client.get(url, {"area": world.areas[0].pk}).content.decode()
    assert "圏域1の講座" in page and "認知症の出前講座" not in page
    page = client.get(url, {"kind": "outreach_lecture", "year": "2001"}).content.decode()
    assert "認知症の出前講座" not in page


def test_the_excel_export_lists_the_years_activities_and_is_logged(world):
    from openpyxl import load_workbook

    activity_in(world, title="講座A", date=days(1), attendance=35)
    response = client_for(world.prefecture).get(reverse("training:awareness_export"),
                                                {"municipality": world.municipality.code})
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0][2] == "名称" and rows[1][2] == "講座A" and rows[1][10] == 35
    assert AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT,
                                     changes__document="awareness_activities").exists()


@pytest.mark.usefixtures("data_dir")
def test_materials_upload_download_with_a_read_entry_and_delete(world):
    activity = activity_in(world)
    client = client_for(world.official)
    response = client.post(reverse("training:awareness_material_upload", args=[activity.pk]),
                           {"title": "当日資料", "file": pdf(), "is_public": ""})
    assert response.status_code == 302
    material = activity.materials.get()
    response = client_for(world.prefecture).get(reverse("training:awareness_material_download",
                                                        args=[material.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF-")
    assert AuditEntry.objects.filter(action=AuditEntry.Action.READ, object_id=str(material.pk)).exists()
    bad = client.post(reverse("training:awareness_material_upload", args=[activity.pk]),
                      {"title": "x", "file": pdf("x.exe")})
    assert bad.status_code == 400 and "この種類のファイルは添付できません" in bad.content.decode()
    client.post(reverse("training:awareness_material_delete", args=[material.pk]))
    assert not activity.materials.exists()


def test_issuing_the_link_shows_it_once_with_a_qr_code(world):
    activity = activity_in(world)
    response = client_for(world.official).post(reverse("training:awareness_survey", args=[activity.pk]), {})
    page = response.content.decode()
    link = AwarenessSurveyLink.objects.get()
    assert response.status_code == 200 and "<svg" in page and "/events/q/" in page
    token = page.split("/events/q/")[1].split("/")[0]
    assert services.hash_token(token) == link.token_hash
    detail = client_for(world.official).get(reverse("training:awareness_detail", args=[activity.pk])).content
    assert token.encode() not in detail
    client_for(world.official).post(reverse("training:awareness_survey_deactivate", args=[link.pk]))
    link.refresh_from_db()
    assert not link.is_active


def test_a_past_expiry_date_is_refused(world):
    activity = activity_in(world)
    response = client_for(world.official).post(reverse("training:awareness_survey", args=[activity.pk]),
                                               {"expires_on": days(-1).isoformat()})
    assert response.status_code == 400 and not AwarenessSurveyLink.objects.exists()


def test_paper_forms_are_entered_from_the_grid(world):
    activity = activity_in(world, date=days(-1))
    data = {"paper-TOTAL_FORMS": "3", "paper-INITIAL_FORMS": "0", "paper-MIN_NUM_FORMS": "0",
            "paper-MAX_NUM_FORMS": "200",
            "paper-0-understanding_before": "1", "paper-0-understanding_after": "3", "paper-0-acp_intention":
                "will_talk",
            "paper-2-understanding_before": "2", "paper-2-understanding_after": "4", "paper-2-comment": "良かった"}
    response = client_for(world.coordinator).post(reverse("training:awareness_responses_enter",
                                                          args=[activity.pk]), data)
    assert response.status_code == 302
    assert sorted(AwarenessResponse.objects.values_list("understanding_before", "understanding_after")) == [
        (1, 3), (2, 4)]
    data["paper-1-understanding_after"] = "7"
    response = client_for(world.coordinator).post(reverse("training:awareness_responses_enter",
                                                          args=[activity.pk]), data)
    assert response.status_code == 400 and AwarenessResponse.objects.count() == 2


def test_the_results_show_pairs_with_n_and_intention_shares_and_comments_to_staff_only(world):
    activity = activity_in(world, date=days(-1))
    answers(activity, [(1, 3, "will_talk", "65_74", "家族と話します"), (2, 4, "already", "", ""),
                       (2, 3, "not_now", "", ""), (1, 2, "will_talk", "", ""), (3, 4, "", "", ""),
                       (None, 4, "unsure", "", "")])
    page = client_for(world.official).get(reverse("training:awareness_detail", args=[activity.pk])).content.decode()
    assert 'data-pairs="5"' in page and "家族と話します" in page
    assert '<tr data-code="will_talk"><td>' in page and "<caption>n = 5</caption>" in page
    page = client_for(world.prefecture).get(reverse("training:awareness_detail", args=[activity.pk])).content.decode()
    assert 'data-pairs="5"' in page and "家族と話します" not in page


def test_the_reach_table_puts_never_reached_areas_first(world):
    activity_in(world, daily_living_area=world.areas[0], date=days(-10), attendance=40)
    activity_in(world, daily_living_area=world.areas[2], date=days(-5), attendance=20, is_cancelled=True)
    response = client_for(world.official).get(reverse("training:awareness_reach"),
                                              {"municipality": world.municipality.code})
    rows = response.context["rows"]
    assert [row.area.name for row, _ in rows] == ["第2圏域", "第3圏域", "第1圏域"]
    assert rows[0][0].is_never_reached and not rows[2][0].is_never_reached
    assert (1, 40) in rows[2][1]
    assert "never-reached" in response.content.decode()
