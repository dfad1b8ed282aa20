"""The rule form and its formset of steps, with the checks a region's rule must pass (messages in Japanese
through the translations)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import Actor, Anchor, DayUnit, RuleSet, RuleStep, StepKey
from ..selectors.rules import area_candidate
from ..services.rules import OFFSET_MAX, OFFSET_MIN


class RuleForm(forms.Form):
    name = forms.CharField(label=_("Name of the rule"), max_length=120)
    area = forms.ChoiceField(label=_("Area the rule applies to"), choices=())
    effective_from = forms.DateField(
        label=_("Effective from"), widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("May be in the future (e.g. from 1 April): admissions before that day keep the current rule."))
    covers_support_levels = forms.BooleanField(label=_("Covers people certified 要支援"), required=False)
    covers_uncertified = forms.BooleanField(
        label=_("Covers people not certified when the hospital judges coordination necessary"), required=False)
    excluded_planned_stay_days = forms.IntegerField(
        label=_("Planned stays of up to this many days are not covered (0: all are)"), min_value=0, max_value=14,
        initial=0)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    source_url = forms.URLField(label=_("Where the rule is published (URL)"), required=False, assume_scheme="https")

    def __init__(self, *args, area_choices: list[tuple[str, str]], fixed_area: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = area_choices
        if fixed_area is not None:
            self.fields["area"].initial = fixed_area
            self.fields["area"].disabled = True

    def clean_area(self):
        candidate = area_candidate(self.cleaned_data["area"])
        if candidate is None:
            raise forms.ValidationError(_("Choose the area the rule belongs to."))
        return candidate

    def clean_effective_from(self):
        day = self.cleaned_data["effective_from"]
        if day < dt.date(2000, 1, 1) or day > timezone.localdate() + dt.timedelta(days=3 * 366):
            raise forms.ValidationError(_("Enter an effective date between 2000 and three years from now."))
        return day


STEP_ORDER = list(StepKey.values)


class StepForm(forms.Form):
    key = forms.ChoiceField(label=_("Step"), choices=[("", "---------"), *StepKey.choices])
    actor = forms.ChoiceField(label=_("Who does it"), choices=Actor.choices)
    anchor = forms.ChoiceField(label=_("Counted from"), choices=Anchor.choices)
    offset_days = forms.IntegerField(label=_("Days (negative: before)"), min_value=OFFSET_MIN, max_value=OFFSET_MAX)
    day_unit = forms.ChoiceField(label=_("Counted in"), choices=DayUnit.choices)
    after_hours_shift = forms.BooleanField(label=_("After hours counts from the next working day"), required=False)
    is_required = forms.BooleanField(label=_("Required"), required=False, initial=True)
    counts_for_missed = forms.BooleanField(label=_("Late or missing counts as missed coordination"),
                                           required=False)
    label = forms.CharField(label=_("Label (if not the usual)"), max_length=120, required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def has_changed(self) -> bool:
        # A row is in use when a step is chosen: the other selects always send a value, even on a blank row.
        return bool(self.data.get(self.add_prefix("key"))) if self.is_bound else super().has_changed()

    def clean(self):
        data = super().clean()
        anchor, offset = data.get("anchor"), data.get("offset_days")
        if anchor is None or offset is None:
            return data
        if anchor == Anchor.ADMISSION and offset < 0:
            self.add_error("offset_days", _("A step counted from the admission cannot be due before it."))
        if anchor == Anchor.DISCHARGE and offset < 0:
            self.add_error("offset_days", _("The actual discharge day is not known in advance: count a step due "
                                            "before it from the planned discharge."))
        if data.get("counts_for_missed") and (anchor == Anchor.DISCHARGE
                                              or (anchor == Anchor.PLANNED_DISCHARGE and offset >= 0)):
            self.add_error("counts_for_missed", _("A step that counts as missed coordination must be due before "
                                                  "the discharge (e.g. 1 day before the planned discharge)."))
        if data.get("after_hours_shift") and anchor != Anchor.ADMISSION:
            self.add_error("after_hours_shift", _("The after-hours rule applies to steps counted from the "
                                                  "admission."))
        return data


class BaseStepFormSet(forms.BaseFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove this step")

    def clean(self):
        if any(self.errors):
            return
        keys = []
        for form in self.forms:
            if not form.has_changed() or self.can_delete and self._should_delete_form(form):
                continue
            key = form.cleaned_data.get("key")
            if key in keys:
                form.add_error("key", _("This step appears twice: each step can appear only once in a rule."))
                raise forms.ValidationError(_("Each step can appear only once in a rule: “%(step)s” is listed "
                                              "twice.") % {"step": StepKey(key).label})
            keys.append(key)
        if not keys:
            raise forms.ValidationError(_("A rule needs at least one step."))

    def steps(self) -> list[dict]:
        """The kept rows as the service wants them, in the order the steps usually happen (a row added at the
        bottom still lands in its place on the timeline)."""
        kept = [{name: form.cleaned_data[name] for name in StepForm.base_fields}
                for form in self.forms
                if form.has_changed() and not (self.can_delete and self._should_delete_form(form))]
        return sorted(kept, key=lambda step: STEP_ORDER.index(step["key"]))


StepFormSet = forms.formset_factory(StepForm, formset=BaseStepFormSet, extra=1, can_delete=True, max_num=20,
                                    validate_max=True)


def step_initial(steps) -> list[dict]:
    """Formset initial rows from RuleStep objects or template dicts."""
    rows = []
    for step in steps:
        get = step.get if isinstance(step, dict) else (lambda name, default=None, s=step: getattr(s, name))
        rows.append({name: (str(get(name, "")) if name in ("key", "actor", "anchor", "day_unit")
                            else get(name, StepForm.base_fields[name].initial)) for name in StepForm.base_fields})
    return rows


def rule_initial(source: RuleSet | object | None, area: str = "") -> dict:
    """RuleForm initial values from a rule set (its next version) or a template."""
    if source is None:
        return {"covers_support_levels": True, "covers_uncertified": True, "excluded_planned_stay_days": 0,
                "area": area}
    return {"name": source.name, "area": area, "covers_support_levels": source.covers_support_levels,
            "covers_uncertified": source.covers_uncertified,
            "excluded_planned_stay_days": source.excluded_planned_stay_days, "note": source.note,
            "source_url": getattr(source, "source_url", "")}


__all__ = ["RuleForm", "RuleStep", "StepForm", "StepFormSet", "rule_initial", "step_initial"]
