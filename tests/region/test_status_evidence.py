"""The evidence providers of the implementation status (one per app), read through the registry."""

import datetime as dt

import pytest
from django.utils import timezone

from renkei.core import item_evidence
from renkei.core.models import JointProject, Municipality
from tests.consult.factories import CaseFactory, DeskFactory
from tests.factories import FacilityFactory, MunicipalityFactory
from tests.pdca.factories import ActionFactory, LogicModelFactory, MeasureFactory, PdcaCycleFactory, PlanPeriodFactory
from tests.training.factories import ActivityFactory, SeriesFactory, SessionFactory

from .factories import FY

pytestmark = pytest.mark.django_db
IN_YEAR = timezone.make_aware(dt.datetime(FY, 6, 15, 10, 0))


def evidence(item, municipality, fiscal_year=FY):
    found = item_evidence.gather([municipality.pk], fiscal_year)[item]
    return found.get(municipality.pk, [])


def confirm_details(facility, on):
    from renkei.directory.models import CollaborationAttribute, CollaborationCategory, CollaborationDetail

    attribute = CollaborationAttribute.objects.first()
    if attribute is None:
        category = CollaborationCategory.objects.create(code="test", name="試験")
        attribute = CollaborationAttribute.objects.create(category=category, code="test_home_visits", name="訪問診療")
    return CollaborationDetail.objects.create(facility=facility, attribute=attribute, value=True, confirmed_on=on,
                                              confirmed_by="試験")


def test_directory_reviewed_this_year_suggests_implemented(world):
    facility = FacilityFactory(municipality=world.fukuchiyama)
    confirm_details(facility, dt.date(FY, 5, 1))
    [found] = evidence("a", world.fukuchiyama)
    assert (found.suggests, found.figures) == ("implemented", {"facilities": 1, "reviewed": 1})


def test_directory_without_review_this_year_suggests_planned_at_most(world):
    facility = FacilityFactory(municipality=world.fukuchiyama)
    confirm_details(facility, dt.date(FY - 1, 5, 1))
    [found] = evidence("a", world.fukuchiyama)
    assert found.suggests == "planned"
    assert found.figures["reviewed"] == 0


def test_a_municipality_without_evidence_is_absent(world):
    assert all(world.ine.pk not in per for per in item_evidence.gather([world.ine.pk], FY).values())


def test_a_wards_facilities_count_for_its_designated_city(world):
    city = MunicipalityFactory(jis_code="26100", code="261009", name="京都市", prefecture=world.kyoto,
                               kind=Municipality.Kind.DESIGNATED_CITY)
    ward = MunicipalityFactory(jis_code="26101", code="261017", name="北区", prefecture=world.kyoto,
                               kind=Municipality.Kind.WARD, parent=city)
    confirm_details(FacilityFactory(municipality=ward), dt.date(FY, 7, 1))
    [found] = evidence("a", city)
    assert found.figures == {"facilities": 1, "reviewed": 1}


def test_logic_model_with_measures_only_suggests_the_assessing_stage(world):
    plan = PlanPeriodFactory(municipality=world.fukuchiyama, start_fiscal_year=FY - 1, end_fiscal_year=FY + 1)
    MeasureFactory(logic_model=LogicModelFactory(plan=plan), status="planned")
    [found] = evidence("b", world.fukuchiyama)
    assert (found.suggests, found.stage) == ("implemented", "assessing")


def test_measures_with_actions_suggest_the_concrete_stage(world):
    plan = PlanPeriodFactory(municipality=world.fukuchiyama, start_fiscal_year=FY - 1, end_fiscal_year=FY + 1)
    MeasureFactory(logic_model=LogicModelFactory(plan=plan), status="planned")
    action = ActionFactory(municipality=world.fukuchiyama)
    type(action).objects.filter(pk=action.pk).update(created_at=IN_YEAR)
    [found] = evidence("b", world.fukuchiyama)
    assert found.stage == "concrete"


def test_a_pdca_turn_evaluated_in_the_year_suggests_the_evaluating_stage(world):
    plan = PlanPeriodFactory(municipality=world.fukuchiyama, start_fiscal_year=FY - 1, end_fiscal_year=FY + 1)
    MeasureFactory(logic_model=LogicModelFactory(plan=plan))
    PdcaCycleFactory(plan=plan, fiscal_year=FY, stage="check")
    [found] = evidence("b", world.fukuchiyama)
    assert (found.suggests, found.stage) == ("implemented", "evaluating")


