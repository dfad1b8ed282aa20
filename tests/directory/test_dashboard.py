"""The home page leads with what needs the person's attention: each role's directory items."""

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.utils import timezone

from renkei.core import dashboard
from renkei.core.models import Organization, Role
from renkei.directory.models import CollaborationDetail, CoverageRun, ImportRun, MergeCandidate
from renkei.directory.services import imports as import_services
from renkei.directory.services import surveys as survey_services

from ..factories import FacilityFactory, MunicipalityFactory, OrganizationFactory, set_details

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def directory(municipality):
    fresh = FacilityFactory(municipality=municipality)
    set_details(fresh, scheduled_home_visit=True)
    stale = FacilityFactory(municipality=municipality)
    set_details(stale, scheduled_home_visit=False)
    CollaborationDetail.objects.filter(facility=stale).update(
        confirmed_on=timezone.localdate() - dt.timedelta(days=800))
    return fresh, stale


@pytest.fixture
def staff(make_membership, municipal_office):
    return make_membership(Role.MUNICIPAL_STAFF, organization=municipal_office)


def start_round(membership, facilities):
    survey_round, issued = survey_services.survey_round_create(
        municipality=membership.organization.municipality, title="令和8年度 連携情報の確認", due_on=None,
        facilities=facilities, membership=membership)
    return survey_round, issued


def answer(link: str):
    token = re.search(r"/survey/answer/([^/]+)/$", link).group(1)
    return survey_services.survey_answer_submit(token=token, answers={}, corrections={"phone": "0773-22-9999"},
                                                respondent_name="山田 花子")


def waiting_dry_run(municipality, settings, tmp_path, *, created=1, name="fukuchiyama.csv"):
    settings.DATA_DIR = tmp_path / "data"
    sha = import_services.store_upload(name.encode(), meta={"file_name": name, "source": "municipal"})
    return ImportRun.objects.create(source=ImportRun.Source.MUNICIPAL, file_name=name, sha256=sha,
                                    outcome=ImportRun.Outcome.DRY_RUN, municipality=municipality,
                                    counts={"rows": 1, "created": created})


@pytest.fixture(autouse=True)
def _english(settings):
    """These tests read the items' sentences in English (the default language is Japanese)."""
    settings.LANGUAGE_CODE = "en"


def attention_of(client) -> tuple[list, str]:
    response = client.get("/")
    assert response.status_code == 200
    return response.context["attention"], response.content.decode()


def attention_html(html: str) -> str:
    return html[html.index('id="attention"'):html.index("</section>", html.index('id="attention"'))]


# --- municipal staff and coordinators ----------------------------------------------------------------

def test_staff_see_answers_to_review_stale_entries_imports_and_duplicates_in_that_order(
        directory, staff, login_as, municipality, settings, tmp_path):
    fresh, stale = directory
    _round, issued = start_round(staff, [fresh])
    answer(issued[0].link)
    waiting_dry_run(municipality, settings, tmp_path)
    MergeCandidate.objects.create(facility=fresh, other=stale, reason="同じ電話番号", score=0.9)
    items, html = attention_of(login_as(staff))
    assert [item.url.split("?")[0] for item in items] == [
        "/directory/surveys/reviews/", "/directory/surveys/new/",
        f"/directory/imports/{ImportRun.objects.get().pk}/", "/directory/merge-candidates/"]
    assert [item.text[:2] for item in items] == ["1 ", "1 ", "1 ", "1 "]
    assert items[1].url.endswith("?stale_months=12")
    assert "fukuchiyama.csv" in items[2].text
    assert 'class="attention-empty"' not in attention_html(html)


def test_the_attention_section_comes_before_every_other_panel(directory, staff, login_as):
    html = attention_of(login_as(staff))[1]
    main = html[html.index("<main"):]
    assert main.index('id="attention"') < main.index('class="cards"') < main.index("/directory/map/")


def test_the_directory_panel_no_longer_repeats_the_attention_items(directory, staff, login_as):
    panel = next(p for p in login_as(staff).get("/").context["panels"]
                 if p["template"] == "directory/_home_panel.html")
    assert panel["facilities"] == 2
    assert not {"stale", "pending_reviews", "duplicates"} & set(panel)


def test_coordinators_get_the_same_items_for_their_municipality(directory, make_membership, municipal_office,
                                                                 login_as):
    coordinator = make_membership(Role.COORDINATOR, organization=municipal_office)
    items, _html = attention_of(login_as(coordinator))
    assert [item.url for item in items] == ["/directory/surveys/new/?stale_months=12"]


