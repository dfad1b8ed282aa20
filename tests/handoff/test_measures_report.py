import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from renkei.handoff.models import Baseline
from tests.conftest import client_for

from .measures_world import build_hand_built

pytestmark = pytest.mark.django_db


@pytest.fixture
def hand_built(world):
    return build_hand_built(world)


def _period(world) -> str:
    return f"start={world.start:%Y-%m}&end={world.end:%Y-%m}"


def test_the_report_screen_shows_the_tables_with_small_counts_suppressed(hand_built):
    Baseline.objects.create(municipality=hand_built.patient.municipality, measured_in=dt.date(2015, 5, 1),
                            missed_rate="31.0", source="県中 2015", entered_by=hand_built.municipal)
    response = client_for(hand_built.municipal).get(
        f"/handoffs/report/?area={hand_built.area.key}&{_period(hand_built)}")
    assert response.status_code == 200
    page = response.content.decode()
    assert "試験紙病院" in page and "試験市民病院" in page
    assert "57.1%" in page  # 4 of 7: the area's total is shown
    assert "&lt;5" in page  # the paper hospital's 3 missed discharges
    assert "31.0%" in page and "trend-data" in page
    assert "patient" not in response.context["report"].trend  # figures only


def test_the_hospital_table_downloads_as_csv(hand_built):
    response = client_for(hand_built.municipal).get(
        f"/handoffs/report/download/?area={hand_built.area.key}&{_period(hand_built)}&table=hospital")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0].startswith("hospital,") or lines[0].startswith("病院")
    assert any(line.startswith("試験紙病院,<5,<5,<5") for line in lines)
    assert lines[-1].split(",")[1:4] == ["8", "7", "<5"]


def test_a_bad_area_or_month_is_a_clear_400(hand_built):
    client = client_for(hand_built.municipal)
    response = client.get("/handoffs/report/?area=999999")
    assert response.status_code == 400 and "見つかりません" in response.content.decode()
    response = client.get(f"/handoffs/report/?area={hand_built.area.key}&start=2024-13")
    assert response.status_code == 400 and "読めません" in response.content.decode()
    response = client.get(f"/handoffs/report/?area={hand_built.area.key}&start=2025-05&end=2024-01")
    assert response.status_code == 400


def test_the_hospital_sees_its_own_figures_whole(hand_built):
    response = client_for(hand_built.discharge_nurse).get(f"/handoffs/report/own/?{_period(hand_built)}")
    assert response.status_code == 200
    report = response.context["report"]
    assert response.context["side"] == "hospital"
    assert (report.total.counted, report.total.missed) == (4, 1)
    assert "&lt;5" not in response.content.decode()


def test_the_care_office_sees_its_clients_discharges_by_hospital(hand_built):
    response = client_for(hand_built.care_manager).get(f"/handoffs/report/own/?{_period(hand_built)}")
    report = response.context["report"]
    assert response.context["side"] == "care_office"
    assert {f.label for f in report.hospitals} == {"試験紙病院", "試験市民病院"}


def test_the_census_import_screen_imports_a_file(hand_built):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("survey.csv", "病院名,退院者数,連絡あり\n試験市民病院,10,7\n".encode("cp932"))
    response = client_for(hand_built.municipal).post(
        "/handoffs/report/census/", {"area": hand_built.area.key, "month": "2024-07", "file": upload})
    assert response.status_code == 302
    bad = SimpleUploadedFile("bad.csv", "病院名,退院者数,連絡あり\nA,x,1\n".encode())
    response = client_for(hand_built.municipal).post(
        "/handoffs/report/census/", {"area": hand_built.area.key, "month": "2024-07", "file": bad})
    assert response.status_code == 400 and "数字ではありません" in response.content.decode()


def test_the_api_gives_the_area_report(hand_built, api_token_for):
    from django.test import Client

    token = api_token_for(hand_built.municipal)
    response = Client().get(f"/api/v1/handoffs/report?area={hand_built.area.key}&{_period(hand_built)}",
                            HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    body = response.json()
    assert body["total"]["counted"] == 7 and body["total"]["missed_rate"] == 57.1
    paper = next(h for h in body["hospitals"] if h["label"] == "試験紙病院")
    assert paper["missed"] is None and paper["suppressed"] is True
    bad = Client().get("/api/v1/handoffs/report?area=G999999", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert bad.status_code == 400


def test_the_api_gives_a_hospital_its_own_figures(hand_built, api_token_for):
    from django.test import Client

    response = Client().get(f"/api/v1/handoffs/report/own?{_period(hand_built)}",
                            HTTP_AUTHORIZATION=f"Bearer {api_token_for(hand_built.discharge_nurse)}")
    assert response.status_code == 200
    assert response.json()["total"]["missed"] == 1


def test_the_cli_prints_the_table_by_hospital_and_month(hand_built):
    out = io.StringIO()
    call_command("handoffs", "report", "--area", hand_built.area.key, "--from", f"{hand_built.start:%Y-%m}",
                 "--to", f"{hand_built.end:%Y-%m}", stdout=out)
    text = out.getvalue()
    assert "試験紙病院" in text and "3/3 100.0%" in text
    assert "4/7 57.1%" in text


def test_the_cli_refuses_an_unknown_area(db):
    with pytest.raises(CommandError, match="Unknown area"):
        call_command("handoffs", "report", "--area", "999999", stdout=io.StringIO())


def test_the_cli_writes_csv(hand_built):
    out = io.StringIO()
    call_command("handoffs", "report", "--area", hand_built.area.key, "--csv", "--from",
                 f"{hand_built.start:%Y-%m}", "--to", f"{timezone.localdate():%Y-%m}", stdout=out)
    assert "試験紙病院," in out.getvalue()
