import pytest

from renkei.core.services.demo import build_demo
from renkei.provision.models import CoverGroup, EmergencyAdmission, PatientEnrolment
from renkei.provision.selectors import rota
from renkei.provision.services.demo import build_provision_demo


@pytest.mark.django_db
def test_the_demo_has_a_cover_group_with_a_gap_next_week_a_station_rota_two_hospitals_and_an_admission():
    build_demo()
    summary = build_provision_demo()
    assert summary is not None
    doctors = CoverGroup.objects.get(kind=CoverGroup.Kind.DOCTORS)
    assert doctors.organizations.count() == 3 and doctors.municipality.name == "福知山市"
    assert len(rota.gaps(doctors)) == 2
    assert CoverGroup.objects.filter(kind=CoverGroup.Kind.NURSING_STATION).count() == 1
    assert rota.gaps(CoverGroup.objects.get(kind=CoverGroup.Kind.NURSING_STATION)) == []
    active = PatientEnrolment.objects.filter(status=PatientEnrolment.Status.ACTIVE)
    assert active.values("hospital").distinct().count() == 2
    assert EmergencyAdmission.objects.count() == 1
    assert build_provision_demo() is None  # idempotent
