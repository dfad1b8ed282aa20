"""The demo municipality (京都府福知山市) built by `renkei demo`."""

import pytest
from django.core.management import call_command
from django.db import transaction

from renkei.core.models import (
    AreaGroup,
    DailyLivingArea,
    Membership,
    Municipality,
    Organization,
    Role,
    TOTPDevice,
    User,
)
from renkei.core.services.accounts import TWO_FACTOR_REQUIRED_ROLES
from renkei.core.services.demo import DAILY_LIVING_AREAS, DEMO_PASSWORD, build_demo


def _describe() -> dict:
    return {
        "organizations": sorted(Organization.objects.values_list("kind", "name", "kana", "postal_code", "address",
                                                                 "phone")),
        "users": sorted(User.objects.values_list("email", "display_name", "kana")),
        "memberships": sorted(Membership.objects.values_list("user__email", "organization__name", "role",
                                                             "profession")),
    }


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """Two builds, each in a database without the demo; the second is kept for the module, then rolled back."""
    with django_db_blocker.unblock():
        with transaction.atomic():
            build_demo()
            first = _describe()
            transaction.set_rollback(True)
        with transaction.atomic():
            logins = build_demo()
            yield {"first": first, "second": _describe(), "logins": logins}
            transaction.set_rollback(True)


@pytest.fixture
def built(demo, db):
    return demo


def test_the_demo_builds_fukuchiyamas_daily_living_areas(built):
    city = Municipality.objects.get(code="262013")
    assert list(DailyLivingArea.objects.filter(municipality=city).values_list("name", flat=True)) == [
        name for name, _kana, _description in DAILY_LIVING_AREAS]


def test_the_demo_groups_fukuchiyama_with_its_secondary_medical_area(built):
    group = AreaGroup.objects.get(name="中丹医療圏")
    assert set(group.municipalities.values_list("name", flat=True)) == {"綾部市", "福知山市", "舞鶴市"}


def test_the_demo_has_an_organization_of_every_kind(built):
    assert set(Organization.objects.values_list("kind", flat=True)) == set(Organization.Kind.values)


def test_demo_organizations_are_in_fukuchiyama_except_the_prefecture_office(built):
    outside = Organization.objects.exclude(municipality__code="262013")
    assert list(outside.values_list("kind", "municipality")) == [("prefecture_office", None)]
    assert not Organization.objects.filter(municipality__code="262013").exclude(address__startswith="京都府福知山市")\
        .exists()


def test_the_demo_has_a_user_for_every_role(built):
    assert set(Membership.objects.values_list("role", flat=True)) == set(Role.values)
    assert User.objects.count() == len(built["logins"]) == 9


def test_demo_users_whose_role_needs_a_second_factor_have_a_device(built):
    needing = User.objects.filter(memberships__role__in=TWO_FACTOR_REQUIRED_ROLES).distinct()
    assert needing.count() == TOTPDevice.objects.count() == 6
    assert not needing.filter(totp_device__isnull=True).exists()
    assert {login.email for login in built["logins"] if login.totp_secret} == set(
        needing.values_list("email", flat=True))


