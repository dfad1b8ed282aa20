"""Awareness screens for staff (/training/awareness/): the year's list and its Excel export, an activity's page
(materials, questionnaire link and results, sections other parts register), create and edit, paper answers, and
the reach by daily living area."""

from __future__ import annotations

import io
import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from renkei.core import audit, policy
from renkei.core.concurrency import StaleEdit, render_conflict
from renkei.core.forms import add_service_errors
from renkei.core.models import AuditEntry, DailyLivingArea
from renkei.core.selectors import municipality_or_none
from renkei.core.spreadsheets import excel_row
from renkei.core.wareki import fiscal_year_wareki, to_wareki

from .. import sections
from ..models import ActivityKind, AwarenessActivity, AwarenessMaterial, AwarenessSurveyLink, Theme
from ..selectors import awareness as selectors
from ..selectors import series as series_selectors
from ..services import awareness as services
from ._awareness_forms import ActivityForm, LinkForm, MaterialForm, PaperFormSet

VIEW, MANAGE = "training.view_awareness", "training.manage_awareness"


# --- loaders ---------------------------------------------------------------------------------------------------

def _activity(request, activity_id, **kwargs) -> AwarenessActivity:
    return get_object_or_404(AwarenessActivity.objects.select_related("municipality__prefecture",
                                                                      "daily_living_area"), pk=activity_id)


def _material(request, material_id, **kwargs) -> AwarenessMaterial:
    return get_object_or_404(AwarenessMaterial.objects.select_related("activity__municipality"), pk=material_id)


def _link(request, link_id, **kwargs) -> AwarenessSurveyLink:
    return get_object_or_404(AwarenessSurveyLink.objects.select_related("activity__municipality"), pk=link_id)


def _chosen_municipality(request, **kwargs):
    """`?municipality=CODE`, else the member's own municipality (None when neither)."""
    code = (request.GET.get("municipality") or "").strip()
    if code:
        found = municipality_or_none(code)
        if found is None:
            raise Http404("unknown municipality")
        return found
    membership = getattr(request, "membership", None)
    return membership.organization.municipality if membership is not None else None


def _fiscal_year(value, default: int) -> int:
    text = (value or "").strip()
    return int(text) if text.isdecimal() and 1990 <= int(text) <= 2100 else default


def current_fiscal_year() -> int:
    return selectors.fiscal_year_of(timezone.localdate())


# --- the list and its export -----------------------------------------------------------------------------------

def _list_filters(request):
    municipality = _chosen_municipality(request)
    fiscal_year = _fiscal_year(request.GET.get("year"), current_fiscal_year())
    kind = request.GET.get("kind", "") if request.GET.get("kind", "") in ActivityKind.values else ""
    theme = request.GET.get("theme", "") if request.GET.get("theme", "") in Theme.values else ""
    area = request.GET.get("area", "")
    area_id = int(area) if area.isdecimal() and len(area) < 12 else None
    return municipality, fiscal_year, kind, theme, area_id


@policy.requires(VIEW)
def awareness_list_view(request):
    """The activities of a fiscal year, filtered by kind, theme and daily living area."""
    municipality, fiscal_year, kind, theme, area_id = _list_filters(request)
    activities = list(selectors.activities_for_year(request.membership, fiscal_year=fiscal_year,
                                                    municipality=municipality, kind=kind, theme=theme,
                                                    area_id=area_id))
    areas = DailyLivingArea.objects.filter(municipality=municipality).order_by("name") if municipality else []
    this_year = current_fiscal_year()
    return render(request, "training/awareness/list.html", {
        "activities": activities, "municipality": municipality, "fiscal_year": fiscal_year,
        "fiscal_year_label": fiscal_year_wareki(fiscal_year),
        "years": [(year, fiscal_year_wareki(year)) for year in range(this_year + 1, this_year - 6, -1)],
        "kinds": ActivityKind.choices, "themes": Theme.choices, "areas": areas, "kind": kind, "theme": theme,
        "area_id": area_id, "query": request.GET.urlencode(),
        "total_attendance": sum(a.attendance or 0 for a in activities if not a.is_cancelled),
    })


@policy.requires(VIEW)
def awareness_export_view(request):
    """The year's activities as an Excel workbook (the same filters as the list); an export entry in the log."""
    from openpyxl import Workbook

    municipality, fiscal_year, kind, theme, area_id = _list_filters(request)
    activities = list(selectors.activities_for_year(request.membership, fiscal_year=fiscal_year,
                                                    municipality=municipality, kind=kind, theme=theme,
                                                    area_id=area_id))
    book = Workbook(write_only=True)
    sheet = book.create_sheet(fiscal_year_wareki(fiscal_year))
    theme_labels = dict(Theme.choices)
    sheet.append(excel_row(sheet, ["実施日", "種類", "名称", "テーマ", "開始", "終了", "場所", "日常生活圏域", "対象",
                                   "定員", "参加者数", "配布数", "カレンダー掲載", "中止", "アンケート回答数"]))
    for a in activities:
        sheet.append(excel_row(sheet, [
            to_wareki(a.date), a.get_kind_display(), a.title, "、".join(str(theme_labels.get(t, t)) for t in a.themes),
            a.starts_at.strftime("%H:%M") if a.starts_at else "", a.ends_at.strftime("%H:%M") if a.ends_at else "",
            a.place, a.daily_living_area.name if a.daily_living_area else "", a.audience, a.capacity, a.attendance,
            a.copies, "○" if a.is_published else "", "○" if a.is_cancelled else "", a.response_count]))
    out = io.BytesIO()
    book.save(out)
    content = out.getvalue()
    owner = municipality or request.membership.organization
    audit.record(action=AuditEntry.Action.EXPORT, obj=owner, permission=VIEW,
                 changes={"format": "xlsx", "document": "awareness_activities", "fiscal_year": fiscal_year,
                          "rows": len(activities)})
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument."
                                                  "spreadsheetml.sheet")
    name = f"普及啓発_{fiscal_year_wareki(fiscal_year)}{'_' + municipality.name if municipality else ''}.xlsx"
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


