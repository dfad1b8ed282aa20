"""Desk set-up screens (/desk/): the landing page, a desk's page, its details and seats, the topics.

No screen here shows a case's contents: the landing page counts open and overdue cases, the desk's page renders
the sections other parts register on `sections.desk_page` (the cases part adds the open cases there, with its own
read entries).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from renkei.core import policy
from renkei.core.concurrency import StaleEdit, render_conflict
from renkei.core.selectors import municipality_or_none

from ..desk_forms import DeskForm, SeatForm, TopicForm
from ..models import Desk, DeskMember, Topic
from ..sections import desk_page
from ..selectors import desks as selectors
from ..services import desks as services

VIEW_DESK, MANAGE_DESK, MANAGE_TOPICS = "consult.view_desk", "consult.manage_desk", "consult.manage_topics"


def _desk(request, desk_id, **kwargs) -> Desk:
    return get_object_or_404(Desk.objects.select_related("municipality", "operator"), pk=desk_id)


def _seat(request, desk_id, seat_id, **kwargs) -> Desk:
    """The seat's desk (the rule is asked on the desk); the seat must belong to it."""
    seat = get_object_or_404(DeskMember.objects.select_related("desk__municipality"), pk=seat_id, desk_id=desk_id)
    request.consult_seat = seat
    return seat.desk


def _chosen_municipality(request, **kwargs):
    """`?municipality=CODE` (or the form's), else the member's own municipality (None without one: the policy
    refuses or the view asks to choose); 404 for an unknown code."""
    code = request.GET.get("municipality") or request.POST.get("municipality") or ""
    if code:
        found = municipality_or_none(code)
        if found is None:
            raise Http404("no such municipality")
        return found
    membership = getattr(request, "membership", None)
    return membership.organization.municipality if membership is not None else None


def _choose_municipality(request):
    from ..selectors.reports import ReportError

    return render(request, "consult/reports/error.html", {
        "error": ReportError("市区町村を選んでください（?municipality=コード）。",
                             "Choose a municipality (?municipality=CODE)."),
        "municipalities": selectors.report_municipalities(request.membership)[:400]}, status=400)


@policy.requires("core.use_app")
def index(request):
    """The desk's landing page: the viewer's desks with counts, the desks they set up, the reports they read."""
    membership = request.membership
    seated = selectors.seated_desks(membership)
    seated_ids = {row.desk.pk for row in seated}
    managed = [row for row in selectors.managed_desks(membership) if row.desk.pk not in seated_ids]
    own = membership.organization.municipality
    municipalities = list(selectors.report_municipalities(membership)[:400])
    return render(request, "consult/desks/index.html", {
        "seated": seated, "managed": managed, "own_municipality": own,
        "may_create": own is not None and policy.check(membership, MANAGE_DESK, own),
        "may_manage_topics": own is not None and policy.check(membership, MANAGE_TOPICS, own),
        "report_municipalities": municipalities})


@policy.requires(MANAGE_DESK, get_object=_chosen_municipality)
def desk_create(request, obj):
    if obj is None:
        return _choose_municipality(request)
    operators = selectors.operator_choices(obj)
    form = DeskForm(request.POST or None, operators=operators, membership=request.membership)
    if request.method == "POST" and form.is_valid():
        try:
            desk = services.desk_create(membership=request.membership, municipality=obj, desk=form.instance)
        except ValidationError as error:
            form.add_error("operator", error)
        else:
            messages.success(request, _("Created the desk. Add its members next."))
            return redirect("consult:desk_detail", desk_id=desk.pk)
    return render(request, "consult/desks/form.html", {"form": form, "municipality": obj, "desk": None},
                  status=400 if form.errors else 200)


@policy.requires(VIEW_DESK, get_object=_desk)
def desk_detail(request, desk_id, obj):
    return render(request, "consult/desks/detail.html", {
        "desk": obj, "seats": selectors.desk_seats(obj),
        "sections": desk_page.rendered(request.membership, obj)})


