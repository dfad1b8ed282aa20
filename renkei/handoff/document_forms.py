"""Django forms for the handoff forms' screens, built from `forms_schema` (labels, widgets, choices): the form
itself grouped in the paper's fieldsets, sending it, and recording a paper form received from a hospital.

The checks that matter live in the service (`forms_schema.clean`); these forms turn what a browser sends into
the service's data and show its messages on the right field.
"""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import forms_schema as schema
from .models import Channel

YESNO_CHOICES = (("", _("not known")), ("true", _("yes")), ("false", _("no")))
LIST_HELP = {
    "name onset": _("One per line, as “diagnosis / onset”."),
    "name dose usage": _("One per line, as “medicine / dose / usage”."),
}


def _grid_name(key: str, item: str) -> str:
    return f"{key}__{item}"


class DocumentForm(forms.Form):
    """One form of a kind, its fields in the paper's fieldsets; `data_for_service()` gives the schema's data."""

    def __init__(self, *args, kind: str, initial_data: dict | None = None, **kwargs):
        self.kind = kind
        initial = {}
        for key, value in (initial_data or {}).items():
            spec = schema.FIELD_SPECS[kind].get(key)
            if spec is None:
                continue
            if spec.widget == schema.GRID:
                for item, level in (value or {}).items():
                    initial[_grid_name(key, item)] = level
            elif spec.widget == schema.YESNO:
                initial[key] = "" if value is None else ("true" if value else "false")
            elif spec.widget == schema.LIST:
                initial[key] = "\n".join(" / ".join(row.get(sub, "") for sub in schema.LIST_FIELDS[key]).rstrip(" /")
                                         for row in value or [])
            else:
                initial[key] = value
        super().__init__(*args, initial=initial, **kwargs)
        self.fieldsets = []
        for title, specs in schema.LAYOUT[kind]:
            names = []
            for spec in specs:
                for name, form_field in self._fields_for(spec):
                    self.fields[name] = form_field
                    names.append(name)
            self.fieldsets.append((title, names))

    def _fields_for(self, spec: schema.Field):
        label = spec.label
        if spec.widget == schema.TEXT:
            yield spec.key, forms.CharField(label=label, required=False, max_length=spec.max_length)
        elif spec.widget == schema.TEXTAREA:
            yield spec.key, forms.CharField(label=label, required=False, max_length=spec.max_length,
                                            widget=forms.Textarea(attrs={"rows": 3}))
        elif spec.widget == schema.CHOICE:
            yield spec.key, forms.ChoiceField(label=label, required=False,
                                              choices=[("", "—"), *spec.choices])
        elif spec.widget == schema.MULTI:
            yield spec.key, forms.MultipleChoiceField(label=label, required=False, choices=spec.choices,
                                                      widget=forms.CheckboxSelectMultiple)
        elif spec.widget == schema.DATE:
            yield spec.key, forms.CharField(label=label, required=False, max_length=20,
                                            widget=forms.DateInput(attrs={"type": "date"}),
                                            help_text=_("A date in 和暦 such as 令和8年11月25日 is read too."))
        elif spec.widget == schema.YESNO:
            yield spec.key, forms.ChoiceField(label=label, required=False, choices=YESNO_CHOICES,
                                              widget=forms.RadioSelect)
        elif spec.widget == schema.GRID:
            for item, item_label in spec.items:
                yield _grid_name(spec.key, item), forms.ChoiceField(
                    label=f"{label}: {item_label}", required=False, choices=[("", "—"), *spec.choices])
        elif spec.widget == schema.LIST:
            subkeys = " ".join(schema.LIST_FIELDS[spec.key])
            yield spec.key, forms.CharField(label=label, required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                            help_text=LIST_HELP.get(subkeys, ""))

    def rendered_fieldsets(self):
        return [(title, [self[name] for name in names]) for title, names in self.fieldsets]

    def data_for_service(self) -> dict:
        """The schema's data from the cleaned form (the service checks it again, with its messages)."""
        data: dict = {}
        for key, spec in schema.FIELD_SPECS[self.kind].items():
            if spec.widget == schema.GRID:
                data[key] = {item: self.cleaned_data.get(_grid_name(key, item)) or ""
                             for item, _label in spec.items}
            elif spec.widget == schema.LIST:
                rows = []
                for line in (self.cleaned_data.get(key) or "").splitlines():
                    if not line.strip():
                        continue
                    cells = [c.strip() for c in line.split("/")]
                    subkeys = schema.LIST_FIELDS[key]
                    head, rest = cells[: len(subkeys) - 1], cells[len(subkeys) - 1:]
                    cells = [*head, " / ".join(rest)] if rest else head
                    rows.append({sub: (cells[i] if i < len(cells) else "") for i, sub in enumerate(subkeys)})
                data[key] = rows
            else:
                data[key] = self.cleaned_data.get(key)
        return data

    def field_for(self, key: str) -> str:
        """The form field a service message about `key` goes on."""
        spec = schema.FIELD_SPECS[self.kind].get(key)
        if spec is not None and spec.widget == schema.GRID:
            return _grid_name(key, spec.items[0][0])
        return key


