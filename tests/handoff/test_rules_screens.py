"""The rules screens: the rule that applies first, the form and its formset of steps (validation, templates,
a saved version never edited), the deadline preview, closed days."""

import datetime as dt

import pytest
from django.utils import timezone

from renkei.handoff.forms.rules import StepFormSet
from renkei.handoff.models import ClosedDay, RuleSet
from renkei.handoff.selectors import rules as selectors
from renkei.handoff.services import rules as services
from tests.conftest import client_for

from .rules_helpers import NOTICE_7 as NOTICE_STEP
from .rules_helpers import municipal_rule

pytestmark = pytest.mark.django_db

STEP_FIELDS = ("key", "actor", "anchor", "offset_days", "day_unit", "after_hours_shift", "is_required",
               "counts_for_missed", "label", "note")


def formset_data(rows: list[dict], *, initial: int = 0, prefix: str = "steps") -> dict:
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": str(initial),
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "20"}
    for i, row in enumerate(rows):
        for name, value in row.items():
            if isinstance(value, bool):
                if value:
                    data[f"{prefix}-{i}-{name}"] = "on"
            else:
                data[f"{prefix}-{i}-{name}"] = str(value)
    return data


def row(**fields):
    return {"key": "admission_info", "actor": "care_manager", "anchor": "admission", "offset_days": 2,
            "day_unit": "calendar", "after_hours_shift": True, "is_required": True, "counts_for_missed": False,
            "label": "", "note": "", **fields}


NOTICE = row(key="discharge_notice", actor="hospital", anchor="planned_discharge", offset_days=-7,
             after_hours_shift=False, counts_for_missed=True)


def test_the_formset_refuses_a_step_listed_twice_with_a_clear_message():
    formset = StepFormSet(formset_data([row(), row(offset_days=3)]), prefix="steps")
    assert not formset.is_valid()
    assert "同じ手順は1回だけ" in " ".join(formset.non_form_errors())


def test_the_formset_refuses_a_missed_step_that_is_not_due_before_the_discharge():
    formset = StepFormSet(formset_data([{**NOTICE, "offset_days": 0}]), prefix="steps")
    assert not formset.is_valid()
    assert "期限を退院より前に" in str(formset.errors[0]["counts_for_missed"])


def test_the_formset_refuses_offsets_out_of_range_and_before_their_event():
    formset = StepFormSet(formset_data([row(offset_days=99), {**NOTICE, "key": "summaries", "anchor": "discharge",
                                                              "offset_days": -2, "counts_for_missed": False}]),
                          prefix="steps")
    assert not formset.is_valid()
    assert "offset_days" in formset.errors[0] and "offset_days" in formset.errors[1]


def test_a_blank_extra_row_is_ignored_and_a_removed_row_is_dropped():
    rows = [row(), {**NOTICE, "DELETE": True}, row(key="", actor="hospital")]
    formset = StepFormSet(formset_data(rows), prefix="steps")
    assert formset.is_valid(), formset.errors
    assert [s["key"] for s in formset.steps()] == ["admission_info"]


def test_an_empty_formset_says_a_rule_needs_a_step():
    formset = StepFormSet(formset_data([row(key="")]), prefix="steps")
    assert not formset.is_valid()
    assert "手順を1つ以上" in " ".join(formset.non_form_errors())


def test_municipal_staff_write_their_rule_from_the_fukui_example_and_it_applies_from_april(world):
    municipality = world.patient.municipality
    client = client_for(world.municipal)
    page = client.get("/handoffs/rules/new/?template=fukui")
    assert page.status_code == 200
    assert "退院支援開始の連絡" in page.content.decode()
    april = timezone.localdate().replace(month=4, day=1) + dt.timedelta(days=366)
    data = {"name": "試験市 入退院支援ルール", "area": f"municipality:{municipality.pk}",
            "effective_from": april.isoformat(), "covers_support_levels": "on", "covers_uncertified": "on",
            "excluded_planned_stay_days": "0", "note": "", "source_url": "",
            **formset_data([row(), NOTICE])}
    response = client.post("/handoffs/rules/new/", data)
    rule = RuleSet.objects.get(municipality=municipality)
    assert response.status_code == 302 and response["Location"] == f"/handoffs/rules/{rule.pk}/"
    assert (rule.version, rule.effective_from, rule.created_by) == (1, april, world.municipal)
    assert list(rule.steps.values_list("key", "offset_days")) == [("admission_info", 2), ("discharge_notice", -7)]
    assert services.rule_set_for(municipality).area_kind == RuleSet.AreaKind.NATIONAL  # not yet


