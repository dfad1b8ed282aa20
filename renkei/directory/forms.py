"""Forms for the directory's staff screens: facilities, hours, collaboration details, closing, merging, taxonomy.

Validation messages are translated (Japanese first); Django's own messages come in Japanese already.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from renkei.core.concurrency import add_version_field
from renkei.core.models import DailyLivingArea, Municipality
from renkei.core.text import normalize_width

from .models import (
    CollaborationAttribute,
    CollaborationCategory,
    Facility,
    FacilityIdentifier,
    FacilityKind,
    OpeningHours,
)
from .selectors.directory import WEEKDAY_LABELS
from .services.taxonomy import format_choices, parse_choices
from .taxonomy import SERVICE_TYPES

# Japan's extent, the same box as the database check `facility_position_in_japan`.
LAT_RANGE, LON_RANGE = (20.0, 46.0), (122.0, 154.0)
IDENTIFIER_FIELDS = {
    "mhlw_id": FacilityIdentifier.Scheme.MHLW_ID,
    "medical_institution_code": FacilityIdentifier.Scheme.MEDICAL_INSTITUTION_CODE,
    "care_office": FacilityIdentifier.Scheme.CARE_OFFICE,
    "corporate_number": FacilityIdentifier.Scheme.CORPORATE_NUMBER,
    "municipal_id": FacilityIdentifier.Scheme.MUNICIPAL_ID,
}
_SPLIT = re.compile(r"[\s,、，|｜]+")


def _digits(value: str) -> str:
    return normalize_width(value or "").strip()


class FacilityForm(forms.ModelForm):
    """Public fields of a facility, its municipality by code, its position and its codes."""

    municipality_code = forms.CharField(label=_("Municipality code (6 digits)"), max_length=6,
                                        help_text=_("全国地方公共団体コード, e.g. 262013 for 福知山市."))
    departments_text = forms.CharField(label=_("Departments"), required=False,
                                       widget=forms.Textarea(attrs={"rows": 2}),
                                       help_text=_("Separate with commas or line breaks, e.g. 内科、外科."))
    mhlw_id = forms.CharField(label=_("医療情報ネット ID"), required=False, max_length=64)
    medical_institution_code = forms.CharField(label=_("Medical institution code (医療機関コード)"), required=False,
                                               max_length=64)
    care_office = forms.CharField(label=_("Care service office numbers (介護保険事業所番号)"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}),
                                  help_text=_("One a line: the 10-digit number, “-”, the service type "
                                              "(e.g. 2670100001-130)."))
    corporate_number = forms.CharField(label=_("Corporate number (法人番号)"), required=False, max_length=13)
    municipal_id = forms.CharField(label=_("Municipal list ID"), required=False, max_length=64)
    beds_text = forms.CharField(label=_("Beds by type"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                help_text=_("One type a line, e.g. 一般:50 and 療養:20. The total is their sum "
                                            "unless you enter it."))
    website = forms.URLField(label=_("Website"), max_length=500, required=False, assume_scheme="https",
                             widget=forms.TextInput(attrs={"inputmode": "url", "autocomplete": "url"}))

    class Meta:
        model = Facility
        fields = ["kind", "service_type", "name", "kana", "short_name", "name_romaji", "corporation_name",
                  "daily_living_area", "postal_code", "address", "phone", "fax", "website", "latitude", "longitude",
                  "coordinate_quality", "beds_total", "capacity", "description"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "latitude": forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
            "longitude": forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
            "postal_code": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
            "phone": forms.TextInput(attrs={"inputmode": "tel"}),
            "fax": forms.TextInput(attrs={"inputmode": "tel"}),
        }

    field_order = ["kind", "service_type", "name", "kana", "short_name", "name_romaji", "corporation_name",
                   "municipality_code", "daily_living_area", "postal_code", "address", "phone", "fax", "website",
                   "latitude", "longitude", "coordinate_quality", "departments_text", "beds_text", "beds_total",
                   "capacity", "description", *IDENTIFIER_FIELDS]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        facility = self.instance
        add_version_field(self, facility)
        self.fields["service_type"] = forms.ChoiceField(
            label=_("Service type"), required=False,
            choices=[("", "—"), *((code, f"{code} {names[0]}" if code.isdigit() else names[0])
                                  for code, names in SERVICE_TYPES.items())])
        self.fields["latitude"].help_text = _("Decimal degrees, e.g. 35.2966. Leave both empty when unknown.")
        if facility.municipality_id:
            self.fields["municipality_code"].initial = facility.municipality.code
            self.fields["daily_living_area"].queryset = DailyLivingArea.objects.filter(
                municipality_id=facility.municipality_id)
        else:
            self.fields["daily_living_area"].queryset = DailyLivingArea.objects.none()
        self.fields["departments_text"].initial = "、".join(facility.department_list)
        self.fields["beds_text"].initial = "\n".join(f"{k}:{v}" for k, v in (facility.beds or {}).items())
        if facility.pk:
            codes: dict[str, list[str]] = {}
            for identifier in facility.identifiers.all():
                codes.setdefault(identifier.scheme, []).append(identifier.value)
            for name, scheme in IDENTIFIER_FIELDS.items():
                self.fields[name].initial = "\n".join(codes.get(scheme, []))

    def clean_municipality_code(self) -> Municipality:
        code = _digits(self.cleaned_data["municipality_code"])
        municipality = Municipality.objects.select_related("prefecture").filter(code=code).first()
        if municipality is None:
            raise ValidationError(_("No municipality has the code %(code)s."), params={"code": code})
        return municipality

    def clean_postal_code(self) -> str:
        code = _digits(self.cleaned_data["postal_code"]).replace("-", "").replace("ー", "")
        if code and not re.fullmatch(r"\d{7}", code):
            raise ValidationError(_("Enter the postal code as 7 digits, e.g. 620-0035."))
        return f"{code[:3]}-{code[3:]}" if code else ""

    def clean_departments_text(self) -> str:
        names = [d for d in _SPLIT.split(normalize_width(self.cleaned_data["departments_text"])) if d]
        return f"|{'|'.join(dict.fromkeys(names))}|" if names else ""

    def clean_beds_text(self) -> dict[str, int]:
        beds: dict[str, int] = {}
        for line in normalize_width(self.cleaned_data["beds_text"]).splitlines():
            if not line.strip():
                continue
            kind, _sep, count = line.replace("：", ":").rpartition(":")
            if not kind.strip() or not count.strip().isdecimal():
                raise ValidationError(
                    _("Write each line as a bed type and a number, e.g. 一般:50 (“%(line)s” is not)."),
                    params={"line": line.strip()[:40]})
            beds[kind.strip()] = int(count)
        return beds

    def clean_corporate_number(self) -> str:
        value = _digits(self.cleaned_data["corporate_number"])
        if value and not re.fullmatch(r"\d{13}", value):
            raise ValidationError(_("A corporate number has 13 digits."))
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        lat, lon = cleaned.get("latitude"), cleaned.get("longitude")
        if (lat is None) != (lon is None):
            self.add_error("longitude" if lon is None else "latitude",
                           _("Enter both latitude and longitude, or neither."))
        elif lat is not None:
            if not (LAT_RANGE[0] <= lat <= LAT_RANGE[1]):
                self.add_error("latitude", _("The latitude must be between 20 and 46 (Japan)."))
            if not (LON_RANGE[0] <= lon <= LON_RANGE[1]):
                self.add_error("longitude", _("The longitude must be between 122 and 154 (Japan)."))
        kind, service = cleaned.get("kind"), cleaned.get("service_type")
        if kind in (FacilityKind.CARE_SERVICE, FacilityKind.INFORMAL_RESOURCE) and not service:
            self.add_error("service_type", _("Choose the service type of a care service or informal resource."))
        municipality = cleaned.get("municipality_code")
        area = cleaned.get("daily_living_area")
        if municipality is not None:
            if area is not None and area.municipality_id != municipality.pk:
                self.add_error("daily_living_area", _("This daily living area belongs to another municipality."))
            self.instance.municipality = municipality
            self.instance.prefecture = municipality.prefecture
        return cleaned

    def _post_clean(self):
        super()._post_clean()
        facility = self.instance
        if "departments_text" in self.cleaned_data:
            facility.departments = self.cleaned_data["departments_text"]
        if "beds_text" in self.cleaned_data:
            facility.beds = self.cleaned_data["beds_text"]
            if facility.beds and self.cleaned_data.get("beds_total") is None:
                facility.beds_total = sum(facility.beds.values())
        moved = ("latitude" in self.changed_data or "longitude" in self.changed_data)
        if moved:
            facility.coordinate_source = (Facility.CoordinateSource.MANUAL if facility.has_position
                                          else Facility.CoordinateSource.NONE)
            if not facility.has_position:
                facility.coordinate_quality = Facility.CoordinateQuality.UNKNOWN

    def identifier_codes(self) -> dict[str, list[str]]:
        """{scheme: [codes]} from the code fields, for `facility_identifiers_set`."""
        return {scheme: [_digits(v) for v in _SPLIT.split(self.cleaned_data.get(name) or "") if v.strip()]
                for name, scheme in IDENTIFIER_FIELDS.items()}


def parse_periods(text: str) -> list[tuple[dt.time, dt.time]]:
    """"9:00-12:00, 14:00-18:00" → [(09:00, 12:00), (14:00, 18:00)]; "24:00" closes at 23:59."""
    periods = []
    text = normalize_width(text or "").replace("〜", "-").replace("~", "-").replace("–", "-").replace("ー", "-")
    for part in [p for p in re.split(r"[,、\s]+", text) if p]:
        match = re.fullmatch(r"(\d{1,2}):?(\d{2})-(\d{1,2}):?(\d{2})", part)
        if not match:
            raise ValidationError(_("Write each period as 9:00-12:00 (“%(part)s” is not)."), params={"part": part})
        h1, m1, h2, m2 = map(int, match.groups())
        if h2 == 24 and m2 == 0:
            h2, m2 = 23, 59
        if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
            raise ValidationError(_("“%(part)s” is not a time of day."), params={"part": part})
        opens, closes = dt.time(h1, m1), dt.time(h2, m2)
        if closes <= opens:
            raise ValidationError(_("In “%(part)s” the closing time is not after the opening time."),
                                  params={"part": part})
        periods.append((opens, closes))
    periods.sort()
    for (_o1, c1), (o2, _c2) in zip(periods, periods[1:], strict=False):
        if o2 < c1:
            raise ValidationError(_("The periods overlap."))
    return periods


class OpeningHoursForm(forms.Form):
    """One line per weekday and one for public holidays, each holding several periods."""

    closed_on_holidays = forms.BooleanField(label=_("Closed on public holidays"), required=False)
    hours_note = forms.CharField(label=_("Notes on hours"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, facility: Facility, **kwargs):
        super().__init__(*args, **kwargs)
        current: dict[int, list[str]] = {}
        for hours in facility.opening_hours.all():
            current.setdefault(hours.weekday, []).append(f"{hours.opens:%H:%M}-{hours.closes:%H:%M}")
        for day in range(OpeningHours.HOLIDAY + 1):
            self.fields[f"day_{day}"] = forms.CharField(
                label=WEEKDAY_LABELS[day] if day < OpeningHours.HOLIDAY else _("Public holidays"),
                required=False, initial=", ".join(current.get(day, [])),
                widget=forms.TextInput(attrs={"placeholder": "9:00-12:00, 14:00-18:00"}))
        self.fields["closed_on_holidays"].initial = facility.closed_on_holidays
        self.fields["hours_note"].initial = facility.hours_note
        add_version_field(self, facility)
        self.order_fields([*(f"day_{d}" for d in range(8)), "closed_on_holidays", "hours_note", "version"])

    def day_fields(self):
        return [self[f"day_{day}"] for day in range(OpeningHours.HOLIDAY + 1)]

    def clean(self):
        cleaned = super().clean()
        self.periods = {}
        for day in range(OpeningHours.HOLIDAY + 1):
            try:
                self.periods[day] = parse_periods(cleaned.get(f"day_{day}", ""))
            except ValidationError as error:
                self.add_error(f"day_{day}", error)
        return cleaned


YES, NO = "yes", "no"


class CollaborationDetailsForm(forms.Form):
    """One field per attribute asked of the facility's kind (shared and the municipality's own)."""

    def __init__(self, *args, attributes: list[CollaborationAttribute], current: dict[str, Any],
                 facility: Facility | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        add_version_field(self, facility)
        self.attributes = {a.code: a for a in attributes}
        self.current = current
        types = CollaborationAttribute.ValueType
        for attribute in attributes:
            value = current.get(attribute.code)
            label = attribute.name
            help_text = attribute.help_text
            if attribute.visibility == CollaborationAttribute.Visibility.PROFESSIONAL:
                help_text = " ".join(filter(None, [help_text, str(_("Shown to professionals only."))]))
            choices = [(c["code"], c["name"]) for c in attribute.choices]
            if attribute.value_type == types.YES_NO:
                field = forms.ChoiceField(choices=[(YES, "可"), (NO, "不可"), ("", "未回答")], required=False,
                                          widget=forms.RadioSelect,
                                          initial=YES if value is True else NO if value is False else "")
            elif attribute.value_type == types.CHOICE:
                field = forms.ChoiceField(choices=[*choices, ("", "未回答")], required=False, widget=forms.RadioSelect,
                                          initial=value or "")
            elif attribute.value_type == types.MULTI_CHOICE:
                field = forms.MultipleChoiceField(choices=choices, required=False,
                                                  widget=forms.CheckboxSelectMultiple, initial=value or [])
            elif attribute.value_type == types.NUMBER:
                field = forms.DecimalField(min_value=0, max_digits=12, decimal_places=2, required=False,
                                           initial=value, localize=False)
            else:
                field = forms.CharField(required=False, max_length=1000, initial=value or "",
                                        widget=forms.Textarea(attrs={"rows": 2}))
            field.label, field.help_text = label, help_text
            self.fields[self.field_name(attribute.code)] = field

    @staticmethod
    def field_name(code: str) -> str:
        return f"attr_{code}"

    def groups(self, details: dict | None = None) -> list[tuple[CollaborationCategory, list]]:
        """[(category, [(bound field, stored detail or None)])] in the taxonomy's order."""
        details = details or {}
        grouped: dict[int, tuple[CollaborationCategory, list]] = {}
        for code, attribute in self.attributes.items():
            grouped.setdefault(attribute.category_id, (attribute.category, []))[1].append(
                (self[self.field_name(code)], details.get(code)))
        return sorted(grouped.values(), key=lambda g: (g[0].sort_order, g[0].code))

    def changed_answers(self) -> dict[str, Any]:
        """{code: value} for the answers that differ from the stored ones (None removes an answer)."""
        answers = {}
        types = CollaborationAttribute.ValueType
        for code, attribute in self.attributes.items():
            raw = self.cleaned_data.get(self.field_name(code))
            if attribute.value_type == types.YES_NO:
                value = True if raw == YES else False if raw == NO else None
            elif attribute.value_type == types.MULTI_CHOICE:
                value = sorted(raw) if raw else None
            elif attribute.value_type == types.NUMBER:
                value = None if raw is None else (int(raw) if raw == int(raw) else float(raw))
            else:
                value = (raw or "").strip() or None
            before = self.current.get(code)
            if isinstance(before, list):
                before = sorted(before) or None
            if value != before:
                answers[code] = value
        return answers


