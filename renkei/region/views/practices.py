"""Screens of §4 sharing what works: the good-practice library (取組事例) with filters, a practice's page, writing,
publishing and withdrawing one, copying what it offers (横展開, with a confirmation page), the copies made into
the member's municipality, and the sharing meetings (情報共有の場) with agenda, minutes and attendance.

Thin views: the policy on the object the URL names (`@policy.requires`), forms for input, the services for
writes (`services/practices.py`, `services/meetings.py`), the selectors for reads.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from renkei.core import policy
from renkei.core.concurrency import StaleEdit, add_version_field, parse_version, render_conflict
from renkei.core.models import AreaGroup, Municipality, ProgramItem, Role, Scene

from ..models import Practice, SharingMeeting
from ..selectors import practices as selectors
from ..services import meetings as meeting_services
from ..services import practices as services

VIEW, WRITE, COPY = "region.view_practices", "region.write_practice", "region.copy_practice"
VIEW_MEETINGS, MANAGE_MEETINGS = "region.view_meetings", "region.manage_meetings"


def _practice(request, practice_id, **kwargs) -> Practice:
    return get_object_or_404(Practice.objects.select_related("municipality", "prefecture", "written_by__user"),
                             pk=practice_id)


def _meeting(request, sharing_meeting_id, **kwargs) -> SharingMeeting:
    return get_object_or_404(SharingMeeting.objects.select_related("prefecture", "municipality", "area_group"),
                             pk=sharing_meeting_id)


def _item_choices():
    return list(ProgramItem.choices)  # the labels carry their letter (（ア）…) in Japanese


def _add_problems(form: forms.Form, error: services.PracticeError) -> None:
    for message in error.messages:
        form.add_error(None, message)


# --- forms ----------------------------------------------------------------------------------------------------

class PracticeFilterForm(forms.Form):
    item = forms.ChoiceField(label=gettext_lazy("Program item"), required=False)
    scene = forms.ChoiceField(label=gettext_lazy("Scene"), required=False)
    author = forms.ChoiceField(label=gettext_lazy("Written by"), required=False)
    q = forms.CharField(label=gettext_lazy("Words"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search"}))

    def __init__(self, *args, authors=(), **kwargs):
        super().__init__(*args, **kwargs)
        every = [("", _("all"))]
        self.fields["item"].choices = every + _item_choices()
        self.fields["scene"].choices = every + list(Scene.choices)
        self.fields["author"].choices = every + list(authors)


class PracticeForm(forms.ModelForm):
    program_items = forms.MultipleChoiceField(label=gettext_lazy("Program items"), required=False,
                                              widget=forms.CheckboxSelectMultiple)
    scenes = forms.MultipleChoiceField(label=gettext_lazy("Scenes"), choices=Scene.choices, required=False,
                                       widget=forms.CheckboxSelectMultiple)
    offer = forms.ChoiceField(label=gettext_lazy("Offer a copy of"), required=False,
                              help_text=gettext_lazy("One of your own logic models, rules or templates that other "
                                                     "municipalities may copy into their workspace."))

    class Meta:
        model = Practice
        fields = ["title", "summary", "body", "results", "lessons", "program_items", "scenes", "contact", "reach"]
        widgets = {name: forms.Textarea(attrs={"rows": 4}) for name in ("summary", "body", "results", "lessons")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        practice = self.instance
        self.fields["program_items"].choices = _item_choices()
        self.fields["offer"].choices = [("", _("nothing"))] + selectors.offer_choices(
            municipality=practice.municipality if practice.municipality_id else None,
            prefecture=practice.prefecture)
        if practice.offer_kind and practice.offer_id:
            self.initial.setdefault("offer", f"{practice.offer_kind}:{practice.offer_id}")
        add_version_field(self, practice)

    def save(self, commit=False):
        practice = super().save(commit=False)
        kind, _sep, pk = (self.cleaned_data.get("offer") or "").partition(":")
        practice.offer_kind, practice.offer_id = (kind, int(pk)) if kind and pk.isdigit() else ("", None)
        return practice


class MeetingForm(forms.ModelForm):
    held_at = forms.DateTimeField(label=gettext_lazy("Date and time"), input_formats=["%Y-%m-%dT%H:%M"],
                                  widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                             format="%Y-%m-%dT%H:%M"))
    invited = forms.ModelMultipleChoiceField(label=gettext_lazy("Municipalities invited"), required=False,
                                             queryset=Municipality.objects.none(),
                                             widget=forms.CheckboxSelectMultiple)
    practices = forms.ModelMultipleChoiceField(label=gettext_lazy("Practices presented"), required=False,
                                               queryset=Practice.objects.none(), widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = SharingMeeting
        fields = ["title", "held_at", "place", "area_group", "agenda", "invited", "practices"]
        widgets = {"agenda": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, membership=None, **kwargs):
        super().__init__(*args, **kwargs)
        meeting = self.instance
        self.fields["invited"].queryset = selectors.meeting_municipality_choices(meeting)
        self.fields["invited"].label_from_instance = lambda municipality: municipality.name
        self.fields["area_group"].queryset = AreaGroup.objects.filter(prefecture_id=meeting.prefecture_id)
        self.fields["area_group"].required = False
        self.fields["practices"].queryset = selectors.visible_practices(membership).filter(
            status=Practice.Status.PUBLISHED)
        self.fields["agenda"].help_text = _("One item per line.")
        if meeting.pk:
            self.initial["held_at"] = timezone.localtime(meeting.held_at).strftime("%Y-%m-%dT%H:%M")
        add_version_field(self, meeting)


class MinutesForm(forms.Form):
    minutes = forms.CharField(label=gettext_lazy("Minutes"), required=False, widget=forms.Textarea(attrs={"rows": 10}))
    attended = forms.ModelMultipleChoiceField(label=gettext_lazy("Municipalities that attended"), required=False,
                                              queryset=Municipality.objects.none(),
                                              widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, meeting: SharingMeeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attended"].queryset = meeting.invited.order_by("code")
        self.fields["attended"].label_from_instance = lambda municipality: municipality.name
        self.initial.setdefault("minutes", meeting.minutes)
        self.initial.setdefault("attended", list(meeting.attended.values_list("pk", flat=True)))
        add_version_field(self, meeting)


# --- practices --------------------------------------------------------------------------------------------------

@policy.requires(VIEW)
def practice_list_view(request):
    membership = request.membership
    form = PracticeFilterForm(request.GET or None, authors=selectors.author_choices(membership))
    filters = form.cleaned_data if form.is_valid() else {}
    practices = selectors.practice_list(membership, item=filters.get("item", ""), scene=filters.get("scene", ""),
                                        author=filters.get("author", ""), q=filters.get("q", ""))
    context = {"form": form, "practices": practices}
    if request.headers.get("HX-Request"):
        return render(request, "region/practices/_results.html", context)
    return render(request, "region/practices/list.html", context, status=400 if form.errors else 200)


def _detail_context(request, practice: Practice) -> dict:
    membership = request.membership
    offered = selectors.offered_object(practice)
    meetings = selectors.visible_meetings(membership).filter(practices=practice).order_by("-held_at")
    return {
        "practice": practice,
        "offered": offered, "offered_label": selectors.offer_label(practice.offer_kind, offered) if offered else "",
        "copies": selectors.copy_rows(selectors.copies_of(practice, membership)),
        "meetings": list(meetings),
    }


@policy.requires(VIEW, get_object=_practice)
def practice_detail_view(request, practice_id, obj):
    return render(request, "region/practices/detail.html", _detail_context(request, obj))


def _practice_form(request, practice: Practice):
    form = PracticeForm(request.POST or None, instance=practice)
    if request.method == "POST" and form.is_valid():
        written = form.save()
        try:
            services.practice_save(membership=request.membership, practice=written,
                                   expected_version=form.cleaned_data.get("version"))
        except StaleEdit as stale:
            stored = stale.current
            return render_conflict(request, "region/practices/form.html", {"practice": stored}, form=form,
                                   current_form=PracticeForm(instance=stored), stale=stale,
                                   rebind=lambda data: PracticeForm(data, instance=stored))
        except services.PracticeError as error:
            _add_problems(form, error)
        else:
            messages.success(request, _("Saved the practice."))
            return redirect("region:practice_detail", practice_id=written.pk)
    return render(request, "region/practices/form.html", {"form": form, "practice": practice},
                  status=400 if form.errors else 200)


@policy.requires(WRITE)
def practice_new_view(request):
    membership = request.membership
    organization = membership.organization
    if membership.role in (Role.MUNICIPAL_STAFF, Role.COORDINATOR) and organization.municipality_id:
        practice = Practice(municipality=organization.municipality, prefecture_id=organization.prefecture_id)
    elif membership.role == Role.PREFECTURE_STAFF:
        practice = Practice(prefecture_id=organization.prefecture_id)
    else:
        raise PermissionDenied("no author to write for")
    policy.require(membership, WRITE, practice.municipality or practice.prefecture)
    return _practice_form(request, practice)


@policy.requires(WRITE, get_object=_practice)
def practice_edit_view(request, practice_id, obj):
    return _practice_form(request, obj)


def _status_change(request, practice: Practice, service, done: str):
    if request.method != "POST":
        return redirect("region:practice_detail", practice_id=practice.pk)
    try:
        service(membership=request.membership, practice=practice,
                expected_version=parse_version(request.POST.get("version")))
    except StaleEdit:
        messages.error(request, _("Someone else changed this practice: check it and try again."))
        return render(request, "region/practices/detail.html", _detail_context(request, _practice(
            request, practice.pk)), status=409)
    except services.PracticeError as error:
        for message in error.messages:
            messages.error(request, message)
        return render(request, "region/practices/detail.html", _detail_context(request, practice), status=400)
    messages.success(request, done)
    return redirect("region:practice_detail", practice_id=practice.pk)


@policy.requires(WRITE, get_object=_practice)
def practice_publish_view(request, practice_id, obj):
    return _status_change(request, obj, services.practice_publish, _("Published the practice."))


@policy.requires(WRITE, get_object=_practice)
def practice_withdraw_view(request, practice_id, obj):
    return _status_change(request, obj, services.practice_withdraw, _("Withdrew the practice."))


class CopyForm(forms.Form):
    effective_from = forms.DateField(label=gettext_lazy("The copied rule applies from"), required=False,
                                     widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                                     help_text=gettext_lazy("Empty: the first day of next month."))


@policy.requires(COPY, get_object=_practice)
def practice_copy_view(request, practice_id, obj):
    membership = request.membership
    municipality = membership.organization.municipality
    if municipality is None:
        raise Http404("no municipality to copy into")
    policy.require(membership, COPY, municipality)
    offered = selectors.offered_object(obj)
    form = CopyForm(request.POST or None)
    context = {"practice": obj, "municipality": municipality, "form": form,
               "offered_label": selectors.offer_label(obj.offer_kind, offered) if offered else "",
               "is_rule": obj.offer_kind == "rule_set"}
    if request.method == "POST" and form.is_valid():
        try:
            copy = services.practice_copy(membership=membership, practice=obj, municipality=municipality,
                                          effective_from=form.cleaned_data.get("effective_from"))
        except services.PracticeError as error:
            _add_problems(form, error)
        else:
            messages.success(request, _("Copied into your municipality."))
            return redirect(f"{_copies_url()}#copy-{copy.pk}")
    return render(request, "region/practices/copy_confirm.html", context, status=400 if form.errors else 200)


def _copies_url() -> str:
    from django.urls import reverse

    return reverse("region:practice_copies")


@policy.requires(VIEW)
def practice_copies_view(request):
    """The copies made into the member's municipality, each with "copied from …"."""
    return render(request, "region/practices/copies.html",
                  {"copies": selectors.copy_rows(selectors.copies_into(request.membership))})


