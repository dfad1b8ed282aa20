import pytest
from django.urls import path

from renkei.careteams import frame
from renkei.core import policy

from .factories import PatientFactory, professional


def _view(request, patient_id):  # pragma: no cover (only reversed)
    raise AssertionError


urlpatterns = [path("p/<int:patient_id>/", _view, name="frame_test_tab")]


@pytest.fixture
def a_tab(monkeypatch):
    monkeypatch.setattr(frame, "_tabs", {})
    frame.register_tab("test", "Test", "frame_test_tab", "careteams.view_patient")


@pytest.mark.django_db
@pytest.mark.urls("tests.careteams.test_frame")
def test_a_team_member_sees_the_tab_with_the_patients_url(a_tab):
    patient = PatientFactory()
    tabs = frame.tabs_for(patient.registered_by, patient)
    assert tabs == [{"key": "test", "label": "Test", "url": f"/p/{patient.pk}/"}]


@pytest.mark.django_db
@pytest.mark.urls("tests.careteams.test_frame")
def test_someone_off_the_team_gets_no_tab_rather_than_a_link_to_a_403(a_tab):
    patient = PatientFactory()
    outsider = professional()
    assert not policy.check(outsider, "careteams.view_patient", patient)
    assert frame.tabs_for(outsider, patient) == []


@pytest.mark.django_db
def test_sections_follow_the_policy_too(monkeypatch):
    monkeypatch.setattr(frame, "_sections", {})
    frame.register_section("who", "x/_who.html", "careteams.view_patient")
    patient = PatientFactory()
    assert frame.sections_for(patient.registered_by, patient) == ["x/_who.html"]
    assert frame.sections_for(professional(), patient) == []


@pytest.mark.django_db
def test_age_counts_full_years():
    import datetime as dt

    from django.utils import timezone
    today = timezone.localdate()
    patient = PatientFactory(birth_date=dt.date(today.year - 80, today.month, today.day))
    assert patient.age == 80
