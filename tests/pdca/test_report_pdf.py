"""The yearly evaluation report as PDF: title page, every scene, charts, overdue actions by title, owner and date."""

import datetime as dt
import os

import pytest
from django.urls import reverse

from renkei.core.models import AuditEntry, Organization, Role
from renkei.pdca.reports.pdf import _ticks, indicator_chart, report_pdf
from renkei.pdca.selectors.report import yearly_report

from ..directory.test_exports import pdf_contains, pdf_drawn_text
from ..factories import OrganizationFactory
from .factories import PdcaCycleFactory
from .turn_data import OVERDUE_TITLE, build_turn


@pytest.fixture
def data(municipality):
    return build_turn(municipality)


@pytest.fixture
def staff(make_membership, data):
    return make_membership(Role.MUNICIPAL_STAFF, organization=data.office)


def _pdf(municipality, fiscal_year=2024):
    content, pages = report_pdf(yearly_report(municipality, fiscal_year, today=dt.date(2026, 12, 6)))
    preview = os.environ.get("RENKEI_REPORT_PREVIEW")  # e.g. /tmp/report.pdf, then pdftoppm -png to look at it
    if preview:
        with open(preview, "wb") as file:
            file.write(content)
    return content, pages


def test_the_report_is_an_a4_pdf_with_a_title_page_naming_the_year_and_the_plan_period(data, municipality):
    content, pages = _pdf(municipality)
    assert content.startswith(b"%PDF") and b"/MediaBox [ 0 0 595.2756 841.8898 ]" in content
    assert pages >= 6  # title, summary, four scenes
    assert pdf_contains(content, "京都府福知山市")
    assert pdf_contains(content, "令和6年度")
    assert pdf_contains(content, "介護保険事業計画 第9期（令和6年度～令和8年度）")
    assert pdf_contains(content, "令和8年12月6日 作成")
    assert pdf_contains(content, "- 2 -")  # page numbers in the footer


def test_the_overdue_action_is_listed_with_its_owner_and_due_date(data, municipality):
    content, _pages = _pdf(municipality)
    text = pdf_drawn_text(content)
    assert OVERDUE_TITLE in text
    assert "連携 花子（福知山市役所 高齢者福祉課）" in text
    assert "令和6年9月30日" in text
    assert "期限を過ぎた対応" in text


def test_each_scene_has_its_logic_model_indicators_assessment_decisions_and_meetings(data, municipality):
    PdcaCycleFactory(plan=data.plan, scene="end_of_life", fiscal_year=2024, stage="act", check_assessment="partly",
                     check_note="看取り率は目標を上回った", act_note="研修を圏域ごとに開く")
    content, _pages = _pdf(municipality)
    for text in ("日常の療養支援", "入退院支援", "急変時の対応", "看取り", "望む場所で最期まで暮らせる",
                 "ACP研修会を年2回開催する", "ACPが地域に広まる", "在宅看取り率（%）", "評価：一部達成",
                 "看取り率は目標を上回った", "研修を圏域ごとに開く", "看取り連携シートを改訂する", "第1回 協議会"):
        assert pdf_contains(content, text), text
    assert pdf_contains(content, "23.5") and pdf_contains(content, "22.0")  # the year's value and target


def test_the_charts_are_drawn_with_the_years_and_both_lines(data, municipality):
    check = yearly_report(municipality, 2024).turns[3].checks[0]
    drawing = indicator_chart(check)
    labels = [getattr(item, "text", "") for item in drawing.contents]
    assert {"R5", "R6", "R7", "R8", "実績", "目標"} <= set(labels)
    lines = [item for item in drawing.contents if type(item).__name__ == "PolyLine"]
    assert len(lines) == 2  # targets R6–R8 dashed, values R5–R6 solid
    for line in lines:  # every point inside the drawing
        xs, ys = line.points[0::2], line.points[1::2]
        assert min(xs) >= 0 and max(xs) <= drawing.width and min(ys) >= 0 and max(ys) <= drawing.height


def test_axis_ticks_are_round_and_cover_the_values():
    assert _ticks(0, 26) == [0, 10, 20, 30]
    assert _ticks(20, 23.5)[0] <= 20 and _ticks(20, 23.5)[-1] >= 23.5
    assert _ticks(5, 5)[0] <= 5 <= _ticks(5, 5)[-1]


def test_a_year_without_a_plan_has_no_report(municipality):
    assert yearly_report(municipality, 2024) is None


def test_the_download_is_audited_as_an_export(data, staff, login_as, municipality):
    response = login_as(staff).get(reverse("pdca:report_download", args=[municipality.code, 2024, "pdf"]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert pdf_contains(response.content, OVERDUE_TITLE)
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT, permission="pdca.report").get()
    assert (entry.changes["format"], entry.changes["fiscal_year"], entry.changes["overdue_actions"]) == ("pdf", 2024, 2)
    assert entry.owner_municipality_id == municipality.pk


def test_the_report_page_offers_both_downloads(data, staff, login_as, municipality):
    content = login_as(staff).get(reverse("pdca:report"), {"fy": "2024"}).content.decode()
    assert reverse("pdca:report_download", args=[municipality.code, 2024, "pdf"]) in content
    assert reverse("pdca:report_download", args=[municipality.code, 2024, "xlsx"]) in content


def test_prefecture_staff_download_their_municipalitys_report(data, make_membership, login_as, municipality):
    office = OrganizationFactory(kind=Organization.Kind.PREFECTURE_OFFICE, municipality=None,
                                 prefecture=municipality.prefecture)
    member = make_membership(Role.PREFECTURE_STAFF, organization=office)
    response = login_as(member).get(reverse("pdca:report_download", args=[municipality.code, 2024, "pdf"]))
    assert response.status_code == 200


def test_others_are_refused_the_report(data, make_membership, login_as, municipality, other_municipality):
    other = make_membership(Role.MUNICIPAL_STAFF, organization=OrganizationFactory(municipality=other_municipality))
    doctor = make_membership(Role.PROFESSIONAL, organization=OrganizationFactory(municipality=municipality))
    url = reverse("pdca:report_download", args=[municipality.code, 2024, "pdf"])
    assert login_as(other).get(url).status_code == 403
    assert login_as(doctor).get(url).status_code == 403
    assert login_as(doctor).get(reverse("pdca:report")).status_code == 403
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).exists()


def test_an_unknown_format_or_a_year_without_plan_is_404(data, staff, login_as, municipality):
    client = login_as(staff)
    assert client.get(reverse("pdca:report_download", args=[municipality.code, 2024, "doc"])).status_code == 404
    assert client.get(reverse("pdca:report_download", args=[municipality.code, 2030, "pdf"])).status_code == 404


def test_an_action_no_scene_claims_is_still_listed(data, municipality):
    from .factories import ActionFactory, CouncilFactory, MeetingFactory

    council = CouncilFactory(municipality=municipality, name="小さな協議体", scenes=[])
    meeting = MeetingFactory(council=council, scenes=[], held_on=dt.date(2024, 5, 1))
    ActionFactory(municipality=municipality, meeting=meeting, scene="", title="名簿を更新する",
                  due_on=dt.date(2024, 8, 31))
    report = yearly_report(municipality, 2024, today=dt.date(2026, 12, 6))
    assert [row.action.title for row in report.other_actions] == ["名簿を更新する"]
    assert ("", "名簿を更新する") in [(scene, row.action.title) for scene, row in report.overdue]
    content, _pages = report_pdf(report)
    assert pdf_contains(content, "場面に結び付いていない対応") and pdf_contains(content, "名簿を更新する")
