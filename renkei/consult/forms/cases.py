"""Forms of the case screens: record or edit a case, add an action, suggest resources, close, reopen, link a
patient, raise an issue. Facilities are picked from the directory by id (the htmx search fills the choices);
an id outside the desk's reach is refused with a message."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from renkei.core.concurrency import add_version_field
from renkei.core.models import DailyLivingArea, Profession, Scene

from ..models import Case, CaseAction, Channel, Outcome, RequesterKind
from ..selectors import cases as selectors

# Person data and free text have a ceiling: a pasted document is refused with a message, not stored.
TEXT_MAX = 4000
DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class FacilityField(forms.IntegerField):
    """A directory facility's id, chosen through the search (radio buttons or checkboxes the search returns)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.HiddenInput)
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**62)
        super().__init__(**kwargs)


class CaseForm(forms.Form):
    received_at = forms.DateTimeField(label=_("Received at"), widget=DATETIME_WIDGET)
    channel = forms.ChoiceField(label=_("How"), choices=Channel.choices)
    requester_kind = forms.ChoiceField(label=_("Who asked"), choices=RequesterKind.choices)
    requester_profession = forms.ChoiceField(label=_("Profession"), required=False,
                                             choices=[("", "—"), *Profession.choices])
    requester_facility = FacilityField(label=_("Organization (from the directory)"))
    requester_organization_name = forms.CharField(
        label=_("Organization, when it is not in the directory"), max_length=120, required=False)
    requester_name = forms.CharField(label=_("Name of the person asking"), max_length=80, required=False,
                                     help_text=_("Shown only on the case page."))
    requester_contact = forms.CharField(label=_("Contact of the person asking"), max_length=120, required=False,
                                        help_text=_("Shown only on the case page."))
    subject_description = forms.CharField(
        label=_("Person concerned (minimum needed)"), max_length=200, required=False,
        help_text=_("Only what the desk needs, e.g. “80s, lives alone, care level 2”. No name."))
    daily_living_area = forms.ModelChoiceField(label=_("Daily living area"), required=False,
                                               queryset=DailyLivingArea.objects.none())
    scene = forms.ChoiceField(label=_("Scene"), required=False, choices=[("", "—"), *Scene.choices])
    topics = forms.ModelMultipleChoiceField(label=_("Topics"), required=False, queryset=None,
                                            widget=forms.CheckboxSelectMultiple)
    question = forms.CharField(label=_("Question"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, data=None, *, desk, case: Case | None = None, **kwargs):
        self.desk = desk
        initial = kwargs.pop("initial", {})
        if case is not None:
            initial = {name: getattr(case, name) for name in (
                "channel", "requester_kind", "requester_profession", "requester_organization_name",
                "requester_name", "requester_contact", "subject_description", "daily_living_area", "scene",
                "question")}
            initial["received_at"] = timezone.localtime(case.received_at)
            initial["requester_facility"] = case.requester_facility_id
            initial["topics"] = list(case.topics.all())
        else:
            initial.setdefault("received_at", timezone.localtime().replace(second=0, microsecond=0))
        super().__init__(data, initial=initial, **kwargs)
        self.fields["daily_living_area"].queryset = DailyLivingArea.objects.filter(municipality=desk.municipality)
        self.fields["topics"].queryset = selectors.topics_for(desk.municipality)
        self.fields["topics"].label_from_instance = lambda t: t.name_ja
        add_version_field(self, case)

    def clean_requester_facility(self):
        pk = self.cleaned_data.get("requester_facility")
        if not pk:
            return None
        facility = selectors.facility_in_reach(self.desk, pk)
        if facility is None:
            raise forms.ValidationError(_("Choose an organization from the directory of this area."))
        return facility

    def clean_received_at(self):
        value = self.cleaned_data["received_at"]
        if value > timezone.now() + dt.timedelta(minutes=5):
            raise forms.ValidationError(_("The time received cannot be in the future."))
        return value

    def chosen_facility(self):
        """The facility the form holds (submitted or stored), for the picker to show it checked."""
        value = self["requester_facility"].value()
        return selectors.facility_in_reach(self.desk, value) if value else None

    def case_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k not in ("topics", "version")}


class ActionForm(forms.Form):
    kind = forms.ChoiceField(label=_("What was done"),
                             choices=[c for c in CaseAction.Kind.choices if c[0] != CaseAction.Kind.RESOURCES])
    done_on = forms.DateField(label=_("Date"), widget=DATE_WIDGET, initial=timezone.localdate)
    referred_to_facility = FacilityField(label=_("Referred to (directory)"))
    referred_to_name = forms.CharField(label=_("Referred to, when not in the directory"), max_length=120,
                                       required=False)
    meeting_on = forms.DateField(label=_("Meeting date"), required=False, widget=DATE_WIDGET)
    follow_up_on = forms.DateField(label=_("Next follow-up"), required=False, widget=DATE_WIDGET)
    note = forms.CharField(label=_("Note"), max_length=TEXT_MAX, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))


class ResourcesForm(forms.Form):
    facilities = forms.TypedMultipleChoiceField(label=_("Resources"), coerce=int, required=False)
    note = forms.CharField(label=_("Why (optional)"), max_length=200, required=False)

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        # The choices are the ids the search offered; the service checks them against the desk's reach.
        ids = [v for v in (data.getlist("facilities") if data is not None else []) if str(v).isdecimal()
               and len(str(v)) < 12]
        self.fields["facilities"].choices = [(v, v) for v in ids]


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    closed_on = forms.DateField(label=_("Closing date"), widget=DATE_WIDGET, initial=timezone.localdate)
    note = forms.CharField(label=_("Outcome note"), max_length=TEXT_MAX, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, data=None, *, case: Case, **kwargs):
        super().__init__(data, **kwargs)
        add_version_field(self, case)


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Why is the case reopened?"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, data=None, *, case: Case, **kwargs):
        super().__init__(data, **kwargs)
        add_version_field(self, case)


class PatientLinkForm(forms.Form):
    patient = forms.TypedChoiceField(label=_("Patient"), coerce=int)

    def __init__(self, data=None, *, case: Case, patients, **kwargs):
        super().__init__(data, **kwargs)
        self.patients = {p.pk: p for p in patients}
        self.fields["patient"].choices = [("", "—")] + [(p.pk, f"{p.name}（{p.kana}）") for p in patients]
        add_version_field(self, case)


class RaiseIssueForm(forms.Form):
    title = forms.CharField(label=_("Issue"), max_length=200,
                            help_text=_("Write the issue in general words: no names, no details that identify "
                                        "the person."))
    description = forms.CharField(label=_("Description"), max_length=TEXT_MAX, required=False,
                                  widget=forms.Textarea(attrs={"rows": 4}),
                                  help_text=_("Without personal data: the council's members read it."))
    scene = forms.ChoiceField(label=_("Scene"), choices=Scene.choices)

    def __init__(self, data=None, *, case: Case, **kwargs):
        super().__init__(data, initial={"scene": case.scene or Scene.DAILY_CARE}, **kwargs)
        add_version_field(self, case)
