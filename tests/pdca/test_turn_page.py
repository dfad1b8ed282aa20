"""The turn's screens: where every scene stands (pdca:index), one scene's turn (pdca:cycle_detail) and its forms."""

import re

import pytest
from django.urls import reverse

from renkei.core.models import AuditEntry, Organization, Role, Scene
from renkei.pdca.models import PdcaCycle
from renkei.pdca.views.cycles import plan_list_url

from ..factories import MunicipalityFactory, OrganizationFactory
from .factories import PdcaCycleFactory, PlanPeriodFactory
from .turn_data import OVERDUE_TITLE, build_turn

EOL = Scene.END_OF_LIFE


@pytest.fixture
def data(municipality):
    return build_turn(municipality)


@pytest.fixture
def staff(make_membership, data):
    return make_membership(Role.MUNICIPAL_STAFF, organization=data.office)


@pytest.fixture
def prefecture_staff(make_membership, municipality):
    office = OrganizationFactory(kind=Organization.Kind.PREFECTURE_OFFICE, municipality=None,
                                 prefecture=municipality.prefecture)
    return make_membership(Role.PREFECTURE_STAFF, organization=office)


def detail_url(data, scene=EOL, year=2024):
    return reverse("pdca:cycle_detail", args=[data.plan.pk, scene, year])


def section_url(data, section, scene=EOL, year=2024):
    return reverse("pdca:cycle_section", args=[data.plan.pk, scene, year, section])


def row_of(content: str, scene: str) -> str:
    return re.search(rf'<tr data-scene="{scene}".*?</tr>', content, re.S).group(0)


def test_the_index_shows_a_row_per_scene_with_stage_status_counts_and_overdue_actions(data, staff, login_as):
    PdcaCycleFactory(plan=data.plan, scene=EOL, fiscal_year=2024, stage="check")
    response = login_as(staff).get(reverse("pdca:index"), {"fy": "2024"})
    content = response.content.decode()
    assert response.status_code == 200
    assert re.findall(r'<tr data-scene="(\w+)"', content) == ["daily_care", "admission_discharge", "emergency",
                                                                "end_of_life"]
    row = row_of(content, EOL)
    assert 'data-stage="check"' in row
    assert '<td data-count="on_track">1</td>' in row and '<td data-count="behind">1</td>' in row
    assert '<td data-count="no_data">1</td>' in row
    assert '<td data-count="overdue">2</td>' in row  # today (2026-12) both open actions of FY2024 are late
    assert data.council.name in row
    assert detail_url(data) in row
    assert 'data-stage="not_started"' in row_of(content, "daily_care")


def test_the_index_defaults_to_the_current_fiscal_year(data, staff, login_as):
    content = login_as(staff).get(reverse("pdca:index")).content.decode()
    assert 'data-fiscal-year="2026"' in content  # today (2026-12) is in FY2026, the plan's last year


def test_without_a_plan_the_index_says_so_and_links_to_create_it_only_when_that_screen_exists(
        municipality, make_membership, login_as):
    staff = make_membership(Role.MUNICIPAL_STAFF)
    content = login_as(staff).get(reverse("pdca:index")).content.decode()
    assert 'data-empty="no-plan"' in content
    url = plan_list_url()
    assert (url is not None and f'href="{url}"' in content) or (url is None and "button-primary\" href" not in content)


def test_prefecture_staff_choose_a_municipality_of_their_prefecture_and_read_only(data, prefecture_staff, login_as,
                                                                                   municipality):
    neighbour = MunicipalityFactory(prefecture=municipality.prefecture, name="綾部市")
    client = login_as(prefecture_staff)
    chooser = client.get(reverse("pdca:index")).content.decode()
    assert f'value="{municipality.code}"' in chooser and f'value="{neighbour.code}"' in chooser
    content = client.get(reverse("pdca:index"), {"municipality": municipality.code, "fy": "2024"}).content.decode()
    assert detail_url(data) in content
    page = client.get(detail_url(data))
    assert page.status_code == 200 and "<form" not in page.content.decode().split('id="turn"')[1]
    assert client.post(section_url(data, "plan"), {"plan_note": "x"}).status_code == 403
    assert not PdcaCycle.objects.exists()


def test_an_unknown_municipality_code_is_a_clear_400(prefecture_staff, login_as):
    response = login_as(prefecture_staff).get(reverse("pdca:index"), {"municipality": "999999"})
    assert response.status_code == 400 and 'id="turn-municipality-error"' in response.content.decode()


def test_staff_of_another_municipality_are_refused(data, make_membership, other_municipality, login_as):
    other = make_membership(Role.MUNICIPAL_STAFF, organization=OrganizationFactory(municipality=other_municipality))
    client = login_as(other)
    assert client.get(detail_url(data)).status_code == 403
    assert client.get(reverse("pdca:index"), {"municipality": data.plan.municipality.code}).status_code == 403
    assert client.post(section_url(data, "do"), {"do_note": "x"}).status_code == 403


def test_a_professional_is_refused(data, make_membership, login_as, municipality):
    doctor = make_membership(Role.PROFESSIONAL, organization=OrganizationFactory(municipality=municipality))
    assert login_as(doctor).get(reverse("pdca:index")).status_code == 403
    assert login_as(doctor).get(detail_url(data)).status_code == 403


def test_the_detail_shows_the_four_sections(data, staff, login_as):
    content = login_as(staff).get(detail_url(data)).content.decode()
    for section in ("turn-plan", "turn-do", "turn-check", "turn-act"):
        assert f'id="{section}"' in content
    assert data.goal.text in content and OVERDUE_TITLE in content and "連携 花子" in content
    assert 'data-indicator="EOL01" data-status="on_track"' in content
    assert 'data-indicator="EOL02" data-status="behind"' in content


