"""Forms of the councils' screens: each edit form carries the version it was opened with."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from renkei.core import policy
from renkei.core.concurrency import add_version_field
from renkei.core.models import Membership, Organization, Scene
from renkei.indicators.models import IndicatorDefinition

from ..models import Action, Council, CouncilMember, Issue, Meeting
from ..services.meetings import MATERIAL_TYPES

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
SCENE_CHOICES = Scene.choices


def _membership_label(membership: Membership) -> str:
    return f"{membership.user} ({membership.organization.name})"


class CouncilForm(forms.ModelForm):
    scenes = forms.MultipleChoiceField(label=_("Scenes"), choices=SCENE_CHOICES, required=False,
                                       widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Council
        fields = ["name", "kind", "parent", "purpose", "scenes", "is_active"]

    def __init__(self, *args, municipality=None, **kwargs):
        super().__init__(*args, **kwargs)
        municipality = municipality or self.instance.municipality
        parents = Council.objects.filter(municipality=municipality, parent__isnull=True)
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents
        self.fields["parent"].required = False
        add_version_field(self, self.instance)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == Council.Kind.WORKING_GROUP and not cleaned.get("parent"):
            self.add_error("parent", _("A working group sits under a council: choose it."))
        return cleaned


class CouncilMemberForm(forms.ModelForm):
    class Meta:
        model = CouncilMember
        fields = ["organization", "organization_note", "membership", "person_name", "profession", "position"]

    def __init__(self, *args, council: Council, **kwargs):
        super().__init__(*args, **kwargs)
        municipality = council.municipality
        self.fields["organization"].queryset = Organization.objects.filter(
            prefecture_id=municipality.prefecture_id, is_active=True).filter(
            municipality__in=[municipality.pk, *municipality.wards.values_list("pk", flat=True)]
        ).order_by("name")
        self.fields["organization"].help_text = _("An organization of the municipality, or write its name below.")
        self.fields["membership"].queryset = Membership.objects.filter(
            is_active=True, user__is_active=True, organization__municipality=municipality
        ).select_related("user", "organization").order_by("organization__name")
        self.fields["membership"].label_from_instance = _membership_label
        self.fields["membership"].help_text = _("When the person uses Renkei: they then see this body.")


class MeetingForm(forms.ModelForm):
    scenes = forms.MultipleChoiceField(label=_("Scenes"), choices=SCENE_CHOICES, required=False,
                                       widget=forms.CheckboxSelectMultiple)
    attendees = forms.ModelMultipleChoiceField(label=_("Attendees"), queryset=CouncilMember.objects.none(),
                                               required=False, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Meeting
        fields = ["title", "held_on", "starts_at", "place", "status", "agenda", "attendees", "other_attendees",
                  "minutes", "scenes"]
        widgets = {"held_on": DATE, "starts_at": TIME}

    def __init__(self, *args, council: Council, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = council.members.filter(is_active=True).select_related("organization")
        self.fields["agenda"].help_text = _("One item per line.")
        add_version_field(self, self.instance)


class DecisionForm(forms.Form):
    text = forms.CharField(label=pgettext_lazy("meeting", "Decision"), widget=forms.Textarea(attrs={"rows": 2}),
                           max_length=4000)


class MaterialForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    file = forms.FileField(label=_("File"), help_text=_("PDF, Word, Excel, PowerPoint, images, CSV or text."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ",".join(sorted(MATERIAL_TYPES))


class IssueForm(forms.ModelForm):
    indicators = forms.ModelMultipleChoiceField(label=_("Indicators"), queryset=IndicatorDefinition.objects.none(),
                                                required=False, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Issue
        fields = ["title", "description", "scene", "status", "council", "raised_at", "raised_elsewhere",
                  "indicators"]

    def __init__(self, *args, municipality, membership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["council"].queryset = Council.objects.filter(municipality=municipality)
        self.fields["raised_at"].queryset = (Meeting.objects.filter(council__municipality=municipality)
                                             .select_related("council"))
        self.fields["indicators"].queryset = policy.scope(
            membership, "indicators.view_definitions",
            IndicatorDefinition.objects.filter(is_active=True)).order_by("code")
        add_version_field(self, self.instance)


class ActionForm(forms.ModelForm):
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=Membership.objects.none(), required=False)
    measure_key = forms.ChoiceField(label=_("Measure"), required=False)

    class Meta:
        model = Action
        fields = ["title", "description", "issue", "scene", "measure_key", "owner", "owner_organization", "due_on",
                  "status", "result_note"]
        widgets = {"due_on": DATE}

    def __init__(self, *args, municipality, owners, measures, meeting=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.fields["owner"].label_from_instance = _membership_label
        self.fields["owner"].help_text = _("The body's members who use Renkei and the municipality's staff.")
        self.fields["measure_key"].choices = [("", "—"), *measures]
        self.fields["measure_key"].help_text = _("A measure of the current logic model.")
        issues = Issue.objects.filter(municipality=municipality)
        if meeting is not None:
            issues = issues.filter(council=meeting.council) | issues.filter(raised_at=meeting)
        self.fields["issue"].queryset = issues.distinct()
        self.fields["owner_organization"].queryset = Organization.objects.filter(
            municipality=municipality, is_active=True).order_by("name")
        self.fields["owner_organization"].help_text = _("Left empty: the owner's organization.")
        add_version_field(self, self.instance)


class ActionProgressForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Action.Status.choices)
    result_note = forms.CharField(label=_("Result"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
                                  max_length=4000)

    def __init__(self, *args, action: Action, **kwargs):
        kwargs.setdefault("initial", {"status": action.status, "result_note": action.result_note})
        super().__init__(*args, **kwargs)
        add_version_field(self, action)
