"""Councils: the bodies tree, a body's page (members, meetings, open issues, actions), its form and seats."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from renkei.core import policy
from renkei.core.concurrency import StaleEdit, render_conflict

from ..forms.councils import CouncilForm, CouncilMemberForm
from ..models import Council, CouncilMember
from ..selectors import councils as selectors
from ..services import councils as council_services
from . import _loaders

VIEW, MANAGE = "pdca.view_council", "pdca.manage_council"


@policy.requires(VIEW)
def council_list_view(request):
    """The bodies the member sees: councils with their working groups under them."""
    return render(request, "pdca/council_list.html", {"tree": selectors.councils_tree(request.membership)})


@policy.requires(VIEW, get_object=_loaders.council)
def council_detail_view(request, council_id, obj):
    return render(request, "pdca/council_detail.html", {
        "council": obj, "members": selectors.council_members(obj),
        "children": selectors.visible_children(request.membership, obj),
        "meetings": selectors.council_meetings(obj)[:50], "issues": selectors.council_open_issues(obj),
        "actions": selectors.council_actions(obj), "actions_visible": True,  # the body's: its viewers see them
        "measures": selectors.measure_labels(obj.municipality),
    })


def _council_form(request, council: Council):
    form = CouncilForm(request.POST or None, instance=council, municipality=council.municipality)
    if request.method == "POST" and form.is_valid():
        try:
            council_services.council_save(membership=request.membership, council=form.instance,
                                          expected_version=form.cleaned_data.get("version"))
        except StaleEdit as stale:
            stored = stale.current
            return render_conflict(request, "pdca/council_form.html", {"council": stored},
                                   form=form, current_form=CouncilForm(instance=stored), stale=stale,
                                   rebind=lambda data: CouncilForm(data, instance=stored))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved “%(name)s”.") % {"name": form.instance.name})
            return redirect("pdca:council_detail", council_id=form.instance.pk)
    return render(request, "pdca/council_form.html", {"form": form, "council": council},
                  status=400 if form.errors else 200)


@policy.requires(MANAGE)
def council_create_view(request):
    municipality = _loaders.chosen_municipality(request)
    policy.require(request.membership, MANAGE, municipality)
    parent_id = request.GET.get("parent")
    council = Council(municipality=municipality)
    if parent_id and parent_id.isdigit():
        parent = Council.objects.filter(pk=int(parent_id), municipality=municipality).first()
        if parent is not None:
            council.parent, council.kind = parent, Council.Kind.WORKING_GROUP
    return _council_form(request, council)


@policy.requires(MANAGE, get_object=_loaders.council)
def council_edit_view(request, council_id, obj):
    return _council_form(request, obj)


def _member_form(request, member: CouncilMember):
    council = member.council
    form = CouncilMemberForm(request.POST or None, instance=member, council=council)
    if request.method == "POST" and form.is_valid():
        try:
            council_services.council_member_save(membership=request.membership, member=form.instance)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved the seat."))
            return redirect("pdca:council_detail", council_id=council.pk)
    return render(request, "pdca/member_form.html", {"form": form, "council": council, "member": member},
                  status=400 if form.errors else 200)


@policy.requires(MANAGE, get_object=_loaders.council)
def member_create_view(request, council_id, obj):
    return _member_form(request, CouncilMember(council=obj))


@policy.requires(MANAGE, get_object=_loaders.member)
def member_edit_view(request, member_id, obj):
    return _member_form(request, obj)


@policy.requires(MANAGE, get_object=_loaders.member)
def member_end_view(request, member_id, obj):
    if request.method == "POST":
        council_services.council_member_end(membership=request.membership, member=obj)
        messages.success(request, _("The seat of %(name)s has ended.") % {"name": obj})
    return redirect(reverse("pdca:council_detail", args=[obj.council_id]))


urlpatterns = [
    path("councils/", council_list_view, name="council_list"),
    path("councils/new/", council_create_view, name="council_create"),
    path("councils/<int:council_id>/", council_detail_view, name="council_detail"),
    path("councils/<int:council_id>/edit/", council_edit_view, name="council_edit"),
    path("councils/<int:council_id>/members/new/", member_create_view, name="member_create"),
    path("members/<int:member_id>/edit/", member_edit_view, name="member_edit"),
    path("members/<int:member_id>/end/", member_end_view, name="member_end"),
]
