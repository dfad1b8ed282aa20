"""Screens of the implementation status (§1) and the survey rounds (§2).

- `implementation_list` (/region/implementation/): municipal staff and coordinators see their municipality's
  sheets by year; prefecture staff a table of their prefecture's municipalities for a year.
- `implementation_answer` (/region/implementation/<code>/<year>/): the questionnaire, pre-filled from the saved
  sheet or the proposals, with the evidence next to each item; read-only for readers who cannot answer.
- `round_list`, `round_new`, `round_detail` (+ close, publish): survey rounds.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from renkei.core import policy
from renkei.core.concurrency import StaleEdit, render_conflict
from renkei.core.models import Municipality, Prefecture, ProgramItem, Role
from renkei.core.selectors import municipality_or_none

from ..models import Difficulty, ItemStatus, PdcaStage, SupportWish, SurveyRound, TrainingContent
from ..selectors import implementation as selectors
from ..selectors.proposals import proposals
from ..selectors.workspace import is_outside
from ..services import implementation as services
from ..status_forms import ImplementationForm, initial_from

VIEW, ANSWER = "region.view_implementation", "region.answer_implementation"
VIEW_ROUNDS, MANAGE_ROUNDS = "region.view_rounds", "region.manage_rounds"
ITEM_LABELS = dict(ProgramItem.choices)


def _year(value, default: int) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        return default
    return year if 2000 <= year <= 2100 else default


@policy.requires(VIEW)
def implementation_list(request):
    """The municipality's sheets by year, or the prefecture's table for a year."""
    membership = request.membership
    current = selectors.current_fiscal_year()
    year = _year(request.GET.get("year"), current)
    if membership.role in (Role.MUNICIPAL_STAFF, Role.COORDINATOR):
        municipality = selectors.answering_municipality(membership)
        if municipality is None:
            raise PermissionDenied("no municipality")
        policy.require(membership, VIEW, municipality)
        rows = selectors.history(membership, municipality)
        years = sorted({row.sheet.fiscal_year for row in rows} | {current}, reverse=True)
        by_year = {row.sheet.fiscal_year: row for row in rows}
        proposed = proposals(municipality, current)
        this_year = by_year.get(current)
        differences = [
            {"item": item, "label": ITEM_LABELS[item], "answer": this_year.items[item].get_status_display(),
             "proposal": ItemStatus(proposed[item].status).label}
            for item in ProgramItem.values
            if this_year and item in this_year.items and proposed[item].status
            and proposed[item].status != this_year.items[item].status]
        return render(request, "region/status/municipality.html", {
            "municipality": municipality, "years": [(y, by_year.get(y)) for y in years], "current": current,
            "items": ProgramItem.choices, "differences": differences,
            "may_answer": policy.check(membership, ANSWER, municipality),
            "open_round": selectors.open_round_for(municipality, current)})
    prefecture = membership.organization.prefecture if membership.role == Role.PREFECTURE_STAFF else None
    if membership.role == Role.SYSTEM_ADMIN:
        code = request.GET.get("prefecture", "")
        prefecture = Prefecture.objects.filter(code=code).first() if code else None
    if prefecture is None:
        return render(request, "region/status/choose_prefecture.html", {
            "prefectures": Prefecture.objects.order_by("code"), "year": year})
    policy.require(membership, VIEW, None)
    rows = selectors.status_matrix(membership, prefecture, year)
    counts = selectors.matrix_counts(rows)
    return render(request, "region/status/prefecture.html", {
        "prefecture": prefecture, "year": year, "rows": rows, "items": ProgramItem.choices,
        "years": list(range(current, current - 5, -1)),
        "counts": [(ITEM_LABELS[item], [counts[item].get(s, 0) for s in ItemStatus.values]) for item in
                   ProgramItem.values],
        "statuses": ItemStatus.choices,
        "answered": sum(1 for r in rows if r.sheet), "confirmed": sum(1 for r in rows if r.state == "confirmed")})


def _municipality(request, code, fiscal_year, **kwargs) -> Municipality:
    municipality = municipality_or_none(code)
    if municipality is None or municipality.kind == Municipality.Kind.WARD or not 2000 <= fiscal_year <= 2100:
        raise Http404("no such municipality or year")
    return municipality


def _answer_context(request, municipality, fiscal_year, sheet, form, may_answer) -> dict:
    proposed = proposals(municipality, fiscal_year)
    rows = selectors.item_statuses(sheet)
    # The evidence screens are the municipality's own (readers elsewhere get no links), and a link is offered only
    # where the member's role may open it (municipal staff do not use the on-call rota or the handoff lists).
    openable: dict[str, bool] = {}

    def link(url: str) -> str:
        if not (may_answer and url):
            return ""
        if url not in openable:
            openable[url] = policy.may_open(request.membership, url)
        return url if openable[url] else ""
    # The evidence sentences carry counts of people (desk cases, handoffs): only the municipality's own people
    # read them; the prefecture sees the proposal, not the counts behind it.
    show_evidence = not is_outside(request.membership, municipality)
    items = []
    fields = {entry["item"]: entry for entry in form.item_fields()} if form is not None else {}
    for item, label in ProgramItem.choices:
        proposal = proposed[item]
        items.append({"item": item, "label": label, "proposal": proposal, "row": rows.get(item),
                      "proposal_label": ItemStatus(proposal.status).label if proposal.status else "",
                      "stage_label": PdcaStage(proposal.stage).label if proposal.stage else "",
                      "evidence": [(evidence, link(evidence.url)) for evidence in proposal.evidence],
                      "fields": fields.get(item), "show_evidence": show_evidence})
    return {"municipality": municipality, "year": fiscal_year, "sheet": sheet, "form": form, "items": items,
            "may_answer": may_answer, "open_round": selectors.open_round_for(municipality, fiscal_year),
            "training_labels": dict(TrainingContent.choices), "difficulty_labels": dict(Difficulty.choices),
            "wish_labels": dict(SupportWish.choices)}


@policy.requires(VIEW, get_object=_municipality)
def implementation_answer(request, code, fiscal_year, obj):
    """The questionnaire for one municipality and year (GET: pre-filled; POST: save as draft or confirm)."""
    membership = request.membership
    municipality = obj
    may_answer = policy.check(membership, ANSWER, municipality)
    sheet = selectors.sheet(membership, municipality, fiscal_year)
    template = "region/status/answer.html"
    if not may_answer:
        if request.method == "POST":
            policy.require(membership, ANSWER, municipality)  # refused and logged
        return render(request, template, _answer_context(request, municipality, fiscal_year, sheet, None, False))

    def build(data=None, stored=sheet):
        return ImplementationForm(data, municipality=municipality, sheet=stored,
                                  initial=initial_from(stored, proposals(municipality, fiscal_year)))

    if request.method != "POST":
        form = build()
        return render(request, template, _answer_context(request, municipality, fiscal_year, sheet, form, True))
    form = build(request.POST)
    confirm = request.POST.get("action") == "confirm"
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.implementation_save(
                membership=membership, municipality=municipality, fiscal_year=fiscal_year,
                items=form.item_answers(), training_contents=data["training_contents"],
                difficulties=data["difficulties"], support_wishes=data["support_wishes"],
                answered_questions=bool(data["difficulties"] or data["support_wishes"]), note=data["note"],
                confirm=confirm, keep_confirmation=False, publish=data["is_published"],
                expected_version=data.get("version"),
                survey_round=selectors.open_round_for(municipality, fiscal_year))
        except StaleEdit as stale:
            stored = selectors.sheet(membership, municipality, fiscal_year)
            context = _answer_context(request, municipality, fiscal_year, stored, form, True)
            return render_conflict(request, template, context, form=form, current_form=build(stored=stored),
                                   stale=stale, rebind=lambda data: build(data, stored=stored))
        except services.ImplementationError as error:
            form.add_error(None, f"{error.ja} / {error.en}")
        else:
            messages.success(request, _("Confirmed the answers.") if confirm else _("Saved the answers as a draft."))
            return redirect("region:implementation_answer", code=municipality.code, fiscal_year=fiscal_year)
    return render(request, template, _answer_context(request, municipality, fiscal_year, sheet, form, True),
                  status=400)


# --- survey rounds --------------------------------------------------------------------------------------------

def _round(request, round_id, **kwargs) -> SurveyRound:
    """The round (the rules decide who reads it: its prefecture's people, everyone on staff for a national one)."""
    return get_object_or_404(SurveyRound.objects.select_related("prefecture"), pk=round_id)


@policy.requires(VIEW_ROUNDS)
def round_list(request):
    membership = request.membership
    return render(request, "region/status/round_list.html", {
        "rounds": list(selectors.visible_rounds(membership).order_by("-fiscal_year", "prefecture__code")),
        "may_open": policy.check(membership, MANAGE_ROUNDS, None) and membership.role in (
            Role.PREFECTURE_STAFF, Role.SYSTEM_ADMIN)})


@policy.requires(MANAGE_ROUNDS)
def round_new(request):
    """Open a round: prefecture staff for their prefecture, a system administrator for the nation."""
    membership = request.membership
    current = selectors.current_fiscal_year()
    prefecture = membership.organization.prefecture if membership.role == Role.PREFECTURE_STAFF else None
    error = None
    values = {"fiscal_year": str(current), "title": "", "closes_on": ""}
    if request.method == "POST":
        values = {key: request.POST.get(key, "").strip() for key in values}
        year = _year(values["fiscal_year"], 0)
        closes_on = None
        if values["closes_on"]:
            import datetime as dt
            try:
                closes_on = dt.date.fromisoformat(values["closes_on"])
            except ValueError:
                error = "回答期限の日付が読めません（YYYY-MM-DD） / The due date cannot be read (YYYY-MM-DD)."
        if not year:
            error = "年度は2000〜2100の数字で入力してください / Give the fiscal year as a number (2000–2100)."
        if error is None:
            try:
                created = services.round_open(membership=membership, fiscal_year=year, prefecture=prefecture,
                                              title=values["title"], closes_on=closes_on)
            except services.ImplementationError as problem:
                error = f"{problem.ja} / {problem.en}"
            else:
                messages.success(request, _("Opened the survey round."))
                return redirect("region:round_detail", round_id=created.pk)
    return render(request, "region/status/round_form.html", {"prefecture": prefecture, "values": values,
                                                               "error": error}, status=400 if error else 200)


@policy.requires(VIEW_ROUNDS, get_object=_round)
def round_detail(request, round_id, obj):
    membership = request.membership
    may_manage = policy.check(membership, MANAGE_ROUNDS, obj)
    rows = selectors.round_progress(obj) if may_manage else []
    own = selectors.answering_municipality(membership)
    own_row = None
    if own is not None and not may_manage:
        own_row = next((row for row in selectors.round_progress(obj) if row.municipality.pk == own.pk), None)
    return render(request, "region/status/round_detail.html", {
        "round": obj, "rows": rows, "may_manage": may_manage, "own_row": own_row,
        "may_answer_own": own is not None and policy.check(membership, ANSWER, own),
        "may_read_rows": may_manage and policy.check(membership, VIEW, None),
        "answered": sum(1 for r in rows if r.sheet), "confirmed": sum(1 for r in rows if r.state == "confirmed")})


@policy.requires(MANAGE_ROUNDS, get_object=_round)
@require_POST
def round_close(request, round_id, obj):
    services.round_close(membership=request.membership, survey_round=obj)
    messages.success(request, _("Closed the survey round."))
    return redirect("region:round_detail", round_id=obj.pk)


@policy.requires(MANAGE_ROUNDS, get_object=_round)
@require_POST
def round_publish(request, round_id, obj):
    count = services.round_publish(membership=request.membership, survey_round=obj)
    messages.success(request, _("Published the round: %(count)s confirmed answers can now be read by the other "
                                "municipalities.") % {"count": count})
    return redirect("region:round_detail", round_id=obj.pk)


def answer_url(municipality, fiscal_year: int) -> str:
    return reverse("region:implementation_answer", kwargs={"code": municipality.code, "fiscal_year": fiscal_year})


urlpatterns: list = [
    path("implementation/", implementation_list, name="implementation_list"),
    path("implementation/<str:code>/<int:fiscal_year>/", implementation_answer, name="implementation_answer"),
    path("rounds/", round_list, name="round_list"),
    path("rounds/new/", round_new, name="round_new"),
    path("rounds/<int:round_id>/", round_detail, name="round_detail"),
    path("rounds/<int:round_id>/close/", round_close, name="round_close"),
    path("rounds/<int:round_id>/publish/", round_publish, name="round_publish"),
]
