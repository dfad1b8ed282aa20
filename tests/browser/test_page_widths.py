"""Staff pages fit a 1366 px laptop and a 390 px phone without sideways scrolling (issue 7, item 21).

Wide tables may scroll inside their own wrapper (.table-wrap, overflow-x: auto); the page itself never does:
document.scrollingElement.scrollWidth <= document.documentElement.clientWidth on each page, at both widths.
"""

from __future__ import annotations

import pytest

from .conftest import CHROMIUM, SKIP_REASON, WIDTHS_JS, _new_page, demo_email
from .test_shell import _page_name

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not CHROMIUM.exists(), reason=SKIP_REASON)]

WIDTHS = {"laptop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}
# A municipal list in its own layout with long headers and values: the mapping screen lists every column.
WIDE_CSV = ("施設の正式名称（法人名を含む）,所在地（都道府県から番地・建物名まで）,電話番号（代表）,FAX番号,"
            "ホームページアドレス（URL）,診療科目（複数の場合は読点で区切る）,備考（自由記載）\n"
            "医療法人社団ながいなまえのクリニック附属在宅医療支援センター,京都府福知山市字内記一丁目二番地三"
            "号福知山駅前ビルディング四階,0773-22-0000,0773-22-0001,https://www.example.jp/very/long/path/"
            "to/a/page/of/the/clinic/with/no/breaks/index.html,内科、外科、整形外科、リハビリテーション科、皮膚科,"
            "訪問診療は月曜日から金曜日の午後に行っています。詳しくはお電話でお問い合わせください。\n")


def _world(settings, tmp_path) -> dict[str, str]:
    """The demo plus what the pages show at their widest: a proposal, a kept upload, long audit entries."""
    from renkei.core.models import Membership, Role
    from renkei.directory.models import CorrectionProposal, Facility
    from renkei.directory.services.imports import store_upload

    settings.DATA_DIR = tmp_path / "data"
    sha = store_upload(WIDE_CSV.encode("utf-8"), meta={"municipality": "262013", "file_name": "独自形式の一覧.csv",
                                                       "source": "municipal"})
    doctor = Membership.objects.filter(user__email=demo_email("doctor"), role=Role.PROFESSIONAL).first()
    facility = Facility.objects.filter(municipality__code="262013", kind="clinic").order_by("pk").first()
    if doctor is not None:
        facility.organization = doctor.organization
        facility.save()
    proposal = CorrectionProposal.objects.create(facility=facility, proposed_by=doctor, changes={
        "website": "https://www.example.jp/" + "a-very-long-path-without-spaces/" * 6,
        "description": "長い説明" * 60})
    return {"sha": sha, "proposal": str(proposal.pk), "facility": str(facility.pk)}


PAGES = [
    ("admin", "/directory/coverage/"),
    ("admin", "/directory/coverage/m/262013/"),
    ("prefecture", "/directory/coverage/p/26/"),
    ("admin", "/audit/"),
    ("city", "/directory/imports/mapping/{sha}/"),
    ("city", "/directory/surveys/reviews/"),
    ("city", "/directory/corrections/{proposal}/"),
    ("doctor", "/directory/facilities/{facility}/propose/"),
    ("city", "/account/"),
    ("doctor", "/account/"),
    ("admin", "/account/two-factor/"),
    # Neighbours of those: lists with wide tables.
    ("admin", "/jobs/"),
    ("city", "/organizations/"),
    ("city", "/directory/facilities/"),
    ("city", "/directory/facilities/{facility}/"),
    ("city", "/directory/surveys/"),
    ("city", "/directory/imports/"),
]


@pytest.mark.parametrize("width", list(WIDTHS))
def test_staff_pages_fit_the_window_without_sideways_scrolling(browser, demo, live_server, page_errors, login,
                                                               screenshot, settings, tmp_path, width):
    values = _world(settings, tmp_path)
    too_wide = []
    contexts = {}
    try:
        for handle, path in PAGES:
            if handle not in contexts:
                contexts[handle] = _new_page(browser, live_server, page_errors, viewport=WIDTHS[width],
                                             **({"is_mobile": True, "has_touch": True} if width == "phone" else {}))
                login(contexts[handle][1], demo_email(handle))
            page = contexts[handle][1]
            url = path.format(**values)
            response = page.goto(url)
            page.wait_for_load_state("load")
            assert response is not None and response.status == 200, f"{handle} {url}: {response and response.status}"
            scroll_width, inner_width = page.evaluate(
                WIDTHS_JS)
            if scroll_width > inner_width:
                too_wide.append(f"{url} ({handle}) is {scroll_width}px wide in a {inner_width}px window")
                screenshot(page, f"too_wide_{width}_{_page_name(url)}")
    finally:
        for context, _page in contexts.values():
            context.close()
    assert not too_wide, "\n".join(too_wide)
