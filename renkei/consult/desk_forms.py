"""Forms of the desk set-up screens: a desk's details, a seat to add, a topic of the municipality's own."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from renkei.core.concurrency import add_version_field
from renkei.core.joint_projects import joint_project_choices
from renkei.core.models import Scene

from .models import Desk, Topic


class DeskForm(forms.ModelForm):
    """Name, contact, the organization that runs it (among the municipality's), active (when editing)."""

    class Meta:
        model = Desk
        fields = ["name", "operator", "joint_project", "phone", "fax", "email", "opening_hours", "is_active"]

    def __init__(self, *args, operators, membership=None, **kwargs):
        super().__init__(*args, **kwargs)
        # 共同設置・委託: only a project the member belongs to (the field refuses any other on the server).
        self.fields["joint_project"].queryset = joint_project_choices(membership, self.instance.joint_project_id)
        self.fields["joint_project"].empty_label = _("(the municipality's own)")
        self.fields["operator"].queryset = operators
        self.fields["operator"].required = False
        self.fields["operator"].help_text = _("Leave empty when the municipality runs the desk itself (直営).")
        if self.instance.pk is None:
            del self.fields["is_active"]
        add_version_field(self, self.instance)


class SeatForm(forms.Form):
    membership = forms.ModelChoiceField(label=_("Person to add"), queryset=None,
                                        help_text=_("Coordinators and municipal staff of the municipality or of "
                                                    "the organization that runs the desk."))

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["membership"].queryset = candidates
        self.fields["membership"].label_from_instance = (
            lambda m: f"{m.user.display_name or m.user.email}（{m.organization.name} / {m.get_role_display()}）")


SCENE_CHOICES = [("", _("no particular scene")),
                 *[(value, label) for value, label in Scene.choices
                   if value in ("daily_care", "admission_discharge", "emergency", "end_of_life")]]


class TopicForm(forms.ModelForm):
    """A topic of the municipality's own: its code is generated, never typed."""

    scene = forms.ChoiceField(label=_("Scene"), choices=SCENE_CHOICES, required=False)

    class Meta:
        model = Topic
        fields = ["name_ja", "name_en", "scene", "order"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["order"].required = False
        self.fields["order"].help_text = _("Smaller numbers come first.")
