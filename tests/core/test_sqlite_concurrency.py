"""The embedded SQLite default under several people at once: logins and second-factor checks never hit
"database is locked" (a small municipality's office logging in at 9 o'clock)."""

import json
import os
import subprocess
import sys
from pathlib import Path

# Runs in its own process: a fresh file-based SQLite database with the installation's own settings
# (renkei.settings.local), not the test suite's in-memory database inside a test transaction.
SCRIPT = r"""
import json, sys, threading
import django
django.setup()
from django.core.management import call_command
from django.db import connection, connections
from django.test import Client, override_settings
import pyotp

call_command("migrate", verbosity=0, interactive=False)
from renkei.core.models import Membership, Organization, Prefecture, Municipality, Role, TOTPDevice, User

USERS, ROUNDS = int(sys.argv[1]), int(sys.argv[2])
PASSWORD = "Correct-Horse-42!"
fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
                         RENKEI_LOGIN_MAX_FAILURES=10_000, RENKEI_LOGIN_MAX_FAILURES_PER_IP=10_000)
fast.enable()
prefecture = Prefecture.objects.create(code="26", name="京都府", kana="キョウトフ")
municipality = Municipality.objects.create(code="262013", jis_code="26201", name="福知山市", kana="フクチヤマシ",
                                           prefecture=prefecture)
office = Organization.objects.create(kind=Organization.Kind.MUNICIPALITY_OFFICE, name="福知山市役所",
                                     municipality=municipality, prefecture=prefecture)
secrets = {}
for n in range(USERS * ROUNDS):
    user = User.objects.create_user(f"user{n}@example.jp", PASSWORD, display_name=f"user{n}")
    Membership.objects.create(user=user, organization=office, role=Role.COORDINATOR)
    secret = pyotp.random_base32()
    TOTPDevice.objects.create(user=user, secret=secret, confirmed_at="2026-01-01T00:00:00Z")
    secrets[user.email] = secret
connection.close()

errors, done = [], []
start = threading.Barrier(USERS)

def work(emails):
    try:
        start.wait()
        for email in emails:
            client = Client(REMOTE_ADDR="192.0.2.10", HTTP_HOST="localhost")
            response = client.post("/login/", {"username": email, "password": PASSWORD})
            assert response.status_code == 302 and response["Location"] == "/login/verify/", response.status_code
            # A wrong code first (a failed try is written too), then the right one.
            client.post("/login/verify/", {"code": "000000"})
            response = client.post("/login/verify/", {"code": pyotp.TOTP(secrets[email]).now()})
            assert response.status_code == 302, response.status_code
            assert client.get("/").status_code == 200
            client.post("/logout/")
            done.append(email)
    except Exception as error:  # noqa: BLE001
        errors.append(f"{type(error).__name__}: {error}")
    finally:
        connections.close_all()

emails = sorted(secrets)
threads = [threading.Thread(target=work, args=(emails[n::USERS],)) for n in range(USERS)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(json.dumps({"errors": errors, "done": len(done)}))
"""


def test_concurrent_logins_and_second_factor_checks_on_file_sqlite_never_hit_database_is_locked(tmp_path):
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("RENKEI_", "DATABASE_URL", "DJANGO_"))}
    environment.update(DJANGO_SETTINGS_MODULE="renkei.settings.local", RENKEI_DATA_DIR=str(tmp_path),
                       RENKEI_DEBUG="0", RENKEI_LOG_LEVEL="CRITICAL",
                       PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    users, rounds = 6, 3
    result = subprocess.run([sys.executable, "-c", SCRIPT, str(users), str(rounds)], env=environment,  # noqa: S603
                            cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["errors"] == []
    assert outcome["done"] == users * rounds
    assert (tmp_path / "renkei.sqlite3").exists()


def test_the_sqlite_default_uses_wal_a_busy_timeout_and_immediate_transactions(monkeypatch, tmp_path):
    from renkei.settings.base import database_from_environment

    monkeypatch.delenv("DATABASE_URL", raising=False)
    options = database_from_environment(tmp_path / "renkei.sqlite3")["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 5
    assert "journal_mode=WAL" in options["init_command"]
    assert "synchronous=NORMAL" in options["init_command"]
