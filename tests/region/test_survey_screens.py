"""The survey report screen, its downloads and API by role, and the prefecture staff's import screen (check, then
apply; another prefecture's rows rejected)."""

from io import BytesIO

from django.test import Client
from django.urls import reverse

from renkei.region.models import Implementation

from .factories import FY, answer

HEADER = "市区町村コード,取組,回答\n"


def _file(*municipalities, name="answers.csv"):
    text = HEADER + "".join(f"{m.code},{k},実施している\n" for m in municipalities for k in "アイウエオカキク")
    upload = BytesIO(text.encode("utf-8"))
    upload.name = name
    return upload


def test_the_report_shows_tables_charts_data_and_downloads(world, login_as):
    answer(world.fukuchiyama, "IIIIIIII")
    response = login_as(world.prefecture).get(reverse("region:report"), {"year": FY})
    assert response.status_code == 200
    body = response.content.decode()
    assert "（ア）地域の医療・介護の資源の把握" in body and 'id="survey-chart-data"' in body
    assert "data-survey-chart=\"items\"" in body and reverse("region:implementation_import") in body


def test_municipal_staff_see_the_report_without_the_import_link(world, login_as):
    response = login_as(world.official).get(reverse("region:report"), {"year": FY})
    assert response.status_code == 200
    assert reverse("region:implementation_import") not in response.content.decode()


def test_a_professional_may_not_open_the_report(world, login_as):
    assert login_as(world.professional).get(reverse("region:report")).status_code == 403


def test_the_downloads_are_csv_xlsx_and_markdown(world, login_as):
    from openpyxl import load_workbook

    answer(world.fukuchiyama, "IIIIIIII")
    client = login_as(world.admin)
    csv = client.get(reverse("region:report_download"), {"year": FY, "format": "csv"})
    assert csv["Content-Type"].startswith("text/csv")
    assert "（ア）地域の医療・介護の資源の把握,1,100.0" in csv.content.decode("utf-8-sig")
    xlsx = client.get(reverse("region:report_download"), {"year": FY, "format": "xlsx"})
    assert load_workbook(BytesIO(xlsx.content)).active["A1"].value.startswith("在宅医療・介護連携推進事業")
    md = client.get(reverse("region:report_download"), {"year": FY, "format": "md", "prefecture": "26"})
    assert md.content.decode().startswith("# 在宅医療・介護連携推進事業 実施状況調査")


def test_the_api_gives_the_same_tables_within_the_viewers_reach(world, api_token_for):
    answer(world.fukuchiyama, "IIIIIIII")
    answer(world.otsu, "NNNNNNNN")
    token = api_token_for(world.other_prefecture)
    response = Client().get(f"/api/v1/implementation/report?year={FY}", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    items = next(t for t in response.json()["tables"] if t["key"] == "items")
    assert items["rows"][0]["line"] == "（ア）地域の医療・介護の資源の把握 0 (0.0%) 0 (0.0%) 1 (100.0%) (n=1)"
    professional = api_token_for(world.professional)
    assert Client().get(f"/api/v1/implementation/report?year={FY}",
                        HTTP_AUTHORIZATION=f"Bearer {professional}").status_code == 403


def test_the_import_screen_checks_first_then_applies(world, login_as):
    client = login_as(world.prefecture)
    url = reverse("region:implementation_import")
    checked = client.post(url, {"year": FY, "file": _file(world.fukuchiyama, world.ine)})
    assert checked.status_code == 200 and not Implementation.objects.exists()
    assert checked.context["report"].created == ["福知山市", "伊根町"]
    applied = client.post(url, {"year": FY, "checked": checked.context["checked"], "apply": "1"})
    assert applied.status_code == 200 and not applied.context["report"].dry_run
    assert Implementation.objects.filter(fiscal_year=FY).count() == 2


def test_the_import_screen_rejects_another_prefectures_rows_and_writes_nothing(world, login_as):
    response = login_as(world.prefecture).post(reverse("region:implementation_import"),
                                               {"year": FY, "file": _file(world.fukuchiyama, world.otsu)})
    report = response.context["report"]
    assert [e.row for e in report.errors] == [10] and not response.context["checked"]
    assert "大津市" in report.errors[0].reason
    assert not Implementation.objects.exists()


def test_municipal_staff_may_not_open_the_import_screen(world, login_as):
    assert login_as(world.official).get(reverse("region:implementation_import")).status_code == 403