# --- create, edit, read ----------------------------------------------------------------------------------------

def _activity_form(request, activity: AwarenessActivity):
    municipality = activity.municipality
    form = ActivityForm(request.POST or None, instance=activity, municipality=municipality,
                        membership=request.membership)
    context = {"activity": activity, "municipality": municipality}
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_save(membership=request.membership, activity=form.instance,
                                   expected_version=form.cleaned_data.get("version"))
        except StaleEdit as stale:
            stored = stale.current
            return render_conflict(request, "training/awareness/form.html", {**context, "activity": stored},
                                   form=form, current_form=ActivityForm(instance=stored, municipality=municipality,
                                                                          membership=request.membership),
                                   stale=stale, rebind=lambda data: ActivityForm(data, instance=stored,
                                                                                 municipality=municipality,
                                                                                 membership=request.membership))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved the activity."))
            return redirect("training:awareness_detail", activity_id=form.instance.pk)
    return render(request, "training/awareness/form.html", {**context, "form": form},
                  status=400 if form.errors else 200)


@policy.requires(MANAGE, get_object=_chosen_municipality)
def awareness_create_view(request, obj):
    if obj is None:
        raise Http404("no municipality")
    return _activity_form(request, AwarenessActivity(municipality=obj, date=timezone.localdate()))


@policy.requires(MANAGE, get_object=_activity)
def awareness_edit_view(request, activity_id, obj):
    return _activity_form(request, obj)


def _detail_context(request, activity: AwarenessActivity) -> dict:
    activity = selectors.activity_with_details(activity.pk)
    manages = policy.check(request.membership, MANAGE, activity)
    theme_labels = dict(Theme.choices)
    return {
        "activity": activity, "municipality": activity.municipality,
        "theme_labels": [theme_labels.get(t, t) for t in activity.themes],
        "materials": list(activity.materials.all()), "material_form": MaterialForm(), "link_form": LinkForm(),
        "survey_link": selectors.active_survey_link(activity),
        "results": selectors.activity_results(activity, with_comments=manages),
        "sections": sections.awareness_page.rendered(request.membership, activity),
    }


@policy.requires(VIEW, get_object=_activity)
def awareness_detail_view(request, activity_id, obj):
    return render(request, "training/awareness/detail.html", _detail_context(request, obj))


# --- materials -------------------------------------------------------------------------------------------------

@policy.requires(MANAGE, get_object=_activity)
def awareness_material_upload_view(request, activity_id, obj):
    if request.method != "POST":
        return redirect("training:awareness_detail", activity_id=obj.pk)
    form = MaterialForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.material_add(membership=request.membership, activity=obj, title=form.cleaned_data["title"],
                                  is_public=form.cleaned_data["is_public"], upload=form.cleaned_data["file"])
        except ValidationError as error:
            form.add_error("file", error)
        else:
            messages.success(request, _("Attached the material."))
            return redirect(reverse("training:awareness_detail", args=[obj.pk]) + "#materials")
    context = _detail_context(request, obj)
    context["material_form"] = form
    return render(request, "training/awareness/detail.html", context, status=400)