# --- sharing meetings ---------------------------------------------------------------------------------------------

@policy.requires(VIEW_MEETINGS)
def meeting_list_view(request):
    upcoming, past = selectors.meeting_list(request.membership)
    convener = _convener_of(request.membership)
    may_plan = convener is not None and policy.check(request.membership, MANAGE_MEETINGS, convener)
    return render(request, "region/practices/meeting_list.html", {"upcoming": upcoming, "past": past,
                                                                  "may_plan": may_plan})


def _convener_of(membership):
    """The place a member convenes meetings for: their prefecture (prefecture staff) or municipality."""
    organization = membership.organization
    if membership.role == Role.PREFECTURE_STAFF:
        return organization.prefecture
    if membership.role == Role.MUNICIPAL_STAFF and organization.municipality_id:
        return organization.municipality
    return None


def _meeting_form(request, meeting: SharingMeeting):
    membership = request.membership
    form = MeetingForm(request.POST or None, instance=meeting, membership=membership)
    if request.method == "POST" and form.is_valid():
        edited = form.save(commit=False)
        try:
            meeting_services.meeting_save(membership=membership, meeting=edited,
                                          invited=list(form.cleaned_data["invited"]),
                                          practices=list(form.cleaned_data["practices"]),
                                          expected_version=form.cleaned_data.get("version"))
        except StaleEdit as stale:
            stored = stale.current
            return render_conflict(request, "region/practices/meeting_form.html", {"meeting": stored}, form=form,
                                   current_form=MeetingForm(instance=stored, membership=membership), stale=stale,
                                   rebind=lambda data: MeetingForm(data, instance=stored, membership=membership))
        except services.PracticeError as error:
            _add_problems(form, error)
        else:
            messages.success(request, _("Saved the meeting."))
            return redirect("region:meeting_detail", sharing_meeting_id=edited.pk)
    return render(request, "region/practices/meeting_form.html", {"form": form, "meeting": meeting},
                  status=400 if form.errors else 200)


