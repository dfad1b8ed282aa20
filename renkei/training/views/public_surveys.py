"""Public pages without login: a training participant answers the survey before or after the training through
their personal link (`events:survey_answer`). The link is the only credential; the page shows the series' title
and the phase, never the participant's name. Unknown and expired links get a clear page (404/410) and count
toward the per-address throttle shared with the directory's survey links.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from renkei.core import policy
from renkei.core.forms import add_service_errors
from renkei.core.middleware import client_ip

from ..models import Phase
from ..services import surveys as services
from ..survey_forms import AnswerForm

INVALID = "training/surveys/answer_invalid.html"


def _refusal(request, error: services.SurveyLinkError):
    if error.reason in ("unknown", "expired"):
        services.link_attempt_record(ip_address=client_ip(request), kind="bad")
    status = {"unknown": 404, "answered": 409}.get(error.reason, 410)
    return render(request, INVALID, {"message": str(error), "reason": error.reason}, status=status)


def phase_title(phase: str) -> str:
    return _("Survey before the training") if phase == Phase.PRE else _("Survey after the training")


@policy.public
@never_cache
def survey_answer_view(request, token: str):
    """The participant's survey for one phase: one question per row, radio buttons 1…4 with end labels."""
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    if services.is_link_throttled(ip_address=client_ip(request)):
        return render(request, INVALID, {"message": _("Too many attempts from your network. Wait a while before "
                                                      "trying again."), "reason": "throttled"}, status=429)
    try:
        link = services.survey_link_for_token(token)
    except services.SurveyLinkError as error:
        return _refusal(request, error)
    series = link.registration.series
    form = AnswerForm(request.POST if request.method == "POST" else None, items=services.survey_items(series))
    if request.method == "POST":
        services.link_attempt_record(ip_address=client_ip(request), kind="submit")
        if form.is_valid():
            try:
                services.survey_response_submit(registration=link.registration, phase=link.phase,
                                                raw=form.cleaned_data, link=link)
            except ValidationError as error:
                if getattr(error, "code", "") == "answered":
                    return _refusal(request, services.SurveyLinkError(error.messages[0], "answered"))
                add_service_errors(form, error)
            else:
                return render(request, "training/surveys/answer_thanks.html", {
                    "series": series, "phase_title": phase_title(link.phase)})
    else:
        services.survey_link_opened(link=link)
    return render(request, "training/surveys/answer.html", {
        "series": series, "phase": link.phase, "phase_title": phase_title(link.phase), "form": form,
        "municipality": series.municipality,
    }, status=400 if form.errors else 200)


urlpatterns = [
    path("s/<str:token>/", survey_answer_view, name="survey_answer"),
]
