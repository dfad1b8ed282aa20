"""The careteams benchmarks at a tiny scale: the world generates, the naive baseline decides as the policy does
(so the ratios compare equal answers), the post count catches lost and duplicated posts, and both scripts run
as their docstrings say, with their servers, in seconds."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.db.models import F

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from _careteams_naive import naive_check, naive_visible_patient_ids  # noqa: E402
from careteams_load import SentPost, check_posts  # noqa: E402
from generators.careteams import generate, world_from_database  # noqa: E402

from renkei.careteams import access  # noqa: E402
from renkei.careteams.models import CareTeam, CareTeamMember, Consent, Patient, Post  # noqa: E402
from renkei.core import policy  # noqa: E402
from renkei.core.models import Membership  # noqa: E402

from .factories import MunicipalityFactory  # noqa: E402


def _env(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")}
    env["RENKEI_DATA_DIR"] = str(tmp_path)
    env["PYTHONPATH"] = str(ROOT)
    return env


@pytest.mark.django_db
def test_the_tiny_world_has_shared_teams_consents_and_posts_by_team_members():
    world = generate(patients=50, posts=400, municipality=MunicipalityFactory(), log=lambda *a: None)
    assert Patient.objects.count() == CareTeam.objects.count() == 50
    assert world.compositions == 10 and world.posts == Post.objects.count() == 400
    assert CareTeamMember.objects.count() == world.members >= 50 * 4
    assert Consent.objects.count() == world.consents
    # Every post is by a member of its patient's team.
    assert not Post.objects.exclude(author__team__patient_id=F("patient_id")).exists()
    # Five patients share each composition: the measured member is on several teams.
    assert len(world.member_patient_ids) >= 5
    assert world.busy_patient_id in world.member_patient_ids
    assert Post.objects.filter(patient_id=world.busy_patient_id).exists()
    again = world_from_database()
    assert again.member_membership_id == world.member_membership_id
    assert again.member_patient_ids == world.member_patient_ids


@pytest.mark.django_db
def test_the_naive_baseline_decides_every_patient_as_the_policy_does():
    world = generate(patients=60, posts=60, municipality=MunicipalityFactory(), log=lambda *a: None)
    for membership_id in list(world.people)[:6] + [world.member_membership_id]:
        member = Membership.objects.select_related("user", "organization").get(pk=membership_id)
        assert sorted(naive_visible_patient_ids(member)) == sorted(access.visible_patient_ids(member))
        for patient in Patient.objects.all():
            access.forget(member)
            assert naive_check(member, patient) == policy.check(member, "careteams.view_timeline", patient), patient.pk


def test_the_post_count_finds_lost_duplicated_and_misfiled_posts():
    sent = [SentPost("t1", "k1", "ack", 201), SentPost("t2", "k2", "ack", 201), SentPost("t3", "k3", "error", 500),
            SentPost("t1", "k1", "resent", 200, resend=True), SentPost("t4", "k4", "ack", 201)]
    stored = [("t1", "k1"), ("t3", "k3"), ("t4", "k4"), ("t4", "kx")]
    result = check_posts(sent, stored)
    assert result["sent"] == 4 and result["acknowledged"] == 3
    assert result["resends"] == 1 and result["resends_answered"] == 1
    assert result["missing"] == ["t2"]
    assert result["duplicated"] == ["t4"] and result["wrong_key"] == ["t4"]
    assert result["stored_unacknowledged"] == 1 and result["errors"] == 1


def test_an_error_on_a_resend_is_not_taken_for_the_first_send():
    sent = [SentPost("t1", "k1", "ack", 201), SentPost("t1", "k1", "error", 0, resend=True)]
    result = check_posts(sent, [("t1", "k1")])
    assert result["acknowledged"] == 1 and result["missing"] == [] and result["errors"] == 1


def test_the_pages_benchmark_runs_at_a_tiny_scale_with_its_servers(tmp_path):
    done = subprocess.run(  # noqa: S603 (our own script)
        [sys.executable, "benchmarks/careteams_pages.py", "--scale", "0.001", "--repeat", "10"],
        cwd=ROOT, env=_env(tmp_path), capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:] + done.stdout[-3000:]
    out = done.stdout
    assert "database: sqlite; 100 patients, 20 team compositions" in out
    assert re.search(r"permission decision \(policy.check careteams.view_timeline.*ratio [\d.]+x", out), out
    assert re.search(r"access.visible_patient_ids \(\d+ patients\).*ratio [\d.]+x", out), out
    assert re.search(r"selector my_patients in-process .*ratio [\d.]+x", out), out
    for page in ("my patients", "timeline, busiest patient", "timeline, typical patient"):
        assert re.search(rf"page over HTTP: {page} .*ratio [\d.]+x|{page}: route .* does not exist", out), out


def test_the_load_benchmark_counts_every_post_and_verifies_the_audit_log(tmp_path):
    done = subprocess.run(  # noqa: S603 (our own script)
        [sys.executable, "benchmarks/careteams_load.py", "--scale", "0.001", "--users", "4", "--seconds", "2",
         "--baseline-seconds", "1", "--workers", "2"],
        cwd=ROOT, env=_env(tmp_path), capture_output=True, text=True, timeout=600)
    out = done.stdout
    assert done.returncode == 0, done.stderr[-3000:] + out[-3000:]
    assert re.search(r"posts: \d+ sent, [1-9]\d* acknowledged", out), out
    assert "missing 0, stored more than once 0, stored under another key 0" in out
    assert "renkei audit verify: passed" in out
    assert "target (no lost or duplicated post, no error, audit verify passes): met" in out


@pytest.mark.django_db
def test_my_patients_reads_a_fixed_number_of_queries_however_many_patients(django_assert_max_num_queries):
    from renkei.careteams.selectors.patients import my_patients
    from renkei.core import audit

    world = generate(patients=100, posts=0, municipality=MunicipalityFactory(), log=lambda *a: None)
    member = Membership.objects.select_related("user", "organization").get(pk=world.member_membership_id)
    assert len(world.member_patient_ids) >= 10
    with audit.bind_membership(member), django_assert_max_num_queries(12):
        patients = my_patients(member)
        ages = [p.age for p in patients]  # the list shows each age: no query per row (the date of death)
    assert len(ages) == len(world.member_patient_ids)
