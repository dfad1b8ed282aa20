"""Adding closed days, and the deadline preview's question (an admission's date and time)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from renkei.core.models import Municipality


class ClosedDayForm(forms.Form):
    first = forms.DateField(label=_("Closed day (or the first day of a range)"),
                            widget=forms.DateInput(attrs={"type": "date"}))
    last = forms.DateField(label=_("Last day of the range (leave empty for one day)"), required=False,
                           widget=forms.DateInput(attrs={"type": "date"}))
    name = forms.CharField(label=_("Name (e.g. 年末年始)"), max_length=60, required=False)

    def clean(self):
        data = super().clean()
        first, last = data.get("first"), data.get("last")
        if first and first < timezone.localdate() - dt.timedelta(days=366):
            self.add_error("first", _("Closed days more than a year ago cannot be added."))
        if first and last and last < first:
            self.add_error("last", _("The last day of the range comes before the first."))
        return data


class PreviewForm(forms.Form):
    admitted_at = forms.DateTimeField(label=_("Admission date and time"),
                                      widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    planned_discharge_on = forms.DateField(label=_("Planned discharge (optional)"), required=False,
                                           widget=forms.DateInput(attrs={"type": "date"}))
    municipality = forms.ModelChoiceField(label=_("Calendar of the municipality"), required=False,
                                          queryset=Municipality.objects.none())

    def __init__(self, *args, municipalities: list[Municipality], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = Municipality.objects.filter(pk__in=[m.pk for m in municipalities])
        if not municipalities:
            del self.fields["municipality"]

    def clean(self):
        data = super().clean()
        admitted, planned = data.get("admitted_at"), data.get("planned_discharge_on")
        if admitted and planned and planned < timezone.localtime(admitted).date():
            self.add_error("planned_discharge_on", _("The planned discharge comes before the admission."))
        return data
