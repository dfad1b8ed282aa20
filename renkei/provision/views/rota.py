"""Cover groups: the index, a group's month calendar of the rota, assigning a shift."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from renkei.core import policy

from .. import days
from ..forms import GroupForm, GroupMemberForm, ShiftForm
from ..models import RotaShift, ShiftKind
from ..selectors import enrolments as enrolment_selectors
from ..selectors import rota as selectors
from ..services import rota as services
from . import _loaders


@policy.requires("provision.use")
def index_view(request):
    membership = request.membership
    groups = [{"group": g, "gaps": len(selectors.gaps(g))} for g in selectors.my_groups(membership)]
    hospital = policy.check(membership, "provision.list_enrolments")
    enrolments = enrolment_selectors.hospital_enrolments(membership)[:20] if hospital else []
    return render(request, "provision/index.html", {
        "groups": groups, "is_hospital": hospital, "enrolments": enrolments,
        "may_create": policy.check(membership, "provision.create_group")})


@policy.requires("provision.create_group")
def group_create_view(request):
    form = GroupForm(request.POST or None, membership=request.membership)
    if request.method == "POST" and form.is_valid():
        try:
            group = services.group_create(membership=request.membership, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Created the cover group “%(name)s”.") % {"name": group.name})
            return redirect("provision:group_detail", group_id=group.pk)
    return render(request, "provision/group_form.html", {"form": form}, status=400 if form.errors else 200)


@policy.requires("provision.view_group", get_object=_loaders.group)
def group_detail_view(request, group_id, obj):
    month = selectors.parse_month(request.GET.get("month"))
    return render(request, "provision/group_detail.html", {
        "group": obj, "cal": selectors.month_calendar(obj, month), "gaps": selectors.gaps(obj),
        "members": services.covering_choices(obj),
        "may_manage": policy.check(request.membership, "provision.manage_rota", obj),
        "member_form": GroupMemberForm(candidates=services.member_candidates(obj)),
        "weekdays": [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")]})


def _shift_key(date: str, kind: str) -> tuple[dt.date, str]:
    try:
        day = dt.date.fromisoformat(date)
    except ValueError as exc:
        raise Http404 from exc
    if kind not in ShiftKind.values or kind not in days.needed_shifts(day):
        raise Http404
    return day, kind


@policy.requires("provision.manage_rota", get_object=_loaders.group)
def shift_edit_view(request, group_id, date, kind, obj):
    day, kind = _shift_key(date, kind)
    shift = RotaShift.objects.filter(group=obj, date=day, kind=kind).first()
    choices = services.covering_choices(obj)
    initial = {"covering": shift.covering_id, "phone": shift.phone, "note": shift.note} if shift else {}
    form = ShiftForm(request.POST or None, initial=initial, choices=choices)
    if request.method == "POST" and form.is_valid():
        try:
            services.shift_save(membership=request.membership, group=obj, date=day, kind=kind,
                                covering=form.cleaned_data["covering"], phone=form.cleaned_data["phone"],
                                note=form.cleaned_data["note"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved the shift."))
            return redirect(f"{request.path.rsplit('/shifts/', 1)[0]}/?month={day:%Y-%m}#d-{day.isoformat()}")
    return render(request, "provision/shift_form.html", {
        "group": obj, "day": day, "kind": ShiftKind(kind), "holiday": days.holiday_name(day), "form": form,
        "shift": shift}, status=400 if form.errors else 200)


@policy.requires("provision.manage_rota", get_object=_loaders.group)
def group_member_add_view(request, group_id, obj):
    if request.method == "POST":
        form = GroupMemberForm(request.POST, candidates=services.member_candidates(obj))
        if form.is_valid():
            try:
                services.group_add_member(membership=request.membership, group=obj,
                                          member=form.cleaned_data["member"])
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("Added to the group."))
        else:
            messages.error(request, _("Choose who to add."))
    return redirect("provision:group_detail", group_id=obj.pk)


urlpatterns = [
    path("", index_view, name="index"),
    path("groups/new/", group_create_view, name="group_create"),
    path("groups/<int:group_id>/", group_detail_view, name="group_detail"),
    path("groups/<int:group_id>/members/", group_member_add_view, name="group_member_add"),
    path("groups/<int:group_id>/shifts/<str:date>/<str:kind>/", shift_edit_view, name="shift_edit"),
]
