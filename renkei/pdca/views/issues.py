"""Issues (課題): the list (by scene and status), one issue with its indicators' current status, the form."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from renkei.core import policy
from renkei.core.concurrency import StaleEdit, render_conflict
from renkei.core.models import Scene

from ..forms.councils import IssueForm
from ..models import Issue
from ..selectors import councils as selectors
from ..services import issues as issue_services
from . import _loaders

VIEW, MANAGE = "pdca.view_council", "pdca.manage_council"


@policy.requires(VIEW)
def issue_list_view(request):
    scene = request.GET.get("scene", "")
    status = request.GET.get("status", "")
    scene = scene if scene in Scene.values else ""
    status = status if status in Issue.Status.values else ""
    return render(request, "pdca/issue_list.html", {
        "issues": selectors.issues_for(request.membership, scene=scene, status=status)[:300],
        "scene": scene, "status": status, "scenes": Scene.choices, "statuses": Issue.Status.choices,
        "municipality": request.membership.organization.municipality,
    })


@policy.requires(VIEW, get_object=_loaders.issue)
def issue_detail_view(request, issue_id, obj):
    return render(request, "pdca/issue_detail.html", {
        "issue": obj, "states": selectors.indicator_states(obj.municipality, obj.indicators.all()),
        "actions": obj.actions.select_related("owner__user", "owner_organization").order_by("due_on", "pk"),
        "measures": selectors.measure_labels(obj.municipality),
        "may_see_council": obj.council_id is not None and policy.check(request.membership, VIEW, obj.council),
        "may_see_meeting": obj.raised_at_id is not None and policy.check(request.membership, VIEW, obj.raised_at),
    })


def _issue_form(request, issue: Issue):
    municipality = issue.municipality
    form = IssueForm(request.POST or None, instance=issue, municipality=municipality, membership=request.membership,
                     initial={"indicators": list(issue.indicators.all())} if issue.pk else None)
    if request.method == "POST" and form.is_valid():
        try:
            issue_services.issue_save(membership=request.membership, issue=form.instance,
                                      indicators=list(form.cleaned_data["indicators"]),
                                      expected_version=form.cleaned_data.get("version"))
        except StaleEdit as stale:
            stored = stale.current
            return render_conflict(
                request, "pdca/issue_form.html", {"issue": stored},
                form=form, current_form=IssueForm(instance=stored, municipality=municipality,
                                                  membership=request.membership),
                stale=stale, rebind=lambda data: IssueForm(data, instance=stored, municipality=municipality,
                                                           membership=request.membership))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved the issue."))
            return redirect("pdca:issue_detail", issue_id=form.instance.pk)
    return render(request, "pdca/issue_form.html", {"form": form, "issue": issue},
                  status=400 if form.errors else 200)


@policy.requires(MANAGE)
def issue_create_view(request):
    municipality = _loaders.chosen_municipality(request)
    policy.require(request.membership, MANAGE, municipality)
    return _issue_form(request, Issue(municipality=municipality))


@policy.requires(MANAGE, get_object=_loaders.meeting)
def issue_create_at_meeting_view(request, meeting_id, obj):
    return _issue_form(request, Issue(municipality=obj.council.municipality, council=obj.council, raised_at=obj,
                                      scene=(obj.scenes or [""])[0] or ""))


@policy.requires(MANAGE, get_object=_loaders.issue)
def issue_edit_view(request, issue_id, obj):
    return _issue_form(request, obj)


urlpatterns = [
    path("issues/", issue_list_view, name="issue_list"),
    path("issues/new/", issue_create_view, name="issue_create"),
    path("meetings/<int:meeting_id>/issues/new/", issue_create_at_meeting_view, name="issue_create_at_meeting"),
    path("issues/<int:issue_id>/", issue_detail_view, name="issue_detail"),
    path("issues/<int:issue_id>/edit/", issue_edit_view, name="issue_edit"),
]

