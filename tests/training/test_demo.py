"""The training and awareness part of `renkei demo`: a series with a measurable effect on some items and none on
others, earlier years' series, and awareness across the daily living areas with one never reached."""

import datetime as dt
from collections import Counter, defaultdict

import pytest
from django.utils import timezone

from renkei.core.models import AuditEntry, DailyLivingArea, Municipality
from renkei.core.services.demo import DEMO_MUNICIPALITY_CODE, build_demo
from renkei.training.effect import paired_effect
from renkei.training.models import (
    Attendance,
    AwarenessActivity,
    AwarenessResponse,
    Registration,
    SurveyAnswer,
    SurveyResponse,
    TrainingSeries,
)
from renkei.training.services.demo import build_training_demo, fiscal_year_of, training_demo_summary

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    from renkei.directory.services.demo import build_directory_demo

    build_demo()
    build_directory_demo()
    return build_training_demo()


def effects(series: TrainingSeries) -> dict[str, object]:
    """paired_effect per item (by its text), from the stored answers: pairs of the same registration only."""
    answers = defaultdict(dict)
    for answer in SurveyAnswer.objects.filter(response__registration__series=series, value__isnull=False) \
            .select_related("response", "item"):
        answers[answer.item.text][(answer.response.registration_id, answer.response.phase)] = answer.value
    out = {}
    for text, values in answers.items():
        people = {registration for registration, _phase in values}
        out[text] = paired_effect([(values[(r, "pre")], values[(r, "post")]) for r in sorted(people)
                                   if (r, "pre") in values and (r, "post") in values])
    return out


def test_this_years_series_shows_an_effect_on_what_it_taught_and_none_elsewhere(demo):
    series = TrainingSeries.objects.get(title="多職種連携研修 入退院支援編")
    assert series.fiscal_year == fiscal_year_of(timezone.localdate())
    assert series.instrument.code == "renkei-collaboration-short"
    assert series.sessions.count() == 3 and not series.sessions.exclude(status="held").exists()
    registrations = series.registrations.all()
    assert registrations.count() == 40 and registrations.filter(cancelled_at__isnull=False).count() == 2
    professions = Counter(registrations.values_list("profession", flat=True))
    assert professions["care_manager"] >= 10 and professions["doctor"] <= 2
    assert professions["visiting_nurse"] + professions["nurse"] + professions["discharge_nurse"] >= 10
    assert not professions["dentist"] and not professions["dental_hygienist"]  # whom it does not reach
    city = Municipality.objects.get(code=DEMO_MUNICIPALITY_CODE)
    assert registrations.filter(facility__municipality=city).count() >= 35
    assert registrations.filter(membership__user__email="caremanager@demo.renkei.example").exists()
    attended = Attendance.objects.filter(session__series=series, attended=True)
    assert 25 <= attended.filter(session=series.sessions.first()).count() <= 38
    assert not attended.filter(registration__cancelled_at__isnull=False).exists()
    # 30 pairs, 3 only before, 3 only after.
    phases = Counter(SurveyResponse.objects.filter(registration__series=series).values_list("registration", flat=True))
    assert Counter(phases.values()) == {2: 30, 1: 6}
    assert Counter(SurveyResponse.objects.filter(registration__series=series, registration__in=[
        r for r, n in phases.items() if n == 1]).values_list("phase", flat=True)) == {"pre": 3, "post": 3}
    # The paired Wilcoxon test: a clear effect where the series taught, none where it did not.
    table = effects(series)
    assert all(effect.pairs == 30 for effect in table.values())
    taught = [table["入退院の際に病院とケアマネジャーが連絡を取り合う方法を知っている"],
              table["急変時の連絡先と対応の流れを知っている"]]
    assert all(e.p_value < 0.05 and e.median_difference >= 1 and e.effect_size > 0.5 for e in taught)
    untouched = [table["多職種で話し合う機会がある"], table["在宅での看取りに関わる職種それぞれの役割を説明できる"]]
    assert all(e.p_value > 0.5 and e.median_difference == 0 and abs(e.effect_size) < 0.2 for e in untouched)
    # Earlier years' series for attendance over the years.
    years = sorted(TrainingSeries.objects.filter(municipality=city).values_list("fiscal_year", flat=True))
    assert years == [series.fiscal_year - 2, series.fiscal_year - 1, series.fiscal_year]
    assert Registration.objects.filter(series__fiscal_year__lt=series.fiscal_year).count() >= 55
    # Bulk writes: one audit entry per kind, the city's, counts only.
    bulk = AuditEntry.objects.filter(action=AuditEntry.Action.BULK, owner_municipality_id=city.pk,
                                     object_type__startswith="training.")
    assert sorted(bulk.values_list("object_type", flat=True)) == [
        "training.attendance", "training.awarenessactivity", "training.awarenessresponse", "training.registration",
        "training.surveyanswer", "training.surveyresponse"]
    assert bulk.get(object_type="training.registration").changes == {"created": Registration.objects.count()}
    assert not any("様" in str(e.changes) for e in bulk)
    # Building again changes nothing.
    count = Registration.objects.count()
    assert build_training_demo() is None
    assert Registration.objects.count() == count and TrainingSeries.objects.count() == 3


