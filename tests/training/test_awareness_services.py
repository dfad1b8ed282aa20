import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from renkei.core.concurrency import StaleEdit
from renkei.core.models import AuditEntry
from renkei.training.models import AwarenessActivity, AwarenessMaterial, AwarenessResponse
from renkei.training.services import awareness as services

from .awareness_helpers import activity_in, data_dir, days, pdf  # noqa: F401 (data_dir: a fixture)


def _new(world, **kwargs):
    values = {"municipality": world.municipality, "kind": "public_lecture", "title": "人生会議を考える講座",
              "themes": ["acp", "acp", "home_care"], "date": days(20)}
    values.update(kwargs)
    return AwarenessActivity(**values)


def test_staff_create_an_activity_with_sorted_unique_themes_and_an_audit_entry(world):
    activity = services.activity_save(membership=world.official, activity=_new(world))
    assert activity.themes == ["acp", "home_care"]
    assert activity.created_by == world.official
    assert AuditEntry.objects.filter(action=AuditEntry.Action.CREATE, object_id=str(activity.pk)).exists()


def test_prefecture_staff_and_neighbours_may_not_create_activities(world):
    for member in (world.prefecture, world.neighbour_official, world.professional):
        with pytest.raises(PermissionDenied):
            services.activity_save(membership=member, activity=_new(world))


def test_an_area_of_another_municipality_or_an_end_before_the_start_is_refused(world):
    from tests.factories import DailyLivingAreaFactory

    other_area = DailyLivingAreaFactory(municipality=world.neighbour_official.organization.municipality)
    with pytest.raises(ValidationError) as error:
        services.activity_save(membership=world.official, activity=_new(world, daily_living_area=other_area))
    assert "daily_living_area" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.activity_save(membership=world.official, activity=_new(
            world, starts_at=dt.time(15), ends_at=dt.time(14)))
    assert "ends_at" in error.value.message_dict


def test_a_stale_edit_is_refused_with_the_stored_activity(world):
    activity = services.activity_save(membership=world.official, activity=_new(world))
    first = AwarenessActivity.objects.get(pk=activity.pk)
    first.title = "A"
    services.activity_save(membership=world.official, activity=first, expected_version=1)
    second = AwarenessActivity.objects.get(pk=activity.pk)
    second.title = "B"
    with pytest.raises(StaleEdit) as stale:
        services.activity_save(membership=world.official, activity=second, expected_version=1)
    assert stale.value.current.title == "A"


@pytest.mark.usefixtures("data_dir")
def test_a_material_is_kept_under_the_data_folder_and_removed_with_its_file(world, settings):
    activity = activity_in(world)
    material = services.material_add(membership=world.official, activity=activity, title="", is_public=True,
                                     upload=pdf("チラシ.pdf"))
    path = services.material_path(material)
    assert path.read_bytes().startswith(b"%PDF-") and path.parent == settings.DATA_DIR / "awareness"
    assert (material.title, material.original_name, material.content_type, material.is_public) == (
        "チラシ", "チラシ.pdf", "application/pdf", True)
    services.material_delete(membership=world.official, material=material)
    assert not AwarenessMaterial.objects.exists()


@pytest.mark.usefixtures("data_dir")
def test_a_renamed_file_is_refused_in_japanese(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(ValidationError) as error:
        services.material_add(membership=world.official, activity=activity_in(world), title="x", is_public=False,
                              upload=SimpleUploadedFile("virus.pdf", b"MZ\x90\x00"))
    assert "拡張子と一致しません" in error.value.messages[0]


def test_a_link_keeps_only_the_hash_expires_14_days_after_the_activity_and_a_reissue_stops_the_old(world):
    activity = activity_in(world, date=days(3))
    first = services.survey_link_issue(membership=world.official, activity=activity)
    assert first.link.token_hash == services.hash_token(first.token) and first.token not in first.link.token_hash
    assert timezone.localtime(first.link.expires_at).date() == days(17)
    second = services.survey_link_issue(membership=world.coordinator, activity=activity)
    first.link.refresh_from_db()
    assert not first.link.is_active and second.link.is_active
    with pytest.raises(services.AwarenessLinkError) as error:
        services.survey_link_for_token(first.token)
    assert error.value.reason == "inactive"
    assert services.survey_link_for_token(second.token) == second.link


def test_an_expired_or_unknown_link_is_refused(world):
    issued = services.survey_link_issue(membership=world.official, activity=activity_in(world, date=days(-30)))
    issued.link.expires_at = timezone.now() - dt.timedelta(minutes=1)
    issued.link.save()
    with pytest.raises(services.AwarenessLinkError) as error:
        services.survey_link_for_token(issued.token)
    assert error.value.reason == "expired"
    with pytest.raises(services.AwarenessLinkError) as error:
        services.survey_link_for_token("nothing-like-it")
    assert error.value.reason == "unknown"


def test_a_resident_answer_is_stored_anonymously_from_the_link(world):
    activity = activity_in(world, date=days(-1))
    issued = services.survey_link_issue(membership=world.official, activity=activity)
    response = services.response_submit(token=issued.token, values={
        "understanding_before": "2", "understanding_after": "4", "acp_intention": "will_talk", "age_band": "65_74",
        "comment": "よくわかりました"})
    assert (response.activity, response.understanding_before, response.understanding_after, response.source) == (
        activity, 2, 4, "link")


def test_answers_out_of_range_or_blank_are_refused(world):
    issued = services.survey_link_issue(membership=world.official, activity=activity_in(world))
    with pytest.raises(ValidationError) as error:
        services.response_submit(token=issued.token, values={"understanding_before": "5", "acp_intention": "x"})
    assert set(error.value.message_dict) == {"understanding_before", "acp_intention"}
    with pytest.raises(ValidationError):
        services.response_submit(token=issued.token, values={})
    assert not AwarenessResponse.objects.exists()


def test_paper_forms_are_entered_all_or_nothing_with_one_audit_entry(world):
    activity = activity_in(world, date=days(-2))
    rows = [{"understanding_before": 1, "understanding_after": 3, "acp_intention": "already"}, {},
            {"understanding_before": 2, "understanding_after": 2, "age_band": "75_plus"}]
    assert services.responses_enter(membership=world.official, activity=activity, rows=rows) == 2
    assert set(AwarenessResponse.objects.values_list("source", flat=True)) == {"paper"}
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.CREATE, changes__paper_answers=2)
    assert entry.count() == 1
    with pytest.raises(ValidationError):
        services.responses_enter(membership=world.official, activity=activity,
                                 rows=[{"understanding_before": 3}, {"understanding_after": 9}])
    assert AwarenessResponse.objects.count() == 2
    with pytest.raises(PermissionDenied):
        services.responses_enter(membership=world.prefecture, activity=activity, rows=rows)


def test_the_home_page_reminds_staff_of_activities_soon_without_a_questionnaire_link(world):
    from renkei.training.awareness_hooks import questionnaire_attention

    soon = activity_in(world, date=days(5))
    activity_in(world, date=days(40))
    activity_in(world, date=days(3), is_published=False)
    [item] = questionnaire_attention(world.official)
    assert item.obj == soon and "1" in item.text
    services.survey_link_issue(membership=world.official, activity=soon)
    assert questionnaire_attention(world.official) == []
    assert questionnaire_attention(world.prefecture) == []
