"""The residents' pages without login (/events/): a municipality's calendar of lectures and events (with its
iCalendar file and public materials) and the questionnaire residents answer after a talk by its shared link."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.cache import never_cache

from renkei.core import audit, policy
from renkei.core.middleware import client_ip
from renkei.core.selectors import municipality_by_code

from .. import ical
from ..models import Theme
from ..selectors import awareness as selectors
from ..services import awareness as services
from ._awareness_forms import AnswerForm
from .awareness import material_response


def _theme(request) -> str:
    theme = request.GET.get("theme", "")
    return theme if theme in Theme.values else ""


@policy.public
def calendar_view(request, code: str):
    """Upcoming published lectures and events of the municipality (by month), past ones below."""
    municipality = municipality_by_code(code)
    theme = _theme(request)
    upcoming, past = selectors.calendar_split(municipality, theme=theme)
    months: list[tuple[str, list[dict]]] = []
    for activity in upcoming:
        label = f"{activity.date.year}年{activity.date.month}月"
        if not months or months[-1][0] != label:
            months.append((label, []))
        months[-1][1].append(selectors.public_fields(activity))
    return render(request, "training/events/calendar.html", {
        "municipality": municipality, "months": months, "past": [selectors.public_fields(a) for a in past],
        "themes": Theme.choices, "theme": theme,
    })


@policy.public
def calendar_ics_view(request, code: str):
    """The same activities as an iCalendar file (a phone's calendar app subscribes to it)."""
    municipality = municipality_by_code(code)
    today = timezone.localdate()
    stamp = timezone.now()
    host = request.get_host().split(":")[0] or "renkei"
    events = []
    for activity in selectors.calendar_activities(municipality, start=today - dt.timedelta(days=90),
                                                  theme=_theme(request)):
        fields = selectors.public_fields(activity)
        description = "\n".join(part for part in (
            activity.description, f"{_('How to join')}: {activity.how_to_join}" if activity.how_to_join else "",
            f"{_('Contact')}: {activity.contact}" if activity.contact else "") if part)
        events.append(ical.event_lines(
            uid=f"awareness-{activity.pk}@{host}", stamp=stamp, day=activity.date, starts=activity.starts_at,
            ends=activity.ends_at, summary=activity.title, location=activity.place, description=description,
            url=request.build_absolute_uri(reverse("events:calendar", args=[municipality.code]))
            + f"#activity-{fields['id']}"))
    body = ical.calendar(events, name=f"{municipality.name} 在宅医療・介護の講座・イベント")
    response = HttpResponse(body.encode(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="events-{municipality.code}.ics"'
    return response


@policy.public
def public_material_view(request, material_id: int):
    """A material the activity's staff marked public, of a published activity; the download is logged."""
    material = selectors.public_material(material_id)
    if material is None:
        raise Http404("no such public material")
    response = material_response(material)
    audit.record_read(material, what=gettext_noop("public awareness material"))
    return response


# --- the residents' questionnaire ------------------------------------------------------------------------------

def _refused(request, message: str, status: int):
    return render(request, "training/events/answer_invalid.html", {"message": message}, status=status)


def _session_key(link) -> str:
    return f"awareness-answered-{link.pk}"


@policy.public
@never_cache
def answer_view(request, token: str):
    """The questionnaire after a talk (shared link or QR code; no login): one answer per browser session."""
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    ip_address = client_ip(request)
    if services.is_link_throttled(ip_address=ip_address):
        return _refused(request, _("Too many attempts from your network. Wait a while before trying again."), 429)
    try:
        link = services.survey_link_for_token(token)
    except services.AwarenessLinkError as error:
        if error.reason == "unknown":
            services.link_attempt_record(ip_address=ip_address, kind="bad")
        return _refused(request, str(error), 404 if error.reason == "unknown" else 410)
    activity = link.activity
    if request.session.get(_session_key(link)):
        return render(request, "training/events/answer_thanks.html", {"activity": activity, "again": True})
    form = AnswerForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        services.link_attempt_record(ip_address=ip_address, kind="submit")
        if form.is_valid():
            try:
                services.response_submit(token=token, values=form.cleaned_data)
            except services.AwarenessLinkError as error:
                return _refused(request, str(error), 410)
            except ValidationError as error:
                from renkei.core.forms import add_service_errors

                add_service_errors(form, error)
            else:
                request.session[_session_key(link)] = True
                return redirect("events:awareness_answer", token=token)
    return render(request, "training/events/answer.html", {
        "activity": activity, "municipality": activity.municipality, "form": form,
        "date_label": selectors.date_label(activity.date),
    }, status=400 if form.errors else 200)


urlpatterns = [
    path("<str:code>/", calendar_view, name="calendar"),
    path("<str:code>/calendar.ics", calendar_ics_view, name="calendar_ics"),
    path("materials/<int:material_id>/", public_material_view, name="awareness_material"),
    path("q/<str:token>/", answer_view, name="awareness_answer"),
]
