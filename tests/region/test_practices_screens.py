"""The library's screens: list with filters (htmx partial), detail, write and edit (409), publish, withdraw,
copy with its confirmation page, the copies page; the API; query counts."""

from __future__ import annotations

from django.urls import reverse

from renkei.core.models import ProgramItem, Scene
from renkei.region.models import Practice, PracticeCopy, SourceKind
from renkei.region.selectors.practices import practice_list
from tests.conftest import client_for

from .practices_helpers import offer, practice, rule_of


def test_the_list_shows_only_practices_the_member_may_read(world):
    practice(world.official, title="福知山の下書き")
    practice(world.official, title="福知山の公開事例", status="published")
    page = client_for(world.neighbour_official).get(reverse("region:practice_list"))
    assert page.status_code == 200
    assert "福知山の公開事例" in page.content.decode()
    assert "福知山の下書き" not in page.content.decode()


def test_the_list_filters_by_item_and_scene_and_answers_htmx_with_the_results_only(world):
    practice(world.official, title="看取りの研修", status="published", items=(ProgramItem.F,),
             scenes=(Scene.END_OF_LIFE,))
    practice(world.official, title="退院ルール", status="published")
    client = client_for(world.neighbour_official)
    page = client.get(reverse("region:practice_list"), {"item": "f", "scene": "end_of_life"}, HTTP_HX_REQUEST="true")
    body = page.content.decode()
    assert page.status_code == 200 and "看取りの研修" in body and "退院ルール" not in body
    assert "<html" not in body


def test_the_list_filters_by_text_and_author(world):
    practice(world.official, title="ICTで情報共有", status="published")
    practice(world.prefecture, title="府の広域ルール支援", status="published")
    client = client_for(world.neighbour_official)
    assert "府の広域ルール支援" not in client.get(reverse("region:practice_list"), {"q": "ICT"}).content.decode()
    page = client.get(reverse("region:practice_list"), {"author": "26"})
    assert "府の広域ルール支援" in page.content.decode() and "ICTで情報共有" not in page.content.decode()


def test_an_unknown_filter_value_is_a_400_not_a_500(world):
    page = client_for(world.official).get(reverse("region:practice_list"), {"item": "zz"})
    assert page.status_code == 400


def test_a_professional_is_refused_the_library(world):
    assert client_for(world.professional).get(reverse("region:practice_list")).status_code == 403


def test_writing_a_practice_saves_a_draft_of_the_members_municipality(world):
    client = client_for(world.official)
    assert client.get(reverse("region:practice_new")).status_code == 200
    answer = client.post(reverse("region:practice_new"), {
        "title": "多職種連携研修の共同開催", "summary": "近隣市と研修を共同で開いた", "reach": "prefecture",
        "program_items": ["f", "h"], "scenes": ["daily_care"]})
    written = Practice.objects.get(title="多職種連携研修の共同開催")
    assert answer.status_code == 302 and written.municipality == world.fukuchiyama
    assert written.status == Practice.Status.DRAFT and written.program_items == ["f", "h"]


def test_a_practice_without_a_summary_is_refused_with_a_400(world):
    answer = client_for(world.official).post(reverse("region:practice_new"), {"title": "概要なし",
                                                                             "reach": "prefecture"})
    assert answer.status_code == 400
    assert not Practice.objects.filter(title="概要なし").exists()


def test_offering_another_municipalitys_rule_is_refused_in_japanese_and_english(world):
    from tests.handoff.rules_helpers import municipal_staff

    maizuru_rule = rule_of(municipal_staff(world.maizuru), world.maizuru)
    client = client_for(world.official)
    answer = client.post(reverse("region:practice_new"), {
        "title": "ルール", "summary": "概要", "reach": "prefecture", "offer": f"rule_set:{maizuru_rule.pk}"})
    assert answer.status_code == 400
    assert not Practice.objects.filter(title="ルール").exists()


def test_a_stale_edit_answers_the_conflict_screen(world):
    written = practice(world.official)
    client = client_for(world.official)
    data = {"title": "私の題名", "summary": "概要", "reach": "prefecture", "version": written.version}
    client.post(reverse("region:practice_edit", args=[written.pk]), {**data, "title": "先に保存"})
    answer = client.post(reverse("region:practice_edit", args=[written.pk]), data)
    assert answer.status_code == 409
    assert Practice.objects.get(pk=written.pk).title == "先に保存"


