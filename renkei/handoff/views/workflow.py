"""The handoff itself: the list ("what is due from me now" first), the patient's 入退院 tab, recording an
admission or a discharge learned afterwards, the handoff page and each action on it.

Every view asks the policy through its decorator; the handoff page shows only the actions the viewer's policy
allows (no link leads to a 403). Actions are a GET form and its POST, so they work without JavaScript.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from renkei.careteams.selectors.patients import patient_or_404, record_read
from renkei.core import policy

from ..models import Handoff, HandoffStep, StepKey
from ..selectors import workflow as selectors
from ..selectors.handoffs import HANDOFF_READ, handoff_or_404, pk_or_404
from ..services import handoffs as services
from . import _workflow_forms as forms

PATIENT_HANDOFFS_READ = gettext_noop("patient's admissions and discharges")


def _pk(value) -> int:
    return pk_or_404(value, "handoff")


def _handoff(request, handoff_id, **kwargs) -> Handoff:
    return handoff_or_404(handoff_id)


def _step(request, handoff_id, key, **kwargs) -> HandoffStep:
    handoff = _handoff(request, handoff_id)
    try:
        step = handoff.steps.select_related("rule_step").get(key=key)
    except HandoffStep.DoesNotExist as exc:
        raise Http404("step") from exc
    step.handoff = handoff
    return step


def _patient(request, patient_id, **kwargs):
    return patient_or_404(patient_id)


def _detail(handoff) -> str:
    return reverse("handoff:handoff_detail", kwargs={"handoff_id": handoff.pk})


@policy.requires("handoff.list_handoffs")
def handoff_list_view(request):
    status = request.GET.get("status", "")
    if status not in ("", Handoff.Status.OPEN, Handoff.Status.DISCHARGED):
        status = ""
    data = selectors.handoff_list(request.membership, status=status)
    return render(request, "handoff/workflow/list.html", {
        "data": data, "status": status,
        "statuses": [(Handoff.Status.OPEN, Handoff.Status.OPEN.label),
                     (Handoff.Status.DISCHARGED, Handoff.Status.DISCHARGED.label)]})


@policy.requires("careteams.view_patient", get_object=_patient)
def patient_handoffs_view(request, patient_id, obj):
    record_read(obj, what=PATIENT_HANDOFFS_READ, permission="careteams.view_patient")
    membership = request.membership
    return render(request, "handoff/workflow/patient_tab.html", {
        "patient": obj, "tab": "handoff", "handoffs": selectors.patient_handoff_rows(membership, obj),
        "may_open": policy.check(membership, "handoff.open_handoff", obj)})


def _hospital_form(request, form_class, patient, **initial):
    query = (request.POST.get("q") if request.method == "POST" else request.GET.get("q")) or ""
    prefecture_id = patient.municipality.prefecture_id if patient.municipality_id else None
    form = form_class(request.POST or None, prefecture_id=prefecture_id, query=query, initial=initial)
    return form, query


@policy.requires("handoff.open_handoff", get_object=_patient)
def handoff_open_view(request, patient_id, obj):
    form, query = _hospital_form(request, forms.OpenForm, obj)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            handoff = services.handoff_open(
                membership=request.membership, patient=obj, hospital=data["hospital"],
                admitted_at=data["admitted_at"], admission_kind=data["admission_kind"], ward=data["ward"],
                planned_stay_days=data["planned_stay_days"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Admission recorded. The steps and their deadlines are below."))
            return redirect(_detail(handoff))
    record_read(obj, what=PATIENT_HANDOFFS_READ, permission="handoff.open_handoff")
    return render(request, "handoff/workflow/hospital_form.html", {
        "patient": obj, "tab": "handoff", "form": form, "query": query,
        "title": _("Record an admission"), "submit": _("Record the admission")},
        status=400 if form.errors else 200)


@policy.requires("handoff.open_handoff", get_object=_patient)
def report_afterwards_view(request, patient_id, obj):
    form, query = _hospital_form(request, forms.AfterwardsForm, obj)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            handoff = services.discharge_report_afterwards(
                membership=request.membership, patient=obj, hospital=data["hospital"],
                admitted_at=data["admitted_at"], discharged_at=data["discharged_at"],
                destination=data["destination"], admission_kind=data["admission_kind"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Recorded. A discharge learned of afterwards counts as missed coordination."))
            return redirect(_detail(handoff))
    record_read(obj, what=PATIENT_HANDOFFS_READ, permission="handoff.open_handoff")
    return render(request, "handoff/workflow/hospital_form.html", {
        "patient": obj, "tab": "handoff", "form": form, "query": query, "afterwards": True,
        "title": _("Record a discharge learned of afterwards"), "submit": _("Record")},
        status=400 if form.errors else 200)


@policy.requires("handoff.view_handoff", get_object=_handoff)
def handoff_detail_view(request, handoff_id, obj):
    record_read(obj, what=HANDOFF_READ, permission="handoff.view_handoff")
    membership = request.membership
    page = selectors.handoff_page(membership, obj)
    is_open = obj.status == Handoff.Status.OPEN
    page.update({
        "may_screen": is_open and policy.check(membership, "handoff.do_step", obj),
        "may_plan": is_open and policy.check(membership, "handoff.do_step", obj),
        "may_exchange": policy.check(membership, "handoff.record_exchange", obj),
        "may_discharge": is_open and policy.check(membership, "handoff.record_discharge", obj),
        "may_cancel": policy.check(membership, "handoff.act_as_home", obj),
        "is_hospital_side": policy.check(membership, "handoff.act_as_hospital", obj),
    })
    return render(request, "handoff/workflow/detail.html", page)


def _action(request, *, handoff, form, title: str, submit: str, run, done: str, intro: str = "",
            step: HandoffStep | None = None, after=None, permission: str = "handoff.view_handoff"):
    """A GET form and its POST: run(cleaned_data) calls the service; a ValidationError shows on the form. The
    form's page shows the patient (its header): a logged read under the view's `permission`."""
    if request.method == "POST" and form.is_valid():
        try:
            run(form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, done)
            return redirect(after or _detail(handoff))
    record_read(handoff, what=HANDOFF_READ, permission=permission)
    return render(request, "handoff/workflow/action_form.html", {
        "handoff": handoff, "form": form, "title": title, "submit": submit, "intro": intro, "step": step},
        status=400 if form.errors else 200)


@policy.requires("handoff.do_step", get_object=_step)
def step_complete_view(request, handoff_id, key, obj):
    step = obj
    if step.status != HandoffStep.Status.PENDING or step.key == StepKey.DISCHARGE:
        messages.info(request, _("This step is already recorded."))
        return redirect(_detail(step.handoff))
    on_hospital_side = policy.check(request.membership, "handoff.act_as_hospital", step.handoff)
    intro = "" if on_hospital_side or step.actor == "care_manager" else _(
        "You record what the hospital did: say how it reached you (phone, FAX, in person…).")
    form = forms.StepCompleteForm(request.POST or None, initial={
        "channel": "renkei" if (on_hospital_side or step.actor == "care_manager") else "phone"})
    return _action(request, handoff=step.handoff, form=form, step=step, intro=intro,
                   permission="handoff.do_step",
                   title=_("Done: %(step)s") % {"step": step.rule_step}, submit=_("Record as done"),
                   done=_("Step recorded as done."),
                   run=lambda d: services.step_complete(membership=request.membership, step=step,
                                                        done_at=d["done_at"], channel=d["channel"], note=d["note"]))


@policy.requires("handoff.do_step", get_object=_step)
def step_not_needed_view(request, handoff_id, key, obj):
    step = obj
    form = forms.NotNeededForm(request.POST or None)
    return _action(request, handoff=step.handoff, form=form, step=step,
                   permission="handoff.do_step",
                   title=_("Not needed: %(step)s") % {"step": step.rule_step}, submit=_("Record as not needed"),
                   done=_("Step recorded as not needed."),
                   run=lambda d: services.step_not_needed(membership=request.membership, step=step, note=d["note"]))


@policy.requires("handoff.do_step", get_object=_handoff)
def screening_view(request, handoff_id, obj):
    initial = {"needs_coordination": "yes" if obj.needs_coordination else "no",
               "difficulty_factors": obj.difficulty_factors or [],
               "has_key_person": {True: "yes", False: "no"}.get(obj.has_key_person, "unknown"),
               "contact_name": obj.discharge_contact_name, "contact_phone": obj.discharge_contact_phone}
    form = forms.ScreeningForm(request.POST or None, initial=initial)
    return _action(request, permission="handoff.do_step", handoff=obj, form=form, title=_("Screening (退院困難な要因)"),
                   submit=_("Save the screening"),
                   intro=_("Whether the patient needs discharge coordination, why, and who at the hospital is the "
                           "contact for the discharge."),
                   done=_("Screening recorded."),
                   run=lambda d: services.screening_record(
                       membership=request.membership, handoff=obj, needs_coordination=d["needs_coordination"],
                       difficulty_factors=d["difficulty_factors"], has_key_person=d["has_key_person"],
                       contact_name=d["contact_name"], contact_phone=d["contact_phone"]))


@policy.requires("handoff.do_step", get_object=_handoff)
def planned_discharge_view(request, handoff_id, obj):
    by_hospital = policy.check(request.membership, "handoff.act_as_hospital", obj)
    form = forms.PlannedDischargeForm(request.POST or None, initial={
        "planned_on": obj.planned_discharge_on, "channel": "renkei" if by_hospital else "phone"})
    return _action(request, permission="handoff.do_step",
                   handoff=obj, form=form, title=_("Planned discharge"), submit=_("Save"),
                   intro=_("Telling the care manager at least 3 days before the discharge gives the home time to "
                           "get ready; under 3 days counts as late notice."),
                   done=_("Planned discharge recorded."),
                   run=lambda d: services.planned_discharge_set(
                       membership=request.membership, handoff=obj, planned_on=d["planned_on"],
                       tell_care_manager=d["tell_care_manager"], channel=d["channel"]))


@policy.requires("handoff.record_exchange", get_object=_handoff)
def exchange_view(request, handoff_id, obj):
    form = forms.ExchangeForm(request.POST or None)
    return _action(request, permission="handoff.record_exchange",
                   handoff=obj, form=form, title=_("Record an information exchange"),
                   submit=_("Record"), done=_("Exchange recorded."),
                   intro=_("Every exchange between the hospital and the people at home: a meeting, a conference, "
                           "a call, a document."),
                   run=lambda d: services.exchange_record(
                       membership=request.membership, handoff=obj, occurred_at=d["occurred_at"],
                       direction=d["direction"], channel=d["channel"], professions=d["professions"],
                       summary=d["summary"]))


@policy.requires("handoff.record_discharge", get_object=_handoff)
def discharge_view(request, handoff_id, obj):
    form = forms.DischargeForm(request.POST or None)
    return _action(request, permission="handoff.record_discharge",
                   handoff=obj, form=form, title=_("Record the discharge"), submit=_("Record"),
                   done=_("Discharge recorded."),
                   run=lambda d: services.discharge_record(membership=request.membership, handoff=obj,
                                                           discharged_at=d["discharged_at"],
                                                           destination=d["destination"]))


@policy.requires("handoff.act_as_home", get_object=_handoff)
def cancel_view(request, handoff_id, obj):
    form = forms.CancelForm(request.POST or None)
    return _action(request, permission="handoff.act_as_home",
                   handoff=obj, form=form, title=_("Cancel: recorded by mistake"),
                   submit=_("Cancel this admission"),
                   intro=_("Only for an admission recorded by mistake: it is kept in the log but leaves every list "
                           "and measure."),
                   done=_("The admission was cancelled."),
                   after=reverse("handoff:patient_handoffs", kwargs={"patient_id": obj.patient_id}),
                   run=lambda d: services.handoff_cancel(membership=request.membership, handoff=obj,
                                                         reason=d["reason"]))


urlpatterns: list = [
    path("", handoff_list_view, name="handoff_list"),
    path("patients/<int:patient_id>/", patient_handoffs_view, name="patient_handoffs"),
    path("new/<int:patient_id>/", handoff_open_view, name="handoff_open"),
    path("afterwards/<int:patient_id>/", report_afterwards_view, name="report_afterwards"),
    path("<int:handoff_id>/", handoff_detail_view, name="handoff_detail"),
    path("<int:handoff_id>/steps/<slug:key>/done/", step_complete_view, name="step_complete"),
    path("<int:handoff_id>/steps/<slug:key>/not-needed/", step_not_needed_view, name="step_not_needed"),
    path("<int:handoff_id>/screening/", screening_view, name="screening"),
    path("<int:handoff_id>/planned-discharge/", planned_discharge_view, name="planned_discharge"),
    path("<int:handoff_id>/exchanges/new/", exchange_view, name="exchange_new"),
    path("<int:handoff_id>/discharge/", discharge_view, name="discharge"),
    path("<int:handoff_id>/cancel/", cancel_view, name="cancel"),
]
