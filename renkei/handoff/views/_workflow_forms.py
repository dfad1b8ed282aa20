"""Forms of the workflow screens: recording an admission, a discharge learned afterwards, and each action."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from renkei.core.models import Profession

from ..factors import DIFFICULTY_FACTORS
from ..models import AdmissionKind, Channel, DischargeDestination, Exchange
from ..selectors import workflow as selectors

DATETIME = {"widget": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "input_formats": ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]}
DATE = {"widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


def now_minute():
    return timezone.localtime().replace(second=0, microsecond=0)


class HospitalChoiceForm(forms.Form):
    """A hospital picked from the directory: the choices are the search's results (and the one already posted)."""

    hospital = forms.TypedChoiceField(label=_("hospital"), coerce=int, widget=forms.RadioSelect)

    def __init__(self, *args, prefecture_id=None, query="", **kwargs):
        super().__init__(*args, **kwargs)
        found = selectors.hospitals(prefecture_id=prefecture_id, query=query)
        posted = self.data.get("hospital") if self.is_bound else None
        if posted and not any(str(f.pk) == str(posted) for f in found):
            extra = selectors.hospital(posted)
            if extra is not None and (not prefecture_id or extra.prefecture_id == prefecture_id):
                found.insert(0, extra)
        self.hospitals = found
        self.fields["hospital"].choices = [(f.pk, self._label(f)) for f in found]

    @staticmethod
    def _label(facility) -> str:
        where = facility.municipality.name if facility.municipality_id else ""
        renkei = _("on Renkei") if facility.organization_id else _("not on Renkei: FAX/phone")
        return f"{facility.name}（{where}）— {renkei}"

    def clean_hospital(self):
        facility = selectors.hospital(self.cleaned_data["hospital"])
        if facility is None:
            raise forms.ValidationError(_("Choose a hospital or a clinic with beds."))
        return facility


class OpenForm(HospitalChoiceForm):
    admitted_at = forms.DateTimeField(label=_("admitted at (date and time)"), initial=now_minute, **DATETIME)
    admission_kind = forms.ChoiceField(label=_("admission"), choices=AdmissionKind.choices,
                                       initial=AdmissionKind.EMERGENCY, widget=forms.RadioSelect)
    ward = forms.CharField(label=_("ward or department"), max_length=80, required=False)
    planned_stay_days = forms.IntegerField(label=_("planned stay (days), for a planned admission"), min_value=1,
                                           max_value=365, required=False)


class AfterwardsForm(HospitalChoiceForm):
    admitted_at = forms.DateTimeField(label=_("admitted at (date and time)"), **DATETIME)
    discharged_at = forms.DateTimeField(label=_("discharged at (date and time)"), **DATETIME)
    destination = forms.ChoiceField(label=_("discharged to"), choices=DischargeDestination.choices,
                                    initial=DischargeDestination.HOME)
    admission_kind = forms.ChoiceField(label=_("admission"), choices=AdmissionKind.choices,
                                       initial=AdmissionKind.EMERGENCY, widget=forms.RadioSelect)

    def clean(self):
        data = super().clean()
        if data.get("admitted_at") and data.get("discharged_at") and data["discharged_at"] < data["admitted_at"]:
            self.add_error("discharged_at", _("The discharge is before the admission."))
        if data.get("discharged_at") and data["discharged_at"] > timezone.now():
            self.add_error("discharged_at", _("This form is for a discharge that has already happened."))
        return data


class StepCompleteForm(forms.Form):
    done_at = forms.DateTimeField(label=_("done at"), initial=now_minute, **DATETIME)
    channel = forms.ChoiceField(label=_("how"), choices=Channel.choices, initial=Channel.RENKEI)
    note = forms.CharField(label=_("note"), max_length=300, required=False)


class NotNeededForm(forms.Form):
    note = forms.CharField(label=_("why the step is not needed"), max_length=300)


YES_NO_UNKNOWN = (("yes", _("yes")), ("no", _("no")), ("unknown", _("not known")))


class ScreeningForm(forms.Form):
    needs_coordination = forms.TypedChoiceField(
        label=_("needs discharge coordination"), choices=(("yes", _("yes")), ("no", _("no"))), initial="yes",
        coerce=lambda v: v == "yes", widget=forms.RadioSelect)
    difficulty_factors = forms.MultipleChoiceField(label=_("factors making discharge difficult (退院困難な要因)"),
                                                   choices=DIFFICULTY_FACTORS, required=False,
                                                   widget=forms.CheckboxSelectMultiple)
    has_key_person = forms.ChoiceField(label=_("has a key person"), choices=YES_NO_UNKNOWN, initial="unknown",
                                       widget=forms.RadioSelect)
    contact_name = forms.CharField(label=_("discharge contact (name), if not you"), max_length=80, required=False)
    contact_phone = forms.CharField(label=_("discharge contact (phone)"), max_length=20, required=False)

    def clean_has_key_person(self):
        return {"yes": True, "no": False}.get(self.cleaned_data["has_key_person"])


class PlannedDischargeForm(forms.Form):
    planned_on = forms.DateField(label=_("planned discharge date"), **DATE)
    tell_care_manager = forms.BooleanField(label=_("this tells the care manager of the planned discharge"),
                                           required=False, initial=True)
    channel = forms.ChoiceField(label=_("how the care manager was told"), choices=Channel.choices,
                                initial=Channel.RENKEI)


class ExchangeForm(forms.Form):
    occurred_at = forms.DateTimeField(label=_("when"), initial=now_minute, **DATETIME)
    direction = forms.ChoiceField(label=_("direction"), choices=Exchange.Direction.choices)
    channel = forms.ChoiceField(label=_("how"), choices=Channel.choices, initial=Channel.INTERVIEW)
    professions = forms.MultipleChoiceField(label=_("professions taking part"), choices=Profession.choices,
                                            required=False, widget=forms.CheckboxSelectMultiple)
    summary = forms.CharField(label=_("what was exchanged"), max_length=300, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))


class DischargeForm(forms.Form):
    discharged_at = forms.DateTimeField(label=_("discharged at (date and time)"), initial=now_minute, **DATETIME)
    destination = forms.ChoiceField(label=_("discharged to"), choices=DischargeDestination.choices,
                                    initial=DischargeDestination.HOME)


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("why this admission was recorded by mistake"), max_length=200)
