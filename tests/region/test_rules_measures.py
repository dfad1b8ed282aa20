"""The before/after figures of a wide rule's adopters on handoff's measure fields, the survey beside them, the
masking of small counts for viewers outside the municipality, and the query count."""

import datetime as dt
from decimal import Decimal

import pytest

from renkei.region.models import CoordinationSurvey, CoordinationSurveyRow
from renkei.region.selectors.rules import before_after, wide_rules_visible
from renkei.region.services.rules import adoption_record

from .test_rules_world import ADOPTED, TODAY, build_rules_world, discharge

pytestmark = pytest.mark.django_db
BEFORE = ADOPTED - dt.timedelta(days=60)
AFTER = ADOPTED + dt.timedelta(days=60)


@pytest.fixture
def rw():
    rw = build_rules_world()
    w = rw.world
    adoption_record(membership=w.prefecture, rule_set=rw.rule, municipality=w.fukuchiyama, adopted_on=ADOPTED)
    adoption_record(membership=w.prefecture, rule_set=rw.rule, municipality=w.maizuru,
                    adopted_on=ADOPTED + dt.timedelta(days=30))
    adoption_record(membership=w.prefecture, rule_set=rw.rule, hospital=rw.hospital, adopted_on=ADOPTED)
    # 福知山: before 10 counted, 4 missed, 2 admission information late; after 10 counted, 1 missed.
    discharge(rw, on=BEFORE, missed=True, count=4)
    discharge(rw, on=BEFORE, count=4)
    discharge(rw, on=BEFORE, info_on_time=False, count=2)
    discharge(rw, on=AFTER, missed=True)
    discharge(rw, on=AFTER, count=9)
    # 舞鶴 (a small count: 3 before, 2 after), at its hospital.
    discharge(rw, on=BEFORE, municipality=w.maizuru, hospital=rw.maizuru_hospital, missed=True, count=3)
    discharge(rw, on=AFTER + dt.timedelta(days=30), municipality=w.maizuru, hospital=rw.maizuru_hospital, count=2)
    # Outside every window: two years before.
    discharge(rw, on=ADOPTED - dt.timedelta(days=800), missed=True, count=5)
    return rw


def _row(rows, label):
    return next(r for r in rows if r.label == label)


def test_a_municipalitys_mole_rate_is_split_at_its_adoption_date(rw):
    figures = before_after(rw.world.prefecture, rw.rule, today=TODAY)
    fukuchiyama = _row(figures.municipalities, "福知山市")
    assert fukuchiyama.before.counted == 10 and fukuchiyama.before.missed_rate == Decimal("40.0")
    assert fukuchiyama.after.counted == 10 and fukuchiyama.after.missed_rate == Decimal("10.0")


def test_admission_information_on_time_counts_only_steps_done_by_their_due_time(rw):
    figures = before_after(rw.world.prefecture, rw.rule, today=TODAY)
    fukuchiyama = _row(figures.municipalities, "福知山市")
    assert fukuchiyama.before.info_on_time_rate == Decimal("80.0")
    assert fukuchiyama.after.info_on_time_rate == Decimal("100.0")


def test_each_adopter_uses_its_own_date(rw):
    figures = before_after(rw.world.prefecture, rw.rule, today=TODAY)
    maizuru = _row(figures.municipalities, "舞鶴市")
    assert maizuru.adopted_on == ADOPTED + dt.timedelta(days=30)
    assert (maizuru.before.counted, maizuru.after.counted) == (3, 2)


def test_a_hospital_row_counts_the_discharges_from_that_hospital(rw):
    figures = before_after(rw.world.prefecture, rw.rule, today=TODAY)
    hospital = _row(figures.hospitals, "市立福知山市民病院")
    assert (hospital.before.counted, hospital.after.counted) == (10, 10)


def test_the_area_total_is_split_at_the_first_adoption_and_ignores_older_discharges(rw):
    figures = before_after(rw.world.prefecture, rw.rule, today=TODAY)
    assert figures.reference_on == ADOPTED
    assert figures.area.before.counted == 13 and figures.area.after.counted == 12


def test_a_shorter_window_leaves_out_discharges_before_it(rw):
    figures = before_after(rw.world.prefecture, rw.rule, today=TODAY, months=1)
    assert _row(figures.municipalities, "福知山市").before.counted == 0


def test_municipal_staff_see_their_own_row_in_full_and_small_counts_of_others_masked(rw):
    figures = before_after(rw.world.official, rw.rule, today=TODAY)
    assert _row(figures.municipalities, "福知山市").before.counted == 10
    maizuru = _row(figures.municipalities, "舞鶴市")
    assert maizuru.before.counted == "<10" and maizuru.before.missed_rate is None and maizuru.before.masked


def test_prefecture_staff_see_small_counts(rw):
    figures = before_after(rw.world.health_center_staff, rw.rule, today=TODAY)
    assert _row(figures.municipalities, "舞鶴市").before.counted == 3


def test_the_survey_shows_beside_the_workflows_figures_of_its_month(rw):
    survey = CoordinationSurvey.objects.create(prefecture=rw.world.kyoto, area_group=rw.world.chutan,
                                               month=BEFORE.replace(day=1), title="中丹 退院調整状況調査")
    CoordinationSurveyRow.objects.create(survey=survey, respondent_kind="hospital", respondent_name="x",
                                         admissions=100, admission_info_missing=53, discharges=100,
                                         discharge_uncoordinated=31)
    figures = before_after(rw.world.prefecture, rw.rule, today=TODAY)
    (shown,) = figures.surveys
    assert shown.uncoordinated_rate == Decimal("31.0") and shown.admission_info_missing_rate == Decimal("53.0")
    assert shown.measured.counted == 13 and shown.measured.missed_rate == Decimal("53.8")


def test_before_after_takes_a_fixed_number_of_queries(rw, django_assert_max_num_queries):
    for k in range(5):
        discharge(rw, on=AFTER + dt.timedelta(days=k), municipality=rw.world.ayabe, hospital=rw.other_hospital)
    adoption_record(membership=rw.world.prefecture, rule_set=rw.rule, municipality=rw.world.ayabe,
                    adopted_on=ADOPTED)
    adoption_record(membership=rw.world.prefecture, rule_set=rw.rule, hospital=rw.other_hospital,
                    adopted_on=ADOPTED)
    with django_assert_max_num_queries(10):
        figures = before_after(rw.world.prefecture, rw.rule, today=TODAY)
    assert len(figures.municipalities) == 3 and len(figures.hospitals) == 2


def test_the_list_counts_open_adoptions_in_two_queries(rw, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        rules = wide_rules_visible(rw.world.official)
    (rule,) = rules
    assert (rule.municipalities_adopted, rule.hospitals_adopted) == (2, 1)
    assert rule.owner == "京都府 高齢者支援課"
