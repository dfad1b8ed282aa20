"""Directory screens (surveys): rounds, links to print, review of answers, and the facilities' public answer page.

Staff screens need `directory.manage_surveys` on the round's municipality. The answer page
(`survey_answer`, `survey_answer_thanks`) is public: the personal link is the only credential, and the
page shows nothing but that one facility.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy, gettext_noop, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from renkei.core import audit, policy
from renkei.core.forms import add_service_errors
from renkei.core.middleware import client_ip
from renkei.core.models import DailyLivingArea, Municipality
from renkei.core.selectors import municipality_or_none

from ..models import CollaborationAttribute, Facility, FacilityKind, SurveyInvitation, SurveyResponse, SurveyRound
from ..selectors import corrections as correction_selectors
from ..selectors import surveys as selectors
from ..selectors.facilities import display_value, visible_collaboration_details
from ..services import surveys as services

MANAGE = "directory.manage_surveys"
RESPONDENT_NAMES = gettext_noop("respondent names")  # what the read entries of these screens say was seen
ValueType = CollaborationAttribute.ValueType


# --- loaders (the policy checks the round's municipality or the facility) -------------------------

def _round(request, pk, **kwargs) -> SurveyRound:
    return get_object_or_404(SurveyRound.objects.select_related("municipality", "created_by"), pk=pk)


def _invitation(request, pk, **kwargs) -> SurveyInvitation:
    invitation = get_object_or_404(SurveyInvitation.objects.select_related(
        "facility__municipality", "survey_round__municipality"), pk=pk)
    invitation.municipality = invitation.survey_round.municipality  # what the policy rule looks at
    return invitation


def _response(request, pk, **kwargs) -> SurveyResponse:
    response = get_object_or_404(SurveyResponse.objects.select_related(
        "invitation__facility__municipality", "invitation__survey_round__municipality", "reviewed_by"), pk=pk)
    response.municipality = response.invitation.survey_round.municipality
    return response


def _facility(request, pk, **kwargs) -> Facility:
    return get_object_or_404(Facility.objects.select_related("municipality"), pk=pk)


def _base_url(request) -> str:
    return request.build_absolute_uri("/")[:-1]


def _facility_url(facility: Facility) -> str:
    """The facility's page on the facilities screens when it exists, else its survey history."""
    try:
        return reverse("directory:facility_detail", args=[facility.pk])
    except NoReverseMatch:
        return reverse("directory:survey_facility_history", args=[facility.pk])


def _municipality_for(request) -> Municipality | None:
    """The municipality a member works on: their organization's, or the one chosen (prefecture staff, admin)."""
    code = request.GET.get("municipality") or request.POST.get("municipality") or ""
    if code:
        municipality = municipality_or_none(code)
        if municipality and policy.check(request.membership, MANAGE, municipality):
            return municipality
        return None
    return request.membership.organization.municipality


# --- rounds --------------------------------------------------------------------------------------

@policy.requires(MANAGE)
def survey_round_list_view(request):
    municipality = _municipality_for(request)
    stale_months = 12
    return render(request, "directory/surveys/round_list.html", {
        "rounds": selectors.survey_rounds(request.membership),
        "pending_count": selectors.pending_reviews(request.membership).count(),
        "municipality": municipality,
        "stale_months": stale_months,
        "stale_count": selectors.stale_facilities(municipality, stale_months).count() if municipality else None,
    })


class CandidateFilterForm(forms.Form):
    kind = forms.MultipleChoiceField(label=gettext_lazy("Kind"), choices=FacilityKind.choices, required=False,
                                     widget=forms.CheckboxSelectMultiple)
    area = forms.TypedChoiceField(label=gettext_lazy("Daily living area"), coerce=int, required=False,
                                  empty_value=None)
    stale_months = forms.IntegerField(label=gettext_lazy("Only details older than (months)"), required=False,
                                      min_value=1, max_value=120,
                                      help_text=gettext_lazy("Facilities whose newest confirmation is older "
                                                             "than this, or that have none."))

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        areas = DailyLivingArea.objects.filter(municipality=municipality).order_by("sort_order", "name")
        self.fields["area"].choices = [("", _("All areas"))] + [(a.pk, a.name) for a in areas]


class RoundForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=120)
    message = forms.CharField(label=gettext_lazy("Message to facilities"), required=False,
                              widget=forms.Textarea(attrs={"rows": 4}),
                              help_text=gettext_lazy("Added to the e-mail and shown on the answer page."))
    due_on = forms.DateField(label=gettext_lazy("Answer by"), required=False,
                             widget=forms.DateInput(attrs={"type": "date"}))
    send_email = forms.BooleanField(label=gettext_lazy("E-mail the links to facilities with a known address"),
                                    required=False, initial=True)
    select_all = forms.BooleanField(label=gettext_lazy("Every facility listed below"), required=False)
    facility = forms.TypedMultipleChoiceField(label=gettext_lazy("Facilities"), coerce=int, required=False,
                                              widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = candidates
        self.fields["facility"].choices = [(f.pk, f.name) for f in candidates]

    def clean_due_on(self):
        due_on = self.cleaned_data["due_on"]
        if due_on and due_on < timezone.localdate():
            raise ValidationError(_("The answer date is in the past."))
        return due_on

    def clean(self):
        data = super().clean()
        if not data.get("select_all") and not data.get("facility"):
            raise ValidationError(_("Choose at least one facility."))
        return data

    def chosen(self) -> list[Facility]:
        if self.cleaned_data["select_all"]:
            return list(self.candidates)
        wanted = set(self.cleaned_data["facility"])
        return [f for f in self.candidates if f.pk in wanted]


@policy.requires(MANAGE)
def survey_round_create_view(request):
    municipality = _municipality_for(request)
    if municipality is None:
        return render(request, "directory/surveys/choose_municipality.html", status=400 if
                      request.GET.get("municipality") else 200)
    policy.require(request.membership, MANAGE, municipality)
    filters = CandidateFilterForm(request.GET or None, municipality=municipality)
    criteria = filters.cleaned_data if filters.is_valid() else {}
    candidates = list(selectors.survey_candidates(
        request.membership, municipality, kinds=criteria.get("kind") or None, area_id=criteria.get("area"),
        stale_months=criteria.get("stale_months")))
    form = RoundForm(request.POST or None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        try:
            survey_round, issued = services.survey_round_create(
                municipality=municipality, title=form.cleaned_data["title"], message=form.cleaned_data["message"],
                due_on=form.cleaned_data["due_on"], facilities=form.chosen(), membership=request.membership,
                send_email=form.cleaned_data["send_email"], base_url=_base_url(request))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            emailed = sum(item.emailed for item in issued)
            messages.success(request, ngettext(
                "The round “%(title)s” was created: %(count)s link, %(emailed)s sent by e-mail.",
                "The round “%(title)s” was created: %(count)s links, %(emailed)s sent by e-mail.", len(issued))
                % {"title": survey_round.title, "count": len(issued), "emailed": emailed})
            return _links_page(request, survey_round, issued)
    return render(request, "directory/surveys/round_form.html", {
        "form": form, "filters": filters, "municipality": municipality, "candidates": candidates,
        "query": request.GET.urlencode(),
    }, status=400 if form.errors else 200)


def _links_page(request, survey_round: SurveyRound, issued):
    """The links just issued, to copy, print or fax. Only the hashes are stored: this is the one chance."""
    return render(request, "directory/surveys/links.html", {"survey_round": survey_round, "issued": issued,
                                                            "printed_at": timezone.now()})


@policy.requires(MANAGE, get_object=_round)
def survey_round_detail_view(request, pk, obj):
    invitations = selectors.round_invitations(obj)
    if any(i.latest_response for i in invitations):
        audit.record_read(obj, what=RESPONDENT_NAMES, permission=MANAGE)
    return render(request, "directory/surveys/round_detail.html", {
        "survey_round": obj, "stats": selectors.round_stats(obj), "invitations": invitations,
        "statuses": SurveyInvitation.Status,
    })


@policy.requires(MANAGE, get_object=_round)
def survey_round_remind_view(request, pk, obj):
    """E-mail a new link to every facility with an address that has not answered; the others are printed."""
    if request.method != "POST":
        return redirect("directory:survey_round_detail", pk=obj.pk)
    issued = services.survey_reminders_send(survey_round=obj, membership=request.membership,
                                            base_url=_base_url(request), include_without_email=False)
    without_email = sum(1 for i in selectors.round_invitations(obj)
                        if not i.email and i.status in (SurveyInvitation.Status.SENT, SurveyInvitation.Status.RETURNED))
    messages.success(request, _("%(count)s reminders were sent by e-mail.") % {"count": len(issued)})
    if without_email:
        messages.info(request, _("%(count)s facilities without an e-mail address have not answered: phone them, or "
                                 "print new links for them.") % {"count": without_email})
    return redirect("directory:survey_round_detail", pk=obj.pk)


@policy.requires(MANAGE, get_object=_round)
def survey_round_links_view(request, pk, obj):
    """Issue new links to print for the chosen invitations (all without e-mail when none is chosen)."""
    if request.method != "POST":
        return redirect("directory:survey_round_detail", pk=obj.pk)
    invitations = [i for i in selectors.round_invitations(obj) if i.can_get_new_link]
    chosen = {int(v) for v in request.POST.getlist("invitation") if v.isdecimal()}  # not isdigit(): "²"
    if chosen:
        invitations = [i for i in invitations if i.pk in chosen]
    elif request.POST.get("scope") != "all":
        invitations = [i for i in invitations if not i.email]
    issued = [services.survey_link_reissue(invitation=i, membership=request.membership, base_url=_base_url(request))
              for i in invitations]
    if not issued:
        messages.info(request, _("No link to issue: every invitation is answered, approved or withdrawn."))
        return redirect("directory:survey_round_detail", pk=obj.pk)
    messages.warning(request, _("New links were issued; the previous links of these facilities no longer work."))
    return _links_page(request, obj, issued)


@policy.requires(MANAGE, get_object=_round)
def survey_round_close_view(request, pk, obj):
    if request.method == "POST" and obj.closed_at is None:
        services.survey_round_close(survey_round=obj, membership=request.membership)
        messages.success(request, _("The round was closed: its links no longer work."))
    return redirect("directory:survey_round_detail", pk=obj.pk)


class NewLinkForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("E-mail address"), required=False)


@policy.requires(MANAGE, get_object=_invitation)
def survey_invitation_new_link_view(request, pk, obj):
    """A new link for one facility: e-mailed to the address given, else shown to print (old link refused)."""
    if request.method != "POST":
        return redirect("directory:survey_round_detail", pk=obj.survey_round_id)
    form = NewLinkForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("email", []):
            messages.error(request, error)
        return redirect("directory:survey_round_detail", pk=obj.survey_round_id)
    email = form.cleaned_data["email"]
    try:
        issued = services.survey_link_reissue(invitation=obj, membership=request.membership,
                                              base_url=_base_url(request), send_email=bool(email), email=email)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("directory:survey_round_detail", pk=obj.survey_round_id)
    if issued.emailed:
        messages.success(request, _("A new link was sent to %(email)s.") % {"email": email})
        return redirect("directory:survey_round_detail", pk=obj.survey_round_id)
    return _links_page(request, obj.survey_round, [issued])


@policy.requires(MANAGE, get_object=_invitation)
def survey_invitation_withdraw_view(request, pk, obj):
    if request.method == "POST":
        try:
            services.survey_invitation_withdraw(invitation=obj, membership=request.membership)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The link of %(name)s was withdrawn.") % {"name": obj.facility.name})
    return redirect("directory:survey_round_detail", pk=obj.survey_round_id)


# --- review --------------------------------------------------------------------------------------

@policy.requires(MANAGE)
def survey_review_queue_view(request):
    responses = list(selectors.pending_reviews(request.membership)[:500])
    audit.record_reads(responses, what=RESPONDENT_NAMES, permission=MANAGE)
    corrections = list(correction_selectors.pending_corrections(request.membership)[:500])
    audit.record_reads(corrections, what=RESPONDENT_NAMES, permission="directory.manage_facilities")
    return render(request, "directory/surveys/review_queue.html", {"responses": responses, "corrections": corrections})


class ReviewForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("Note to the facility"), required=False,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=gettext_lazy("Required when you return the answer."))
    corrections = forms.MultipleChoiceField(label=gettext_lazy("Corrections to apply"), required=False,
                                            widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, correction_rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["corrections"].choices = [(row.code, f"{row.label}: {row.answered or '—'}")
                                              for row in correction_rows]
        self.fields["corrections"].initial = [row.code for row in correction_rows]
        if not correction_rows:
            del self.fields["corrections"]


@policy.requires(MANAGE, get_object=_response)
def survey_response_review_view(request, pk, obj):
    rows, correction_rows = selectors.response_diff(obj)
    form = ReviewForm(request.POST or None, correction_rows=correction_rows)
    is_pending = obj.decision == SurveyResponse.Decision.PENDING and \
        obj.invitation.status != SurveyInvitation.Status.WITHDRAWN
    if request.method == "POST" and is_pending and form.is_valid():
        action = request.POST.get("action")
        try:
            if action == "approve":
                services.survey_response_approve(response=obj, membership=request.membership,
                                                 note=form.cleaned_data["note"],
                                                 corrections=form.cleaned_data.get("corrections", []))
                messages.success(request, _("The answers of %(name)s were approved and published.")
                                 % {"name": obj.invitation.facility.name})
                return redirect("directory:survey_review_queue")
            if action == "return":
                services.survey_response_return(response=obj, membership=request.membership,
                                                note=form.cleaned_data["note"])
                messages.success(request, _("The answers were returned to %(name)s.")
                                 % {"name": obj.invitation.facility.name})
                return redirect("directory:survey_review_queue")
            form.add_error(None, _("Choose approve or return."))
        except ValidationError as error:
            add_service_errors(form, error)
    audit.record_read(obj, what=RESPONDENT_NAMES, permission=MANAGE)
    return render(request, "directory/surveys/review.html", {
        "response": obj, "invitation": obj.invitation, "facility": obj.invitation.facility, "rows": rows,
        "correction_rows": correction_rows, "form": form, "is_pending": is_pending,
        "changed_count": sum(row.is_changed for row in rows),
        "facility_url": _facility_url(obj.invitation.facility),
    }, status=400 if form.errors else 200)


@policy.requires(MANAGE, get_object=_facility)
def survey_facility_history_view(request, pk, obj):
    invitations = selectors.facility_survey_history(obj)
    if any(i.responses.all() for i in invitations):
        audit.record_read(obj, what=RESPONDENT_NAMES, permission=MANAGE)
    return render(request, "directory/surveys/facility_history.html", {
        "facility": obj, "invitations": invitations,
        "categories": visible_collaboration_details(obj, request.membership),
    })


# --- the public answer page ----------------------------------------------------------------------

def _yes_no_choices(attribute):
    return [("yes", display_value(attribute, True)), ("no", display_value(attribute, False)),
            ("", _("No answer"))]


def _choices_of(attribute):
    english = get_language() == "en"
    return [(c["code"], c.get("name_en") if english and c.get("name_en") else c["name"]) for c in attribute.choices]


def _field_for(question) -> forms.Field:
    attribute = question.attribute
    common = {"label": question.label, "required": False, "help_text": attribute.help_text}
    if attribute.value_type == ValueType.YES_NO:
        return forms.ChoiceField(choices=_yes_no_choices(attribute), widget=forms.RadioSelect, **common)
    if attribute.value_type == ValueType.CHOICE:
        return forms.ChoiceField(choices=[*_choices_of(attribute), ("", _("No answer"))],
                                 widget=forms.RadioSelect, **common)
    if attribute.value_type == ValueType.MULTI_CHOICE:
        return forms.MultipleChoiceField(choices=_choices_of(attribute), widget=forms.CheckboxSelectMultiple,
                                         **common)
    if attribute.value_type == ValueType.NUMBER:
        return forms.FloatField(min_value=0, widget=forms.NumberInput(attrs={"inputmode": "decimal"}), **common)
    return forms.CharField(max_length=1000, widget=forms.Textarea(attrs={"rows": 2}), **common)


def _initial_for(question):
    value = question.initial
    if question.attribute.value_type == ValueType.YES_NO:
        return "" if value is None else ("yes" if value else "no")
    if question.attribute.value_type == ValueType.MULTI_CHOICE:
        return value or []
    return "" if value is None else value


class AnswerForm(forms.Form):
    """The questions asked of one facility (built from the taxonomy), its public fields, and who answers."""

    phone = forms.CharField(label=gettext_lazy("Phone (public)"), max_length=40, required=False,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
    fax = forms.CharField(label=gettext_lazy("Fax"), max_length=40, required=False,
                          widget=forms.TextInput(attrs={"inputmode": "tel"}))
    website = forms.URLField(label=gettext_lazy("Website"), max_length=500, required=False, assume_scheme="https",
                             widget=forms.TextInput(attrs={"inputmode": "url", "autocomplete": "url"}))
    hours_note = forms.CharField(label=gettext_lazy("Notes on hours"), max_length=1000, required=False,
                                 widget=forms.Textarea(attrs={"rows": 2}))
    respondent_name = forms.CharField(label=gettext_lazy("Your name"), max_length=120,
                                      widget=forms.TextInput(attrs={"autocomplete": "name"}))
    respondent_role = forms.CharField(label=gettext_lazy("Your position"), max_length=120, required=False,
                                      help_text=gettext_lazy("For example 院長, 管理者, 事務長."))
    comment = forms.CharField(label=gettext_lazy("Comment to the municipality"), max_length=4000, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))

    CORRECTION_FIELDS = selectors.CORRECTABLE_FIELDS

    def __init__(self, *args, values: selectors.AnswerFormValues, **kwargs):
        initial = dict(values.corrections, respondent_name=values.respondent_name,
                       respondent_role=values.respondent_role, comment=values.comment)
        super().__init__(*args, initial=initial, **kwargs)
        self.groups = []
        for group in values.groups:
            names = []
            for question in group.questions:
                name = f"a_{question.attribute.code}"
                self.fields[name] = _field_for(question)
                self.initial[name] = _initial_for(question)
                names.append((name, question))
            self.groups.append((group, names))

    def grouped(self):
        """[(group, [(bound field, question), …]), …] for the template."""
        return [(group, [(self[name], question) for name, question in names]) for group, names in self.groups]

    def answers(self) -> dict:
        out = {}
        for _group, names in self.groups:
            for name, question in names:
                value = self.cleaned_data.get(name)
                if question.attribute.value_type == ValueType.YES_NO:
                    value = {"yes": True, "no": False}.get(value)
                out[question.attribute.code] = value
        return out

    def corrections(self) -> dict:
        return {name: self.cleaned_data.get(name) or "" for name in self.CORRECTION_FIELDS}


def _link_error(request, error: services.SurveyLinkError):
    if error.reason == "unknown":
        services.link_attempt_record(ip_address=client_ip(request), kind="bad")
    return render(request, "directory/surveys/answer_invalid.html", {"message": str(error)},
                  status=404 if error.reason == "unknown" else 410)


def _throttled(request):
    return render(request, "directory/surveys/answer_invalid.html", {
        "message": _("Too many attempts from your network. Wait a while before trying again.")}, status=429)


def _invitation_for_link(request, token: str):
    """(invitation, None) for a usable link, or (None, the page that refuses it: throttled, unknown, expired…)."""
    if services.is_link_throttled(ip_address=client_ip(request)):
        return None, _throttled(request)
    try:
        return services.survey_invitation_for_token(token), None
    except services.SurveyLinkError as error:
        return None, _link_error(request, error)


@policy.public
@never_cache
def survey_answer_view(request, token: str):
    """A facility confirms or corrects its details through its personal link (no login)."""
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    invitation, refusal = _invitation_for_link(request, token)
    if refusal is not None:
        return refusal
    values = selectors.answer_form_values(invitation)
    form = AnswerForm(request.POST if request.method == "POST" else None, values=values)
    if request.method == "POST":
        services.link_attempt_record(ip_address=client_ip(request), kind="submit")
        if form.is_valid():
            try:
                services.survey_answer_submit(
                    token=token, answers=form.answers(), corrections=form.corrections(),
                    respondent_name=form.cleaned_data["respondent_name"],
                    respondent_role=form.cleaned_data["respondent_role"], comment=form.cleaned_data["comment"])
            except services.SurveyLinkError as error:
                return _link_error(request, error)
            except ValidationError as error:
                _add_service_errors(form, error)
            else:
                return redirect("directory:survey_answer_thanks", token=token)
    else:
        services.survey_invitation_opened(invitation=invitation)
    return render(request, "directory/surveys/answer.html", {
        "invitation": invitation, "facility": invitation.facility, "survey_round": invitation.survey_round,
        "municipality": invitation.survey_round.municipality, "form": form, "values": values,
        "correction_fields": [form[name] for name in AnswerForm.CORRECTION_FIELDS],
        "identity_fields": [form["respondent_name"], form["respondent_role"], form["comment"]],
    }, status=400 if form.errors else 200)


def _add_service_errors(form: AnswerForm, error: ValidationError) -> None:
    # Collaboration details are the form's "a_<code>" fields; corrections keep their own names.
    add_service_errors(form, error, field_for=lambda key: f"a_{key}" if f"a_{key}" in form.fields else key)


@policy.public
@never_cache
def survey_answer_thanks_view(request, token: str):
    invitation, refusal = _invitation_for_link(request, token)
    if refusal is not None:
        return refusal
    return render(request, "directory/surveys/answer_thanks.html", {
        "invitation": invitation, "facility": invitation.facility, "survey_round": invitation.survey_round,
        "municipality": invitation.survey_round.municipality, "token": token,
    })


urlpatterns = [
    path("surveys/", survey_round_list_view, name="survey_round_list"),
    path("surveys/new/", survey_round_create_view, name="survey_round_create"),
    path("surveys/reviews/", survey_review_queue_view, name="survey_review_queue"),
    path("surveys/<int:pk>/", survey_round_detail_view, name="survey_round_detail"),
    path("surveys/<int:pk>/reminders/", survey_round_remind_view, name="survey_round_remind"),
    path("surveys/<int:pk>/links/", survey_round_links_view, name="survey_round_links"),
    path("surveys/<int:pk>/close/", survey_round_close_view, name="survey_round_close"),
    path("surveys/invitations/<int:pk>/new-link/", survey_invitation_new_link_view, name="survey_invitation_new_link"),
    path("surveys/invitations/<int:pk>/withdraw/", survey_invitation_withdraw_view, name="survey_invitation_withdraw"),
    path("surveys/responses/<int:pk>/", survey_response_review_view, name="survey_response_review"),
    path("surveys/facility/<int:pk>/", survey_facility_history_view, name="survey_facility_history"),
    path("survey/answer/<str:token>/", survey_answer_view, name="survey_answer"),
    path("survey/answer/<str:token>/thanks/", survey_answer_thanks_view, name="survey_answer_thanks"),
]
