"""The page shell in a real browser: every role's navigation, phones, keyboards, two-factor, htmx search.

Each test runs on a fresh demo database (see conftest.py), so a demo user's TOTP code is used at most once.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from .conftest import CHROMIUM, SKIP_REASON, WIDTHS_JS, demo_email

pytestmark = pytest.mark.browser

if not CHROMIUM.exists():
    pytest.skip(SKIP_REASON, allow_module_level=True)
pytest.importorskip("playwright.sync_api")

ROLES = ["city", "coordinator", "doctor", "caremanager", "discharge", "nurse", "prefecture", "healthcenter", "admin"]
SHELL_LINKS = "nav.site-nav a[href], header.site-header a[href]"
SKIP_LINK_TEXTS = {"Skip to content", "本文へスキップ"}  # English, Japanese (the browser asks for ja-JP)


def _page_name(url: str) -> str:
    path = urlsplit(url).path.strip("/")
    return re.sub(r"[^A-Za-z0-9]+", "_", path) or "home"


def _assert_no_errors(errors, where: str, *, expected_status: tuple[int, str] | None = None) -> None:
    """No console error nor uncaught exception; `expected_status` (code, url) is the page's own error status."""
    messages = errors.messages
    if expected_status:
        code, url = expected_status
        messages = [m for m in messages
                    if not (f"status of {code}" in m and m.endswith(f"@ {url}"))]
    assert messages == [], f"browser errors on {where}:\n" + "\n".join(messages)


def _no_horizontal_overflow(page) -> tuple[int, int]:
    return page.evaluate(WIDTHS_JS)


@pytest.mark.parametrize("role", ROLES)
def test_every_shell_link_opens_without_errors(page, page_errors, live_server, login, screenshot, role):
    from renkei.core.models import User

    user = User.objects.get(email=demo_email(role))
    login(page, user.email)
    assert urlsplit(page.url).path == "/", f"{role} landed on {page.url}, not the home page"
    assert user.display_name in page.locator("main h1").inner_text()
    assert page.locator("nav.site-nav").count() == 1
    screenshot(page, f"{role}_home")
    _assert_no_errors(page_errors, f"{role} home")

    hrefs = page.eval_on_selector_all(SHELL_LINKS, "links => links.map(a => a.getAttribute('href'))")
    targets = sorted({href for href in hrefs if href and not href.startswith("#")})
    assert "/" in targets and "/account/" in targets, targets
    assert "/organizations/" in targets, targets  # every role may look up organizations
    for href in targets:
        page_errors.clear()
        response = page.goto(href)
        page.wait_for_load_state("load")
        assert response is not None, href
        assert response.status < 400, f"{role}: {href} answered {response.status}"
        csp = response.headers.get("content-security-policy", "")
        assert "script-src 'self'" in csp and "style-src 'self'" in csp, f"{href} lacks the strict CSP: {csp!r}"
        assert page.locator("main h1").count() >= 1, f"{role}: {href} has no heading"
        screenshot(page, f"{role}_{_page_name(href)}")
        _assert_no_errors(page_errors, f"{role} {href}")


def test_professional_gets_403_page_for_audit(page, page_errors, live_server, login, screenshot):
    login(page, demo_email("doctor"))
    assert page.locator("nav.site-nav a[href='/audit/']").count() == 0
    response = page.goto("/audit/")
    assert response is not None and response.status == 403
    assert page.locator("header.site-header").count() == 1, "the 403 page keeps the site shell"
    assert page.locator("main h1").count() == 1
    assert page.locator("main a[href='/']").count() == 1, "the 403 page links back home"
    screenshot(page, "doctor_audit_403")
    _assert_no_errors(page_errors, "doctor /audit/ (403)", expected_status=(403, f"{live_server.url}/audit/"))


@pytest.mark.parametrize("path", ["/", "/organizations/"])
def test_phone_layout_has_no_horizontal_overflow(phone_page, page_errors, login, screenshot, path):
    page = phone_page
    login(page, demo_email("city"))
    response = page.goto(path)
    page.wait_for_load_state("load")
    assert response is not None and response.status == 200
    scroll_width, inner_width = _no_horizontal_overflow(page)
    assert inner_width == 390
    assert scroll_width <= inner_width + 1, f"{path} is {scroll_width}px wide on a {inner_width}px phone"
    screenshot(page, f"phone_city_{_page_name(path)}")

    # The menu is reachable: its toggle is visible, and once open, its links are on screen and work.
    summary = page.locator("nav.site-nav summary")
    assert summary.is_visible()
    if page.locator("nav.site-nav details[open]").count() == 0:
        summary.click()
    link = page.locator("nav.site-nav a[href='/organizations/']")
    assert link.is_visible()
    box = link.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= inner_width + 1
    assert box["height"] >= 24, "menu links are large enough to tap"
    summary.click()
    assert not link.is_visible(), "the menu can be folded away on a phone"
    summary.click()
    with page.expect_navigation():
        link.click()
    assert urlsplit(page.url).path == "/organizations/"
    _assert_no_errors(page_errors, f"phone {path}")