@policy.requires(MANAGE_MEETINGS)
def meeting_new_view(request):
    membership = request.membership
    convener = _convener_of(membership)
    if convener is None:
        raise PermissionDenied("no convener")
    policy.require(membership, MANAGE_MEETINGS, convener)
    organization = membership.organization
    meeting = SharingMeeting(prefecture_id=organization.prefecture_id,
                             municipality=convener if isinstance(convener, Municipality) else None)
    return _meeting_form(request, meeting)


@policy.requires(MANAGE_MEETINGS, get_object=_meeting)
def meeting_edit_view(request, sharing_meeting_id, obj):
    return _meeting_form(request, obj)


@policy.requires(VIEW_MEETINGS, get_object=_meeting)
def meeting_detail_view(request, sharing_meeting_id, obj):
    meeting = selectors.meeting_with_details(obj.pk)
    attended_ids = {m.pk for m in meeting.attended.all()}
    return render(request, "region/practices/meeting_detail.html", {
        "meeting": meeting, "attended_ids": attended_ids, "is_past": meeting.held_at <= timezone.now(),
        "agenda_items": [line.strip() for line in meeting.agenda.splitlines() if line.strip()],
        "practices": [p for p in meeting.practices.all() if policy.check(request.membership, VIEW, p)],
    })


