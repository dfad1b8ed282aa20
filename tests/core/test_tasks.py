"""Background jobs: the queue (django-tasks), retries, the jobs screen and who may see it."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from renkei.core import tasks
from renkei.core.models import AuditEntry, Job, Organization, Role
from renkei.settings.base import task_settings

from ..factories import OrganizationFactory, PrefectureFactory

CALLS: dict[str, int] = {}


@tasks.job_kind("tests.add", label="Add two numbers")
def add_job(*, a: int, b: int) -> dict:
    CALLS["add"] = CALLS.get("add", 0) + 1
    return {"sum": a + b}


@tasks.job_kind("tests.flaky", label="Fails while told to", max_attempts=2)
def flaky_job(*, failures: int) -> dict:
    CALLS["flaky"] = CALLS.get("flaky", 0) + 1
    if CALLS["flaky"] <= failures:
        raise tasks.JobError(_("Coverage gaps could not be computed: %(error)s"), error="disk full")
    return {"calls": CALLS["flaky"]}


@tasks.job_kind("tests.crash", label="Crashes", max_attempts=1)
def crash_job() -> dict:
    raise RuntimeError("boom")


@pytest.fixture(autouse=True)
def fresh_calls():
    CALLS.clear()


def _in(language: str, text: str, **params) -> str:
    with translation.override(language):
        return gettext(text) % params if params else gettext(text)


# --- the queue -------------------------------------------------------------------------------------

def test_a_queued_job_waits_for_a_worker_then_succeeds_with_its_result(municipality, queued_jobs):
    job = tasks.job_enqueue(kind="tests.add", arguments={"a": 2, "b": 3}, municipality=municipality)
    assert job.status == Job.Status.QUEUED and "add" not in CALLS
    assert job.task_id and job.prefecture_id == municipality.prefecture_id
    assert tasks.run_waiting_jobs() == 1
    job.refresh_from_db()
    assert (job.status, job.result, job.attempts) == (Job.Status.SUCCEEDED, {"sum": 5}, 1)
    assert job.finished_at is not None


def test_the_immediate_backend_runs_a_job_at_once(municipality):
    job = tasks.job_enqueue(kind="tests.add", arguments={"a": 1, "b": 1}, municipality=municipality)
    assert (job.status, job.result) == (Job.Status.SUCCEEDED, {"sum": 2})


def test_a_job_with_the_same_key_is_not_queued_twice_while_it_waits(municipality, queued_jobs):
    first = tasks.job_enqueue(kind="tests.add", arguments={"a": 1, "b": 2}, municipality=municipality, key="k")
    second = tasks.job_enqueue(kind="tests.add", arguments={"a": 1, "b": 2}, municipality=municipality, key="k")
    assert first.pk == second.pk and Job.objects.count() == 1


def test_a_failed_attempt_is_retried_by_the_worker_until_it_succeeds(municipality, queued_jobs):
    job = tasks.job_enqueue(kind="tests.flaky", arguments={"failures": 1}, municipality=municipality)
    tasks.run_waiting_jobs()
    job.refresh_from_db()
    assert (job.status, job.attempts, job.result) == (Job.Status.SUCCEEDED, 2, {"calls": 2})
    assert job.error == ""


def test_a_job_out_of_attempts_fails_with_its_error_in_japanese_and_english(municipality, queued_jobs):
    job = tasks.job_enqueue(kind="tests.flaky", arguments={"failures": 5}, municipality=municipality)
    tasks.run_waiting_jobs()
    job.refresh_from_db()
    assert (job.status, job.attempts, CALLS["flaky"]) == (Job.Status.FAILED, 2, 2)
    message = "Coverage gaps could not be computed: %(error)s"
    assert job.error == _in("ja", message, error="disk full")
    assert job.error_en == "Coverage gaps could not be computed: disk full"


def test_an_unexpected_exception_fails_the_job_without_reaching_the_caller(municipality):
    job = tasks.job_enqueue(kind="tests.crash", municipality=municipality)  # immediate backend: runs here
    assert job.status == Job.Status.FAILED
    assert job.error == _in("ja", "Unexpected error (%(type)s): %(detail)s", type="RuntimeError", detail="boom")


def test_a_retried_job_runs_again_from_its_first_attempt_and_the_retry_is_audited(municipality, queued_jobs,
                                                                                   make_membership):
    staff = make_membership(Role.MUNICIPAL_STAFF)
    job = tasks.job_enqueue(kind="tests.flaky", arguments={"failures": 2}, municipality=municipality)
    tasks.run_waiting_jobs()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    job = tasks.job_retry(job=job, by=staff.user)
    assert (job.status, job.attempts, job.requested_by) == (Job.Status.QUEUED, 0, staff.user)
    tasks.run_waiting_jobs()
    job.refresh_from_db()
    assert (job.status, job.result) == (Job.Status.SUCCEEDED, {"calls": 3})
    assert AuditEntry.objects.filter(action=AuditEntry.Action.UPDATE, permission="core.retry_job",
                                     object_id=str(job.pk)).exists()


def test_a_job_left_running_by_a_dead_worker_is_queued_again(municipality, queued_jobs):
    job = tasks.job_enqueue(kind="tests.add", arguments={"a": 4, "b": 4}, municipality=municipality)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, attempts=1,
                                         started_at=timezone.now() - timezone.timedelta(hours=2))
    call_command("jobs", requeue_stale=True, stdout=__import__("io").StringIO())
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED
    tasks.run_waiting_jobs()
    job.refresh_from_db()
    assert (job.status, job.result) == (Job.Status.SUCCEEDED, {"sum": 8})


def test_a_job_left_running_without_attempts_left_fails_with_a_reason(municipality, queued_jobs):
    job = tasks.job_enqueue(kind="tests.crash", municipality=municipality)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, attempts=1,
                                         started_at=timezone.now() - timezone.timedelta(hours=2))
    assert tasks.requeue_stale_jobs()["failed"] == 1
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.error == _in("ja", "The worker stopped while this job was running.")


# --- settings --------------------------------------------------------------------------------------

def test_the_database_backend_is_the_default_and_redis_selects_rq():
    tasks_setting, queues = task_settings("database")
    assert tasks_setting["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend" and queues == {}
    tasks_setting, queues = task_settings("rq", "redis://127.0.0.1:6379/0")
    assert tasks_setting["default"]["BACKEND"] == "django_tasks_rq.RQBackend"
    assert queues["default"]["URL"] == "redis://127.0.0.1:6379/0"
    assert tasks_setting["inline"]["BACKEND"].endswith("ImmediateBackend")


def test_rq_without_a_redis_url_or_an_unknown_backend_is_refused():
    with pytest.raises(ImproperlyConfigured):
        task_settings("rq", "")
    with pytest.raises(ImproperlyConfigured):
        task_settings("celery")


# --- the jobs screen -------------------------------------------------------------------------------

def test_staff_see_the_jobs_of_their_municipality_only(municipality, other_municipality, make_membership, login_as):
    staff = make_membership(Role.MUNICIPAL_STAFF)
    tasks.job_enqueue(kind="tests.crash", municipality=municipality)
    tasks.job_enqueue(kind="tests.add", arguments={"a": 1, "b": 1}, municipality=other_municipality)
    response = login_as(staff).get(reverse("core:job_list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Crashes" in html and "Add two numbers" not in html
    assert _in("ja", "Unexpected error (%(type)s): %(detail)s", type="RuntimeError", detail="boom") in html
    assert reverse("core:job_retry", args=[Job.objects.get(kind="tests.crash").pk]) in html


def test_prefecture_staff_see_the_jobs_of_their_prefecture(municipality, other_municipality, make_membership):
    prefecture_staff = make_membership(Role.PREFECTURE_STAFF, organization=OrganizationFactory(
        kind=Organization.Kind.PREFECTURE_OFFICE, municipality=None, prefecture=municipality.prefecture))
    elsewhere = PrefectureFactory(code="13", name="東京都")
    mine = tasks.job_enqueue(kind="tests.add", arguments={"a": 1, "b": 1}, municipality=municipality)
    wide = tasks.job_enqueue(kind="tests.add", arguments={"a": 1, "b": 2}, prefecture=municipality.prefecture)
    tasks.job_enqueue(kind="tests.add", arguments={"a": 1, "b": 3}, prefecture=elsewhere)
    from renkei.core.selectors import recent_jobs

    assert {job.pk for job in recent_jobs(prefecture_staff)} == {mine.pk, wide.pk}



def test_a_national_job_without_a_place_is_listed_with_a_dash(municipality, make_membership, login_as):
    """A job of the whole country (no municipality, no prefecture) is listed, not a 500."""
    admin = make_membership(Role.SYSTEM_ADMIN)
    tasks.job_enqueue(kind="tests.add", arguments={"a": 2, "b": 2})
    tasks.job_enqueue(kind="tests.add", arguments={"a": 2, "b": 3}, prefecture=municipality.prefecture)
    response = login_as(admin).get(reverse("core:job_list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<td>—</td>" in html and f"<td>{municipality.prefecture.name}</td>" in html

def test_professionals_are_refused_the_jobs_screen_and_get_no_link_to_it(make_membership, login_as):
    professional = make_membership(Role.PROFESSIONAL)
    client = login_as(professional)
    assert client.get(reverse("core:job_list")).status_code == 403
    assert AuditEntry.objects.filter(action=AuditEntry.Action.REFUSE, permission="core.view_jobs").exists()
    assert reverse("core:job_list") not in client.get(reverse("core:home")).content.decode()


def test_staff_get_a_link_to_the_jobs_screen(make_membership, login_as):
    staff = make_membership(Role.MUNICIPAL_STAFF)
    assert reverse("core:job_list") in login_as(staff).get(reverse("core:home")).content.decode()


def test_staff_retry_a_failed_job_from_the_screen(municipality, make_membership, login_as, queued_jobs):
    staff = make_membership(Role.MUNICIPAL_STAFF)
    job = tasks.job_enqueue(kind="tests.flaky", arguments={"failures": 2}, municipality=municipality)
    tasks.run_waiting_jobs()
    response = login_as(staff).post(reverse("core:job_retry", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED
    tasks.run_waiting_jobs()
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED


def test_staff_cannot_retry_a_job_of_another_municipality(municipality, other_municipality, make_membership,
                                                          login_as):
    staff = make_membership(Role.MUNICIPAL_STAFF)
    job = tasks.job_enqueue(kind="tests.crash", municipality=other_municipality)
    assert login_as(staff).post(reverse("core:job_retry", args=[job.pk])).status_code == 403
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED


def test_a_coordinator_sees_the_jobs_but_a_professional_cannot_retry_one(municipality, make_membership, login_as):
    job = tasks.job_enqueue(kind="tests.crash", municipality=municipality)
    coordinator = make_membership(Role.COORDINATOR)
    assert login_as(coordinator).get(reverse("core:job_list")).status_code == 200
    professional = make_membership(Role.PROFESSIONAL)
    assert login_as(professional).post(reverse("core:job_retry", args=[job.pk])).status_code == 403
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED


def test_the_jobs_command_lists_and_retries_failed_jobs(municipality, capsys):
    job = tasks.job_enqueue(kind="tests.crash", municipality=municipality)
    call_command("jobs", failed=True)
    assert f"{job.pk}\t" in capsys.readouterr().out
    call_command("jobs", "--retry", str(job.pk))  # immediate backend: runs again, fails again
    job.refresh_from_db()
    assert (job.status, job.attempts) == (Job.Status.FAILED, 1)