def test_keyboard_only_login_and_skip_link(page, page_errors):
    from renkei.core.services.demo import DEMO_PASSWORD

    from .conftest import totp_code_for

    email = demo_email("coordinator")
    page.goto("/login/")
    page.wait_for_load_state("load")
    # The e-mail field has autofocus; everything below is typed, no clicks.
    assert page.evaluate("document.activeElement.name") == "username"
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "password"
    page.keyboard.type(DEMO_PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert urlsplit(page.url).path == "/login/verify/"
    assert page.evaluate("document.activeElement.name") == "code"
    page.keyboard.type(totp_code_for(email))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert urlsplit(page.url).path == "/"

    page.goto("/")
    page.wait_for_load_state("load")
    page.keyboard.press("Tab")
    focused = page.evaluate("[document.activeElement.className, document.activeElement.textContent.trim(),"
                            " document.activeElement.getAttribute('href')]")
    assert focused[0] == "skip-link" and focused[2] == "#main", focused
    assert focused[1] in SKIP_LINK_TEXTS, focused
    skip = page.locator("a.skip-link")
    box = skip.bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0, "the focused skip link is on screen"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    _assert_no_errors(page_errors, "keyboard login")


def test_two_factor_enrollment(page, page_errors, login, screenshot):
    import pyotp

    from renkei.core.models import Membership, Organization, Role, TOTPDevice, User
    from renkei.core.services.demo import DEMO_PASSWORD

    association = Organization.objects.get(kind=Organization.Kind.MEDICAL_ASSOCIATION)
    user = User.objects.create_user("new-coordinator@example.org", DEMO_PASSWORD, display_name="新人 連携",
                                    kana="シンジン レンケイ")
    Membership.objects.create(user=user, organization=association, role=Role.COORDINATOR,
                              profession="public_health_nurse")
    # As accepting an invitation does: a role that needs a second factor enrols only when it was issued.
    from renkei.core.models import TwoFactorEnrolment
    from renkei.core.services.accounts import two_factor_enrolment_issue

    two_factor_enrolment_issue(user=user, reason=TwoFactorEnrolment.Reason.INVITATION)

    login(page, user.email)
    assert urlsplit(page.url).path == "/account/two-factor/"
    assert page.locator(".qr svg").count() == 1
    screenshot(page, "new_coordinator_two_factor_setup")
    _assert_no_errors(page_errors, "/account/two-factor/")
    # Every other page sends the user back here until the second factor is on.
    page.goto("/organizations/")
    assert urlsplit(page.url).path == "/account/two-factor/"

    secret = page.locator("#totp-secret").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-7]{16,}", secret), secret
    page.fill("input[name=code]", pyotp.TOTP(secret).now())
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert urlsplit(page.url).path == "/"
    assert "新人 連携" in page.locator("main h1").inner_text()
    assert page.locator(".message-success").count() == 1
    device = TOTPDevice.objects.get(user=user)
    assert device.secret == secret and device.confirmed_at is not None
    response = page.goto("/organizations/")
    assert response is not None and response.status == 200
    assert urlsplit(page.url).path == "/organizations/"
    _assert_no_errors(page_errors, "two-factor enrollment")


def test_municipal_staff_adds_daily_living_area_and_searches_by_kana(page, page_errors, login, screenshot):
    from renkei.core import selectors
    from renkei.core.models import DailyLivingArea, Organization

    login(page, demo_email("city"))
    response = page.goto("/places/m/262013/")
    assert response is not None and response.status == 200
    assert "福知山市" in page.locator("main h1").inner_text()
    rows_before = page.locator("main table tbody tr").count()
    assert rows_before == DailyLivingArea.objects.filter(municipality__code="262013").count() == 7

    with page.expect_navigation():
        page.click("main a.button[href='/places/m/262013/areas/new/']")
    page.fill("input[name=name]", "駅前圏域")
    page.fill("input[name=kana]", "えきまえけんいき")
    page.fill("textarea[name=description]", "福知山駅周辺。")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert urlsplit(page.url).path == "/places/m/262013/"
    assert page.locator(".message-success").count() == 1
    row = page.locator("main table tbody tr", has_text="駅前圏域")
    assert row.count() == 1
    assert "えきまえけんいき" in row.inner_text()
    assert page.locator("main table tbody tr").count() == rows_before + 1
    assert DailyLivingArea.objects.get(municipality__code="262013", name="駅前圏域").description == "福知山駅周辺。"
    screenshot(page, "city_municipality_262013_area_added")
    _assert_no_errors(page_errors, "adding a daily living area")

    # Live search by kana: typed in hiragana, the organizations' kana is katakana.
    clinic = Organization.objects.filter(kind=Organization.Kind.CLINIC).order_by("pk").first()
    hiragana = "".join(chr(ord(ch) - 0x60) if "ァ" <= ch <= "ヶ" else ch for ch in clinic.kana)
    expected = list(selectors.organizations_search(q=hiragana, municipality_code="262013")
                    .values_list("name", flat=True))
    total = selectors.organizations_search(municipality_code="262013").count()
    assert clinic.name in expected and 0 < len(expected) < total

    response = page.goto("/organizations/")
    assert response is not None and response.status == 200
    assert page.locator("#organization-rows tbody tr").count() == min(total, 50)
    page.wait_for_function("() => window.htmx !== undefined")
    with page.expect_response(lambda r: urlsplit(r.url).path == "/organizations/"
                              and r.request.headers.get("hx-request") == "true") as info:
        page.locator("#org-q").fill(hiragana)  # one input event: htmx waits 400 ms, then asks
    assert info.value.status == 200
    assert "q=" in info.value.url and "municipality=262013" in info.value.url
    page.wait_for_function("n => document.querySelectorAll('#organization-rows tbody tr').length === n",
                           arg=len(expected))
    names = page.locator("#organization-rows tbody tr td:first-child a").all_inner_texts()
    assert names == expected
    assert "q=" in page.url, "the search is kept in the address bar"
    screenshot(page, "city_organizations_kana_search")
    _assert_no_errors(page_errors, "organization search")