def test_nothing_to_do_says_so_in_a_sentence(make_membership, municipal_office, municipality, login_as):
    fresh = FacilityFactory(municipality=municipality)
    set_details(fresh, scheduled_home_visit=True)
    response = login_as(make_membership(Role.MUNICIPAL_STAFF, organization=municipal_office)).get("/")
    assert response.context["attention"] == []
    assert response.context["has_todo"] is False
    assert 'class="attention-empty"' in attention_html(response.content.decode())


def test_a_dry_run_already_applied_or_that_changes_nothing_does_not_wait(staff, login_as, municipality, settings,
                                                                          tmp_path):
    run = waiting_dry_run(municipality, settings, tmp_path)
    ImportRun.objects.create(source=run.source, file_name=run.file_name, sha256=run.sha256,
                             outcome=ImportRun.Outcome.APPLIED, municipality=municipality, counts={"created": 1})
    waiting_dry_run(municipality, settings, tmp_path, created=0, name="unchanged.csv")
    assert not [item for item in attention_of(login_as(staff))[0] if "/imports/" in item.url]


def test_several_waiting_imports_link_to_the_import_list(staff, login_as, municipality, settings, tmp_path):
    waiting_dry_run(municipality, settings, tmp_path, name="a.csv")
    waiting_dry_run(municipality, settings, tmp_path, name="b.csv")
    (item,) = [item for item in attention_of(login_as(staff))[0] if "/imports/" in item.url]
    assert item.url == "/directory/imports/"
    assert item.text.startswith("2 ")


def test_another_municipalitys_answers_and_imports_are_not_counted(staff, login_as, other_municipality,
                                                                    make_membership, settings, tmp_path):
    other_office = OrganizationFactory(kind=Organization.Kind.MUNICIPALITY_OFFICE, municipality=other_municipality)
    other_staff = make_membership(Role.MUNICIPAL_STAFF, organization=other_office)
    _round, issued = start_round(other_staff, [FacilityFactory(municipality=other_municipality)])
    answer(issued[0].link)
    waiting_dry_run(other_municipality, settings, tmp_path)
    assert attention_of(login_as(staff))[0] == []
    assert len(attention_of(login_as(other_staff))[0]) == 3  # answer, stale (never confirmed), import


# --- professionals -----------------------------------------------------------------------------------

@pytest.fixture
def clinic_member(make_membership, municipality):
    organization = OrganizationFactory(kind=Organization.Kind.CLINIC, name="やまだ内科", municipality=municipality,
                                       email="info@yamada.example.jp")
    return make_membership(Role.PROFESSIONAL, organization=organization, profession="doctor")


def own_entry(items, facility):
    """The item linking to the facility's page (a correction proposal link may follow it)."""
    (item,) = [item for item in items if item.url == f"/directory/facilities/{facility.pk}/"]
    return item


def test_professionals_see_their_own_entry_linked_to_its_page_and_no_staff_work(directory, clinic_member, login_as):
    entry = FacilityFactory(municipality=clinic_member.organization.municipality, name="やまだ内科",
                            organization=clinic_member.organization)
    items, html = attention_of(login_as(clinic_member))
    item = own_entry(items, entry)
    assert item.tone == "info"
    assert "やまだ内科" in item.text
    assert all(item.tone == "info" for item in items)
    assert "/directory/surveys/" not in html and "/directory/imports/" not in html
    assert 'class="attention-empty"' in attention_html(html)


def test_a_pending_survey_link_tells_the_professional_where_it_was_sent(staff, clinic_member, login_as):
    entry = FacilityFactory(municipality=clinic_member.organization.municipality, name="やまだ内科",
                            organization=clinic_member.organization)
    start_round(staff, [entry])
    item = own_entry(attention_of(login_as(clinic_member))[0], entry)
    assert item.tone == "todo"
    assert "info@yamada.example.jp" in item.detail


def test_an_answer_waiting_for_review_is_not_something_for_the_professional_to_do(staff, clinic_member, login_as):
    entry = FacilityFactory(municipality=clinic_member.organization.municipality,
                            organization=clinic_member.organization)
    _round, issued = start_round(staff, [entry])
    answer(issued[0].link)
    item = own_entry(attention_of(login_as(clinic_member))[0], entry)
    assert item.tone == "info"
    assert "review" in item.detail


def test_a_professional_without_a_linked_entry_is_told_whom_to_ask(clinic_member, login_as):
    (item,) = attention_of(login_as(clinic_member))[0]
    assert item.url == ""
    assert "やまだ内科" in item.text


# --- prefecture staff --------------------------------------------------------------------------------

@pytest.fixture
def prefecture_staff(make_membership, municipality):
    office = OrganizationFactory(kind=Organization.Kind.PREFECTURE_OFFICE, municipality=None,
                                 prefecture=municipality.prefecture)
    return make_membership(Role.PREFECTURE_STAFF, organization=office)


