"""Forms of the もれ率 report screens: the area and period, a survey file, a baseline figure."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .selectors.report import PeriodError, parse_month

MONTH_WIDGET = {"type": "month", "placeholder": "2024-05"}


class MonthField(forms.CharField):
    """A month typed as 2024-05 (the browser's month input), 2024/5 or 2024年5月; cleaned to its first day."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("widget", forms.TextInput(attrs=MONTH_WIDGET))
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        try:
            return parse_month(value)
        except PeriodError as error:
            raise forms.ValidationError(f"{error.ja} / {error.en}") from error


class ReportForm(forms.Form):
    area = forms.ChoiceField(label=_("Area"))
    start = MonthField(label=_("From (month)"), required=False)
    end = MonthField(label=_("To (month)"), required=False)

    def __init__(self, *args, areas: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = areas


class CensusForm(forms.Form):
    area = forms.ChoiceField(label=_("Area the survey covers"))
    month = MonthField(label=_("Survey month"))
    file = forms.FileField(label=_("Survey file (CSV, tab-separated text or Excel .xlsx)"))

    def __init__(self, *args, areas: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        # A survey belongs to a municipality or a group of municipalities, not to a whole prefecture.
        self.fields["area"].choices = [(k, n) for k, n in areas if len(k) != 2]


class BaselineForm(forms.Form):
    area = forms.ChoiceField(label=_("Area"))
    measured_in = MonthField(label=_("Survey month"))
    missed_rate = forms.DecimalField(label=_("Missed coordination rate (%)"), min_value=0, max_value=100,
                                     max_digits=5, decimal_places=1)
    source = forms.CharField(label=_("Source (survey name)"), max_length=200, required=False)

    def __init__(self, *args, areas: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [(k, n) for k, n in areas if len(k) != 2]