PAPER_CHANNEL_CHOICES = [(c.value, c.label) for c in (Channel.FAX, Channel.MAIL, Channel.HAND)]


def _now_local():
    return timezone.localtime().replace(second=0, microsecond=0, tzinfo=None)


class SendForm(forms.Form):
    """Recipients on Renkei (organizations) and on paper (the hospital, and one other, with channel and time)."""

    organizations = forms.MultipleChoiceField(label=_("Send on Renkei to"), required=False,
                                              widget=forms.CheckboxSelectMultiple)
    hospital_paper = forms.BooleanField(label=_("Sent to the hospital on paper"), required=False)
    hospital_channel = forms.ChoiceField(label=_("How it went to the hospital"), choices=PAPER_CHANNEL_CHOICES,
                                         required=False)
    hospital_sent_at = forms.DateTimeField(label=_("When it went to the hospital"), required=False,
                                           widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    other_name = forms.CharField(label=_("Another recipient (on paper)"), max_length=120, required=False)
    other_channel = forms.ChoiceField(label=_("How it went"), choices=PAPER_CHANNEL_CHOICES, required=False)
    other_sent_at = forms.DateTimeField(label=_("When it went"), required=False,
                                        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))

    def __init__(self, *args, organizations, hospital_on_paper: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organizations"].choices = [(str(o.pk), o.name) for o in organizations]
        self.by_id = {str(o.pk): o for o in organizations}
        if not hospital_on_paper:
            for name in ("hospital_paper", "hospital_channel", "hospital_sent_at"):
                del self.fields[name]
        else:
            self.initial.setdefault("hospital_sent_at", _now_local())
        self.initial.setdefault("other_sent_at", _now_local())

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("hospital_paper") and not cleaned.get("hospital_channel"):
            self.add_error("hospital_channel", _("Choose how it went."))
        if cleaned.get("other_name") and not cleaned.get("other_channel"):
            self.add_error("other_channel", _("Choose how it went."))
        if not (cleaned.get("organizations") or cleaned.get("hospital_paper") or cleaned.get("other_name")):
            raise forms.ValidationError(_("Choose at least one recipient."))
        return cleaned


class PaperReceivedForm(forms.Form):
    """The home side records the paper form a hospital not on Renkei sent."""

    sender_name = forms.CharField(label=_("Sent by (hospital)"), max_length=80)
    channel = forms.ChoiceField(label=_("How it came"), choices=PAPER_CHANNEL_CHOICES)
    received_at = forms.DateTimeField(label=_("When it came"),
                                      widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))


class PdfOptionsForm(forms.Form):
    initials = forms.BooleanField(label=_("Initials instead of the name (the region’s FAX rule)"), required=False)
    sending = forms.IntegerField(required=False, min_value=1)
