"""Forms of the patient and care team screens (Japanese messages come from the translations)."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from renkei.core.concurrency import add_version_field
from renkei.core.models import Organization, Profession

from ..models import KeyPerson, Patient, TeamJoinRequest, TeamRole
from ..services.patients import EDITABLE_FIELDS, KEY_PERSON_FIELDS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DIGITS = re.compile(r"^\d+$")
PROFESSIONAL_ROLES = [(v, label) for v, label in TeamRole.choices if v != TeamRole.FAMILY]


def _digits(value: str, length: int, label) -> str:
    value = (value or "").strip().replace("-", "")
    if value and (not DIGITS.match(value) or len(value) != length):
        raise forms.ValidationError(_("%(label)s is %(n)s digits.") % {"label": label, "n": length})
    return value


class PatientForm(forms.ModelForm):
    class Meta:
        model = Patient
        fields = EDITABLE_FIELDS
        widgets = {"birth_date": DATE, "care_level_valid_from": DATE, "care_level_valid_until": DATE,
                   "main_conditions": forms.Textarea(attrs={"rows": 3}),
                   "allergies": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        add_version_field(self, self.instance)

    def clean_care_insured_number(self):
        return _digits(self.cleaned_data.get("care_insured_number"), 10, _("The care insurance insured number"))

    def clean_care_insurer_number(self):
        return _digits(self.cleaned_data.get("care_insurer_number"), 6, _("The care insurer number"))

    def clean(self):
        data = super().clean()
        start, end = data.get("care_level_valid_from"), data.get("care_level_valid_until")
        if start and end and end < start:
            self.add_error("care_level_valid_until", _("The end date is before the start date."))
        return data

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in EDITABLE_FIELDS if name in self.cleaned_data}


class PatientRegisterForm(PatientForm):
    my_role = forms.ChoiceField(label=_("my role on the team"), choices=PROFESSIONAL_ROLES,
                                initial=TeamRole.CARE_MANAGER)


class PatientStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("status"), choices=[(Patient.Status.ACTIVE, Patient.Status.ACTIVE.label),
                                                           (Patient.Status.ENDED, Patient.Status.ENDED.label)])
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class MyPatientsFilterForm(forms.Form):
    q = forms.CharField(label=_("name or kana"), required=False, max_length=80)
    status = forms.ChoiceField(label=_("status"), required=False,
                               choices=[("", _("all")), *Patient.Status.choices])


class FindPatientForm(forms.Form):
    care_insured_number = forms.CharField(label=_("care insurance insured number"), required=False, max_length=12)
    name = forms.CharField(label=_("name"), required=False, max_length=80)
    kana = forms.CharField(label=_("kana"), required=False, max_length=160)
    birth_date = forms.DateField(label=_("date of birth"), required=False, widget=DATE)

    def clean_care_insured_number(self):
        return _digits(self.cleaned_data.get("care_insured_number"), 10, _("The care insurance insured number"))

    def clean(self):
        data = super().clean()
        if not data.get("care_insured_number") and not (data.get("birth_date") and (data.get("name")
                                                                                   or data.get("kana"))):
            raise forms.ValidationError(_("Enter the care insurance insured number, or the name (or kana) "
                                          "and the date of birth."))
        return data


class KeyPersonForm(forms.ModelForm):
    class Meta:
        model = KeyPerson
        fields = KEY_PERSON_FIELDS

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in KEY_PERSON_FIELDS if name in self.cleaned_data}


class TeamMemberAddForm(forms.Form):
    """A member of an organization picked from the directory's organizations (searched by name)."""

    organization = forms.ModelChoiceField(label=_("organization"), queryset=Organization.objects.filter(
        is_active=True), widget=forms.HiddenInput)
    membership = forms.TypedChoiceField(label=_("person"), required=False, coerce=int, empty_value=None)
    role = forms.ChoiceField(label=_("role on this team"), choices=PROFESSIONAL_ROLES)
    started_on = forms.DateField(label=_("from"), required=False, widget=DATE)
    ended_on = forms.DateField(label=_("until"), required=False, widget=DATE)
    phone = forms.CharField(label=_("phone"), required=False, max_length=20)
    email = forms.EmailField(label=_("e-mail"), required=False)

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["membership"].choices = [("", _("the organization (nobody named yet)")), *people]


class TeamInviteForm(forms.Form):
    organization = forms.ModelChoiceField(label=_("organization"), queryset=Organization.objects.filter(
        is_active=True), widget=forms.HiddenInput)
    person_name = forms.CharField(label=_("full name"), max_length=80)
    email = forms.EmailField(label=_("e-mail"))
    profession = forms.ChoiceField(label=_("profession"), choices=[("", "—"), *Profession.choices], required=False)
    role = forms.ChoiceField(label=_("role on this team"), choices=PROFESSIONAL_ROLES)


class TeamFamilyForm(forms.Form):
    person_name = forms.CharField(label=_("full name"), max_length=80)
    phone = forms.CharField(label=_("phone"), required=False, max_length=20)
    email = forms.EmailField(label=_("e-mail"), required=False)


class TeamMemberEndForm(forms.Form):
    member = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**62)
    ended_on = forms.DateField(label=_("until"), required=False, widget=DATE)


class ExternalLinkForm(forms.Form):
    external_network = forms.CharField(label=_("other network"), required=False, max_length=60,
                                       help_text=_("e.g. MCS"))
    external_url = forms.URLField(label=_("link to the group on that network"), required=False,
                                  assume_scheme="https")


class JoinRequestForm(forms.Form):
    team = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**62)
    role = forms.ChoiceField(label=_("my role on the team"), choices=PROFESSIONAL_ROLES)
    message = forms.CharField(label=TeamJoinRequest._meta.get_field("message").verbose_name, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class JoinDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("accept")), ("decline", _("decline"))])
