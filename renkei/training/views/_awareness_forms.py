"""Forms of the awareness screens (staff) and of the residents' questionnaire."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from renkei.core.concurrency import add_version_field
from renkei.core.joint_projects import joint_project_choices
from renkei.core.models import DailyLivingArea, Organization
from renkei.core.uploads import MATERIAL_TYPES

from ..models import AcpIntention, AwarenessActivity, AwarenessResponse, Theme

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
UNDERSTANDING_CHOICES = [("4", _("4: understand well")), ("3", _("3: understand somewhat")),
                         ("2", _("2: understand little")), ("1", _("1: do not understand"))]


class ActivityForm(forms.ModelForm):
    themes = forms.MultipleChoiceField(label=_("Themes"), choices=Theme.choices, required=False,
                                       widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = AwarenessActivity
        fields = ["kind", "title", "description", "themes", "date", "starts_at", "ends_at", "place",
                  "daily_living_area", "audience", "capacity", "attendance", "copies", "how_to_join", "contact",
                  "organizer", "joint_project", "is_published", "is_cancelled"]
        widgets = {"date": DATE, "starts_at": TIME, "ends_at": TIME, "description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, municipality, membership=None, **kwargs):
        super().__init__(*args, **kwargs)
        # 共同実施・委託: only a project the member belongs to (the field refuses any other on the server).
        self.fields["joint_project"].queryset = joint_project_choices(membership, self.instance.joint_project_id)
        self.fields["joint_project"].empty_label = _("(the municipality's own)")
        self.fields["daily_living_area"].queryset = DailyLivingArea.objects.filter(municipality=municipality)
        self.fields["organizer"].queryset = Organization.objects.filter(municipality=municipality).order_by("name")
        self.fields["is_published"].help_text = _("Residents see it on the calendar (published fields only).")
        self.fields["attendance"].help_text = _("A count: residents are not registered by name.")
        add_version_field(self, self.instance)


class MaterialForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    file = forms.FileField(label=_("File"), help_text=_("PDF, Word, Excel, PowerPoint, images, CSV or text."))
    is_public = forms.BooleanField(label=_("Residents may download it from the calendar"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ",".join(sorted(MATERIAL_TYPES))


class LinkForm(forms.Form):
    expires_on = forms.DateField(label=_("Open until"), required=False, widget=DATE,
                                 help_text=_("Empty: 14 days after the activity."))


class AnswerForm(forms.Form):
    """The resident's questionnaire (all questions optional; at least one answered)."""

    understanding_before = forms.ChoiceField(label=_("Before the talk, how well did you understand the theme?"),
                                             choices=UNDERSTANDING_CHOICES, required=False, widget=forms.RadioSelect)
    understanding_after = forms.ChoiceField(label=_("And now, after the talk?"), choices=UNDERSTANDING_CHOICES,
                                            required=False, widget=forms.RadioSelect)
    acp_intention = forms.ChoiceField(label=_("Will you talk with your family about the care you would want "
                                              "(人生会議)?"), choices=AcpIntention.choices, required=False,
                                      widget=forms.RadioSelect)
    age_band = forms.ChoiceField(label=_("Your age"), choices=AwarenessResponse.AgeBand.choices, required=False,
                                 widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Comments (optional)"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}))


class PaperRowForm(forms.Form):
    """One paper form in the quick-entry grid (selects, so a row is typed with the keyboard)."""

    understanding_before = forms.ChoiceField(label=_("Before"), choices=[("", "–"), *[(str(n), str(n)) for n in
                                                                                       (1, 2, 3, 4)]],
                                             required=False)
    understanding_after = forms.ChoiceField(label=_("After"), choices=[("", "–"), *[(str(n), str(n)) for n in
                                                                                     (1, 2, 3, 4)]],
                                            required=False)
    acp_intention = forms.ChoiceField(label=_("ACP with family"), choices=[("", "–"), *AcpIntention.choices],
                                      required=False)
    age_band = forms.ChoiceField(label=_("Age"), choices=[("", "–"), *AwarenessResponse.AgeBand.choices],
                                 required=False)
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000)


PaperFormSet = forms.formset_factory(PaperRowForm, extra=10, max_num=200, absolute_max=200)
