"""The careteams part of `renkei demo`: synthetic patients of 福知山市 with teams, consents, a busy timeline,
emergency sheets in versions and a few deaths; building twice adds nothing; the audit chain still verifies."""

import io

import pytest
from django.core.management import call_command

from renkei.careteams.models import (
    Acknowledgement,
    CareTeamMember,
    Consent,
    DeathRecord,
    EmergencySheet,
    KeyPerson,
    Patient,
    Post,
    TeamRole,
)
from renkei.careteams.selectors import my_patients
from renkei.careteams.services.demo import build_careteams_demo
from renkei.core import audit
from renkei.core.models import Membership
from renkei.core.services.demo import build_demo

pytestmark = pytest.mark.django_db


def _counts() -> dict:
    return {model.__name__: model.objects.count() for model in (
        Patient, CareTeamMember, Consent, KeyPerson, Post, Acknowledgement, EmergencySheet, DeathRecord)}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        build_demo()
        first = build_careteams_demo()
        counts = _counts()
        second = build_careteams_demo()
    yield {"first": first, "second": second, "counts": counts}
    with django_db_blocker.unblock():
        from tests.browser.conftest import _flush_keeping_migration_state

        _flush_keeping_migration_state()


def _login(handle: str) -> Membership:
    return Membership.objects.filter(user__email=f"{handle}@demo.renkei.example").order_by("pk").first()


def test_building_the_careteams_demo_twice_adds_nothing(demo):
    assert demo["first"].patients == 10 and demo["first"].posts > 80 and demo["first"].deaths == 3
    assert demo["second"] is None
    assert _counts() == demo["counts"]


def test_the_demo_patients_have_invented_names_in_fukuchiyama(demo):
    patients = list(Patient.objects.select_related("municipality"))
    assert {p.municipality.name for p in patients} == {"福知山市"}
    assert all(p.name.split()[0] in ("見本", "試作", "架空") for p in patients)


def test_teams_span_several_organizations(demo):
    for patient in Patient.objects.all():
        organizations = set(CareTeamMember.objects.filter(team__patient=patient).values_list("organization", flat=True))
        assert len(organizations) >= 3, patient.name


def test_the_timeline_is_busy_with_observations_urgent_posts_and_acknowledgements(demo):
    assert Post.objects.exclude(observations={}).count() > 20
    assert Post.objects.filter(urgency="urgent").exists()
    assert Acknowledgement.objects.count() > 50


def test_sheets_have_versions_and_deaths_say_whether_wishes_were_met(demo):
    assert EmergencySheet.objects.filter(number__gte=2).exists()
    assert set(DeathRecord.objects.values_list("matched_wish", flat=True)) == {"yes", "no", "unknown"}
    assert DeathRecord.objects.filter(place="home", matched_wish="yes").exists()
    assert Patient.objects.filter(status="deceased").count() == 3
    assert CareTeamMember.objects.filter(role=TeamRole.BACKUP_DOCTOR).exists()


def test_the_care_manager_sees_every_demo_patient_and_the_nurse_not_the_one_without_consent(demo):
    assert len(my_patients(_login("caremanager"))) == 10
    nurse_sees = {p.name for p in my_patients(_login("nurse"))}
    assert nurse_sees and "見本 三郎" not in nurse_sees  # no consent yet


def test_the_demo_computes_the_patients_indicators_of_this_year(demo):
    from renkei.indicators.models import IndicatorValue

    value = IndicatorValue.objects.get(definition__code="ZT-C-P07", definition__is_builtin=True,
                                       area_key="M262013", is_current=True)
    assert value.value == 7  # ten patients, three of them died


def test_the_audit_chain_still_verifies_after_the_demo(demo):
    result = audit.verify()
    assert result.is_intact and result.checked > 300, result.problems
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)  # `renkei audit verify`
    assert "audit log intact" in out.getvalue()
