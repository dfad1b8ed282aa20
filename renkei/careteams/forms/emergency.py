"""Forms of the emergency sheet and the death record."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from renkei.core.models import Organization

from ..models import DeathPlace, EmergencySheet
from ..services.emergency import BACKUP_HOSPITAL_KINDS, SHEET_FIELDS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class EmergencySheetForm(forms.ModelForm):
    """The next version of the sheet, started from the current one."""

    class Meta:
        model = EmergencySheet
        fields = list(SHEET_FIELDS)
        widgets = {
            "acp_on": DATE, "doctor_order_on": DATE,
            "acp_summary": forms.Textarea(attrs={"rows": 3}), "doctor_order": forms.Textarea(attrs={"rows": 2}),
            "medications": forms.Textarea(attrs={"rows": 4}), "conditions": forms.Textarea(attrs={"rows": 3}),
            "note": forms.Textarea(attrs={"rows": 2}),
            "after_hours_phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
        }
        help_texts = {
            "doctor_order": _("For example DNAR (do not attempt resuscitation), with its date and the doctor."),
            "after_hours_phone": _("The number the family and the ambulance call at night and on holidays."),
            "backup_hospital": _("The hospital that agreed to admit the patient in an emergency."),
        }

    def __init__(self, *args, patient, **kwargs):
        super().__init__(*args, **kwargs)
        hospitals = Organization.objects.filter(kind__in=BACKUP_HOSPITAL_KINDS, is_active=True)
        if patient.municipality_id:
            hospitals = hospitals.filter(prefecture_id=patient.municipality.prefecture_id)
        self.fields["backup_hospital"].queryset = hospitals.order_by("kana", "name")

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in SHEET_FIELDS}


class DeathRecordForm(forms.Form):
    died_on = forms.DateField(label=_("date of death"), widget=DATE)
    place = forms.ChoiceField(label=_("place of death"), choices=DeathPlace.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean_died_on(self):
        day = self.cleaned_data["died_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date of death cannot be in the future."))
        return day


class CompareForm(forms.Form):
    older = forms.IntegerField(label=_("from version"), min_value=1, max_value=1_000_000)
    newer = forms.IntegerField(label=_("to version"), min_value=1, max_value=1_000_000)


class CountsYearForm(forms.Form):
    year = forms.IntegerField(label=_("fiscal year"), required=False, min_value=2000, max_value=2100)