def test_demo_users_log_in_with_the_printed_password(built, client):
    response = client.post("/login/", {"username": "city@demo.renkei.example", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_the_demo_is_the_same_every_time_it_is_built(built):
    assert built["first"] == built["second"]
    assert len(built["first"]["organizations"]) == 58


def test_building_the_demo_again_changes_nothing(built):
    before = _describe()
    logins = build_demo()
    assert logins == built["logins"]
    assert _describe() == before


def test_the_audit_log_verifies_after_the_demo(built, capsys):
    call_command("audit", "verify")
    assert "audit log intact" in capsys.readouterr().out


# --- `renkei demo` / `make demo`: what it prints, and the port it serves on ----------------------------

def _run_demo(monkeypatch, settings, *args) -> tuple[str, list]:
    """Run `renkei demo` without migrating again, starting a worker or serving: returns its output and the
    runserver calls it made."""
    import io
    import signal

    from renkei.core.management.commands import demo as demo_command

    settings.DEBUG = True
    served = []

    def fake_call_command(name, *command_args, **kwargs):
        if name == "runserver":
            served.append(command_args)
        elif name != "migrate":
            call_command(name, *command_args, **kwargs)

    monkeypatch.setattr(demo_command, "call_command", fake_call_command)
    monkeypatch.setattr(demo_command.Command, "_start_worker", lambda self: None)
    monkeypatch.setattr(signal, "signal", lambda *a: None)
    out = io.StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue(), served


def test_make_demo_with_a_port_serves_on_it_and_prints_its_addresses(built, monkeypatch, settings):
    output, served = _run_demo(monkeypatch, settings, "--port", "8123")
    assert served == [("127.0.0.1:8123",)]
    assert "http://127.0.0.1:8123/resources/262013/" in output  # the residents' portal
    assert "http://127.0.0.1:8123/api/v1/docs" in output
    assert "Serving on http://127.0.0.1:8123/" in output
    assert ":8000" not in output


def test_the_demo_prints_the_exact_totp_command_for_each_login_that_needs_a_second_factor(
        built, monkeypatch, settings, capsys):
    import re

    output, served = _run_demo(monkeypatch, settings, "--no-serve")
    assert served == []
    assert "http://127.0.0.1:8000/resources/262013/" in output
    commands = re.findall(r"code now: (\S+) totp-code (\S+)", output)
    assert {email for _renkei, email in commands} == {login.email for login in built["logins"] if login.totp_secret}
    renkei = commands[0][0]
    assert renkei.endswith("renkei") or renkei.endswith("-m renkei")
    capsys.readouterr()
    call_command("totp-code", commands[0][1])
    device = TOTPDevice.objects.get(user__email=commands[0][1])
    import pyotp

    assert capsys.readouterr().out.strip() == pyotp.TOTP(device.secret).now()


def test_the_demo_page_addresses_open(built, client):
    """The printed addresses answer (the portal of the demo municipality and the API docs)."""
    from renkei.directory.services.demo import build_directory_demo

    build_directory_demo()
    assert client.get("/resources/262013/").status_code == 200
    assert client.get("/api/v1/docs").status_code == 200


def test_the_makefile_passes_port_to_the_demo_command():
    import shutil
    import subprocess
    from pathlib import Path

    make = shutil.which("make")
    if make is None:
        pytest.skip("make is not installed")
    root = str(Path(__file__).resolve().parents[2])
    dry_run = subprocess.run([make, "-n", "-C", root, "demo", "PORT=8123"],  # noqa: S603  (our own Makefile)
                             capture_output=True, text=True, check=True).stdout
    assert "renkei demo --port 8123" in dry_run
    default = subprocess.run([make, "-n", "-C", root, "demo"], capture_output=True, text=True,  # noqa: S603
                             check=True, env={"PATH": "/usr/bin:/bin"}).stdout
    assert "renkei demo --port 8000" in default


def test_totp_code_accepts_the_handle_of_a_demo_login(built, settings, capsys):
    import pyotp

    settings.DEBUG = True
    call_command("totp-code", "doctor")
    device = TOTPDevice.objects.get(user__email="doctor@demo.renkei.example")
    assert capsys.readouterr().out.strip() == pyotp.TOTP(device.secret).now()


@pytest.mark.parametrize(("debug", "login"), [(False, "doctor@demo.renkei.example"), (True, "someone@city.example.jp")])
def test_totp_code_refuses_outside_a_development_installation_or_a_demo_account(built, settings, debug, login):
    from django.core.management import CommandError

    settings.DEBUG = debug
    with pytest.raises(CommandError):
        call_command("totp-code", login)


def test_the_demo_refuses_a_port_out_of_range(built, monkeypatch, settings):
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        _run_demo(monkeypatch, settings, "--no-serve", "--port", "70000")
