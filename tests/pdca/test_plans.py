"""Plan periods and goals: three fiscal years, the four scenes by default, goals revised with their history."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from renkei.core.models import AuditEntry
from renkei.pdca.models import Goal
from renkei.pdca.services.plans import goal_revise, plan_period_create, term_for_fiscal_year


def test_term_9_is_fy2024_to_2026_and_term_10_starts_in_2027():
    assert term_for_fiscal_year(2024) == (9, 2024)
    assert term_for_fiscal_year(2026) == (9, 2024)
    assert term_for_fiscal_year(2027) == (10, 2027)
    assert term_for_fiscal_year(2023) == (8, 2021)


def test_plan_covers_three_years_and_the_four_scenes_by_default(plan):
    assert (plan.start_fiscal_year, plan.end_fiscal_year) == (2024, 2026)
    assert plan.scenes == ["daily_care", "admission_discharge", "emergency", "end_of_life"]
    assert AuditEntry.objects.filter(action="create", object_type__icontains="planperiod",
                                     object_id=str(plan.pk)).exists()


def test_municipality_may_add_dementia_and_disasters(staff, municipality):
    plan = plan_period_create(membership=staff, municipality=municipality, term_number=10, start_fiscal_year=2027,
                              scenes=["daily_care", "dementia", "infection_disaster"])
    assert plan.scenes == ["daily_care", "dementia", "infection_disaster"]
    with pytest.raises(ValidationError):
        plan_period_create(membership=staff, municipality=municipality, term_number=10, start_fiscal_year=2027)


def test_goal_revision_keeps_the_old_text(staff, plan):
    first = goal_revise(membership=staff, plan=plan, scene="end_of_life", text="最期まで安心", reason="")
    second = goal_revise(membership=staff, plan=plan, scene="end_of_life", text="最期まで自分らしく",
                         reason="協議会で修正")
    first.refresh_from_db()
    assert (first.is_current, first.text, second.is_current, second.revision) == (False, "最期まで安心", True, 2)
    assert Goal.objects.filter(plan=plan, scene="end_of_life").count() == 2
    assert AuditEntry.objects.filter(object_type__icontains="goal", object_id=str(second.pk), action="create").exists()


def test_same_text_again_writes_no_revision(staff, plan):
    goal_revise(membership=staff, plan=plan, scene="", text="全ての市民が", reason="")
    goal_revise(membership=staff, plan=plan, scene="", text="全ての市民が", reason="")
    assert Goal.objects.filter(plan=plan).count() == 1


def test_others_may_not_revise_goals(plan, other_staff, prefecture_staff, professional):
    for member in (other_staff, prefecture_staff, professional):
        with pytest.raises(PermissionDenied):
            goal_revise(membership=member, plan=plan, scene="", text="x", reason="")


def test_plan_detail_shows_goals_and_history(login_as, staff, plan):
    goal_revise(membership=staff, plan=plan, scene="", text="旧い目指す姿", reason="")
    goal_revise(membership=staff, plan=plan, scene="", text="新しい目指す姿", reason="見直し")
    html = login_as(staff).get(reverse("pdca:plan_detail", args=[plan.pk])).content.decode()
    assert "新しい目指す姿" in html and "旧い目指す姿" in html
    assert reverse("pdca:goal_edit", args=[plan.pk, "overall"]) in html


def test_goal_form_writes_a_revision(login_as, staff, plan):
    response = login_as(staff).post(reverse("pdca:goal_edit", args=[plan.pk, "daily_care"]),
                                    {"text": "望む形で在宅療養", "reason": "初版"})
    assert response.status_code == 302
    assert plan.goals.get(scene="daily_care", is_current=True).text == "望む形で在宅療養"


def test_goal_form_rejects_an_unknown_scene(login_as, staff, plan):
    assert login_as(staff).get(reverse("pdca:goal_edit", args=[plan.pk, "nowhere"])).status_code == 404


def test_plan_list_and_create_screen(login_as, staff, municipality):
    client = login_as(staff)
    assert client.get(reverse("pdca:plan_index")).url == reverse("pdca:plan_list", args=[municipality.code])
    response = client.post(reverse("pdca:plan_create", args=[municipality.code]),
                           {"term_number": "9", "start_fiscal_year": "2024", "scenes": ["daily_care", "dementia"]})
    assert response.status_code == 302
    assert municipality.plan_periods.get().scenes == ["daily_care", "dementia"]


def test_prefecture_staff_see_plans_read_only(login_as, prefecture_staff, plan, municipality):
    client = login_as(prefecture_staff)
    html = client.get(reverse("pdca:plan_detail", args=[plan.pk])).content.decode()
    assert reverse("pdca:goal_edit", args=[plan.pk, "overall"]) not in html
    assert client.get(reverse("pdca:goal_edit", args=[plan.pk, "overall"])).status_code == 403
    assert client.get(reverse("pdca:plan_list", args=[municipality.code])).status_code == 200


def test_other_municipalitys_staff_are_refused(login_as, other_staff, plan):
    assert login_as(other_staff).get(reverse("pdca:plan_detail", args=[plan.pk])).status_code == 403