def test_another_municipalitys_staff_are_refused_the_edit_page(world):
    written = practice(world.official, status="published")
    assert client_for(world.neighbour_official).get(
        reverse("region:practice_edit", args=[written.pk])).status_code == 403


def test_publishing_and_withdrawing_from_the_page(world):
    written = practice(world.official)
    client = client_for(world.official)
    answer = client.post(reverse("region:practice_publish", args=[written.pk]), {"version": written.version})
    assert answer.status_code == 302
    written.refresh_from_db()
    assert written.status == Practice.Status.PUBLISHED
    client.post(reverse("region:practice_withdraw", args=[written.pk]), {"version": written.version})
    assert Practice.objects.get(pk=written.pk).status == Practice.Status.WITHDRAWN


def test_publishing_with_an_old_version_is_a_409(world):
    written = practice(world.official)
    answer = client_for(world.official).post(reverse("region:practice_publish", args=[written.pk]),
                                             {"version": written.version + 5})
    assert answer.status_code == 409
    assert Practice.objects.get(pk=written.pk).status == Practice.Status.DRAFT


def test_a_draft_is_not_found_by_others_on_its_page(world):
    written = practice(world.official)
    assert client_for(world.neighbour_official).get(
        reverse("region:practice_detail", args=[written.pk])).status_code == 403


def test_copying_asks_for_confirmation_then_copies_and_shows_where_it_came_from(world):
    source = rule_of(world.official, world.fukuchiyama)
    shared = practice(world.official, status="published", offer=offer(SourceKind.RULE_SET, source))
    client = client_for(world.neighbour_official)
    detail = client.get(reverse("region:practice_detail", args=[shared.pk])).content.decode()
    assert reverse("region:practice_copy", args=[shared.pk]) in detail
    confirm = client.get(reverse("region:practice_copy", args=[shared.pk]))
    assert confirm.status_code == 200 and not PracticeCopy.objects.exists()
    answer = client.post(reverse("region:practice_copy", args=[shared.pk]), {"effective_from": "2026-04-01"})
    assert answer.status_code == 302
    copy = PracticeCopy.objects.get()
    assert copy.municipality == world.maizuru
    copies = client.get(reverse("region:practice_copies")).content.decode()
    assert shared.title in copies and "福知山市" in copies


def test_a_bad_date_on_the_copy_page_is_a_400(world):
    source = rule_of(world.official, world.fukuchiyama)
    shared = practice(world.official, status="published", offer=offer(SourceKind.RULE_SET, source))
    answer = client_for(world.neighbour_official).post(reverse("region:practice_copy", args=[shared.pk]),
                                                       {"effective_from": "令和八年"})
    assert answer.status_code == 400 and not PracticeCopy.objects.exists()


def test_the_prefecture_gets_no_copy_link_and_a_403_on_the_copy_page(world):
    source = rule_of(world.official, world.fukuchiyama)
    shared = practice(world.official, status="published", offer=offer(SourceKind.RULE_SET, source))
    client = client_for(world.prefecture)
    detail = client.get(reverse("region:practice_detail", args=[shared.pk])).content.decode()
    assert reverse("region:practice_copy", args=[shared.pk]) not in detail
    assert client.get(reverse("region:practice_copy", args=[shared.pk])).status_code == 403


def test_the_api_lists_published_practices_the_caller_may_read(world, api_token_for):
    from django.test import Client

    practice(world.official, title="府内公開", status="published", items=(ProgramItem.H,))
    practice(world.official, title="下書き")
    token = api_token_for(world.other_official)
    answer = Client().get("/api/v1/region/practices", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert answer.status_code == 200 and answer.json() == []
    token = api_token_for(world.neighbour_official)
    rows = Client().get("/api/v1/region/practices?item=h", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert [row["title"] for row in rows] == ["府内公開"]
    assert rows[0]["author_code"] == world.fukuchiyama.code


def test_the_list_selector_runs_in_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    for n in range(12):
        practice(world.official, title=f"事例{n}", status="published")
    with django_assert_max_num_queries(4):
        rows = practice_list(world.neighbour_official, item="h")
        [(p.municipality.name, p.prefecture.name) for p in rows]
    assert len(rows) == 12