@policy.requires(MANAGE_MEETINGS, get_object=_meeting)
def meeting_minutes_view(request, sharing_meeting_id, obj):
    form = MinutesForm(request.POST or None, meeting=obj)
    if request.method == "POST" and form.is_valid():
        try:
            meeting_services.meeting_minutes_save(membership=request.membership, meeting=obj,
                                                  minutes=form.cleaned_data["minutes"],
                                                  attended=list(form.cleaned_data["attended"]),
                                                  expected_version=form.cleaned_data.get("version"))
        except StaleEdit as stale:
            stored = stale.current
            return render_conflict(request, "region/practices/meeting_minutes.html", {"meeting": stored},
                                   form=form, current_form=MinutesForm(meeting=stored), stale=stale,
                                   rebind=lambda data: MinutesForm(data, meeting=stored))
        except services.PracticeError as error:
            _add_problems(form, error)
        else:
            messages.success(request, _("Saved the minutes."))
            return redirect("region:meeting_detail", sharing_meeting_id=obj.pk)
    return render(request, "region/practices/meeting_minutes.html", {"form": form, "meeting": obj},
                  status=400 if form.errors else 200)


@policy.requires(MANAGE_MEETINGS, get_object=_meeting)
def meeting_cancel_view(request, sharing_meeting_id, obj):
    if request.method == "POST":
        try:
            meeting_services.meeting_cancel(membership=request.membership, meeting=obj,
                                            expected_version=parse_version(request.POST.get("version")))
        except StaleEdit:
            messages.error(request, _("Someone else changed this meeting: check it and try again."))
            return redirect("region:meeting_detail", sharing_meeting_id=obj.pk)
        messages.success(request, _("Cancelled the meeting."))
        return redirect("region:meeting_detail", sharing_meeting_id=obj.pk)
    return render(request, "region/practices/meeting_cancel.html", {"meeting": obj})


urlpatterns: list = [
    path("practices/", practice_list_view, name="practice_list"),
    path("practices/new/", practice_new_view, name="practice_new"),
    path("practices/copies/", practice_copies_view, name="practice_copies"),
    path("practices/<int:practice_id>/", practice_detail_view, name="practice_detail"),
    path("practices/<int:practice_id>/edit/", practice_edit_view, name="practice_edit"),
    path("practices/<int:practice_id>/publish/", practice_publish_view, name="practice_publish"),
    path("practices/<int:practice_id>/withdraw/", practice_withdraw_view, name="practice_withdraw"),
    path("practices/<int:practice_id>/copy/", practice_copy_view, name="practice_copy"),
    path("meetings/", meeting_list_view, name="meeting_list"),
    path("meetings/new/", meeting_new_view, name="meeting_new"),
    path("meetings/<int:sharing_meeting_id>/", meeting_detail_view, name="meeting_detail"),
    path("meetings/<int:sharing_meeting_id>/edit/", meeting_edit_view, name="meeting_edit"),
    path("meetings/<int:sharing_meeting_id>/minutes/", meeting_minutes_view, name="meeting_minutes"),
    path("meetings/<int:sharing_meeting_id>/cancel/", meeting_cancel_view, name="meeting_cancel"),
]