@policy.requires(MANAGE_DESK, get_object=_desk)
def desk_edit(request, desk_id, obj):
    operators = selectors.operator_choices(obj.municipality)

    def build(data=None, instance=obj):
        return DeskForm(data, instance=instance, operators=operators, membership=request.membership)

    form = build(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.desk_update(membership=request.membership, desk=form.instance,
                                 expected_version=form.cleaned_data.get("version"))
        except StaleEdit as stale:
            stored = stale.current
            return render_conflict(request, "consult/desks/form.html", {"desk": stored,
                                                                        "municipality": obj.municipality},
                                   form=form, current_form=build(instance=stored), stale=stale,
                                   rebind=lambda data: build(data, instance=stored))
        except ValidationError as error:
            form.add_error("operator", error)
        else:
            messages.success(request, _("Saved the desk."))
            return redirect("consult:desk_detail", desk_id=obj.pk)
    return render(request, "consult/desks/form.html", {"form": form, "municipality": obj.municipality, "desk": obj},
                  status=400 if form.errors else 200)


@policy.requires(MANAGE_DESK, get_object=_desk)
def desk_members(request, desk_id, obj):
    """The desk's seats (active and ended) and the form to seat someone."""
    form = SeatForm(request.POST or None, candidates=selectors.seat_candidates(obj))
    if request.method == "POST" and form.is_valid():
        try:
            services.desk_member_add(membership=request.membership, desk=obj, member=form.cleaned_data["membership"])
        except ValidationError as error:
            form.add_error("membership", error)
        else:
            messages.success(request, _("Added the member to the desk."))
            return redirect("consult:desk_members", desk_id=obj.pk)
    return render(request, "consult/desks/members.html", {"desk": obj, "seats": selectors.desk_seats(obj),
                                                          "form": form}, status=400 if form.errors else 200)


@require_POST
@policy.requires(MANAGE_DESK, get_object=_seat)
def desk_member_end(request, desk_id, seat_id, obj):
    services.desk_member_end(membership=request.membership, seat=request.consult_seat)
    messages.success(request, _("Ended the seat: the person no longer reads this desk's cases."))
    return redirect("consult:desk_members", desk_id=obj.pk)


@policy.requires(MANAGE_TOPICS, get_object=_chosen_municipality)
def topic_list(request, obj):
    """The national topics (read only) and the municipality's own: add, rename, reorder, deactivate."""
    if obj is None:
        return _choose_municipality(request)
    add_form, error, status = TopicForm(prefix="new"), "", 200
    if request.method == "POST":
        response, add_form, error = _topic_post(request, obj)
        if response is not None:
            return response
        status = 400
    national, own = selectors.topics_for(obj)
    rows = [(row, TopicForm(instance=row.topic, prefix=f"t{row.topic.pk}")) for row in own]
    return render(request, "consult/topics.html", {"municipality": obj, "national": national, "own": rows,
                                                   "add_form": add_form, "error": error}, status=status)


def _topic_post(request, municipality):
    """(redirect, None, "") when the change was saved; (None, the add form, an error message) otherwise."""
    back = f"{reverse('consult:topic_list')}?municipality={municipality.code}"
    action = request.POST.get("action", "")
    if action == "add":
        form = TopicForm(request.POST, prefix="new")
        if form.is_valid():
            services.topic_create(membership=request.membership, municipality=municipality, topic=form.instance,
                                  order=form.cleaned_data.get("order"))
            messages.success(request, _("Added the topic."))
            return redirect(back), None, ""
        return None, form, ""
    topic_id = str(request.POST.get("topic", ""))
    topic = Topic.objects.filter(pk=topic_id, municipality=municipality).first() if topic_id.isdecimal() else None
    if topic is None or action not in ("save", "deactivate", "activate"):
        return None, TopicForm(prefix="new"), _("Unknown topic or action.")
    if action == "save":
        form = TopicForm(request.POST, instance=topic, prefix=f"t{topic.pk}")
        if not form.is_valid():
            return None, TopicForm(prefix="new"), _("The topic was not saved: %(errors)s") % {
                "errors": " ".join(e for field in form.errors.values() for e in field)}
        services.topic_update(membership=request.membership, topic=form.instance)
        messages.success(request, _("Saved the topic."))
    else:
        services.topic_set_active(membership=request.membership, topic=topic, is_active=action == "activate")
        messages.success(request, _("Deactivated the topic: it is no longer offered for new cases.")
                         if action == "deactivate" else _("Reactivated the topic."))
    return redirect(back), None, ""


urlpatterns = [
    path("", index, name="index"),
    path("new/", desk_create, name="desk_create"),
    path("topics/", topic_list, name="topic_list"),
    path("<int:desk_id>/", desk_detail, name="desk_detail"),
    path("<int:desk_id>/edit/", desk_edit, name="desk_edit"),
    path("<int:desk_id>/members/", desk_members, name="desk_members"),
    path("<int:desk_id>/members/<int:seat_id>/end/", desk_member_end, name="desk_member_end"),
]
