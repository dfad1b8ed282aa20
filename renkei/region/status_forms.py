"""The implementation-status questionnaire (§1–§2) as one form: per item its status, how it is run, the
contractor or partners, the prefecture's support; the (イ) stage; the (カ) training contents; Q.40 and Q.42."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from renkei.core.concurrency import add_version_field
from renkei.core.models import Municipality, Organization, ProgramItem

from .models import Difficulty, ItemStatus, Operation, PdcaStage, SupportWish, TrainingContent
from .services.implementation import ITEMS, ItemAnswer

SUPPORTED_CHOICES = [("", _("not answered")), ("yes", _("supported")), ("no", _("not supported"))]


def contractor_choices(municipality):
    """Bodies that may run an item for the municipality: organizations of the municipality or its prefecture
    (a medical association, a hospital…), municipal offices aside."""
    return (Organization.objects.filter(Q(municipality=municipality) | Q(prefecture_id=municipality.prefecture_id,
                                                                         municipality__isnull=True))
            .exclude(kind__in=[Organization.Kind.MUNICIPALITY_OFFICE, Organization.Kind.PREFECTURE_OFFICE])
            .order_by("name"))


def partner_choices(municipality):
    """The prefecture's other current municipalities (共同実施の相手)."""
    return (Municipality.objects.filter(prefecture_id=municipality.prefecture_id, abolished_on__isnull=True)
            .exclude(kind=Municipality.Kind.WARD).exclude(pk=municipality.pk).order_by("code"))


class ImplementationForm(forms.Form):
    def __init__(self, *args, municipality, sheet=None, **kwargs):
        super().__init__(*args, **kwargs)
        contractors = contractor_choices(municipality)
        partners = partner_choices(municipality)
        labels = dict(ProgramItem.choices)
        for item in ITEMS:
            label = labels[item]
            self.fields[f"status_{item}"] = forms.ChoiceField(
                label=label, choices=ItemStatus.choices, widget=forms.RadioSelect,
                error_messages={"required": _("Choose the status of this item.")})
            if item == ProgramItem.B:
                self.fields["stage_b"] = forms.ChoiceField(
                    label=_("Stage of the work"), choices=PdcaStage.choices, widget=forms.RadioSelect, required=False)
            self.fields[f"operation_{item}"] = forms.ChoiceField(
                label=_("How it is run"), choices=[("", "—"), *Operation.choices], required=False)
            self.fields[f"contractor_{item}"] = forms.ModelChoiceField(
                label=_("Contractor"), queryset=contractors, required=False)
            self.fields[f"contractor_name_{item}"] = forms.CharField(
                label=_("Contractor (if not in the list)"), max_length=120, required=False)
            self.fields[f"joint_with_{item}"] = forms.ModelMultipleChoiceField(
                label=_("Run jointly with"), queryset=partners, required=False,
                widget=forms.SelectMultiple(attrs={"size": 4}))
            self.fields[f"supported_{item}"] = forms.ChoiceField(
                label=_("Support from the prefecture or health center"), choices=SUPPORTED_CHOICES, required=False)
        self.fields["training_contents"] = forms.MultipleChoiceField(
            label=_("Training contents (f)"), choices=TrainingContent.choices, required=False,
            widget=forms.CheckboxSelectMultiple)
        self.fields["difficulties"] = forms.MultipleChoiceField(
            label=_("Difficulties in running the program (Q.40, multiple answer)"), choices=Difficulty.choices,
            required=False, widget=forms.CheckboxSelectMultiple)
        self.fields["support_wishes"] = forms.MultipleChoiceField(
            label=_("Support wished from the prefecture (Q.42, multiple answer)"), choices=SupportWish.choices,
            required=False, widget=forms.CheckboxSelectMultiple)
        self.fields["note"] = forms.CharField(label=_("Note"), max_length=2000, required=False,
                                              widget=forms.Textarea(attrs={"rows": 3}))
        self.fields["is_published"] = forms.BooleanField(
            label=_("Publish to the prefecture's other municipalities"), required=False)
        add_version_field(self, sheet)

    def clean(self):
        cleaned = super().clean()
        for item in ITEMS:
            operation = cleaned.get(f"operation_{item}")
            if cleaned.get(f"joint_with_{item}") and operation != Operation.JOINT:
                self.add_error(f"joint_with_{item}", _("Partners are chosen only when the item is run jointly."))
            if (cleaned.get(f"contractor_{item}") or cleaned.get(f"contractor_name_{item}")) and \
                    operation != Operation.CONTRACTED:
                self.add_error(f"contractor_{item}", _("A contractor is named only when the item is contracted out."))
        return cleaned

    def item_answers(self) -> list[ItemAnswer]:
        data = self.cleaned_data
        answers = []
        for item in ITEMS:
            contractor = data.get(f"contractor_{item}")
            supported = data.get(f"supported_{item}")
            answers.append(ItemAnswer(
                item=item, status=data[f"status_{item}"],
                stage=data.get("stage_b", "") if item == ProgramItem.B else "",
                operation=data.get(f"operation_{item}", ""),
                contractor_id=contractor.pk if contractor else None,
                contractor_name=data.get(f"contractor_name_{item}", ""),
                joint_with_ids=[m.pk for m in data.get(f"joint_with_{item}") or []],
                prefecture_supported={"yes": True, "no": False}.get(supported)))
        return answers

    def item_fields(self) -> list[dict]:
        """The fields grouped per item, for the template."""
        out = []
        for item in ITEMS:
            out.append({"item": item, "status": self[f"status_{item}"],
                        "stage": self["stage_b"] if item == ProgramItem.B else None,
                        "details": [self[f"{name}_{item}"] for name in ("operation", "contractor", "contractor_name",
                                                                         "joint_with", "supported")]})
        return out


def initial_from(sheet, proposals) -> dict:
    """The form's values: the saved sheet's, else (per item) the proposal's; nothing for an item without either."""
    initial: dict = {}
    rows = {row.item: row for row in sheet.items.all()} if sheet is not None else {}
    for item in ITEMS:
        row = rows.get(item)
        if row is not None:
            initial[f"status_{item}"] = row.status
            initial[f"operation_{item}"] = row.operation
            initial[f"contractor_{item}"] = row.contractor_id
            initial[f"contractor_name_{item}"] = row.contractor_name
            initial[f"joint_with_{item}"] = [m.pk for m in row.joint_with.all()]
            initial[f"supported_{item}"] = {True: "yes", False: "no"}.get(row.prefecture_supported, "")
            if item == ProgramItem.B:
                initial["stage_b"] = row.stage
        else:
            proposal = proposals.get(item)
            initial[f"status_{item}"] = proposal.status if proposal and proposal.status else ""
            if item == ProgramItem.B and proposal:
                initial["stage_b"] = proposal.stage
    if sheet is not None:
        initial.update(training_contents=sheet.training_contents, difficulties=sheet.difficulties,
                       support_wishes=sheet.support_wishes, note=sheet.note, is_published=sheet.is_published)
    else:
        proposal = proposals.get(ProgramItem.F)
        initial["training_contents"] = proposal.training_contents if proposal else []
    return initial
