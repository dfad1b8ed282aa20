"""Which rule applies (municipality > group > prefecture > national; a future version not yet), versions that
never rewrite the past, and who may write rules and closed days."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from renkei.core import policy
from renkei.core.models import AuditEntry, Role
from renkei.handoff.models import ClosedDay, RuleSet
from renkei.handoff.selectors import rules as selectors
from renkei.handoff.services import rules as services
from tests.factories import AreaGroupFactory, MembershipFactory, MunicipalityFactory, PrefectureFactory

from .factories import open_handoff
from .rules_helpers import ADMISSION_3, NOTICE_7, municipal_rule, municipal_staff, prefecture_staff

pytestmark = pytest.mark.django_db

ADMIN_ROLE = Role.SYSTEM_ADMIN


def test_a_municipality_without_a_rule_of_its_own_gets_the_national_defaults(world):
    found = services.rule_set_for(world.patient.municipality, dt.date(2026, 1, 5))
    assert found.area_kind == RuleSet.AreaKind.NATIONAL


def test_the_municipalitys_own_rule_beats_its_group_and_its_prefecture(world):
    municipality = world.patient.municipality
    staff = prefecture_staff(municipality.prefecture)
    group = AreaGroupFactory(prefecture=municipality.prefecture)
    group.municipalities.add(municipality)
    services.rule_set_create(membership=staff, name="県", area_kind="prefecture", prefecture=municipality.prefecture,
                             effective_from=dt.date(2025, 1, 1), steps=[NOTICE_7])
    on = dt.date(2026, 1, 5)
    assert services.rule_set_for(municipality, on).area_kind == "prefecture"
    services.rule_set_create(membership=staff, name="圏域", area_kind="area_group", area_group=group,
                             effective_from=dt.date(2025, 1, 1), steps=[NOTICE_7])
    assert services.rule_set_for(municipality, on).area_kind == "area_group"
    own = municipal_rule(world.municipal, municipality)
    assert services.rule_set_for(municipality, on) == own


def test_a_version_effective_in_the_future_is_not_applied_yet(world):
    municipality = world.patient.municipality
    current = municipal_rule(world.municipal, municipality, effective_from=dt.date(2025, 4, 1))
    april = municipal_rule(world.municipal, municipality, effective_from=dt.date(2027, 4, 1))
    assert april.version == current.version + 1
    assert services.rule_set_for(municipality, dt.date(2027, 3, 31)) == current
    assert services.rule_set_for(municipality, dt.date(2027, 4, 1)) == april


def test_a_new_version_never_rewrites_a_past_handoffs_due_times(world):
    municipality = world.patient.municipality
    first = municipal_rule(world.municipal, municipality, effective_from=dt.date(2020, 4, 1))
    handoff = open_handoff(world, days_ago=2)
    due_before = {s.key: s.due_at for s in handoff.steps.all()}
    second = municipal_rule(world.municipal, municipality, effective_from=dt.date(2021, 4, 1),
                            steps=[{**ADMISSION_3, "offset_days": 0}])
    handoff.refresh_from_db()
    assert handoff.rule_set == first
    assert {s.key: s.due_at for s in handoff.steps.all()} == due_before
    assert first.steps.get(key="admission_info").offset_days == 3
    assert second.steps.get(key="admission_info").offset_days == 0
    assert selectors.area_versions(second)[1].handoff_count == 1


def test_another_municipalitys_officer_is_refused_and_the_refusal_is_logged(world):
    other = municipal_staff(MunicipalityFactory(prefecture=world.patient.municipality.prefecture))
    refusals = AuditEntry.objects.filter(action=AuditEntry.Action.REFUSE).count()
    with pytest.raises(PermissionDenied):
        municipal_rule(other, world.patient.municipality)
    assert AuditEntry.objects.filter(action=AuditEntry.Action.REFUSE).count() == refusals + 1
    assert not RuleSet.objects.filter(municipality=world.patient.municipality).exists()


def test_prefecture_staff_write_rules_for_their_prefectures_groups_but_not_anothers(world):
    municipality = world.patient.municipality
    group = AreaGroupFactory(prefecture=municipality.prefecture)
    staff = prefecture_staff(municipality.prefecture)
    rule = services.rule_set_create(membership=staff, name="圏域", area_kind="area_group", area_group=group,
                                    effective_from=dt.date(2025, 1, 1), steps=[NOTICE_7])
    assert rule.version == 1
    elsewhere = AreaGroupFactory(prefecture=PrefectureFactory(code="18", name="福井県"))
    assert elsewhere.prefecture_id != municipality.prefecture_id
    with pytest.raises(PermissionDenied):
        services.rule_set_create(membership=staff, name="他県", area_kind="area_group", area_group=elsewhere,
                                 effective_from=dt.date(2025, 1, 1), steps=[NOTICE_7])


def test_a_professional_may_read_rules_but_not_write_them(world):
    assert policy.check(world.care_manager, "handoff.view_rules")
    assert not policy.check(world.care_manager, "handoff.manage_rules")
    assert selectors.manageable_areas(world.care_manager) == []


def test_only_a_system_administrator_writes_a_new_version_of_the_national_defaults(world):
    national = services.national_defaults()
    admin = MembershipFactory(role=ADMIN_ROLE, organization=world.municipal.organization)
    assert not policy.check(world.municipal, "handoff.manage_rules", national)
    assert policy.check(admin, "handoff.manage_rules", national)


def test_municipal_staff_manage_only_their_own_municipalitys_closed_days(world):
    municipality = world.patient.municipality
    added = services.closed_days_add(membership=world.municipal, municipality=municipality,
                                     first=dt.date(2026, 12, 29), last=dt.date(2027, 1, 3), name="年末年始")
    assert [d.date for d in added] == [dt.date(2026, 12, 29) + dt.timedelta(days=i) for i in range(6)]
    again = services.closed_days_add(membership=world.municipal, municipality=municipality,
                                     first=dt.date(2026, 12, 28), last=dt.date(2026, 12, 29))
    assert [d.date for d in again] == [dt.date(2026, 12, 28)]
    other = municipal_staff(MunicipalityFactory(prefecture=municipality.prefecture))
    with pytest.raises(PermissionDenied):
        services.closed_days_add(membership=other, municipality=municipality, first=dt.date(2027, 5, 1))
    with pytest.raises(PermissionDenied):
        services.closed_days_add(membership=world.care_manager, municipality=municipality,
                                 first=dt.date(2027, 5, 1))


def test_a_past_closed_day_cannot_be_removed_but_a_future_one_can(world):
    municipality = world.patient.municipality
    today = timezone.localdate()
    past = ClosedDay.objects.create(municipality=municipality, date=today - dt.timedelta(days=3))
    future = ClosedDay.objects.create(municipality=municipality, date=today + dt.timedelta(days=30))
    with pytest.raises(ValidationError):
        services.closed_day_remove(membership=world.municipal, closed_day=past)
    services.closed_day_remove(membership=world.municipal, closed_day=future)
    assert list(ClosedDay.objects.filter(municipality=municipality)) == [past]


def test_a_range_of_closed_days_longer_than_a_month_is_refused_with_a_message(world):
    with pytest.raises(ValidationError) as error:
        services.closed_days_add(membership=world.municipal, municipality=world.patient.municipality,
                                 first=dt.date(2027, 1, 1), last=dt.date(2027, 3, 1))
    assert "31" in error.value.messages[0]


def test_the_service_refuses_a_missed_step_due_after_the_discharge(world):
    with pytest.raises(ValidationError) as error:
        municipal_rule(world.municipal, world.patient.municipality,
                       steps=[{**NOTICE_7, "anchor": "discharge", "offset_days": 1}])
    assert any("missed coordination" in m or "退院" in m for m in error.value.messages)


def test_the_list_shows_the_viewers_prefectures_areas_with_their_statuses(world, django_assert_max_num_queries):
    municipality = world.patient.municipality
    municipal_rule(world.municipal, municipality, effective_from=dt.date(2024, 4, 1))
    municipal_rule(world.municipal, municipality, effective_from=dt.date(2025, 4, 1))
    municipal_rule(world.municipal, municipality, effective_from=timezone.localdate() + dt.timedelta(days=90))
    with django_assert_max_num_queries(4):
        areas = selectors.prefecture_areas(municipality.prefecture_id)
    assert [v.status for v in areas[0].versions] == ["scheduled", "in_force", "superseded"]
    assert selectors.applicable_rule(world.care_manager).version == 2


def test_the_diff_between_two_versions_names_each_changed_step(world):
    municipality = world.patient.municipality
    first = municipal_rule(world.municipal, municipality)
    second = municipal_rule(world.municipal, municipality, steps=[
        {**NOTICE_7, "offset_days": -5}, dict(key="summaries", actor="hospital", anchor="discharge", offset_days=2)])
    diff = selectors.version_diff(first, selectors.rule_set_of(second.pk), "ja")
    changes = {c.key: c for c in diff.steps}
    assert changes["discharge_notice"].change == "changed"
    assert "7日前" in changes["discharge_notice"].before and "5日前" in changes["discharge_notice"].after
    assert changes["summaries"].change == "added"
    assert changes["admission_info"].change == "removed"
