"""The consultation desk part of `renkei demo`: the desk, a year and more of cases, issues raised for the council."""

import datetime as dt
from collections import Counter

import pytest
from django.utils import timezone

from renkei.consult.models import Case, CaseAction, CaseResource, Desk, DeskMember, Topic
from renkei.consult.services.demo import build_desk_demo, desk_demo_summary, fiscal_year_start
from renkei.consult.topics import NATIONAL_TOPICS
from renkei.core import policy
from renkei.core.models import AuditEntry, Membership, Municipality
from renkei.core.services.demo import DEMO_MUNICIPALITY_CODE, build_demo, demo_logins
from renkei.pdca.models import Issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    from renkei.directory.services.demo import build_directory_demo
    from renkei.pdca.services.demo import build_pdca_demo

    build_demo()
    build_directory_demo()
    build_pdca_demo()
    return build_desk_demo()


def test_the_desk_demo_records_twenty_cases_a_month_since_last_april_and_builds_once(demo):
    city = Municipality.objects.get(code=DEMO_MUNICIPALITY_CODE)
    desk = Desk.objects.get(municipality=city)
    assert desk.operator.kind == "medical_association"
    cases = list(Case.objects.filter(desk=desk))
    assert demo.cases == len(cases) > 300
    today = timezone.localdate()
    assert min(timezone.localtime(c.received_at).date() for c in cases) >= fiscal_year_start(
        fiscal_year_start(today) - dt.timedelta(days=1))
    by_month = Counter(timezone.localtime(c.received_at).strftime("%Y-%m") for c in cases)
    whole_months = [n for month, n in by_month.items() if month != today.strftime("%Y-%m")]
    assert all(13 <= n <= 32 for n in whole_months), by_month
    # Care managers ask most, by phone most; every topic is a national one.
    kinds = Counter(c.requester_kind for c in cases)
    assert kinds.most_common(1)[0][0] == "care_manager" and kinds["family"] and kinds["resident"]
    assert Counter(c.channel for c in cases).most_common(1)[0][0] == "phone"
    codes = {code for code, *_rest in NATIONAL_TOPICS}
    assert set(Topic.objects.filter(cases__desk=desk).values_list("code", flat=True)) <= codes
    assert Topic.objects.filter(cases__desk=desk).values("code").distinct().count() >= 12
    # Professionals' organizations and the suggested resources are the demo directory's facilities.
    assert all(c.requester_facility.municipality_id == city.pk for c in cases if c.requester_facility_id)
    resources = CaseResource.objects.filter(case__desk=desk)
    assert resources.count() == demo.resources > 100
    assert set(resources.values_list("facility__municipality", flat=True)) == {city.pk}
    assert resources.filter(facility__kind="clinic").exists()
    assert CaseAction.objects.filter(case__desk=desk, kind="follow_up").count() > 50
    # Most closed within 30 days, some open, a few long ones still open.
    closed = [c for c in cases if c.status == "closed"]
    quick = [c for c in closed if (c.closed_on - timezone.localtime(c.received_at).date()).days <= 30]
    assert len(quick) / len(closed) > 0.8
    assert all(c.outcome and c.closed_on <= today for c in closed)
    still_open = [c for c in cases if c.status == "open"]
    assert 5 <= len(still_open) <= 30
    assert sum((today - timezone.localtime(c.received_at).date()).days > 60 for c in still_open) >= 3
    assert all(c.actions.filter(follow_up_on__gte=today).exists() for c in still_open)
    # Numbered per fiscal year, in order.
    first = min(cases, key=lambda c: c.received_at)
    assert first.number.endswith("-0001") and len({c.number for c in cases}) == len(cases)
    # Bulk writes: one audit entry per kind of row, the city's, with counts only.
    entries = AuditEntry.objects.filter(action=AuditEntry.Action.BULK, owner_municipality_id=city.pk,
                                        object_type__startswith="consult.")
    assert sorted(entries.values_list("object_type", flat=True)) == [
        "consult.case", "consult.case_topics", "consult.caseaction", "consult.caseresource"]
    assert entries.get(object_type="consult.case").changes == {"created": len(cases)}
    assert "Consultation desk:" in desk_demo_summary(demo)[0]
    # Building again changes nothing.
    assert build_desk_demo() is None
    assert Case.objects.count() == len(cases) and Desk.objects.count() == 1


def test_four_cases_raised_council_issues_and_the_demo_coordinator_works_the_desk(demo):
    raised = list(Case.objects.filter(raised_issue__isnull=False).select_related("raised_issue__council"))
    assert len(raised) == 4
    issues = {c.raised_issue for c in raised}
    assert len(issues) == 4
    city = Municipality.objects.get(code=DEMO_MUNICIPALITY_CODE)
    assert all(i.municipality_id == city.pk and i.council.municipality_id == city.pk for i in issues)
    # Three new ones raised from the desk's cases, one the council already had.
    assert Issue.objects.filter(raised_elsewhere__contains="相談窓口", pk__in=[i.pk for i in issues]).count() == 3
    assert "北部圏域で訪問診療が届きにくい" in {i.title for i in issues}
    assert all(c.status == "closed" and c.actions.filter(kind="other").exists() for c in raised)
    new = Issue.objects.filter(raised_elsewhere__contains="相談窓口")
    assert all(AuditEntry.objects.filter(action="create", object_type="pdca.issue", object_id=str(i.pk)).exists()
               for i in new)
    # Those who log in to the demo: the coordinator (either membership) and the official work the desk; the
    # others do not see a case.
    logins = {login.email for login in demo_logins()}
    assert {"coordinator@demo.renkei.example", "city@demo.renkei.example"} <= logins
    seats = set(DeskMember.objects.filter(is_active=True).values_list("membership__user__email", flat=True))
    assert seats == {"coordinator@demo.renkei.example", "city@demo.renkei.example"}
    coordinator = Membership.objects.get(user__email="coordinator@demo.renkei.example", role="coordinator")
    assert policy.scope(coordinator, "consult.view_cases", Case.objects.all()).count() == demo.cases
    as_city = Membership.objects.get(user__email="coordinator@demo.renkei.example", role="municipal_staff")
    assert policy.check(as_city, "consult.view_cases", Case.objects.first())
    for handle in ("caremanager", "doctor", "prefecture", "admin"):
        other = Membership.objects.filter(user__email=f"{handle}@demo.renkei.example").first()
        assert not policy.scope(other, "consult.view_cases", Case.objects.all()).exists()
