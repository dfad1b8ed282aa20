"""Forms of the indicator screens: definitions, one value, targets, package upload."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _

from renkei.core.concurrency import add_version_field
from renkei.core.models.program import ProgramItem, Scene

from .models import AreaLevel, IndicatorDefinition, Origin
from .periods import PeriodError, parse_period
from .services.definitions import CODE_PATTERN

DIRECTION_CHOICES = [("higher", _("higher is better")), ("lower", _("lower is better")),
                     ("neither", _("neither (no good direction)"))]
NUMBER = {"max_digits": 20, "decimal_places": 6}


class DefinitionForm(forms.ModelForm):
    scenes = forms.MultipleChoiceField(label=_("scenes"), choices=Scene.choices, required=False,
                                       widget=forms.CheckboxSelectMultiple)
    program_items = forms.MultipleChoiceField(label=_("program items"), choices=ProgramItem.choices, required=False,
                                              widget=forms.CheckboxSelectMultiple)
    area_levels = forms.MultipleChoiceField(label=_("area levels"), choices=AreaLevel.choices, required=False,
                                            widget=forms.CheckboxSelectMultiple,
                                            help_text=_("None ticked: every level."))
    direction = forms.ChoiceField(label=_("direction"), choices=DIRECTION_CHOICES, initial="neither")
    source_url = forms.URLField(label=_("source address"), required=False, max_length=200, assume_scheme="https")

    class Meta:
        model = IndicatorDefinition
        fields = ["code", "name_ja", "name_en", "description", "kind", "scenes", "program_items", "numerator_label",
                  "denominator_label", "factor", "unit", "decimals", "data_source", "source_url", "vintage_note",
                  "caveat", "period_type", "area_levels", "suppression_threshold", "origin", "is_shared",
                  "is_active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}), "caveat": forms.Textarea(attrs={"rows": 2})}
        help_texts = {
            "denominator_label": _("Leave blank for a plain count."),
            "suppression_threshold": _("Public pages show counts below this as “<N” (0: never)."),
            "is_shared": _("Other municipalities of your prefecture may use this indicator."),
        }

    def __init__(self, *args, may_compute: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        instance = self.instance
        if instance.higher_is_better is not None:
            self.fields["direction"].initial = "higher" if instance.higher_is_better else "lower"
        if not may_compute:  # a provider computes values only for the built-in library
            self.fields["origin"].choices = [(v, label) for v, label in Origin.choices if v != Origin.COMPUTED]
        if instance.owner_municipality_id is None:
            del self.fields["is_shared"]  # a prefecture's definitions are its municipalities' already
        add_version_field(self, instance)

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if not CODE_PATTERN.match(code):
            raise forms.ValidationError(_("Use letters, digits, “_”, “.” or “-” (at most 40), starting with a "
                                          "letter or digit."))
        return code

    def save(self, commit=False):  # the service saves
        instance = super().save(commit=False)
        direction = self.cleaned_data.get("direction")
        instance.higher_is_better = {"higher": True, "lower": False}.get(direction)
        return instance


class ValueForm(forms.Form):
    area = forms.ChoiceField(label=_("area"))
    period = forms.CharField(label=_("period"), max_length=20,
                             help_text=_("For example FY2024 or 令和6年度; 2024Q1; 2024-05."))
    numerator = forms.DecimalField(label=_("numerator"), required=False, validators=[MinValueValidator(0)], **NUMBER)
    denominator = forms.DecimalField(label=_("denominator"), required=False, validators=[MinValueValidator(0)],
                                     **NUMBER)
    value = forms.DecimalField(label=_("value"), required=False, **NUMBER)
    source_note = forms.CharField(label=_("source"), max_length=300, required=False)
    vintage = forms.DateField(label=_("data as of"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("note"), max_length=300, required=False)

    def __init__(self, *args, definition: IndicatorDefinition, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.definition = definition
        self.areas = {area.key: area for area in areas}
        self.fields["area"].choices = [(area.key, area.name) for area in areas]
        if definition.is_rate:
            self.fields["numerator"].label = definition.numerator_label or _("numerator")
            self.fields["denominator"].label = definition.denominator_label or _("denominator")
            self.fields["value"].help_text = _("Only when numerator and denominator are not known.")
        else:
            del self.fields["denominator"]
            del self.fields["numerator"]
            self.fields["value"].label = definition.numerator_label or _("value")

    def clean_period(self):
        try:
            return parse_period(self.cleaned_data["period"], self.definition.period_type)
        except PeriodError as error:
            raise forms.ValidationError(_message(error)) from None

    def clean_area(self):
        return self.areas[self.cleaned_data["area"]]

    def clean(self):
        data = super().clean()
        if self.definition.is_rate:
            both = data.get("numerator") is not None and data.get("denominator") is not None
            if not both and data.get("value") is None:
                raise forms.ValidationError(_("Give the numerator and the denominator, or the value itself."))
            if both and data["denominator"] == 0:
                self.add_error("denominator", _("The denominator cannot be zero."))
        elif data.get("value") is None and not self.errors.get("value"):
            self.add_error("value", _("Give the value."))
        elif data.get("value") is not None and data["value"] < 0:
            self.add_error("value", _("A count cannot be negative."))
        return data

    def service_arguments(self) -> dict:
        """What `value_enter` takes: a plain count is stored as the numerator (small counts are suppressed on
        public pages by it), a rate as numerator and denominator (or its value alone)."""
        data = self.cleaned_data
        arguments = {"area": data["area"], "period": data["period"], "source_note": data["source_note"],
                     "note": data["note"], "vintage": data["vintage"]}
        if self.definition.is_rate:
            if data.get("numerator") is not None and data.get("denominator") is not None:
                arguments.update(numerator=data["numerator"], denominator=data["denominator"])
            else:
                arguments.update(value=data["value"])
        else:
            arguments.update(numerator=data["value"])
        return arguments


def _message(error) -> str:
    from django.utils import translation

    return error.ja if translation.get_language() == "ja" else error.en


class TargetForm(forms.Form):
    baseline_value = forms.DecimalField(label=_("baseline"), required=False, **NUMBER)
    baseline_fiscal_year = forms.IntegerField(label=_("baseline year (fiscal year, e.g. 2022)"), required=False,
                                              min_value=1990, max_value=2200)
    final_value = forms.DecimalField(label=_("end-of-period target"), required=False, **NUMBER)
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, start_fiscal_year: int, target=None, **kwargs):
        from renkei.core.wareki import fiscal_year_wareki

        initial = kwargs.setdefault("initial", {})
        if target is not None:
            initial.update(baseline_value=target.baseline_value, baseline_fiscal_year=target.baseline_fiscal_year,
                           final_value=target.final_value, note=target.note)
            yearly = {row.fiscal_year: row.value for row in target.years.all()}
        else:
            yearly = {}
        super().__init__(*args, **kwargs)
        self.years = list(range(start_fiscal_year, start_fiscal_year + 2))  # the last year's is the final target
        for year in self.years:
            name = f"year_{year}"
            self.fields[name] = forms.DecimalField(
                label=_("target for %(year)s") % {"year": fiscal_year_wareki(year)}, required=False, **NUMBER)
            self.initial.setdefault(name, yearly.get(year))
        self.fields["final_value"].label = _("end-of-period target (%(year)s)") % {
            "year": fiscal_year_wareki(start_fiscal_year + 2)}
        self.order_fields(["baseline_value", "baseline_fiscal_year", *(f"year_{y}" for y in self.years),
                           "final_value", "note"])
        add_version_field(self, target)

    def clean(self):
        data = super().clean()
        if (data.get("baseline_value") is None) != (data.get("baseline_fiscal_year") is None) and not self.errors:
            raise forms.ValidationError(_("Give the baseline value and its year together."))
        return data

    def yearly(self) -> dict[int, Decimal | None]:
        return {year: self.cleaned_data.get(f"year_{year}") for year in self.years}


class PackageUploadForm(forms.Form):
    file = forms.FileField(label=_("indicator package (JSON)"), required=False)
    package = forms.CharField(widget=forms.HiddenInput, required=False)  # the checked package, sent back to apply

    def clean(self):
        data = super().clean()
        if not data.get("file") and not data.get("package"):
            raise forms.ValidationError(_("Choose a package file."))
        return data
