import datetime as dt
from decimal import Decimal

import pytest

from renkei.handoff import report_areas
from renkei.handoff.models import StepKey
from renkei.handoff.selectors import measures

from .measures_world import build_hand_built

pytestmark = pytest.mark.django_db


@pytest.fixture
def hand_built(world):
    return build_hand_built(world)


def test_the_rates_of_a_hand_built_set(hand_built):
    figures = measures.totals(measures.discharges(start=hand_built.start, end=hand_built.end, area=hand_built.area))
    assert figures.discharges == 8
    assert figures.counted == 7  # the death is a discharge but not counted
    assert figures.missed == 4  # late, never contacted ×2, afterwards
    assert figures.missed_rate == Decimal("57.1")
    assert figures.coordination_rate == Decimal("42.9")
    assert (figures.counted_care, figures.missed_care) == (5, 3)
    assert figures.coordination_rate_care == 40
    assert (figures.counted_support, figures.missed_support) == (2, 1)
    assert figures.coordination_rate_support == 50
    assert figures.late_notice == 4
    assert figures.reported_afterwards == 1
    assert figures.admission_info_missing == 5  # the three on-time stays sent it


def test_the_months_add_up_to_the_total(hand_built):
    qs = measures.discharges(start=hand_built.start, end=hand_built.end, area=hand_built.area)
    months = measures.by_month(qs)
    assert sum(m.counted for m in months) == 7
    assert all(isinstance(m.key, dt.date) and m.key.day == 1 for m in months)
    assert months == sorted(months, key=lambda m: m.key)


def test_by_hospital_separates_the_paper_hospital(hand_built):
    rows = {f.label: f for f in measures.by_hospital(
        measures.discharges(start=hand_built.start, end=hand_built.end, area=hand_built.area))}
    assert rows["試験紙病院"].counted == 3 and rows["試験紙病院"].missed_rate == 100
    assert rows["試験市民病院"].counted == 4 and rows["試験市民病院"].missed == 1


def test_the_hospital_and_month_table_is_one_query(hand_built, django_assert_max_num_queries):
    qs = measures.discharges(start=hand_built.start, end=hand_built.end, area=hand_built.area)
    with django_assert_max_num_queries(1):
        table = measures.by_hospital_and_month(qs, months=measures.months_between(hand_built.start, hand_built.end))
    assert {name for name, _cells in table.rows} == {"試験紙病院", "試験市民病院"}
    assert sum(f.missed for _name, cells in table.rows for f in cells.values()) == 4


def test_each_table_is_one_query(hand_built, django_assert_max_num_queries):
    qs = measures.discharges(start=hand_built.start, end=hand_built.end, area=hand_built.area)
    for selector in (measures.totals, measures.by_month, measures.by_hospital, measures.by_care_office,
                     measures.by_municipality, measures.participation_by_profession):
        with django_assert_max_num_queries(1):
            selector(qs)
    with django_assert_max_num_queries(1):
        measures.step_on_time(start=hand_built.start, end=hand_built.end, area=hand_built.area)


def test_step_on_time_rates(hand_built):
    steps = {s.key: s for s in measures.step_on_time(start=hand_built.start, end=hand_built.end,
                                                      area=hand_built.area)}
    notice = steps[StepKey.DISCHARGE_NOTICE]
    # on time ×3, told on the day (late) ×1; the others never told (their due time came with the discharge)
    assert notice.on_time == 3 and notice.late == 1
    assert notice.due == notice.on_time + notice.late + notice.not_done
    assert steps[StepKey.ADMISSION_INFO].on_time == 3


def test_the_own_figures_of_a_hospital_and_of_a_care_office(hand_built):
    own = measures.totals(measures.discharges(start=hand_built.start, end=hand_built.end,
                                              hospital_organization_id=hand_built.hospital.organization_id))
    assert own.counted == 4 and own.missed == 1
    office = measures.totals(measures.discharges(start=hand_built.start, end=hand_built.end,
                                                 care_office_id=hand_built.care_manager.organization_id))
    assert office.counted == 7


def test_without_key_person_share(hand_built):
    handoff = hand_built.handoffs[0]
    handoff.has_key_person = False
    handoff.save()
    other = hand_built.handoffs[1]
    other.has_key_person = True
    other.save()
    figures = measures.totals(measures.discharges(start=hand_built.start, end=hand_built.end, area=hand_built.area))
    assert (figures.without_key_person, figures.key_person_known) == (1, 2)
    assert figures.without_key_person_share == 50


def test_another_municipality_sees_none_of_it(hand_built):
    from tests.factories import MunicipalityFactory

    elsewhere = report_areas.of_municipality(MunicipalityFactory())
    assert measures.totals(measures.discharges(start=hand_built.start, end=hand_built.end, area=elsewhere)
                           ).discharges == 0


def test_small_counts_are_shown_as_under_five():
    assert measures.shown(0) == "0" and measures.shown(3) == "<5" and measures.shown(1234) == "1,234"
    assert measures.shown(3, suppress=False) == "3"
    assert measures.shown_rate(measures.rate(1, 3), 3) == "<5"
    assert measures.shown_rate(measures.rate(1, 8), 8) == "12.5%"
