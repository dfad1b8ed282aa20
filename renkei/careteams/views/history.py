"""A patient's access history: on screen (filtered by period) and as a PDF for a disclosure request."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext_lazy

from renkei.core import policy

from .. import frame
from ..forms.consent import PeriodForm
from ..history_pdf import access_history_print
from ..selectors.history import access_history
from ..selectors.patients import patient_for

HISTORY = "careteams.view_access_history"

frame.register_tab("history", gettext_lazy("Access history"), "careteams:access_history", HISTORY, order=60)


def _patient(request, patient_id, **kwargs):
    return patient_for(getattr(request, "membership", None), patient_id, action=HISTORY, record=False)


def _period(request) -> tuple[PeriodForm, dict]:
    form = PeriodForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return form, {"since": form.cleaned_data["since"], "until": form.cleaned_data["until"]}
    return form, {"since": None, "until": None}


@policy.requires(HISTORY, get_object=_patient)
def access_history_view(request, patient_id, obj):
    form, period = _period(request)
    rows = access_history(obj, **period)
    return render(request, "careteams/access_history.html", {
        "patient": obj, "tab": "history", "form": form, "period": period,
        "page": Paginator(rows, 100).get_page(request.GET.get("page")), "count": len(rows),
        "query": request.GET.urlencode(),
    }, status=400 if form.errors else 200)


@policy.requires(HISTORY, get_object=_patient)
def access_history_pdf_view(request, patient_id, obj):
    _form, period = _period(request)
    pdf = access_history_print(request.membership, obj, **period)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="access-history-{obj.pk}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


urlpatterns = [
    path("<int:patient_id>/history/", access_history_view, name="access_history"),
    path("<int:patient_id>/history/pdf/", access_history_pdf_view, name="access_history_pdf"),
]
