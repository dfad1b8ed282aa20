"""The survey answer form (public page and staff paper entry) and the instrument forms."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import InstrumentItem, Phase
from .services.surveys import TEXT_LIMIT


class AnswerForm(forms.Form):
    """One field per active item: a required radio choice per scale item, optional free text."""

    def __init__(self, *args, items: list[InstrumentItem], **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            name = f"item_{item.pk}"
            if item.kind == InstrumentItem.Kind.LIKERT:
                self.fields[name] = forms.ChoiceField(
                    label=item.text, widget=forms.RadioSelect,
                    choices=[(str(v), str(v)) for v in range(item.scale_min, item.scale_max + 1)],
                    error_messages={
                        "required": _("Choose one answer from %(low)s to %(high)s.") % {
                            "low": item.scale_min, "high": item.scale_max},
                        "invalid_choice": _("The answer must be a number from %(low)s to %(high)s.") % {
                            "low": item.scale_min, "high": item.scale_max}})
            else:
                self.fields[name] = forms.CharField(label=item.text, required=False, max_length=TEXT_LIMIT,
                                                    widget=forms.Textarea(attrs={"rows": 4}))

    def rows(self):
        """(item, bound field, choices as (value, label, bound subwidget)) for the template."""
        for item in self.items:
            yield item, self[f"item_{item.pk}"]


class IssueLinksForm(forms.Form):
    phase = forms.ChoiceField(label=_("Survey"), choices=Phase.choices, widget=forms.RadioSelect)
    registration = forms.IntegerField(required=False, widget=forms.HiddenInput)
    send_email = forms.BooleanField(label=_("E-mail the links to participants with an address"), required=False,
                                    initial=True)


class InstrumentForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ItemForm(forms.Form):
    text = forms.CharField(label=_("Question"), max_length=300)
    kind = forms.ChoiceField(label=_("Kind"), choices=InstrumentItem.Kind.choices, initial="likert")
    scale_min = forms.IntegerField(label=_("Lowest answer"), min_value=0, max_value=9, initial=1)
    scale_max = forms.IntegerField(label=_("Highest answer"), min_value=1, max_value=10, initial=4)
    low_label = forms.CharField(label=_("Label of the lowest answer"), max_length=60, required=False,
                                initial="そう思わない")
    high_label = forms.CharField(label=_("Label of the highest answer"), max_length=60, required=False,
                                 initial="そう思う")
    subscale = forms.CharField(label=_("Subscale"), max_length=60, required=False,
                               help_text=_("Questions with the same subscale are also added up in the effect table."))
