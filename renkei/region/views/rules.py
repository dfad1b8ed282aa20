"""Screens of the wide-area rules part: the prefecture's and 保健所's 退院調整ルール with the municipalities and
hospitals that adopted them, their もれ率 and 入院時情報提供 before and after, and the prefecture's coordination
survey beside the workflow's figures."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from renkei.core import policy
from renkei.core.models import AreaGroup, Municipality
from renkei.core.months import read_month

from ..models import CoordinationSurveyRow, RuleAdoption
from ..policy.rules import is_insider
from ..selectors import rules as selectors
from ..services import rules as services
from ..services.rules import MAX_COUNT

VIEW, MEASURES = "region.view_wide_rules", "region.view_wide_measures"
MANAGE, SURVEYS = "region.manage_adoptions", "region.manage_coordination_surveys"


# --- forms ------------------------------------------------------------------------------------------

class AdoptionForm(forms.Form):
    municipality = forms.ModelChoiceField(label=gettext_lazy("Municipality"), queryset=Municipality.objects.none(),
                                          required=False)
    hospital = forms.ModelChoiceField(label=gettext_lazy("Hospital"), queryset=Municipality.objects.none(),
                                      required=False)
    adopted_on = forms.DateField(label=gettext_lazy("Adopted on"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=gettext_lazy("Note"), max_length=300, required=False)

    def __init__(self, *args, municipalities, hospitals, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities
        self.fields["hospital"].queryset = hospitals
        self.fields["hospital"].label_from_instance = lambda f: f"{f.name}（{f.municipality.name}）"

    def clean(self):
        data = super().clean()
        if bool(data.get("municipality")) == bool(data.get("hospital")):
            raise ValidationError(services.both("市町村か病院のどちらか一つを選んでください。",
                                                 "Choose either a municipality or a hospital."))
        return data


class EndForm(forms.Form):
    ended_on = forms.DateField(label=gettext_lazy("Ended on"), widget=forms.DateInput(attrs={"type": "date"}))


class WindowForm(forms.Form):
    months = forms.IntegerField(label=gettext_lazy("Months before and after"), min_value=1,
                                max_value=selectors.MAX_WINDOW_MONTHS, required=False)


class SurveyForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    area_group = forms.ModelChoiceField(label=gettext_lazy("Area group (二次医療圏)"),
                                        queryset=AreaGroup.objects.none(), required=False)
    month = forms.CharField(label=gettext_lazy("Survey month"), widget=forms.TextInput(attrs={"type": "month"}))

    def __init__(self, *args, area_groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area_group"].queryset = area_groups

    def clean_month(self):
        month = read_month(self.cleaned_data["month"])
        if month is None:
            raise ValidationError(services.both("調査月を YYYY-MM で入力してください。",
                                                "Enter the month as YYYY-MM."))
        return month


class RowForm(forms.Form):
    respondent_kind = forms.ChoiceField(label=gettext_lazy("Respondent"),
                                        choices=CoordinationSurveyRow.RespondentKind.choices)
    respondent_name = forms.CharField(label=gettext_lazy("Hospital or office name"), max_length=200)
    admissions = forms.IntegerField(label=gettext_lazy("Admissions"), min_value=0, max_value=MAX_COUNT, required=False)
    admission_info_missing = forms.IntegerField(label=gettext_lazy("Admissions without admission information"),
                                                min_value=0, max_value=MAX_COUNT, required=False)
    discharges = forms.IntegerField(label=gettext_lazy("Discharges"), min_value=0, max_value=MAX_COUNT, required=False)
    discharge_uncoordinated = forms.IntegerField(label=gettext_lazy("Discharges without coordination"), min_value=0,
                                                 max_value=MAX_COUNT, required=False)


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("CSV or TSV file (UTF-8 or Shift_JIS)"))


MAX_UPLOAD = 2 * 1024 * 1024


# --- loaders ----------------------------------------------------------------------------------------

def load_rule(request, rule_set_id, **kwargs):
    return selectors.wide_rule_for(request.membership, rule_set_id)


def load_adoption(request, adoption_id, **kwargs):
    return get_object_or_404(RuleAdoption.objects.select_related("rule_set__area_group", "municipality", "hospital"),
                             pk=adoption_id)


def load_survey(request, survey_id, **kwargs):
    return selectors.survey_for(request.membership, survey_id)


# --- the rules --------------------------------------------------------------------------------------

@policy.requires(VIEW)
def wide_rules_view(request):
    membership = request.membership
    return render(request, "region/rules/list.html", {
        "rules": selectors.wide_rules_visible(membership),
        "can_see_surveys": policy.check(membership, MEASURES),
        "can_write_rules": policy.check(membership, "handoff.manage_rules"),
    })


def _detail_context(request, rule_set, *, add_form=None, months=None):
    membership = request.membership
    adoptions = selectors.adoptions_of(rule_set)
    window = WindowForm(request.GET or None)
    if months is None:
        months = (window.cleaned_data.get("months") if window.is_valid() else None) or selectors.WINDOW_MONTHS
    figures = (selectors.before_after(membership, rule_set, months=months, adoptions=adoptions)
               if policy.check(membership, MEASURES, rule_set) else None)
    municipalities, hospitals = selectors.area_candidates(rule_set, adoptions)
    can_add = policy.check(membership, MANAGE, rule_set)
    if can_add and not is_insider(membership, None):  # municipal staff: their own municipality only
        own = [m.pk for m in municipalities if is_insider(membership, m.pk)]
        municipalities, hospitals = municipalities.filter(pk__in=own), hospitals.none()
        can_add = bool(own)
    rows = [(a, policy.check(membership, MANAGE, a) and a.ended_on is None) for a in adoptions]
    return {
        "rule": rule_set, "adoptions": rows, "figures": figures, "window": window, "months": months,
        "can_add": can_add,
        "add_form": add_form or AdoptionForm(municipalities=municipalities, hospitals=hospitals),
        "end_form": EndForm(),
        "versions": [r for r in services.same_area_rules(rule_set).order_by("-version")],
        "can_see_surveys": policy.check(membership, MEASURES, rule_set),
        "candidates": (municipalities, hospitals),
    }


@policy.requires(VIEW, get_object=load_rule)
def wide_rule_detail_view(request, rule_set_id, obj):
    return render(request, "region/rules/detail.html", _detail_context(request, obj))


@policy.requires(MANAGE, get_object=load_rule)
def adoption_add_view(request, rule_set_id, obj):
    if request.method != "POST":
        return redirect("region:wide_rule_detail", rule_set_id=obj.pk)
    context = _detail_context(request, obj)
    municipalities, hospitals = context["candidates"]
    form = AdoptionForm(request.POST, municipalities=municipalities, hospitals=hospitals)
    if form.is_valid():
        try:
            services.adoption_record(membership=request.membership, rule_set=obj, **form.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("The adoption is recorded."))
            return redirect("region:wide_rule_detail", rule_set_id=obj.pk)
    context["add_form"] = form
    return render(request, "region/rules/detail.html", context, status=400)


@policy.requires(MANAGE, get_object=load_adoption)
def adoption_end_view(request, adoption_id, obj):
    if request.method == "POST":
        form = EndForm(request.POST)
        if form.is_valid():
            try:
                services.adoption_end(membership=request.membership, adoption=obj, **form.cleaned_data)
            except ValidationError as error:
                for message in error.messages:
                    messages.error(request, message)
            else:
                messages.success(request, _("The adoption is ended."))
        else:
            messages.error(request, services.both("終了日を入力してください。", "Enter the end date."))
    return redirect("region:wide_rule_detail", rule_set_id=obj.rule_set_id)


# --- the coordination survey ------------------------------------------------------------------------

@policy.requires(MEASURES)
def survey_list_view(request):
    membership = request.membership
    return render(request, "region/rules/survey_list.html", {
        "surveys": selectors.visible_surveys(membership), "can_manage": policy.check(membership, SURVEYS)})


@policy.requires(SURVEYS)
def survey_new_view(request):
    membership = request.membership
    area_groups = selectors.manageable_area_groups(membership)
    form = SurveyForm(request.POST or None, area_groups=area_groups)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                survey = services.coordination_survey_create(
                    membership=membership, prefecture=membership.organization.prefecture, **form.cleaned_data)
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                return redirect("region:coordination_survey_detail", survey_id=survey.pk)
        status = 400
    return render(request, "region/rules/survey_form.html", {"form": form}, status=status)


def _survey_context(request, survey, *, row_form=None, import_form=None, problems=None):
    membership = request.membership
    return {"page": selectors.survey_page(membership, survey), "survey": survey,
            "can_manage": policy.check(membership, SURVEYS, survey),
            "row_form": row_form or RowForm(), "import_form": import_form or ImportForm(),
            "problems": problems or []}


@policy.requires(MEASURES, get_object=load_survey)
def survey_detail_view(request, survey_id, obj):
    return render(request, "region/rules/survey_detail.html", _survey_context(request, obj))


@policy.requires(SURVEYS, get_object=load_survey)
def survey_row_add_view(request, survey_id, obj):
    if request.method != "POST":
        return redirect("region:coordination_survey_detail", survey_id=obj.pk)
    form = RowForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        hospital = None
        if data["respondent_kind"] == CoordinationSurveyRow.RespondentKind.HOSPITAL:
            hospital = services.prefecture_hospitals(obj.prefecture_id).get(
                services._name_key(data["respondent_name"]))
        try:
            services.coordination_row_add(membership=request.membership, survey=obj,
                                          row=services.RowInput(hospital=hospital, **data))
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("The answer is added."))
            return redirect("region:coordination_survey_detail", survey_id=obj.pk)
    return render(request, "region/rules/survey_detail.html", _survey_context(request, obj, row_form=form),
                  status=400)


@policy.requires(SURVEYS, get_object=load_survey)
def survey_import_view(request, survey_id, obj):
    if request.method != "POST":
        return redirect("region:coordination_survey_detail", survey_id=obj.pk)
    form = ImportForm(request.POST, request.FILES)
    problems = []
    if form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            problems = [(0, services.both("ファイルが大きすぎます（2MBまで）。",
                                          "The file is too large (2 MB at most)."))]
        else:
            try:
                count = services.coordination_rows_import(membership=request.membership, survey=obj,
                                                          content=upload.read())
            except services.SurveyImportError as error:
                problems = error.problems
            else:
                messages.success(request, _("%(count)d answers imported.") % {"count": count})
                return redirect("region:coordination_survey_detail", survey_id=obj.pk)
    return render(request, "region/rules/survey_detail.html",
                  _survey_context(request, obj, import_form=form, problems=problems), status=400)


urlpatterns: list = [
    path("rules/", wide_rules_view, name="wide_rules"),
    path("rules/<int:rule_set_id>/", wide_rule_detail_view, name="wide_rule_detail"),
    path("rules/<int:rule_set_id>/adoptions/new/", adoption_add_view, name="adoption_add"),
    path("rules/adoptions/<int:adoption_id>/end/", adoption_end_view, name="adoption_end"),
    path("rules/surveys/", survey_list_view, name="coordination_survey_list"),
    path("rules/surveys/new/", survey_new_view, name="coordination_survey_new"),
    path("rules/surveys/<int:survey_id>/", survey_detail_view, name="coordination_survey_detail"),
    path("rules/surveys/<int:survey_id>/rows/new/", survey_row_add_view, name="coordination_survey_row_add"),
    path("rules/surveys/<int:survey_id>/import/", survey_import_view, name="coordination_survey_import"),
]
