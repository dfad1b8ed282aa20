"""Forms of the consent and break-glass screens and of the access history's period filter."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from renkei.core.models import Organization

from .. import access
from ..models import CareTeamMember, Consent, Patient, TeamRole
from ..services.break_glass import DEFAULT_MINUTES

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ConsentForm(forms.Form):
    given_by = forms.ChoiceField(label=_("Given by"), choices=Consent.GivenBy.choices, widget=forms.RadioSelect,
                                 initial=Consent.GivenBy.PATIENT)
    proxy_name = forms.CharField(label=_("Proxy's name"), max_length=80, required=False)
    proxy_relation = forms.CharField(label=_("Proxy's relation to the patient"), max_length=40, required=False,
                                     help_text=_("For example: eldest son, adult guardian (成年後見人)."))
    covers_whole_team = forms.TypedChoiceField(
        label=_("Shared with"), widget=forms.RadioSelect, coerce=lambda v: v == "1", initial="1",
        choices=[("1", _("the whole care team")), ("0", _("only the organizations or roles chosen below"))])
    organizations = forms.ModelMultipleChoiceField(label=_("Organizations"), queryset=Organization.objects.none(),
                                                   required=False, widget=forms.CheckboxSelectMultiple)
    roles = forms.MultipleChoiceField(label=_("Roles on the team"), choices=TeamRole.choices, required=False,
                                      widget=forms.CheckboxSelectMultiple)
    purposes = forms.MultipleChoiceField(label=_("Purposes"), choices=Consent.Purpose.choices,
                                         widget=forms.CheckboxSelectMultiple, initial=[Consent.Purpose.CARE])
    consented_on = forms.DateField(label=_("Consented on"), widget=DATE)
    paper_reference = forms.CharField(label=_("Paper form"), max_length=120, required=False,
                                      help_text=_("Where the signed paper is kept, or its number."))
    form_file = forms.FileField(label=_("Scanned form (photo or PDF)"), required=False)

    def __init__(self, *args, patient: Patient, **kwargs):
        super().__init__(*args, **kwargs)
        org_ids = (CareTeamMember.objects.filter(team__patient=patient, organization__isnull=False)
                   .values_list("organization_id", flat=True))
        self.fields["organizations"].queryset = Organization.objects.filter(pk__in=org_ids).order_by("kana", "pk")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("given_by") == Consent.GivenBy.PROXY:
            if not (cleaned.get("proxy_name") or "").strip():
                self.add_error("proxy_name", _("Enter the proxy's name."))
            if not (cleaned.get("proxy_relation") or "").strip():
                self.add_error("proxy_relation", _("Enter the proxy's relation to the patient."))
        if cleaned.get("covers_whole_team") is False and not cleaned.get("organizations") and not cleaned.get("roles"):
            self.add_error("organizations", _("Choose at least one organization or role."))
        return cleaned


class WithdrawForm(forms.Form):
    note = forms.CharField(label=_("Note (who asked, how)"), max_length=200, required=False,
                           help_text=_("For example: the patient's daughter asked by phone."))
    confirm = forms.BooleanField(label=_("I understand that the people this consent covered lose access at once."))


class BreakGlassForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000,
                             help_text=_("Why you need this record now (for example: emergency transport, the "
                                         "team cannot be reached)."))
    minutes = forms.IntegerField(label=_("For how many minutes"), min_value=1, max_value=access.BREAK_GLASS_MINUTES,
                                 initial=DEFAULT_MINUTES)
    confirm = forms.BooleanField(label=_("I understand that this access is logged and reviewed."))


class PatientNumberForm(forms.Form):
    number = forms.IntegerField(label=_("Patient number"), min_value=1, max_value=2**63 - 1)


class ReviewForm(forms.Form):
    note = forms.CharField(label=_("Review note"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)


class PeriodForm(forms.Form):
    since = forms.DateField(label=_("From"), required=False, widget=DATE)
    until = forms.DateField(label=_("Until"), required=False, widget=DATE)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("since") and cleaned.get("until") and cleaned["since"] > cleaned["until"]:
            self.add_error("until", _("The end of the period is before its start."))
        return cleaned
