"""The timeline's compose box: text, kind (revealing its observation fields), urgency, mentions, recipients,
photos and PDFs, and the draft's key (a resend after a lost connection finds the post instead of doubling it)."""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from .. import observations as schema
from ..models import CareTeamMember, Post
from ..observations import ObservationError, clean_observations, groups_for_kind
from ..services.timeline import MAX_FILES, MAX_TEXT


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*,application/pdf", "multiple": True}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


def member_label(member: CareTeamMember) -> str:
    who = member.membership.user.display_name if member.membership_id else member.person_name
    return f"{who}（{member.get_role_display()}）"


def observation_field_name(key: str) -> str:
    return f"obs_{key}"


class PostForm(forms.Form):
    text = forms.CharField(label=_("Message"), required=False, max_length=MAX_TEXT,
                           widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("Write to the team…")}))
    kind = forms.ChoiceField(label=_("Kind"), choices=Post.Kind.choices, initial=Post.Kind.NOTE)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Post.Urgency.choices, initial=Post.Urgency.NORMAL,
                                widget=forms.RadioSelect)
    recipients = forms.MultipleChoiceField(
        label=_("Addressed to"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Nobody chosen: the whole team sees the post. Chosen: only them (and you)."))
    mentions = forms.MultipleChoiceField(label=_("Mention (they get an e-mail)"), required=False,
                                         widget=forms.CheckboxSelectMultiple)
    files = MultipleFileField(label=_("Photos and PDFs"), required=False,
                              help_text=_("Up to 5 files: JPEG, PNG, WebP photos or PDF. The place a photo was "
                                          "taken is removed."))
    client_key = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, members: list[CareTeamMember] = (), author: CareTeamMember | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        others = [(str(m.pk), member_label(m)) for m in members if author is None or m.pk != author.pk]
        self.fields["recipients"].choices = others
        self.fields["mentions"].choices = others
        if not self.is_bound:
            self.initial.setdefault("client_key", uuid.uuid4())
        for field in schema.MEASURES:
            self.fields[observation_field_name(field.key)] = forms.CharField(
                label=f"{field.label}（{field.unit}）", required=False, max_length=20,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off",
                                              "data-group": field.group, "size": 6}))
        for field in schema.LEVELS:
            self.fields[observation_field_name(field.key)] = forms.ChoiceField(
                label=field.label, required=False, choices=[("", "—"), *field.choices],
                widget=forms.Select(attrs={"data-group": field.group}))
        for field in schema.TEXTS:
            self.fields[observation_field_name(field.key)] = forms.CharField(
                label=field.label, required=False, max_length=field.max_length,
                widget=forms.TextInput(attrs={"data-group": field.group}))

    def observation_fields(self):
        """The observation inputs grouped as the compose box shows them: [(group, label, [bound fields])]."""
        groups = []
        for group, label in schema.GROUP_LABELS.items():
            fields = [self[observation_field_name(k)] for k, f in schema.FIELDS.items() if f.group == group]
            groups.append({"group": group, "label": label, "fields": fields})
        return groups

    def clean_files(self):
        files = self.cleaned_data.get("files") or []
        if len(files) > MAX_FILES:
            raise forms.ValidationError(_("At most %(count)d files.") % {"count": MAX_FILES})
        return files

    def clean(self):
        data = super().clean()
        groups = groups_for_kind(data.get("kind", ""))
        raw = {key: data.get(observation_field_name(key)) for key, field in schema.FIELDS.items()
               if field.group in groups}
        try:
            data["observations"] = clean_observations(raw)
        except ObservationError as error:
            for key, message in error.messages().items():
                name = observation_field_name(key)
                self.add_error(name if name in self.fields else None, message)
        return data