class FacilityCloseForm(forms.Form):
    closed_on = forms.DateField(label=_("Closed on"), initial=timezone.localdate,
                                widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("Reason"), max_length=200,
                             help_text=_("e.g. 廃止届 received, merged with another office, moved away."))


class MergeForm(forms.Form):
    """Merge this facility with another: which one, and which entry to keep."""

    KEEP_THIS, KEEP_OTHER = "this", "other"

    other = forms.IntegerField(label=_("Other entry"), widget=forms.HiddenInput)
    keep = forms.ChoiceField(label=_("Entry to keep"), widget=forms.RadioSelect,
                             choices=[(KEEP_THIS, _("this entry")), (KEEP_OTHER, _("the other entry"))],
                             initial=KEEP_THIS)


class CandidateMergeForm(forms.Form):
    keep = forms.IntegerField(label=_("Entry to keep"))


class AttributeForm(forms.Form):
    """Add or edit a collaboration attribute; built-in ones show only their names."""

    category = forms.ModelChoiceField(label=_("Category"), queryset=CollaborationCategory.objects.all())
    name = forms.CharField(label=_("Name"), max_length=120)
    name_en = forms.CharField(label=_("English name"), max_length=120, required=False)
    help_text = forms.CharField(label=_("Explanation"), max_length=300, required=False)
    value_type = forms.ChoiceField(label=_("Answer type"), choices=CollaborationAttribute.ValueType.choices)
    choices_text = forms.CharField(
        label=_("Choices"), required=False, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("For “one of a list” and “several of a list”: one choice a line, written “code:名前” "
                    "(e.g. within_30_min:30分以内). The code never changes once facilities answer."))
    applies_to = forms.MultipleChoiceField(label=_("Asked of"), choices=FacilityKind.choices, required=False,
                                           widget=forms.CheckboxSelectMultiple,
                                           help_text=_("Leave all unticked to ask every kind of facility."))
    visibility = forms.ChoiceField(label=_("Who sees the answers"), choices=CollaborationAttribute.Visibility.choices,
                                   widget=forms.RadioSelect, initial=CollaborationAttribute.Visibility.PUBLIC)
    sort_order = forms.IntegerField(label=_("Display order"), min_value=0, required=False)

    def __init__(self, *args, attribute: CollaborationAttribute | None = None, names_only: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.attribute = attribute
        add_version_field(self, attribute)
        if attribute is not None and not self.is_bound:
            for name in ("category", "name", "name_en", "help_text", "value_type", "applies_to", "visibility",
                         "sort_order"):
                self.fields[name].initial = getattr(attribute, name)
            self.fields["choices_text"].initial = format_choices(attribute.choices)
        if names_only:
            for name in list(self.fields):
                if name not in ("name", "name_en", "help_text", "version"):
                    del self.fields[name]

    def clean_choices_text(self) -> list[dict]:
        return parse_choices(self.cleaned_data["choices_text"])

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("value_type") in (CollaborationAttribute.ValueType.CHOICE,
                                         CollaborationAttribute.ValueType.MULTI_CHOICE) \
                and "choices_text" in self.fields and not cleaned.get("choices_text") \
                and "choices_text" not in self.errors:
            self.add_error("choices_text", _("Write at least one choice, one a line."))
        return cleaned

    def changes(self) -> dict[str, Any]:
        """Keyword arguments for `attribute_create` / `attribute_update`."""
        out = {k: v for k, v in self.cleaned_data.items() if k not in ("choices_text", "version")}
        if "choices_text" in self.cleaned_data:
            out["choices"] = self.cleaned_data["choices_text"]
        if out.get("sort_order") is None:
            out.pop("sort_order", None)
        return out


class CategoryForm(forms.ModelForm):
    class Meta:
        model = CollaborationCategory
        fields = ["name", "name_en", "sort_order"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        add_version_field(self, self.instance)
