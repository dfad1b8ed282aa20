"""Proposed corrections: a professional proposes new public values for their own facility; the municipality's
staff approve or reject them from the review queue."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from renkei.core import audit, policy
from renkei.core.forms import add_service_errors

from ..models import CorrectionProposal, Facility
from ..selectors import corrections as selectors
from ..selectors import directory as staff_selectors
from ..services import corrections as services


def _facility(request, facility_id, **kwargs) -> Facility:
    facility = staff_selectors.facility_for_page(facility_id)
    if facility is None:
        raise Http404
    return facility


def _proposal(request, proposal_id, **kwargs) -> CorrectionProposal:
    return get_object_or_404(CorrectionProposal.objects.select_related(
        "facility__municipality", "proposed_by__user", "proposed_by__organization", "reviewed_by"), pk=proposal_id)


INPUT_MODES = {"website": "url", "phone": "tel", "fax": "tel"}  # the phone keyboard that fits the field
# The proposer's name is shown to the reviewing staff: logged as a read, like a survey respondent's name.
RESPONDENT_NAMES = gettext_noop("respondent names")


class ProposalForm(forms.Form):
    """The public fields, prefilled with today's values; the service keeps only those that changed."""

    def __init__(self, *args, facility: Facility, **kwargs):
        super().__init__(*args, **kwargs)
        for name in services.PROPOSABLE_FIELDS:
            model_field = Facility._meta.get_field(name)
            if name in services.MULTILINE_FIELDS:
                widget = forms.Textarea(attrs={"rows": 3})
            else:
                widget = forms.TextInput(attrs={"inputmode": INPUT_MODES[name]} if name in INPUT_MODES else {})
            self.fields[name] = forms.CharField(label=model_field.verbose_name, required=False, widget=widget,
                                                initial=getattr(facility, name) or "", strip=False)
        self.fields["comment"] = forms.CharField(
            label=gettext_lazy("Note to the municipality"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
            help_text=gettext_lazy("For example where the new information can be checked."))


@policy.requires(services.PROPOSE, get_object=_facility)
def facility_propose_correction_view(request, facility_id, obj):
    form = ProposalForm(request.POST or None, facility=obj)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in services.PROPOSABLE_FIELDS}
        try:
            services.correction_propose(facility=obj, membership=request.membership, values=values,
                                        comment=form.cleaned_data["comment"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your correction was sent to %(municipality)s. It is published once their "
                                        "staff approve it.") % {"municipality": obj.municipality.name})
            return redirect("directory:facility_propose_correction", facility_id=obj.pk)
    return render(request, "directory/facilities/propose.html", {
        "facility": obj, "form": form, "proposals": selectors.proposals_of(obj, request.membership),
    }, status=400 if form.errors else 200)


class ReviewForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("Note to the proposer"), required=False,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=gettext_lazy("Required when you reject the proposal."))


@policy.requires(services.REVIEW, get_object=_proposal)
def correction_review_view(request, proposal_id, obj):
    form = ReviewForm(request.POST or None)
    is_pending = obj.decision == CorrectionProposal.Decision.PENDING
    if request.method == "POST" and is_pending and form.is_valid():
        action = request.POST.get("action")
        try:
            if action == "approve":
                services.correction_approve(proposal=obj, membership=request.membership,
                                            note=form.cleaned_data["note"])
                messages.success(request, _("The correction of %(name)s was approved and published.")
                                 % {"name": obj.facility.name})
                return redirect("directory:survey_review_queue")
            if action == "reject":
                services.correction_reject(proposal=obj, membership=request.membership, note=form.cleaned_data["note"])
                messages.success(request, _("The correction of %(name)s was rejected.") % {"name": obj.facility.name})
                return redirect("directory:survey_review_queue")
            form.add_error(None, _("Choose approve or reject."))
        except ValidationError as error:
            add_service_errors(form, error)
    if obj.proposed_by_id:
        audit.record_read(obj, what=RESPONDENT_NAMES, permission=services.REVIEW)
    return render(request, "directory/corrections/review.html", {
        "proposal": obj, "facility": obj.facility, "rows": selectors.proposal_rows(obj), "form": form,
        "is_pending": is_pending,
    }, status=400 if form.errors else 200)


urlpatterns = [
    path("facilities/<int:facility_id>/propose/", facility_propose_correction_view,
         name="facility_propose_correction"),
    path("corrections/<int:proposal_id>/", correction_review_view, name="correction_review"),
]
