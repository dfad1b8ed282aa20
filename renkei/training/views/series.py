"""The training landing page, series (create, page, edit) and sessions (add, edit, cancel).

Participants, attendance and certificates are in `series_people`, reach and the workbook in `series_reports`;
their routes are listed here too (urls.py takes this module's list).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from renkei.core import policy
from renkei.core.concurrency import StaleEdit, render_conflict
from renkei.core.models import Profession

from ..models import TrainingSeries, TrainingSession
from ..sections import series_page
from ..selectors import series as selectors
from ..services import series as services
from . import _series_loaders as loaders
from . import series_people, series_reports
from ._series_forms import SeriesForm, SessionForm

VIEW, MANAGE = "training.view_series", "training.manage_series"


@policy.requires(VIEW)
def index_view(request):
    """This fiscal year's series of the viewer's municipality (prefecture staff: choose one), upcoming first."""
    membership = request.membership
    municipality = loaders.chosen_municipality(request, required=False)
    if municipality is None:
        return render(request, "training/series/choose.html",
                      {"municipalities": selectors.viewer_municipalities(membership), "target": "training:index"})
    policy.require(membership, VIEW, municipality)
    fiscal_year = loaders.fiscal_year(request)
    series_list = selectors.year_series(membership, municipality, fiscal_year)
    return render(request, "training/series/index.html", {
        "municipality": municipality, "fiscal_year": fiscal_year, "series_list": series_list,
        "upcoming": selectors.upcoming_sessions(series_list),
        "years": selectors.fiscal_years_of(membership, municipality),
        "may_choose": membership.organization.municipality_id is None,
    })


def _series_form(request, series: TrainingSeries):
    membership = request.membership
    form = SeriesForm(request.POST or None, instance=series, membership=membership)
    if request.method == "POST" and form.is_valid():
        try:
            services.series_save(membership=membership, series=form.instance,
                                 expected_version=form.cleaned_data.get("version"))
        except StaleEdit as stale:
            stored = stale.current
            return render_conflict(request, "training/series/series_form.html", {"series": stored},
                                   form=form, current_form=SeriesForm(instance=stored, membership=membership),
                                   stale=stale,
                                   rebind=lambda data: SeriesForm(data, instance=stored, membership=membership))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved “%(title)s”.") % {"title": form.instance.title})
            return redirect("training:series_detail", series_id=form.instance.pk)
    return render(request, "training/series/series_form.html", {"form": form, "series": series},
                  status=400 if form.errors else 200)


@policy.requires(MANAGE)
def series_create_view(request):
    municipality = loaders.chosen_municipality(request)
    policy.require(request.membership, MANAGE, municipality)
    return _series_form(request, TrainingSeries(municipality=municipality))


@policy.requires(MANAGE, get_object=loaders.series)
def series_edit_view(request, series_id, obj):
    return _series_form(request, obj)


@policy.requires(VIEW, get_object=loaders.series)
def series_detail_view(request, series_id, obj):
    """The series: facts, sessions with attendance, registration count, and the sections other parts add."""
    labels = dict(Profession.choices)
    return render(request, "training/series/series_detail.html", {
        "series": obj, "sessions": selectors.series_sessions(obj),
        "registered": selectors.active_registrations(obj).count(), "capacity": selectors.series_capacity(obj),
        "targets": [labels.get(code, code) for code in obj.target_professions],
        "sections": series_page.rendered(request.membership, obj),
    })


def _session_form(request, session: TrainingSession):
    form = SessionForm(request.POST or None, instance=session)
    if request.method == "POST" and form.is_valid():
        try:
            warnings = services.session_save(membership=request.membership, session=form.instance,
                                             expected_version=form.cleaned_data.get("version"))
        except StaleEdit as stale:
            stored = stale.current
            return render_conflict(request, "training/series/session_form.html",
                                   {"session": stored, "series": session.series},
                                   form=form, current_form=SessionForm(instance=stored), stale=stale,
                                   rebind=lambda data: SessionForm(data, instance=stored))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved the session."))
            for warning in warnings:
                messages.warning(request, warning)
            return redirect("training:series_detail", series_id=session.series_id)
    return render(request, "training/series/session_form.html",
                  {"form": form, "session": session, "series": session.series},
                  status=400 if form.errors else 200)


@policy.requires(MANAGE, get_object=loaders.series)
def session_create_view(request, series_id, obj):
    return _session_form(request, TrainingSession(series=obj))


@policy.requires(MANAGE, get_object=loaders.session)
def session_edit_view(request, session_id, obj):
    return _session_form(request, obj)


@policy.requires(MANAGE, get_object=loaders.session)
def session_cancel_view(request, session_id, obj):
    if request.method != "POST":
        return render(request, "training/series/session_cancel.html", {"session": obj, "series": obj.series})
    services.session_cancel(membership=request.membership, session=obj)
    messages.success(request, _("The session was cancelled."))
    return redirect("training:series_detail", series_id=obj.series_id)


urlpatterns = [
    path("", index_view, name="index"),
    path("series/new/", series_create_view, name="series_create"),
    path("series/<int:series_id>/", series_detail_view, name="series_detail"),
    path("series/<int:series_id>/edit/", series_edit_view, name="series_edit"),
    path("series/<int:series_id>/sessions/new/", session_create_view, name="session_create"),
    path("sessions/<int:session_id>/edit/", session_edit_view, name="session_edit"),
    path("sessions/<int:session_id>/cancel/", session_cancel_view, name="session_cancel"),
    *series_people.urlpatterns,
    *series_reports.urlpatterns,
]
