"""The background jobs screen: recent jobs of the viewer's places, and the retry of a failed one."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import policy, selectors, tasks
from ..models import Job


def _job(request, pk, **kwargs):
    return selectors.job_by_id(pk)


@policy.requires("core.view_jobs")
def job_list_view(request):
    status = request.GET.get("status", "")
    jobs = list(selectors.recent_jobs(request.membership, status=status))
    for job in jobs:
        job.label = tasks.kind_label(job.kind)
        job.can_retry = job.status == Job.Status.FAILED and policy.check(request.membership, "core.retry_job", job)
    template = "core/_job_rows.html" if request.htmx else "core/job_list.html"
    return render(request, template, {
        "jobs": jobs, "status": status, "statuses": Job.Status.choices,
        "is_working": any(job.status in tasks.ACTIVE for job in jobs),
    })


@policy.requires("core.retry_job", get_object=_job)
@require_POST
def job_retry_view(request, pk, obj):
    if obj.status != Job.Status.FAILED:
        messages.error(request, _("Only a failed job can be retried."))
    else:
        tasks.job_retry(job=obj, by=request.user)
        messages.success(request, _("The job was queued again."))
    return redirect("core:job_list")
