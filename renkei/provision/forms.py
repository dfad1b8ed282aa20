"""Forms of the provision screens."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from renkei.core.models import Membership, Municipality, Organization

from .models import CoverGroup


class GroupForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=120)
    kind = forms.ChoiceField(label=_("kind"), choices=CoverGroup.Kind.choices)
    municipality = forms.ModelChoiceField(label=_("municipality"), queryset=Municipality.objects.none())
    phone = forms.CharField(label=_("group's on-call phone"), max_length=20, required=False)

    def __init__(self, *args, membership=None, **kwargs):
        super().__init__(*args, **kwargs)
        prefecture_id = membership.organization.prefecture_id if membership else None
        self.fields["municipality"].queryset = Municipality.objects.filter(
            prefecture_id=prefecture_id, abolished_on__isnull=True).order_by("code")
        if membership and membership.organization.municipality_id:
            self.fields["municipality"].initial = membership.organization.municipality_id


class ShiftForm(forms.Form):
    covering = forms.ModelChoiceField(label=_("covering"), queryset=Membership.objects.none(), required=False,
                                      empty_label=_("— nobody (gap) —"))
    phone = forms.CharField(label=_("phone for this shift"), max_length=20, required=False)
    note = forms.CharField(label=_("note"), max_length=200, required=False)

    def __init__(self, *args, choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if choices is not None:
            self.fields["covering"].queryset = choices
            self.fields["covering"].label_from_instance = lambda m: f"{m.user.display_name}（{m.organization.name}）"


class EnrolmentForm(forms.Form):
    hospital = forms.ModelChoiceField(label=_("hospital"), queryset=Organization.objects.none())
    starts_on = forms.DateField(label=_("from"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("note"), max_length=200, required=False)

    def __init__(self, *args, prefecture_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hospital"].queryset = Organization.objects.filter(
            kind=Organization.Kind.HOSPITAL, is_active=True, prefecture_id=prefecture_id).order_by("kana", "name")


class AdmissionForm(forms.Form):
    admitted_at = forms.DateTimeField(label=_("admitted at"),
                                      widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    reason = forms.CharField(label=_("reason"), max_length=200)


class ArrangeForm(forms.Form):
    group = forms.ModelChoiceField(label=_("cover group"), queryset=CoverGroup.objects.none())

    def __init__(self, *args, groups=None, **kwargs):
        super().__init__(*args, **kwargs)
        if groups is not None:
            self.fields["group"].queryset = groups


class GroupMemberForm(forms.Form):
    member = forms.ModelChoiceField(label=_("Person to add"), queryset=Membership.objects.none())

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = candidates
        self.fields["member"].label_from_instance = lambda m: f"{m.user.display_name}（{m.organization.name}）"
