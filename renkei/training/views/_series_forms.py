"""Forms of the series screens (validation and labels; the services decide and write)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from renkei.core.concurrency import add_version_field
from renkei.core.joint_projects import joint_project_choices
from renkei.core.models import Organization, Profession
from renkei.directory.models import Facility

from ..models import TrainingSeries, TrainingSession
from ..selectors import series as selectors

MAX_UPLOAD_BYTES = 1_000_000


class SeriesForm(forms.ModelForm):
    target_professions = forms.MultipleChoiceField(
        label=_("target professions"), choices=Profession.choices, required=False,
        widget=forms.CheckboxSelectMultiple, help_text=_("None ticked: every profession."))

    class Meta:
        model = TrainingSeries
        fields = ["kind", "title", "description", "fiscal_year", "target_professions", "organizer", "instrument",
                  "joint_project", "is_open_for_registration"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, membership=None, **kwargs):
        super().__init__(*args, **kwargs)
        municipality = self.instance.municipality
        self.fields["organizer"].queryset = Organization.objects.filter(
            municipality=municipality, is_active=True).order_by("name")
        self.fields["instrument"].queryset = selectors.instruments_for(membership, municipality)
        self.fields["instrument"].empty_label = _("(no survey)")
        # 共同実施・委託: only a project the member belongs to (the field refuses any other on the server).
        self.fields["joint_project"].queryset = joint_project_choices(membership, self.instance.joint_project_id)
        self.fields["joint_project"].empty_label = _("(the municipality's own)")
        self.fields["fiscal_year"].widget.attrs.update({"min": 2000, "max": 2100})
        if not self.instance.pk:
            self.initial.setdefault("fiscal_year", selectors.current_fiscal_year())
        add_version_field(self, self.instance)

    def clean_fiscal_year(self):
        year = self.cleaned_data["fiscal_year"]
        if not 2000 <= year <= 2100:
            raise forms.ValidationError(_("Enter a fiscal year between 2000 and 2100."))
        return year


class DateTimeLocal(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class SessionForm(forms.ModelForm):
    video_url = forms.URLField(label=_("video or online link"), required=False, assume_scheme="https")

    class Meta:
        model = TrainingSession
        fields = ["title", "starts_at", "ends_at", "place", "video_url", "capacity"]
        widgets = {"starts_at": DateTimeLocal(), "ends_at": DateTimeLocal()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("starts_at", "ends_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
            if self.instance.pk and getattr(self.instance, name):
                self.initial[name] = timezone.localtime(getattr(self.instance, name)).strftime("%Y-%m-%dT%H:%M")
        add_version_field(self, self.instance)

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The end must come after the start."))
        if not (data.get("place") or "").strip() and not (data.get("video_url") or "").strip():
            self.add_error("place", _("Enter a place or a video link."))
        return data


class RegistrationForm(forms.Form):
    """One participant: a Renkei member, or a name and profession with a directory facility or an organization."""

    member = forms.ModelChoiceField(label=_("Renkei member"), queryset=None, required=False,
                                    empty_label=_("(not a Renkei member)"))
    name = forms.CharField(label=_("name"), max_length=80, required=False)
    profession = forms.ChoiceField(label=_("profession"), choices=[("", "—"), *Profession.choices], required=False)
    profession_other = forms.CharField(label=_("profession (other)"), max_length=60, required=False)
    facility = forms.ModelChoiceField(label=_("organization in the directory"), queryset=None, required=False,
                                      widget=forms.HiddenInput)
    organization_name = forms.CharField(label=_("organization (not in the directory)"), max_length=120,
                                        required=False)
    email = forms.EmailField(label=_("e-mail"), required=False)
    confirm_over_capacity = forms.BooleanField(label=_("Register even beyond the capacity"), required=False)

    def __init__(self, *args, series: TrainingSeries, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = selectors.members_to_register(series)
        self.fields["member"].label_from_instance = (
            lambda m: f"{m.user.display_name or m.user.email} ({m.organization})")
        self.fields["facility"].queryset = Facility.objects.filter(status=Facility.Status.OPEN)

    def clean(self):
        data = super().clean()
        if not data.get("member") and not (data.get("name") or "").strip():
            self.add_error("name", _("Choose a Renkei member or enter the participant's name."))
        return data


class RegistrationImportForm(forms.Form):
    text = forms.CharField(label=_("List (one person a line: name, profession, organization)"), required=False,
                           widget=forms.Textarea(attrs={"rows": 8}))
    file = forms.FileField(label=_("or a CSV file"), required=False)
    confirm_over_capacity = forms.BooleanField(label=_("Register even beyond the capacity"), required=False)

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload is not None and upload.size > MAX_UPLOAD_BYTES:
            self.add_error("file", _("The file is larger than 1 MB."))
        elif upload is None and not (data.get("text") or "").strip():
            self.add_error("text", _("Paste a list or choose a CSV file."))
        return data
