"""Forms of the logic-model screens: outcomes, measures, placements, indicators, the file import."""

from django import forms
from django.utils.translation import gettext_lazy as _

from renkei.core.models import ProgramItem, Scene

from ..models import LogicModelIndicator, Measure


class _EditForm(forms.Form):
    """The edit screen shows several forms at once: each names its inputs' ids after itself (no duplicate ids)."""

    id_prefix = "id"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class OutcomeForm(_EditForm):
    id_prefix = "outcome"
    key = forms.CharField(widget=forms.HiddenInput, required=False)
    scene = forms.ChoiceField(label=_("Scene"), choices=Scene.choices)
    text = forms.CharField(label=_("Intermediate outcome (取り組みの方向性)"),
                           widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)


class MeasureForm(_EditForm):
    id_prefix = "measure"
    key = forms.CharField(widget=forms.HiddenInput, required=False)
    text = forms.CharField(label=_("Measure (具体的な施策)"), widget=forms.Textarea(attrs={"rows": 2}),
                           max_length=1000)
    lead_organizations = forms.ModelMultipleChoiceField(label=_("Lead organizations"), queryset=None,
                                                        required=False)
    lead_note = forms.CharField(label=_("Lead (as written)"), max_length=200, required=False)
    partner_organizations = forms.ModelMultipleChoiceField(label=_("Partner organizations"), queryset=None,
                                                           required=False)
    partner_note = forms.CharField(label=_("Partners (as written)"), max_length=200, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=Measure.Status.choices)
    start_date = forms.DateField(label=_("Start"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(label=_("End"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    program_items = forms.MultipleChoiceField(label=_("Program items"), choices=ProgramItem.choices,
                                              required=False, widget=forms.CheckboxSelectMultiple)
    outcome = forms.ChoiceField(label=_("List under (block)"), required=False)

    def __init__(self, *args, organizations, outcomes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_organizations"].queryset = organizations
        self.fields["partner_organizations"].queryset = organizations
        self.fields["outcome"].choices = [("", _("(not listed yet)"))] + [
            (o.key, f"{o.get_scene_display()}: {o.text[:40]}") for o in outcomes]


class PlacementForm(_EditForm):
    id_prefix = "placement"
    measure = forms.ChoiceField(label=_("Measure"))
    outcome = forms.ChoiceField(label=_("Block (intermediate outcome)"))
    number = forms.IntegerField(label=_("Number"), min_value=1, required=False,
                                help_text=_("Empty: after the last row."))

    def __init__(self, *args, measures=(), outcomes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure"].choices = [(m.key, m.text[:60]) for m in measures]
        self.fields["outcome"].choices = [(o.key, f"{o.get_scene_display()}: {o.text[:40]}") for o in outcomes]


class IndicatorForm(_EditForm):
    id_prefix = "indicator"
    indicator = forms.IntegerField(widget=forms.HiddenInput, required=False)
    outcome = forms.ChoiceField(label=_("Block (intermediate outcome)"))
    label = forms.CharField(label=_("Indicator as written"), max_length=300)
    definition = forms.ModelChoiceField(label=_("Indicator definition"), queryset=None, required=False)
    level = forms.ChoiceField(label=_("Level"), choices=LogicModelIndicator.Level.choices,
                              initial=LogicModelIndicator.Level.OUTCOME)

    def __init__(self, *args, outcomes=(), definitions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = [(o.key, f"{o.get_scene_display()}: {o.text[:40]}") for o in outcomes]
        self.fields["definition"].queryset = definitions


class LogicModelImportForm(forms.Form):
    file = forms.FileField(label=_("Logic model file (.csv or .xlsx)"))
    fiscal_year = forms.IntegerField(label=_("A fiscal year of the plan"), min_value=2000, max_value=2100)


class ExportForm(forms.Form):
    format = forms.ChoiceField(choices=[("xlsx", "Excel (.xlsx)"), ("csv", "CSV")])
    encoding = forms.ChoiceField(choices=[("utf-8-sig", "UTF-8 (BOM)"), ("utf-8", "UTF-8"), ("cp932", "Shift_JIS")],
                                 required=False)
    revision = forms.IntegerField(min_value=1, required=False)
