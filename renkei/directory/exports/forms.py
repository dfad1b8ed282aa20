"""The exports page's choices: format, daily living area, kinds, closed facilities."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import FacilityKind
from .scope import AREA_NOT_SET, ExportScope, areas_of

FORMAT_CHOICES = [
    ("csv_medical", _("Open data CSV: 医療機関一覧 (hospitals and clinics)")),
    ("csv_care", _("Open data CSV: 介護サービス事業所一覧 (care services and visiting nursing)")),
    ("geojson", _("GeoJSON (for GIS and web maps)")),
    ("xlsx", _("Excel workbook with collaboration details")),
    ("pdf", _("Printable resource booklet (PDF, A4)")),
]


class ExportForm(forms.Form):
    format = forms.ChoiceField(label=_("Format"), choices=FORMAT_CHOICES, widget=forms.RadioSelect,
                               error_messages={"invalid_choice": _("Choose one of the listed formats.")})
    area = forms.ChoiceField(label=_("Daily living area"), required=False,
                             error_messages={"invalid_choice": _("Choose one of the listed areas.")})
    kind = forms.MultipleChoiceField(label=_("Kinds (none ticked: every kind)"), choices=FacilityKind.choices,
                                     required=False, widget=forms.CheckboxSelectMultiple)
    include_closed = forms.BooleanField(label=_("Include closed facilities"), required=False)

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality = municipality
        self.areas = {str(area.pk): area for area in areas_of(municipality)}
        self.fields["area"].choices = [("", _("Every area")), *[(pk, a.name) for pk, a in self.areas.items()],
                                       (AREA_NOT_SET, _("Area not set"))]

    def scope(self) -> ExportScope:
        data = self.cleaned_data
        return ExportScope(municipality=self.municipality, area=self.areas.get(data["area"]),
                           area_not_set=data["area"] == AREA_NOT_SET, kinds=tuple(data["kind"]),
                           include_closed=data["include_closed"])