def material_response(material: AwarenessMaterial):
    """The file as an attachment of the type its extension names (404 when the file is gone)."""
    try:
        handle = open(services.material_path(material), "rb")  # noqa: SIM115 (FileResponse closes it)
    except (FileNotFoundError, OSError) as error:
        raise Http404("material file missing") from error
    response = FileResponse(handle, as_attachment=True, filename=material.original_name,
                            content_type=material.content_type or "application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    return response


@policy.requires(VIEW, get_object=_material)
def awareness_material_download_view(request, material_id, obj):
    response = material_response(obj)
    audit.record_read(obj, what=gettext_noop("awareness material"), permission=VIEW)
    return response


@policy.requires(MANAGE, get_object=_material)
def awareness_material_delete_view(request, material_id, obj):
    if request.method == "POST":
        services.material_delete(membership=request.membership, material=obj)
        messages.success(request, _("Removed the material."))
    return redirect(reverse("training:awareness_detail", args=[obj.activity_id]) + "#materials")


# --- the questionnaire link and paper answers ------------------------------------------------------------------

def qr_svg(url: str) -> str:
    """The link as an inline SVG QR code (to print on the handout)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")


@policy.requires(MANAGE, get_object=_activity)
def awareness_survey_view(request, activity_id, obj):
    """Issue (or reissue) the activity's questionnaire link; the page shows it once, with its QR code."""
    if request.method != "POST":
        return redirect(reverse("training:awareness_detail", args=[obj.pk]) + "#questionnaire")
    form = LinkForm(request.POST)
    if form.is_valid():
        try:
            issued = services.survey_link_issue(membership=request.membership, activity=obj,
                                                expires_on=form.cleaned_data["expires_on"])
        except ValidationError as error:
            form.add_error("expires_on", error.message_dict.get("expires_on", error.messages))
        else:
            url = request.build_absolute_uri(reverse("events:awareness_answer", args=[issued.token]))
            return render(request, "training/awareness/survey_link.html", {
                "activity": obj, "link": issued.link, "url": url, "qr_svg": qr_svg(url)})
    context = _detail_context(request, obj)
    context["link_form"] = form
    return render(request, "training/awareness/detail.html", context, status=400)


@policy.requires(MANAGE, get_object=_link)
def awareness_survey_deactivate_view(request, link_id, obj):
    if request.method == "POST":
        services.survey_link_deactivate(membership=request.membership, link=obj)
        messages.success(request, _("The questionnaire link no longer takes answers."))
    return redirect(reverse("training:awareness_detail", args=[obj.activity_id]) + "#questionnaire")


@policy.requires(MANAGE, get_object=_activity)
def awareness_responses_enter_view(request, activity_id, obj):
    """Enter paper forms quickly: a grid of rows, one per form, all saved at once (or none)."""
    formset = PaperFormSet(request.POST or None, prefix="paper")
    errors = []
    if request.method == "POST":
        if formset.is_valid():
            rows = [form.cleaned_data for form in formset.forms if form.cleaned_data]
            try:
                count = services.responses_enter(membership=request.membership, activity=obj, rows=rows)
            except ValidationError as error:
                errors = error.messages
            else:
                messages.success(request, _("Entered %(count)d paper answers.") % {"count": count})
                return redirect(reverse("training:awareness_detail", args=[obj.pk]) + "#results")
        else:
            errors = [_("Check the marked rows.")]
    return render(request, "training/awareness/responses_enter.html",
                  {"activity": obj, "formset": formset, "errors": errors}, status=400 if errors else 200)


# --- reach by daily living area --------------------------------------------------------------------------------

@policy.requires(VIEW, get_object=_chosen_municipality)
def awareness_reach_view(request, obj):
    """Areas × fiscal years: activities held and attendance; never-reached areas first."""
    if obj is None:  # prefecture staff and administrators without a municipality of their own choose one
        return render(request, "training/series/choose.html", {
            "municipalities": series_selectors.viewer_municipalities(request.membership),
            "target": "training:awareness_reach"})
    this_year = current_fiscal_year()
    last = _fiscal_year(request.GET.get("to"), this_year)
    first = _fiscal_year(request.GET.get("from"), last - 2)
    if first > last:
        first, last = last, first
    first = max(first, last - 9)
    years = list(range(first, last + 1))
    rows = selectors.reach_by_area(obj, first_year=first, last_year=last)
    return render(request, "training/awareness/reach.html", {
        "municipality": obj, "years": [(year, fiscal_year_wareki(year)) for year in years],
        "rows": [(row, row.cell_list(years)) for row in rows], "first": first, "last": last,
        "never_reached": [row.area for row in rows if row.area is not None and row.is_never_reached],
        "reached_json": json.dumps({str(row.area.pk): sum(count for count, _ in row.cells.values())
                                    for row in rows if row.area is not None}),
        "year_choices": [(year, fiscal_year_wareki(year)) for year in range(this_year, this_year - 10, -1)],
    })


urlpatterns = [
    path("awareness/", awareness_list_view, name="awareness_list"),
    path("awareness/export.xlsx", awareness_export_view, name="awareness_export"),
    path("awareness/new/", awareness_create_view, name="awareness_create"),
    path("awareness/reach/", awareness_reach_view, name="awareness_reach"),
    path("awareness/<int:activity_id>/", awareness_detail_view, name="awareness_detail"),
    path("awareness/<int:activity_id>/edit/", awareness_edit_view, name="awareness_edit"),
    path("awareness/<int:activity_id>/materials/", awareness_material_upload_view,
         name="awareness_material_upload"),
    path("awareness/materials/<int:material_id>/", awareness_material_download_view,
         name="awareness_material_download"),
    path("awareness/materials/<int:material_id>/delete/", awareness_material_delete_view,
         name="awareness_material_delete"),
    path("awareness/<int:activity_id>/questionnaire/", awareness_survey_view, name="awareness_survey"),
    path("awareness/links/<int:link_id>/deactivate/", awareness_survey_deactivate_view,
         name="awareness_survey_deactivate"),
    path("awareness/<int:activity_id>/answers/", awareness_responses_enter_view, name="awareness_responses_enter"),
]