def test_a_scene_outside_the_plan_or_a_year_outside_it_is_404(data, staff, login_as):
    assert login_as(staff).get(detail_url(data, year=2030)).status_code == 404
    assert login_as(staff).get(detail_url(data, scene="dementia")).status_code == 404


def test_saving_a_section_creates_the_turn_and_redirects(data, staff, login_as):
    response = login_as(staff).post(section_url(data, "check"),
                                    {"check_assessment": "partly", "check_note": "研修は遅れた"})
    assert response.status_code == 302 and response["Location"] == detail_url(data)
    cycle = PdcaCycle.objects.get(plan=data.plan, scene=EOL, fiscal_year=2024)
    assert (cycle.check_assessment, cycle.check_note) == ("partly", "研修は遅れた")


def test_with_htmx_a_save_answers_the_turn_block_with_the_new_version(data, staff, login_as):
    cycle = PdcaCycleFactory(plan=data.plan, scene=EOL, fiscal_year=2024)
    response = login_as(staff).post(section_url(data, "plan"), {"plan_note": "今年の計画", "version": cycle.version},
                                    HTTP_HX_REQUEST="true")
    content = response.content.decode()
    assert response.status_code == 200 and content.startswith('<div id="turn"')
    assert f'data-version="{cycle.version + 1}"' in content and "今年の計画" in content


def test_a_stale_save_shows_the_conflict_and_keeps_the_other_persons_text(data, staff, login_as):
    cycle = PdcaCycleFactory(plan=data.plan, scene=EOL, fiscal_year=2024, plan_note="先に保存")
    cycle.plan_note = "他の人の保存"
    cycle.save()
    response = login_as(staff).post(section_url(data, "plan"), {"plan_note": "私の入力", "version": 1})
    content = response.content.decode()
    assert response.status_code == 409 and 'id="conflict"' in content
    assert 'data-field="plan_note"' in content and "私の入力" in content
    assert PdcaCycle.objects.get(pk=cycle.pk).plan_note == "他の人の保存"


def test_the_stage_buttons_move_the_turn_and_the_move_is_audited(data, staff, login_as):
    client = login_as(staff)
    response = client.post(reverse("pdca:cycle_stage", args=[data.plan.pk, EOL, 2024]), {"stage": "do"})
    assert response.status_code == 302
    cycle = PdcaCycle.objects.get(plan=data.plan, scene=EOL, fiscal_year=2024)
    assert cycle.stage == "do"
    assert AuditEntry.objects.filter(object_type="pdca.pdcacycle", object_id=str(cycle.pk),
                                     changes__stage=["plan", "do"]).exists()
    skipped = client.post(reverse("pdca:cycle_stage", args=[data.plan.pk, EOL, 2024]),
                          {"stage": "done", "version": cycle.version})
    assert skipped.status_code == 400 and PdcaCycle.objects.get(pk=cycle.pk).stage == "do"


def test_the_next_version_button_links_the_new_revision(data, staff, login_as):
    PdcaCycleFactory(plan=data.plan, scene=EOL, fiscal_year=2024, stage="act", act_note="研修を圏域ごとに")
    response = login_as(staff).post(reverse("pdca:cycle_next_version", args=[data.plan.pk, EOL, 2024]),
                                    HTTP_HX_REQUEST="true")
    assert 'data-next-revision="2"' in response.content.decode()
    assert PdcaCycle.objects.get(plan=data.plan, scene=EOL).next_logic_model.effective_fiscal_year == 2025


def test_the_home_panel_shows_where_each_scene_stands(municipality, make_membership, login_as):
    plan = PlanPeriodFactory(municipality=municipality, start_fiscal_year=2026, end_fiscal_year=2028, term_number=10)
    PdcaCycleFactory(plan=plan, scene=EOL, fiscal_year=2026, stage="do")
    coordinator = make_membership(Role.COORDINATOR)
    content = login_as(coordinator).get("/").content.decode()
    assert 'data-panel="pdca-turn"' in content
    assert '<li data-scene="end_of_life" data-stage="do">' in content
    assert reverse("pdca:index") in content


def test_the_index_reads_in_a_fixed_number_of_queries(data, staff, login_as, django_assert_max_num_queries,
                                                       municipality):
    from .factories import ActionFactory, MeetingFactory

    client = login_as(staff)
    client.get(reverse("pdca:index"), {"fy": "2024"})  # warm the session and caches
    with django_assert_max_num_queries(25) as few:
        client.get(reverse("pdca:index"), {"fy": "2024"})
    for scene in (Scene.DAILY_CARE, Scene.EMERGENCY):
        PdcaCycleFactory(plan=data.plan, scene=scene, fiscal_year=2024)
        ActionFactory.create_batch(5, municipality=municipality, scene=scene)
        MeetingFactory.create_batch(3, council=data.council, scenes=[scene])
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("pdca:index"), {"fy": "2024"})


def test_the_turn_page_reads_in_a_fixed_number_of_queries(data, staff, login_as, django_assert_max_num_queries,
                                                          municipality):
    from .factories import ActionFactory, DecisionFactory, MeetingFactory

    client = login_as(staff)
    client.get(detail_url(data))
    with django_assert_max_num_queries(40) as few:
        client.get(detail_url(data))
    ActionFactory.create_batch(6, municipality=municipality, scene=EOL)
    for meeting in MeetingFactory.create_batch(3, council=data.council, scenes=[EOL]):
        DecisionFactory(meeting=meeting)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(detail_url(data))
