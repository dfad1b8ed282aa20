"""Backup beds: a hospital's enrolment list, proposing, accepting or declining, ending; emergency admissions;
the patient's "who to call now" page and linking the team to a cover group."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from django.views.decorators.http import require_POST

from renkei.careteams import frame
from renkei.careteams.selectors.patients import record_read
from renkei.core import policy
from renkei.core.second_factor import recent_second_factor

from ..forms import AdmissionForm, ArrangeForm, EnrolmentForm
from ..models import CoverGroup, PatientEnrolment
from ..selectors import contacts
from ..selectors import enrolments as selectors
from ..services import enrolments as services
from ..services import rota as rota_services
from . import _loaders

CONTACTS_READ = gettext_noop("who to call now")
ENROLMENT_READ = gettext_noop("backup hospital enrolment")

frame.register_tab("provision", gettext_lazy("Who to call"), "provision:patient_contacts", "provision.view_contacts",
                   order=45)


@policy.requires("provision.list_enrolments")
def enrolment_list_view(request):
    status = request.GET.get("status", "")
    return render(request, "provision/enrolment_list.html", {
        "enrolments": selectors.hospital_enrolments(request.membership, status=status), "status": status,
        "statuses": PatientEnrolment.Status.choices})


@policy.requires("provision.view_contacts", get_object=_loaders.patient)
def patient_contacts_view(request, patient_id, obj):
    record_read(obj, what=CONTACTS_READ, permission="provision.view_contacts")
    membership = request.membership
    return render(request, "provision/patient_contacts.html", {
        "patient": obj, "tab": "provision", "plan": contacts.who_to_call_now(obj),
        "enrolments": selectors.patient_enrolments(obj), "admissions": selectors.patient_admissions(obj),
        "may_propose": policy.check(membership, "provision.propose_enrolment", obj),
        "may_arrange": policy.check(membership, "provision.arrange_cover", obj)})


@policy.requires("provision.arrange_cover", get_object=_loaders.patient)
def cover_arrange_view(request, patient_id, obj):
    membership = request.membership
    groups = CoverGroup.objects.filter(Q(municipality_id=obj.municipality_id) | Q(members=membership),
                                       kind=CoverGroup.Kind.DOCTORS, is_active=True).distinct().order_by("name")
    form = ArrangeForm(request.POST or None, groups=groups)
    if request.method == "POST" and form.is_valid():
        try:
            rota_services.cover_arrange(membership=membership, patient=obj, group=form.cleaned_data["group"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The cover group now answers for this patient after hours."))
            return redirect("provision:patient_contacts", patient_id=obj.pk)
    return render(request, "provision/arrange_form.html", {"patient": obj, "tab": "provision", "form": form},
                  status=400 if form.errors else 200)


@policy.requires("provision.propose_enrolment", get_object=_loaders.patient)
@recent_second_factor  # an enrolment lets a hospital read the emergency sheet: like a consent
def enrolment_propose_view(request, patient_id, obj):
    form = EnrolmentForm(request.POST or None, initial={"starts_on": timezone.localdate()},
                         prefecture_id=request.membership.organization.prefecture_id)
    if request.method == "POST" and form.is_valid():
        try:
            services.enrolment_propose(membership=request.membership, patient=obj, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Proposed to the hospital. It becomes valid when the hospital accepts."))
            return redirect("provision:patient_contacts", patient_id=obj.pk)
    return render(request, "provision/enrolment_form.html", {"patient": obj, "tab": "provision", "form": form},
                  status=400 if form.errors else 200)


@require_POST
@policy.requires("provision.decide_enrolment", get_object=_loaders.enrolment)
@recent_second_factor
def enrolment_decide_view(request, enrolment_id, obj):
    accept = request.POST.get("decision") == "accept"
    services.enrolment_decide(membership=request.membership, enrolment=obj, accept=accept)
    messages.success(request, _("Enrolment accepted.") if accept else _("Enrolment declined."))
    return redirect("provision:enrolment_list")


@require_POST
@policy.requires("provision.end_enrolment", get_object=_loaders.enrolment)
def enrolment_end_view(request, enrolment_id, obj):
    services.enrolment_end(membership=request.membership, enrolment=obj)
    messages.success(request, _("Enrolment ended: the hospital no longer reads this patient's emergency sheet."))
    if obj.hospital_id == request.membership.organization_id:
        return redirect("provision:enrolment_list")
    return redirect("provision:patient_contacts", patient_id=obj.patient_id)


@policy.requires("provision.record_admission", get_object=_loaders.patient)
def admission_new_view(request, patient_id, obj):
    record_read(obj, what=ENROLMENT_READ, permission="provision.record_admission")
    form = AdmissionForm(request.POST or None, initial={"admitted_at": timezone.localtime().replace(second=0,
                                                                                                    microsecond=0)})
    if request.method == "POST" and form.is_valid():
        try:
            services.admission_record(membership=request.membership, patient=obj, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Recorded the emergency admission. The care team sees it."))
            return redirect("provision:enrolment_list")
    return render(request, "provision/admission_form.html", {"patient": obj, "form": form},
                  status=400 if form.errors else 200)


urlpatterns = [
    path("enrolments/", enrolment_list_view, name="enrolment_list"),
    path("enrolments/<int:enrolment_id>/decide/", enrolment_decide_view, name="enrolment_decide"),
    path("enrolments/<int:enrolment_id>/end/", enrolment_end_view, name="enrolment_end"),
    path("patients/<int:patient_id>/", patient_contacts_view, name="patient_contacts"),
    path("patients/<int:patient_id>/cover/", cover_arrange_view, name="cover_arrange"),
    path("patients/<int:patient_id>/enrolments/new/", enrolment_propose_view, name="enrolment_propose"),
    path("patients/<int:patient_id>/admissions/new/", admission_new_view, name="admission_new"),
]