def test_a_new_version_is_prefilled_and_saving_leaves_the_old_version_as_it_was(world):
    municipality = world.patient.municipality
    first = municipal_rule(world.municipal, municipality)
    client = client_for(world.municipal)
    page = client.get(f"/handoffs/rules/{first.pk}/new-version/")
    assert page.status_code == 200 and 'value="-7"' in page.content.decode()
    data = {"name": first.name, "effective_from": "2026-04-01", "covers_support_levels": "on",
            "covers_uncertified": "on", "excluded_planned_stay_days": "3", "note": "短期入院を除外",
            "source_url": "", **formset_data([row(), {**NOTICE, "offset_days": -5}], initial=2)}
    response = client.post(f"/handoffs/rules/{first.pk}/new-version/", data)
    assert response.status_code == 302
    second = RuleSet.objects.get(municipality=municipality, version=2)
    assert second.excluded_planned_stay_days == 3
    first.refresh_from_db()
    assert first.steps.get(key="discharge_notice").offset_days == -7
    detail = client.get(f"/handoffs/rules/{second.pk}/").content.decode()
    assert "退院予定日の5日前まで" in detail and "退院予定日の7日前まで" in detail  # the diff, before and after


def test_an_invalid_rule_form_answers_400_with_the_message(world):
    client = client_for(world.municipal)
    data = {"name": "x", "area": f"municipality:{world.patient.municipality.pk}", "effective_from": "2026-04-01",
            "excluded_planned_stay_days": "0", **formset_data([row(), row()])}
    response = client.post("/handoffs/rules/new/", data)
    assert response.status_code == 400
    assert "同じ手順は1回だけ" in response.content.decode()
    assert not RuleSet.objects.filter(municipality=world.patient.municipality).exists()


def test_a_care_manager_sees_the_rule_of_their_municipality_first(world):
    rule = municipal_rule(world.municipal, world.patient.municipality, effective_from=dt.date(2024, 4, 1))
    page = client_for(world.care_manager).get("/handoffs/rules/").content.decode()
    applies = page.index("applicable-heading")
    assert page.index(f"/handoffs/rules/{rule.pk}/") > applies
    assert page.index(f"/handoffs/rules/{rule.pk}/") < page.index("region-heading")


def test_the_deadline_preview_counts_with_the_municipalitys_closed_days(world):
    municipality = world.patient.municipality
    rule = municipal_rule(world.municipal, municipality, steps=[
        dict(key="screening", actor="hospital", anchor="admission", offset_days=2, day_unit="working"),
        dict(key="discharge_notice", actor="hospital", anchor="planned_discharge", offset_days=-7,
             counts_for_missed=True)])
    ClosedDay.objects.create(municipality=municipality, date=dt.date(2026, 12, 29), name="年末年始")
    ClosedDay.objects.create(municipality=municipality, date=dt.date(2026, 12, 30), name="年末年始")
    rule = selectors.rule_set_of(rule.pk)
    at = timezone.make_aware(dt.datetime(2026, 12, 25, 10, 0))  # Friday
    rows = selectors.deadline_preview(rule, municipality_id=municipality.pk, admitted_at=at,
                                      planned_discharge_on=dt.date(2027, 1, 20))
    due = {r.step.key: timezone.localtime(r.due_at).date() if r.due_at else None for r in rows}
    # Friday 25th, then Mon 28th; 29th–30th closed; 31st is a working day here.
    assert due == {"screening": dt.date(2026, 12, 31), "discharge_notice": dt.date(2027, 1, 13)}
    without = selectors.deadline_preview(rule, municipality_id=None, admitted_at=at)
    assert timezone.localtime(without[0].due_at).date() == dt.date(2026, 12, 29)
    assert without[1].due_at is None


