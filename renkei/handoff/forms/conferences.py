"""Forms of the conference screens: proposing (several time rows, invitees pre-ticked), answering, choosing the
time, recording the conference, cancelling."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from renkei.careteams.models import TeamRole

from ..models import SlotAnswer
from ..selectors.conferences import invitee_label
from ..services.conferences import USUAL_ROLES

DEFAULT_ROWS = 3

MAX_ROWS = 12


def _row_count(data, initial: int) -> int:
    try:
        rows = int((data or {}).get("rows", initial))
    except (TypeError, ValueError):
        rows = initial
    if data and "add_row" in data:
        rows += 1
    if data and "remove_row" in data:
        rows -= 1
    return max(1, min(MAX_ROWS, rows))


class ProposeForm(forms.Form):
    """Proposed times as rows (date, from, to): "add a row" and "remove a row" submit the form and come back with
    one more or one less, so it works without JavaScript."""

    rows = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=MAX_ROWS)
    invitees = forms.TypedMultipleChoiceField(label=_("Invite from the patient's team"), coerce=int, required=False,
                                              widget=forms.CheckboxSelectMultiple)
    hospital_invitees = forms.TypedMultipleChoiceField(label=_("Invite hospital staff"), coerce=int, required=False,
                                                       widget=forms.CheckboxSelectMultiple)
    place = forms.CharField(label=_("Conference place"), max_length=120, required=False,
                            help_text=_("For example: 3rd floor conference room, west ward."))
    video_url = forms.URLField(label=_("Video link"), required=False, assume_scheme="https",
                               help_text=_("For people joining by video (https://…)."))

    def __init__(self, data=None, *, team, staff, me=None, **kwargs):
        self.row_count = _row_count(data, DEFAULT_ROWS)
        if data is not None:
            data = data.copy()
            data["rows"] = str(self.row_count)
        super().__init__(data, initial={"rows": self.row_count}, **kwargs)
        self.fields["invitees"].choices = [(m.pk, f"{m}") for m in team]
        self.fields["invitees"].initial = [m.pk for m in team if m.role in USUAL_ROLES]
        self.fields["hospital_invitees"].choices = [
            (m.pk, f"{m.user.display_name}（{m.get_profession_display() or m.title}）") for m in staff]
        self.fields["hospital_invitees"].initial = [me.pk] if me is not None and any(m.pk == me.pk for m in staff) \
            else []
        if not staff:
            del self.fields["hospital_invitees"]
        for i in range(self.row_count):
            self.fields[f"slot_{i}_date"] = forms.DateField(
                label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
            self.fields[f"slot_{i}_start"] = forms.TimeField(
                label=_("Start time"), required=False, widget=forms.TimeInput(attrs={"type": "time"}))
            self.fields[f"slot_{i}_end"] = forms.TimeField(
                label=_("End time"), required=False, widget=forms.TimeInput(attrs={"type": "time"}))
        self.care_manager_ids = [m.pk for m in team if m.role == TeamRole.CARE_MANAGER]

    @property
    def is_row_change(self) -> bool:
        return self.data is not None and ("add_row" in self.data or "remove_row" in self.data)

    def slot_rows(self):
        return [(self[f"slot_{i}_date"], self[f"slot_{i}_start"], self[f"slot_{i}_end"])
                for i in range(self.row_count)]

    def other_fields(self):
        return [self[name] for name in ("place", "video_url")]

    def clean(self):
        data = super().clean()
        slots = []
        for i in range(self.row_count):
            day, start, end = (data.get(f"slot_{i}_date"), data.get(f"slot_{i}_start"), data.get(f"slot_{i}_end"))
            if not (day or start or end):
                continue
            if not (day and start and end):
                self.add_error(f"slot_{i}_date", _("Give the date, the start and the end."))
                continue
            slots.append((timezone.make_aware(dt.datetime.combine(day, start)),
                          timezone.make_aware(dt.datetime.combine(day, end))))
        if not slots and not self.errors:
            raise forms.ValidationError(_("Propose at least one time."))
        data["slots"] = slots
        return data


class AnswerForm(forms.Form):
    """One choice per proposed time (big buttons on a phone)."""

    def __init__(self, data=None, *, slots, given=None, **kwargs):
        super().__init__(data, **kwargs)
        given = given or {}
        self.slots = slots
        for slot in slots:
            self.fields[f"slot_{slot.pk}"] = forms.ChoiceField(
                label=f"{timezone.localtime(slot.starts_at):%m/%d %H:%M}–{timezone.localtime(slot.ends_at):%H:%M}",
                choices=SlotAnswer.Answer.choices, required=False, widget=forms.RadioSelect,
                initial=given.get(slot.pk))

    def answers(self) -> dict[int, str]:
        return {slot.pk: self.cleaned_data.get(f"slot_{slot.pk}") for slot in self.slots
                if self.cleaned_data.get(f"slot_{slot.pk}")}

    def clean(self):
        data = super().clean()
        if not any(data.get(f"slot_{slot.pk}") for slot in self.slots):
            raise forms.ValidationError(_("Answer for at least one proposed time."))
        return data

    def slot_fields(self):
        return [(slot, self[f"slot_{slot.pk}"]) for slot in self.slots]


class ScheduleForm(forms.Form):
    slot = forms.TypedChoiceField(label=_("Time"), coerce=int, widget=forms.RadioSelect)
    place = forms.CharField(label=_("Conference place"), max_length=120, required=False)
    video_url = forms.URLField(label=_("Video link"), required=False, assume_scheme="https")

    def __init__(self, data=None, *, conference, slots, suggested=None, **kwargs):
        super().__init__(data, initial={"slot": suggested.pk if suggested else None, "place": conference.place,
                                        "video_url": conference.video_url}, **kwargs)
        self.fields["slot"].choices = [
            (s.pk, f"{timezone.localtime(s.starts_at):%Y-%m-%d %H:%M}–{timezone.localtime(s.ends_at):%H:%M}")
            for s in slots]


class HoldForm(forms.Form):
    held_at = forms.DateTimeField(label=_("Held at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                                  input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    attended = forms.TypedMultipleChoiceField(label=_("Who took part"), coerce=int,
                                              widget=forms.CheckboxSelectMultiple)
    by_video = forms.BooleanField(label=_("Held by video (some or all took part through the video link)"),
                                  required=False)
    minutes = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 8}), required=False,
                              help_text=_("What was agreed: services to start, who does what before the discharge."))

    def __init__(self, data=None, *, conference, invitees, **kwargs):
        held = conference.chosen_slot.starts_at if conference.chosen_slot_id else timezone.now()
        super().__init__(data, initial={
            "held_at": timezone.localtime(held).strftime("%Y-%m-%dT%H:%M"),
            "attended": [i.pk for i in invitees if i.answered_at], "by_video": bool(conference.video_url)}, **kwargs)
        self.fields["attended"].choices = [(i.pk, f"{i.name}（{invitee_label(i)}）") for i in invitees]


class CancelForm(forms.Form):
    confirm = forms.BooleanField(label=_("Yes, cancel this conference and tell the invitees"))