def test_prefecture_staff_see_each_municipalitys_directory_and_coverage(
        directory, prefecture_staff, staff, login_as, municipality, other_municipality):
    fresh, _stale = directory
    _round, issued = start_round(staff, [fresh])
    answer(issued[0].link)
    CoverageRun.objects.create(municipality=municipality, status=CoverageRun.Status.DONE,
                               finished_at=timezone.now())
    MunicipalityFactory(jis_code="26203", name="綾部市")  # no entries
    FacilityFactory(municipality=other_municipality)  # never confirmed: stale
    review, item = attention_of(login_as(prefecture_staff))[0]
    assert review.url == "/directory/surveys/reviews/"  # the policy lets them review their municipalities' answers
    assert item.url == f"/directory/coverage/p/{municipality.prefecture.code}/"
    rows = {row.municipality.name: (row.facilities, row.stale, row.answers_waiting, row.coverage_at is not None,
                                    row.url) for row in item.data["rows"]}
    assert rows == {
        "福知山市": (2, 1, 1, True, f"/directory/coverage/m/{municipality.code}/"),
        "舞鶴市": (1, 1, 0, False, f"/directory/coverage/m/{other_municipality.code}/"),
    }
    assert item.data["without_entries"] == 1


def test_wards_are_counted_under_their_designated_city(prefecture_staff, login_as):
    from renkei.core.models import Municipality

    city = MunicipalityFactory(jis_code="26100", name="京都市", kind=Municipality.Kind.DESIGNATED_CITY)
    ward = MunicipalityFactory(jis_code="26101", name="北区", kind=Municipality.Kind.WARD, parent=city)
    FacilityFactory(municipality=ward)
    (item,) = attention_of(login_as(prefecture_staff))[0]
    assert [(row.municipality.name, row.facilities) for row in item.data["rows"]] == [("京都市", 1)]


def test_the_prefecture_table_is_built_in_a_few_queries(directory, prefecture_staff, django_assert_max_num_queries):
    from renkei.directory.selectors.dashboard import prefecture_directory_state

    for n in range(5):
        FacilityFactory(municipality=MunicipalityFactory(jis_code=f"26{210 + n}"))
    with django_assert_max_num_queries(6):
        rows = prefecture_directory_state(prefecture_staff.organization.prefecture)
    assert sum(row.facilities for row in rows) == 7


def test_prefecture_staff_of_another_prefecture_see_none_of_these_municipalities(directory, make_membership,
                                                                                  login_as):
    from ..factories import PrefectureFactory

    osaka = PrefectureFactory(code="27", name="大阪府", kana="オオサカフ")
    office = OrganizationFactory(kind=Organization.Kind.PREFECTURE_OFFICE, municipality=None, prefecture=osaka)
    (item,) = attention_of(login_as(make_membership(Role.PREFECTURE_STAFF, organization=office)))[0]
    assert item.data["rows"] == []


# --- never a link to a 403 ---------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["municipal_staff", "coordinator", "professional", "prefecture_staff",
                                  "system_admin"])
def test_every_link_in_the_attention_section_opens(role, directory, staff, clinic_member, prefecture_staff,
                                                   make_membership, municipal_office, login_as, municipality,
                                                   settings, tmp_path):
    fresh, stale = directory
    start_round(staff, [fresh])
    _round, issued = start_round(staff, [stale])
    answer(issued[0].link)
    FacilityFactory(municipality=municipality, organization=clinic_member.organization)
    waiting_dry_run(municipality, settings, tmp_path)
    MergeCandidate.objects.create(facility=fresh, other=stale, reason="同じ電話番号", score=0.9)
    CoverageRun.objects.create(municipality=municipality, status=CoverageRun.Status.DONE, finished_at=timezone.now())
    member = {"municipal_staff": staff, "professional": clinic_member, "prefecture_staff": prefecture_staff,
              "coordinator": make_membership(Role.COORDINATOR, organization=municipal_office),
              "system_admin": make_membership(Role.SYSTEM_ADMIN, organization=municipal_office)}[role]
    client = login_as(member)
    html = attention_html(attention_of(client)[1])
    links = re.findall(r'href="([^"]+)"', html)
    assert links, f"{role} has something to follow"
    for link in links:
        assert client.get(link.replace("&amp;", "&")).status_code == 200, f"{role}: {link}"


def test_an_item_the_policy_refuses_is_never_shown(clinic_member, monkeypatch):
    refused = dashboard.AttentionItem(text="審査待ち", url="/directory/surveys/reviews/",
                                      action="directory.manage_surveys")
    monkeypatch.setattr(dashboard, "_attention_providers", [lambda membership: [refused]])
    assert dashboard.attention_for(clinic_member) == []