def test_a_plan_without_measures_suggests_planned(world):
    PlanPeriodFactory(municipality=world.fukuchiyama, start_fiscal_year=FY - 1, end_fiscal_year=FY + 1)
    [found] = evidence("b", world.fukuchiyama)
    assert (found.suggests, found.stage) == ("planned", "")


def test_a_rota_covered_in_a_past_year_suggests_implemented(world):
    from renkei.provision.models import CoverGroup, RotaShift

    group = CoverGroup.objects.create(name="試験グループ", municipality=world.fukuchiyama)
    RotaShift.objects.create(group=group, date=dt.date(FY, 8, 1), kind="night", covering=world.professional)
    [found] = evidence("c", world.fukuchiyama)
    assert (found.suggests, found.figures["shifts_covered"]) == ("implemented", 1)


def test_a_rota_with_open_gaps_this_year_suggests_planned(world):
    from renkei.provision.models import CoverGroup
    from renkei.region.selectors.implementation import current_fiscal_year

    CoverGroup.objects.create(name="試験グループ", municipality=world.fukuchiyama)
    this_year = current_fiscal_year()
    [found] = evidence("c", world.fukuchiyama, this_year)
    assert found.suggests == "planned"
    assert found.figures["open_gaps"] > 0


def test_care_teams_formed_in_the_year_suggest_information_sharing(world):
    from renkei.careteams.models import CareTeam
    from tests.careteams.factories import PatientFactory

    patient = PatientFactory(municipality=world.maizuru)
    CareTeam.objects.filter(patient=patient).update(created_at=IN_YEAR)
    [found] = evidence("d", world.maizuru)
    assert (found.suggests, found.figures["care_teams"]) == ("implemented", 1)


def test_desk_cases_received_in_the_year_suggest_implemented(world):
    desk = DeskFactory(municipality=world.fukuchiyama)
    CaseFactory(desk=desk, received_at=IN_YEAR)
    [found] = evidence("e", world.fukuchiyama)
    assert (found.suggests, found.figures) == ("implemented", {"desks": 1, "cases": 1})


def test_a_desk_without_cases_suggests_planned(world):
    DeskFactory(municipality=world.fukuchiyama)
    [found] = evidence("e", world.fukuchiyama)
    assert found.suggests == "planned"


def test_sessions_held_suggest_training_and_its_contents(world):
    series = SeriesFactory(municipality=world.fukuchiyama, kind="group_work", fiscal_year=FY)
    SessionFactory(series=series, starts_at=IN_YEAR, status="held")
    [found] = evidence("f", world.fukuchiyama)
    assert found.suggests == "implemented"
    assert found.figures["training_contents"] == ["multi_professional"]


def test_a_lecture_for_care_managers_suggests_medical_training_for_care_staff(world):
    series = SeriesFactory(municipality=world.fukuchiyama, kind="lecture", target_professions=["care_manager"],
                           fiscal_year=FY)
    SessionFactory(series=series, starts_at=IN_YEAR, status="held")
    [found] = evidence("f", world.fukuchiyama)
    assert found.figures["training_contents"] == ["medical_for_care"]


def test_awareness_activities_held_suggest_implemented(world):
    ActivityFactory(municipality=world.ayabe, date=dt.date(FY, 9, 1))
    [found] = evidence("g", world.ayabe)
    assert (found.suggests, found.figures["held"]) == ("implemented", 1)


def test_a_joint_project_active_in_the_year_suggests_cross_municipal_work(world):
    project = JointProject.objects.create(name="中丹 共同研修", prefecture=world.kyoto,
                                          lead_municipality=world.fukuchiyama, started_on=dt.date(FY - 1, 4, 1))
    project.municipalities.set([world.fukuchiyama, world.ayabe])
    [found] = evidence("h", world.ayabe)
    assert (found.suggests, found.figures["joint_projects"]) == ("implemented", 1)


def test_a_joint_project_ended_before_the_year_is_not_evidence(world):
    project = JointProject.objects.create(name="旧 共同研修", prefecture=world.kyoto,
                                          lead_municipality=world.fukuchiyama, started_on=dt.date(FY - 3, 4, 1),
                                          ended_on=dt.date(FY - 2, 3, 31))
    project.municipalities.set([world.fukuchiyama])
    assert evidence("h", world.fukuchiyama) == []
