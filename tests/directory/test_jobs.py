"""The directory's background jobs: coverage recomputation on the task queue."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from renkei.core.models import Job, Role
from renkei.core.tasks import run_waiting_jobs
from renkei.directory import jobs
from renkei.directory.models import CoverageRun
from renkei.directory.services import coverage
from renkei.directory.services.facilities import facility_close

from ..factories import FacilityFactory
from .test_coverage import SOUTH, WEST, home_visit_clinic, outlined  # noqa: F401  (fixture)


def _broken(run):
    raise RuntimeError("disk full")


def test_a_coverage_failure_is_a_failed_job_with_the_error_not_a_success(outlined, monkeypatch):  # noqa: F811
    monkeypatch.setattr(coverage, "_compute_and_store", _broken)
    [run] = jobs.schedule_coverage_recompute([outlined.pk])
    job = Job.objects.get(kind=jobs.COVERAGE_JOB)
    assert run.status == CoverageRun.Status.FAILED
    assert job.status == Job.Status.FAILED
    assert "disk full" in job.error and "disk full" in job.error_en
    with translation.override("ja"):
        prefix = gettext("Coverage gaps could not be computed: %(error)s") % {"error": ""}
    assert job.error.startswith(prefix)


def test_a_failed_coverage_job_computes_the_run_when_retried(outlined, monkeypatch, queued_jobs,  # noqa: F811
                                                             make_membership, login_as):
    monkeypatch.setattr(coverage, "_compute_and_store", _broken)
    [run] = jobs.schedule_coverage_recompute([outlined.pk])
    run_waiting_jobs()  # every attempt fails
    job = Job.objects.get(kind=jobs.COVERAGE_JOB)
    assert (job.status, job.attempts) == (Job.Status.FAILED, job.max_attempts)
    monkeypatch.undo()
    home_visit_clinic(outlined, SOUTH + 0.001, WEST + 0.001)
    staff = make_membership(Role.MUNICIPAL_STAFF)
    assert login_as(staff).post(reverse("core:job_retry", args=[job.pk])).status_code == 302
    run_waiting_jobs()
    job.refresh_from_db()
    run.refresh_from_db()
    assert (job.status, run.status) == (Job.Status.SUCCEEDED, CoverageRun.Status.DONE)
    assert job.result["coverage_run"] == run.pk


def test_closing_a_home_visit_clinic_queues_a_coverage_job_for_its_municipality(outlined, queued_jobs):  # noqa: F811
    clinic = home_visit_clinic(outlined, SOUTH + 0.001, WEST + 0.001)
    CoverageRun.objects.create(municipality=outlined, status=CoverageRun.Status.DONE)  # coverage is in use
    facility_close(facility=clinic)
    job = Job.objects.get(kind=jobs.COVERAGE_JOB)
    assert (job.status, job.municipality_id) == (Job.Status.QUEUED, outlined.pk)


def test_the_job_list_names_the_coverage_job_in_the_readers_language(outlined, make_membership,  # noqa: F811
                                                                    login_as):
    FacilityFactory(municipality=outlined)
    jobs.schedule_coverage_recompute([outlined.pk])
    html = login_as(make_membership(Role.MUNICIPAL_STAFF)).get(reverse("core:job_list")).content.decode()
    with translation.override("ja"):
        assert gettext("Coverage gaps recomputation") in html


def test_the_import_command_names_the_failed_coverage_job_to_retry(db, monkeypatch, tmp_path):
    import io

    from django.core.management import CommandError, call_command

    from renkei.directory.models import Facility

    from .test_import_support import facility_header, facility_row, make_kumamoto, write_mhlw

    make_kumamoto()
    monkeypatch.setattr(coverage, "_compute_and_store", _broken)
    path = write_mhlw(tmp_path / "01-1_hospital_facility_info_20260601.csv", facility_header(),
                      [facility_row("4310000000001", "熊本中央病院", "熊本市中央区新屋敷1-17-1")])
    out, err = io.StringIO(), io.StringIO()
    # The import itself is applied; the command exits 1 because its coverage failed.
    with pytest.raises(CommandError, match="coverage recomputation failed"):
        call_command("import", "mhlw", str(path), stdout=out, stderr=err)
    assert Facility.objects.count() == 1
    job = Job.objects.get(kind=jobs.COVERAGE_JOB)
    assert job.status == Job.Status.FAILED
    assert f"renkei jobs --retry {job.pk}" in err.getvalue() and "disk full" in err.getvalue()