def test_the_preview_on_the_rule_page_answers_htmx_with_the_partial(world):
    rule = municipal_rule(world.municipal, world.patient.municipality)
    client = client_for(world.care_manager)
    response = client.get(f"/handoffs/rules/{rule.pk}/", {"admitted_at": "2026-12-25T19:30",
                                                          "planned_discharge_on": "2027-01-20"},
                          HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200 and body.lstrip().startswith('<div id="deadline-preview"')
    bad = client.get(f"/handoffs/rules/{rule.pk}/", {"admitted_at": "2026-12-25T19:30",
                                                     "planned_discharge_on": "2026-12-01"})
    assert bad.status_code == 400


def test_municipal_staff_add_a_range_of_closed_days_and_remove_a_future_one_on_the_screens(world):
    municipality = world.patient.municipality
    client = client_for(world.municipal)
    year = timezone.localdate().year + 1
    response = client.post(f"/handoffs/rules/closed-days/{municipality.pk}/add/",
                           {"first": f"{year}-12-29", "last": f"{year + 1}-01-03", "name": "年末年始"})
    assert response.status_code == 302
    assert ClosedDay.objects.filter(municipality=municipality).count() == 6
    page = client.get(f"/handoffs/rules/closed-days/?municipality={municipality.pk}").content.decode()
    assert "年末年始" in page
    day = ClosedDay.objects.filter(municipality=municipality).first()
    assert client.post(f"/handoffs/rules/closed-days/day/{day.pk}/remove/").status_code == 302
    assert ClosedDay.objects.filter(municipality=municipality).count() == 5
    bad = client.post(f"/handoffs/rules/closed-days/{municipality.pk}/add/", {"first": f"{year}-12-29",
                                                                              "last": f"{year}-12-01"})
    assert bad.status_code == 400


def test_a_step_added_at_the_bottom_takes_its_place_on_the_timeline():
    formset = StepFormSet(formset_data([NOTICE, row()]), prefix="steps")
    assert formset.is_valid(), formset.errors
    assert [s["key"] for s in formset.steps()] == ["admission_info", "discharge_notice"]


def test_the_rule_page_shows_the_municipalitys_coming_closed_days(world):
    municipality = world.patient.municipality
    rule = municipal_rule(world.municipal, municipality)
    ClosedDay.objects.create(municipality=municipality, date=timezone.localdate() + dt.timedelta(days=20),
                             name="市の創立記念日")
    ClosedDay.objects.create(municipality=municipality, date=timezone.localdate() - dt.timedelta(days=20),
                             name="過ぎた休み")
    page = client_for(world.care_manager).get(f"/handoffs/rules/{rule.pk}/").content.decode()
    assert "市の創立記念日" in page and "過ぎた休み" not in page


def test_any_two_versions_of_an_area_can_be_compared_but_not_another_areas(world):
    municipality = world.patient.municipality
    first = municipal_rule(world.municipal, municipality)
    municipal_rule(world.municipal, municipality, steps=[{**NOTICE_STEP, "offset_days": -5}])
    third = municipal_rule(world.municipal, municipality, steps=[{**NOTICE_STEP, "offset_days": -3}])
    client = client_for(world.care_manager)
    page = client.get(f"/handoffs/rules/{third.pk}/", {"compare": first.pk}).content.decode()
    assert "退院予定日の7日前まで" in page and "退院予定日の3日前まで" in page
    national = services.national_defaults()
    page = client.get(f"/handoffs/rules/{third.pk}/", {"compare": national.pk}).content.decode()
    assert "退院予定日の5日前まで" in page  # another area is ignored: the previous version is compared
