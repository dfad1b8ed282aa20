"""Training survey screens for staff: personal links (issue, print with QR codes), paper entry, the effect table.

The links page and paper entry show participants' names (professionals' work contact data): they need
`training.view_participants` and their reads are logged. The effect page shows statistics only
(`training.view_series`); its free-text answers, without names, only to those who may see participants.
"""

from __future__ import annotations

import io

import qrcode
import qrcode.image.svg
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from renkei.core import audit, policy
from renkei.core.forms import add_service_errors

from ..models import Phase, Registration, TrainingSeries
from ..selectors import surveys as selectors
from ..services import surveys as services
from ..survey_forms import AnswerForm, IssueLinksForm
from . import instruments

PARTICIPANTS = "training.view_participants"
NAMES = gettext_noop("participant names")


def _series(request, pk, **kwargs) -> TrainingSeries:
    return get_object_or_404(TrainingSeries.objects.select_related("municipality", "instrument"), pk=pk)


def _base_url(request) -> str:
    return request.build_absolute_uri("/")[:-1]


def qr_svg(text: str) -> str:
    """An inline SVG QR code of a link (for the printed list)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=6)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    return svg[svg.index("<svg"):]


def _link_rows(registrations: list[Registration]) -> list[dict]:
    rows = []
    for registration in registrations:
        links = {link.phase: link for link in registration.survey_links.all()}
        answered = {response.phase for response in registration.survey_responses.all()}
        rows.append({"registration": registration,
                     "phases": [{"phase": phase, "label": label, "link": links.get(phase),
                                 "answered": phase in answered} for phase, label in Phase.choices]})
    return rows


@policy.requires(PARTICIPANTS, get_object=_series)
def survey_links_view(request, pk, obj):
    """The series' survey links: response rates, who has a link or answered, issuing new links (shown once)."""
    series = obj
    form = IssueLinksForm(request.POST or None, initial={"phase": Phase.PRE, "send_email": True})
    issued = None
    if request.method == "POST" and form.is_valid():
        chosen = None
        if form.cleaned_data.get("registration"):
            chosen = [get_object_or_404(Registration, pk=form.cleaned_data["registration"], series=series)]
        try:
            issued = services.survey_links_issue(
                series=series, phase=form.cleaned_data["phase"], membership=request.membership,
                base_url=_base_url(request), registrations=chosen, send_email=form.cleaned_data["send_email"])
        except ValidationError as error:
            add_service_errors(form, error)
    registrations = selectors.registrations_for_links(series)
    audit.record_reads(registrations, what=NAMES, permission=PARTICIPANTS)
    context = {"series": series, "rates": selectors.response_rates(series), "rows": _link_rows(registrations),
               "form": form, "issued": issued, "may_issue": policy.check(request.membership,
                                                                          services.MANAGE, series)}
    if issued:
        context["issued_rows"] = [{"link": link, "qr": qr_svg(link.link)} for link in issued]
        return render(request, "training/surveys/links_issued.html", context)
    return render(request, "training/surveys/links.html", context, status=400 if form.errors else 200)


@policy.requires(services.MANAGE, get_object=_series)
def survey_enter_view(request, pk, obj):
    """Enter a participant's paper answers for one phase (the same validation as the link)."""
    series = obj
    registrations = selectors.registrations_for_links(series)
    audit.record_reads(registrations, what=NAMES, permission=PARTICIPANTS)
    data = request.POST if request.method == "POST" else request.GET
    registration = next((r for r in registrations if str(r.pk) == data.get("registration", "")), None)
    phase = data.get("phase") if data.get("phase") in Phase.values else Phase.PRE
    items = services.survey_items(series)
    form = AnswerForm(request.POST if request.method == "POST" else None, items=items)
    error = ""
    if request.method == "POST":
        if registration is None:
            error = _("Choose the participant.")
        elif form.is_valid():
            try:
                services.survey_response_submit(registration=registration, phase=phase, raw=form.cleaned_data,
                                                membership=request.membership)
            except ValidationError as problem:
                add_service_errors(form, problem)
            else:
                from django.contrib import messages

                messages.success(request, _("The paper answers were saved."))
                return redirect("training:survey_links", pk=series.pk)
    return render(request, "training/surveys/enter.html", {
        "series": series, "registrations": registrations, "registration": registration, "phase": phase,
        "phases": Phase.choices, "form": form, "error": error,
    }, status=400 if (form.errors or error) else 200)


def effect_chart_data(table: selectors.EffectTable) -> dict:
    """Before/after means of the item rows with enough pairs (the chart; the table is the accessible fallback)."""
    rows = [row for row in table.rows if row.kind == selectors.ITEM and row.effect.pairs]
    return {"labels": [row.label for row in rows],
            "before": [round(row.effect.mean_before, 2) for row in rows],
            "after": [round(row.effect.mean_after, 2) for row in rows],
            "before_label": _("Before"), "after_label": _("After")}


@policy.requires("training.view_series", get_object=_series)
def effect_view(request, pk, obj):
    """The paired effect table of a series: per item, subscale, total score and profession, with pairs per row."""
    series = obj
    table = selectors.effect_table(series)
    may_see_texts = policy.check(request.membership, PARTICIPANTS, series)
    return render(request, "training/surveys/effect.html", {
        "series": series, "table": table, "rates": selectors.response_rates(series),
        "chart": effect_chart_data(table),
        "texts": selectors.free_text_answers(series) if may_see_texts else None,
        "may_see_participants": may_see_texts,
    })


urlpatterns = [
    *instruments.urlpatterns,
    path("series/<int:pk>/surveys/", survey_links_view, name="survey_links"),
    path("series/<int:pk>/surveys/enter/", survey_enter_view, name="survey_enter"),
    path("series/<int:pk>/effect/", effect_view, name="effect"),
]