def test_awareness_reaches_every_area_but_one_and_next_months_lecture_is_on_the_calendar(demo):
    city = Municipality.objects.get(code=DEMO_MUNICIPALITY_CODE)
    activities = AwarenessActivity.objects.filter(municipality=city)
    today = timezone.localdate()
    past = activities.filter(date__lt=today)
    assert {fiscal_year_of(a.date) for a in past} == {fiscal_year_of(today) - n for n in (0, 1, 2)}
    assert set(past.values_list("kind", flat=True)) == {"public_lecture", "outreach_lecture", "article", "leaflet"}
    themes = Counter((a.kind, theme) for a in past for theme in a.themes)
    assert themes["public_lecture", "acp"] >= 3
    assert themes["outreach_lecture", "family_doctor"] and themes["article", "end_of_life"]
    assert all(a.attendance for a in past.filter(kind__in=["public_lecture", "outreach_lecture"]))
    # One daily living area never reached, the others at least once.
    areas = set(DailyLivingArea.objects.filter(municipality=city).values_list("name", flat=True))
    reached = set(activities.exclude(daily_living_area=None).values_list("daily_living_area__name", flat=True))
    assert areas - reached == {"夜久野圏域"}
    assert demo.never_reached == ["夜久野圏域"]
    # Next month's 人生会議 lecture (and one in two months) on the residents' calendar.
    following = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    after = (following + dt.timedelta(days=32)).replace(day=1)
    upcoming = [a for a in activities.filter(date__gt=today, is_published=True, is_cancelled=False)
                if "acp" in a.themes]
    [lecture] = [a for a in upcoming if (a.date.year, a.date.month) == (following.year, following.month)]
    assert lecture.kind == "public_lecture" and lecture.starts_at and lecture.place and lecture.how_to_join
    assert any((a.date.year, a.date.month) == (after.year, after.month) for a in upcoming)
    # Residents' questionnaires after the talks: understanding before and after, the ACP intention.
    responses = AwarenessResponse.objects.filter(activity__municipality=city)
    assert responses.count() == demo.responses > 150
    assert not responses.filter(activity__date__gte=today).exists()
    pairs = [(r.understanding_before, r.understanding_after) for r in responses]
    assert paired_effect(pairs).p_value < 0.05
    intentions = Counter(r.acp_intention for r in responses.select_related("activity") if "acp" in r.activity.themes)
    assert intentions.most_common(1)[0][0] == "will_talk" and set(intentions) == {
        "will_talk", "already", "not_now", "unsure"}
    lines = training_demo_summary(demo)
    assert any("夜久野圏域" in line for line in lines) and any("calendar" in line for line in lines)
