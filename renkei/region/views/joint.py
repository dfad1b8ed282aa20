"""Joint projects (共同実施・委託) screens (/region/joint/): the list, a project's page with the desks, series and
campaigns attached and each municipality's share of the figures, create, edit (409 on a conflict), end."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from renkei.core import policy
from renkei.core.concurrency import StaleEdit, add_version_field, render_conflict
from renkei.core.forms import add_service_errors
from renkei.core.models import JointProject, Municipality, ProgramItem

from ..selectors import joint as selectors
from ..services import joint as services

VIEW, MANAGE = "region.view_joint_projects", "region.manage_joint_projects"
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class JointProjectForm(forms.ModelForm):
    municipalities = forms.ModelMultipleChoiceField(label=gettext_lazy("municipalities"),
                                                    queryset=Municipality.objects.none(),
                                                    widget=forms.CheckboxSelectMultiple)
    program_items = forms.MultipleChoiceField(label=gettext_lazy("program items"), choices=ProgramItem.choices,
                                              required=False, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = JointProject
        fields = ["name", "lead_municipality", "municipalities", "contractor", "program_items", "started_on",
                  "ended_on", "note"]
        widgets = {"started_on": DATE, "ended_on": DATE, "note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, membership, prefecture_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        choices = selectors.municipality_choices(prefecture_id)
        self.fields["municipalities"].queryset = choices
        # The lead: a municipality the member could manage the project for (their own; any for the prefecture).
        leads = [m.pk for m in choices if policy.check(membership, MANAGE, JointProject(
            lead_municipality=m, prefecture_id=prefecture_id))]
        self.fields["lead_municipality"].queryset = choices.filter(pk__in=leads)
        self.fields["contractor"].queryset = selectors.contractor_choices(prefecture_id)
        self.fields["contractor"].required = False
        self.fields["contractor"].help_text = gettext_lazy("委託先 (a medical association, for example); empty "
                                                           "when the municipalities run it themselves.")
        if self.instance.pk is None:
            del self.fields["ended_on"]
            self.initial.setdefault("started_on", timezone.localdate())
        add_version_field(self, self.instance)


class EndForm(forms.Form):
    ended_on = forms.DateField(label=gettext_lazy("ended on"), widget=DATE)


def _project(request, project_id, **kwargs) -> JointProject:
    return get_object_or_404(JointProject.objects.select_related("prefecture", "lead_municipality", "contractor"),
                             pk=project_id)


@policy.requires(VIEW)
def joint_list(request):
    membership = request.membership
    return render(request, "region/joint/list.html", {
        "projects": selectors.visible_projects(membership), "may_create": policy.check(membership, MANAGE),
        "today": timezone.localdate()})


@policy.requires(MANAGE)
def joint_new(request):
    membership = request.membership
    prefecture_id = membership.organization.prefecture_id
    form = JointProjectForm(request.POST or None, membership=membership, prefecture_id=prefecture_id)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            project = services.joint_project_create(
                membership=membership, name=data["name"], lead_municipality=data["lead_municipality"],
                municipalities=data["municipalities"], contractor=data.get("contractor"),
                program_items=data.get("program_items") or [], started_on=data["started_on"],
                note=data.get("note") or "")
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Created the joint project."))
            return redirect("region:joint_detail", project.pk)
    return render(request, "region/joint/form.html", {"form": form, "project": None},
                  status=400 if request.method == "POST" else 200)


@policy.requires(VIEW, get_object=_project)
def joint_detail(request, project_id, obj):
    year = request.GET.get("year", "")
    fiscal_year = int(year) if year.isdecimal() and 2000 <= int(year) <= 2100 else _current_fiscal_year()
    return render(request, "region/joint/detail.html", {
        "project": obj, "municipalities": list(obj.municipalities.order_by("code")),
        "program_items": [ProgramItem(item).label for item in obj.program_items or [] if item in ProgramItem.values],
        "attached": selectors.attached_work(obj), "shares": selectors.shares(obj, fiscal_year),
        "fiscal_year": fiscal_year, "is_active": selectors.project_is_active(obj),
        "may_manage": policy.check(request.membership, MANAGE, obj),
        "end_form": EndForm(initial={"ended_on": timezone.localdate()})})


def _current_fiscal_year() -> int:
    today = timezone.localdate()
    return today.year if today.month >= 4 else today.year - 1


@policy.requires(MANAGE, get_object=_project)
def joint_edit(request, project_id, obj):
    membership = request.membership

    def build(data=None, instance=obj):
        return JointProjectForm(data, instance=instance, membership=membership, prefecture_id=obj.prefecture_id)

    form = build(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.joint_project_save(membership=membership, project=form.instance,
                                        municipalities=form.cleaned_data["municipalities"],
                                        expected_version=form.cleaned_data.get("version"))
        except StaleEdit as stale:
            current = stale.current
            return render_conflict(request, "region/joint/form.html", {"project": current}, form=form,
                                   current_form=build(instance=current), stale=stale,
                                   rebind=lambda data: build(data, instance=current))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved the joint project."))
            return redirect("region:joint_detail", obj.pk)
    return render(request, "region/joint/form.html", {"form": form, "project": obj},
                  status=400 if request.method == "POST" else 200)


@policy.requires(MANAGE, get_object=_project)
@require_POST
def joint_end(request, project_id, obj):
    form = EndForm(request.POST)
    if form.is_valid():
        try:
            services.joint_project_end(membership=request.membership, project=obj,
                                       ended_on=form.cleaned_data["ended_on"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Ended the joint project."))
    else:
        messages.error(request, _("Enter the date the project ended."))
    return redirect("region:joint_detail", obj.pk)


urlpatterns: list = [
    path("joint/", joint_list, name="joint_list"),
    path("joint/new/", joint_new, name="joint_new"),
    path("joint/<int:project_id>/", joint_detail, name="joint_detail"),
    path("joint/<int:project_id>/edit/", joint_edit, name="joint_edit"),
    path("joint/<int:project_id>/end/", joint_end, name="joint_end"),
]
