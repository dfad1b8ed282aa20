import pytest
from django.db import IntegrityError, transaction

from renkei.directory.models import CollaborationAttribute, FacilityIdentifier

from ..factories import FacilityFactory, set_details

pytestmark = pytest.mark.django_db


def test_the_builtin_taxonomy_is_seeded_with_the_details_the_issue_names():
    codes = set(CollaborationAttribute.objects.values_list("code", flat=True))
    for code in ["urgent_home_visit", "scheduled_home_visit", "home_end_of_life_care", "round_the_clock",
                 "backup_beds", "sterile_preparation", "narcotics", "ventilator", "acp_support",
                 "accepting_new_clients", "how_to_meet_doctor", "unit_dose_packaging", "dementia_support_doctor"]:
        assert code in codes


def test_a_position_in_the_ocean_off_africa_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        FacilityFactory(latitude=0.0, longitude=0.0)


def test_a_code_names_one_facility_but_a_corporate_number_many():
    a, b = FacilityFactory(), FacilityFactory(municipality=FacilityFactory().municipality)
    FacilityIdentifier.objects.create(facility=a, scheme="corporate_number", value="1234567890123")
    FacilityIdentifier.objects.create(facility=b, scheme="corporate_number", value="1234567890123")
    FacilityIdentifier.objects.create(facility=a, scheme="mhlw_id", value="2610110000001")
    with pytest.raises(IntegrityError), transaction.atomic():
        FacilityIdentifier.objects.create(facility=b, scheme="mhlw_id", value="2610110000001")


def test_confirming_details_stores_who_and_when_and_converts_answers():
    facility = FacilityFactory()
    details = set_details(facility, scheduled_home_visit="○", care_plan_meeting_attendance="within_30_min")
    assert {d.attribute.code: d.value for d in details} == {
        "scheduled_home_visit": True, "care_plan_meeting_attendance": "within_30_min"}
    assert all(d.confirmed_by == "テスト" for d in details)
