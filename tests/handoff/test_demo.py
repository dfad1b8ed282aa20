import pytest

from renkei.core.services.demo import build_demo
from renkei.handoff.models import Baseline, Conference, Handoff, HandoffDocument, RuleSet
from renkei.handoff.services.demo import build_handoff_demo


@pytest.fixture
def demo(db):
    from renkei.careteams.services.demo import build_careteams_demo
    from renkei.directory.services.demo import build_directory_demo

    build_demo()
    build_directory_demo()
    build_careteams_demo()
    return build_handoff_demo()


def test_the_demo_runs_thirty_admissions_under_the_citys_rule_with_a_realistic_missed_rate(demo):
    assert demo is not None
    assert Handoff.objects.count() == 30
    rule = RuleSet.objects.get(area_kind=RuleSet.AreaKind.MUNICIPALITY)
    assert set(Handoff.objects.values_list("rule_set", flat=True)) == {rule.pk}
    assert demo.open == 2 and Handoff.objects.filter(status="open").count() == 2
    counted = Handoff.objects.filter(is_missed__isnull=False)
    missed = counted.filter(is_missed=True).count()
    assert counted.count() == 27  # 28 discharged, one died in hospital
    assert 0.1 < missed / counted.count() < 0.35
    assert Handoff.objects.filter(reported_afterwards=True).count() == 2
    assert Handoff.objects.filter(hospital_organization__isnull=True).exists()  # a hospital not on Renkei
    assert Handoff.objects.filter(conference_count__gt=0).count() == 6
    assert Handoff.objects.filter(care_level_group="support").exists()
    # Forms, conferences and the baseline the report draws.
    assert HandoffDocument.objects.filter(kind="admission_info").count() >= 20
    assert HandoffDocument.objects.filter(kind="discharge_summary").exists()
    assert Conference.objects.filter(status="held").count() == 6
    waiting = list(Conference.objects.filter(status="proposed"))  # the stays still running
    assert waiting and all(c.handoff.status == "open" for c in waiting)
    assert all(c.invitees.filter(answered_at__isnull=False).exists() for c in waiting)  # the care manager's
    assert any(c.invitees.filter(answered_at__isnull=True).exists() for c in waiting)  # a nurse's still to come
    assert Baseline.objects.count() == 1
    assert build_handoff_demo() is None  # built once
