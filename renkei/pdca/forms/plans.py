"""Forms of the plan screens: a new plan period, a goal revision."""

from django import forms
from django.utils.translation import gettext_lazy as _

from renkei.core.models import FOUR_SCENES, Scene


class PlanPeriodForm(forms.Form):
    term_number = forms.IntegerField(label=_("Term (第N期)"), min_value=1, max_value=99, initial=9)
    start_fiscal_year = forms.IntegerField(label=_("First fiscal year"), min_value=2000, max_value=2100,
                                           initial=2024, help_text=_("The plan covers three fiscal years."))
    scenes = forms.MultipleChoiceField(label=_("Scenes"), choices=Scene.choices,
                                       widget=forms.CheckboxSelectMultiple,
                                       initial=[str(s) for s in FOUR_SCENES])


class GoalForm(forms.Form):
    text = forms.CharField(label=_("Goal (目指す姿)"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    reason = forms.CharField(label=_("Reason for the change"), max_length=300, required=False)
