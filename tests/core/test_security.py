"""Deployment settings and the security headers, cookies and error pages every response carries."""

import os
import secrets
import subprocess
import sys

import pytest

from renkei.core.models import Role

from ..factories import PASSWORD

CHECK_DEPLOY = ("import django; django.setup(); from django.core.management import call_command; "
                "call_command('check', '--deploy', '--fail-level', 'WARNING')")


def _run_with_production_settings(tmp_path, code: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("RENKEI_", "DATABASE_URL", "DJANGO_"))}
    environment.update(DJANGO_SETTINGS_MODULE="renkei.settings.production", RENKEI_DATA_DIR=str(tmp_path), **env)
    return subprocess.run([sys.executable, "-c", code], env=environment, cwd=tmp_path, capture_output=True,  # noqa: S603
                          text=True, timeout=120, check=False)


def test_production_settings_pass_the_deployment_checklist(tmp_path):
    result = _run_with_production_settings(tmp_path, CHECK_DEPLOY, RENKEI_SECRET_KEY=secrets.token_urlsafe(60),
                                           RENKEI_ALLOWED_HOSTS="renkei.example.jp")
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


@pytest.mark.parametrize("key", ["", "too-short-for-production"])
def test_production_settings_refuse_to_load_without_a_long_secret_key(tmp_path, key):
    result = _run_with_production_settings(tmp_path, CHECK_DEPLOY, RENKEI_SECRET_KEY=key,
                                           RENKEI_ALLOWED_HOSTS="renkei.example.jp")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "RENKEI_SECRET_KEY" in result.stderr


def test_production_settings_refuse_to_load_without_allowed_hosts(tmp_path):
    result = _run_with_production_settings(tmp_path, CHECK_DEPLOY, RENKEI_SECRET_KEY=secrets.token_urlsafe(60))
    assert result.returncode != 0
    assert "RENKEI_ALLOWED_HOSTS" in result.stderr


@pytest.fixture
def anonymous_page(client, db):
    return client.get("/login/")


def test_pages_carry_a_content_security_policy_without_inline_scripts(anonymous_page):
    csp = anonymous_page["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self';" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp


def test_pages_refuse_framing_sniffing_and_cross_site_referrers(anonymous_page):
    assert anonymous_page["X-Frame-Options"] == "DENY"
    assert anonymous_page["X-Content-Type-Options"] == "nosniff"
    assert anonymous_page["Referrer-Policy"] == "same-origin"
    assert anonymous_page["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in anonymous_page["Permissions-Policy"]


def test_api_responses_carry_the_same_headers(client, db):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in response["Content-Security-Policy"]


def test_the_session_cookie_is_http_only_and_same_site(make_membership, client):
    membership = make_membership(Role.MUNICIPAL_STAFF)
    response = client.post("/login/", {"username": membership.user.email, "password": PASSWORD})
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_logged_in_pages_are_not_cached(make_membership, login_as):
    response = login_as(make_membership(Role.MUNICIPAL_STAFF)).get("/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"


def test_an_unknown_page_is_an_html_404_for_anonymous_visitors(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert b"<html" in response.content


def test_an_unknown_page_is_an_html_404_for_a_logged_in_member(make_membership, login_as):
    response = login_as(make_membership(Role.MUNICIPAL_STAFF)).get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert b"<html" in response.content


def test_an_unknown_municipality_page_is_a_404_not_a_500(make_membership, login_as):
    response = login_as(make_membership(Role.MUNICIPAL_STAFF)).get("/places/m/999999/")
    assert response.status_code == 404


def test_a_forbidden_page_is_an_html_403(make_membership, login_as):
    response = login_as(make_membership(Role.PROFESSIONAL)).get("/audit/")
    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/v1/audit?action=%00", "/organizations/?q=a%00b", "/login/?next=%00"])
def test_nul_characters_in_input_get_a_clear_400_not_a_500(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "NUL" in response.content.decode()


@pytest.mark.django_db
def test_nul_characters_in_a_posted_form_get_a_400(client):
    response = client.post("/login/", {"username": "a\x00@example.jp", "password": "x"})
    assert response.status_code == 400
    assert "NUL" in response.content.decode()


# --- the shared cache (throttles and lockouts across worker processes) ---------------------------

def test_throttles_count_in_the_database_cache_shared_by_every_worker(db, settings):
    from django.core.cache import cache
    from django.db import connection

    from renkei.core import throttle

    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    table = settings.CACHES["default"]["LOCATION"]
    assert table in connection.introspection.table_names()  # created by migrate
    throttle.hit(throttle.key("test", "192.0.2.1"), seconds=3600)
    assert cache.get(throttle.key("test", "192.0.2.1")) == 1
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
        assert cursor.fetchone()[0] == 1


def test_a_throttle_counter_keeps_its_own_lifetime_after_several_hits(db):
    import datetime as dt
    from unittest import mock

    from django.utils import timezone

    from renkei.core import throttle

    counter = throttle.key("test", "192.0.2.1")
    for _ in range(3):
        throttle.hit(counter, seconds=3600)
    # The database cache's incr would reset the lifetime to its 5-minute default.
    with mock.patch("django.core.cache.backends.db.tz_now", return_value=timezone.now() + dt.timedelta(seconds=3500)):
        assert throttle.count(counter) == 3
    with mock.patch("django.core.cache.backends.db.tz_now", return_value=timezone.now() + dt.timedelta(seconds=3601)):
        assert throttle.count(counter) == 0


def test_redis_is_the_shared_cache_when_renkei_redis_url_is_set(monkeypatch):
    from renkei.settings.base import cache_from_environment

    monkeypatch.setenv("RENKEI_REDIS_URL", "redis://127.0.0.1:6379/1")
    assert cache_from_environment() == {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                        "LOCATION": "redis://127.0.0.1:6379/1", "KEY_PREFIX": "renkei"}
    monkeypatch.delenv("RENKEI_REDIS_URL")
    assert cache_from_environment()["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
