"""Actions: "my actions" and all (overdue highlighted), one action, staff's form (from a meeting: the common
path) and the owner's progress form (status and result)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from renkei.core import policy
from renkei.core.concurrency import StaleEdit, render_conflict

from ..forms.councils import ActionForm, ActionProgressForm
from ..models import Action, Issue
from ..policy import council_of
from ..selectors import councils as selectors
from ..services import actions as action_services
from . import _loaders

VIEW, MANAGE, UPDATE = "pdca.view_council", "pdca.manage_council", "pdca.update_action"


@policy.requires(VIEW)
def action_list_view(request):
    mine = request.GET.get("mine") == "1"
    overdue = request.GET.get("overdue") == "1"
    status = request.GET.get("status", "")
    status = status if status in ("open", *Action.Status.values) else ""
    actions = selectors.actions_for(request.membership, mine=mine, overdue=overdue, status=status)[:500]
    return render(request, "pdca/action_list.html", {
        "actions": actions, "mine": mine, "overdue": overdue, "status": status, "statuses": Action.Status.choices,
        "today": timezone.localdate(), "municipality": request.membership.organization.municipality,
    })


@policy.requires(VIEW, get_object=_loaders.action)
def action_detail_view(request, action_id, obj):
    council = council_of(obj)
    return render(request, "pdca/action_detail.html", {
        "action": obj, "council": council, "today": timezone.localdate(),
        "measure": selectors.measure_labels(obj.municipality).get(obj.measure_key, obj.measure_key),
    })


def _action_form(request, action: Action, *, meeting=None):
    municipality = action.municipality
    council = meeting.council if meeting is not None else council_of(action)
    owners = selectors.owner_choices(municipality, council, keep=action.owner_id)
    measures = selectors.measure_choices(municipality)
    if action.measure_key and action.measure_key not in dict(measures):
        measures = [*measures, (action.measure_key, _("(measure no longer in the logic model)"))]

    def build(data=None, instance=action):
        return ActionForm(data, instance=instance, municipality=municipality, owners=owners, measures=measures,
                          meeting=meeting)

    form = build(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            action_services.action_save(membership=request.membership, action=form.instance,
                                        expected_version=form.cleaned_data.get("version"),
                                        owner_choices=list(owners), measure_keys=[key for key, _l in measures])
        except StaleEdit as stale:
            stored = stale.current
            return render_conflict(request, "pdca/action_form.html", {"action": stored, "meeting": meeting},
                                   form=form, current_form=build(instance=stored), stale=stale,
                                   rebind=lambda data: build(data, instance=stored))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved the action."))
            if meeting is not None:
                return redirect(f"{_meeting_url(meeting)}#actions")
            return redirect("pdca:action_detail", action_id=form.instance.pk)
    return render(request, "pdca/action_form.html", {"form": form, "action": action, "meeting": meeting},
                  status=400 if form.errors else 200)


def _meeting_url(meeting) -> str:
    from django.urls import reverse

    return reverse("pdca:meeting_detail", args=[meeting.pk])


@policy.requires(MANAGE)
def action_create_view(request):
    municipality = _loaders.chosen_municipality(request)
    policy.require(request.membership, MANAGE, municipality)
    action = Action(municipality=municipality)
    issue_id = request.GET.get("issue", "")
    if issue_id.isdigit():
        issue = Issue.objects.filter(pk=int(issue_id), municipality=municipality).first()
        if issue is not None:
            action.issue, action.scene = issue, issue.scene
    return _action_form(request, action)


@policy.requires(MANAGE, get_object=_loaders.meeting)
def action_create_at_meeting_view(request, meeting_id, obj):
    action = Action(municipality=obj.council.municipality, meeting=obj, scene=(obj.scenes or [""])[0] or "")
    return _action_form(request, action, meeting=obj)


@policy.requires(MANAGE, get_object=_loaders.action)
def action_edit_view(request, action_id, obj):
    return _action_form(request, obj)


@policy.requires(UPDATE, get_object=_loaders.action)
def action_update_view(request, action_id, obj):
    """The owner's form: status and result."""
    form = ActionProgressForm(request.POST or None, action=obj)
    if request.method == "POST" and form.is_valid():
        try:
            action_services.action_update_progress(
                membership=request.membership, action=obj, status=form.cleaned_data["status"],
                result_note=form.cleaned_data["result_note"], expected_version=form.cleaned_data.get("version"))
        except StaleEdit as stale:
            stored = stale.current
            return render_conflict(request, "pdca/action_update.html", {"action": stored},
                                   form=form, current_form=ActionProgressForm(action=stored), stale=stale,
                                   rebind=lambda data: ActionProgressForm(data, action=stored))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved the progress of “%(title)s”.") % {"title": obj.title})
            return redirect("pdca:action_detail", action_id=obj.pk)
    return render(request, "pdca/action_update.html", {"form": form, "action": obj, "today": timezone.localdate()},
                  status=400 if form.errors else 200)


urlpatterns = [
    path("actions/", action_list_view, name="action_list"),
    path("actions/new/", action_create_view, name="action_create"),
    path("meetings/<int:meeting_id>/actions/new/", action_create_at_meeting_view, name="action_create_at_meeting"),
    path("actions/<int:action_id>/", action_detail_view, name="action_detail"),
    path("actions/<int:action_id>/edit/", action_edit_view, name="action_edit"),
    path("actions/<int:action_id>/update/", action_update_view, name="action_update"),
]
