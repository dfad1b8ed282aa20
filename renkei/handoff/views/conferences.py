"""Conference screens: a handoff's conferences (also a section of the handoff page), proposing times, answering
(phone-friendly, for oneself or for a family member), choosing the time, recording the conference, cancelling,
the calendar file, and my invitations."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from renkei.careteams.selectors.patients import record_read
from renkei.core import audit, policy
from renkei.core.models import AuditEntry

from .. import sections
from ..forms.conferences import AnswerForm, CancelForm, HoldForm, ProposeForm, ScheduleForm
from ..models import Conference
from ..selectors import conferences as selectors
from ..selectors.handoffs import handoff_loader
from ..services import conferences as services

VIEW = "handoff.view_handoff"
ARRANGE = services.ARRANGE
ANSWER = services.ANSWER
ANSWER_FOR = services.ANSWER_FOR
LIST = "handoff.list_handoffs"


def conference_loader(action: str):
    def load(request, conference_id, **kwargs):
        return selectors.conference_for(getattr(request, "membership", None), conference_id, action=action,
                                        record=False)

    return load


def invitee_loader(action: str):
    def load(request, invitee_id, **kwargs):
        return selectors.invitee_for(getattr(request, "membership", None), invitee_id, action=action, record=False)

    return load


def handoff_page(handoff_id: int) -> str:
    """The handoff page (the workflow part's); this part's own conference page until it is merged."""
    try:
        return reverse("handoff:handoff_detail", kwargs={"handoff_id": handoff_id}) + "#conferences"
    except NoReverseMatch:
        return reverse("handoff:conference_list", kwargs={"handoff_id": handoff_id})


def section_context(membership, handoff) -> dict:
    """What the conference section of the handoff page shows (the page has asked the policy and logged the read)."""
    return {"handoff": handoff, "conferences": selectors.conferences_of(handoff),
            "can_arrange": policy.check(membership, ARRANGE, handoff)}


sections.register("conferences", "handoff/_conferences_section.html", section_context, order=40)


@policy.requires(VIEW, get_object=handoff_loader(VIEW))
def conference_list_view(request, handoff_id, obj):
    record_read(obj, what=selectors.CONFERENCES_READ, permission=VIEW)
    return render(request, "handoff/conference_list.html", {
        "handoff": obj, "section": section_context(request.membership, obj),
        "handoff_page": handoff_page(obj.pk)})


@policy.requires(ARRANGE, get_object=handoff_loader(ARRANGE))
def conference_new_view(request, handoff_id, obj):
    team, staff = services.current_team(obj), services.hospital_staff(obj)
    form = ProposeForm(request.POST if request.method == "POST" else None, team=team, staff=staff,
                       me=request.membership)
    if request.method == "POST" and not form.is_row_change and form.is_valid():
        data = form.cleaned_data
        try:
            conference = services.conference_propose(
                membership=request.membership, handoff=obj, slots=data["slots"], invitees=data["invitees"],
                hospital_invitees=data.get("hospital_invitees") or [], place=data["place"],
                video_url=data["video_url"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The conference was proposed; the invitees with a login were e-mailed."))
            if conference.leaves_out_care_manager:
                messages.warning(request, _("The patient's care manager is not invited. Care managers ask to be "
                                            "invited; this conference counts as one without the care manager."))
            return redirect(handoff_page(obj.pk))
    record_read(obj, what=selectors.CONFERENCES_READ, permission=ARRANGE)
    return render(request, "handoff/conference_form.html", {
        "handoff": obj, "form": form, "handoff_page": handoff_page(obj.pk), "has_care_manager": form.care_manager_ids,
    }, status=400 if form.errors and not form.is_row_change else 200)


def _answer(request, invitee, action: str):
    conference = invitee.conference
    slots = list(conference.slots.all())
    given = {a.slot_id: a.answer for a in invitee.answers.all()}
    is_open = conference.status == Conference.Status.PROPOSED
    form = AnswerForm(request.POST if request.method == "POST" and is_open else None, slots=slots, given=given)
    if request.method == "POST" and is_open and form.is_valid():
        try:
            services.slot_answer(membership=request.membership, invitee=invitee, answers=form.answers())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your answer was sent. Thank you."))
            return redirect(handoff_page(conference.handoff_id))
    record_read(invitee, what=selectors.CONFERENCE_READ, permission=action)
    return render(request, "handoff/conference_answer.html", {
        "invitee": invitee, "conference": conference, "handoff": conference.handoff, "form": form,
        "is_open": is_open, "for_someone_else": action == ANSWER_FOR, "handoff_page": handoff_page(
            conference.handoff_id) if policy.check(request.membership, VIEW, conference.handoff) else "",
    }, status=400 if form.errors else 200)


@policy.requires(ANSWER, get_object=invitee_loader(ANSWER))
def conference_answer_view(request, invitee_id, obj):
    return _answer(request, obj, ANSWER)


@policy.requires(ANSWER_FOR, get_object=invitee_loader(ANSWER_FOR))
def conference_answer_for_view(request, invitee_id, obj):
    return _answer(request, obj, ANSWER_FOR)


def _open_or_back(request, conference):
    if conference.status in (Conference.Status.PROPOSED, Conference.Status.SCHEDULED):
        return None
    messages.info(request, _("This conference is already held or cancelled."))
    return redirect(handoff_page(conference.handoff_id))


@policy.requires(ARRANGE, get_object=conference_loader(ARRANGE))
def conference_schedule_view(request, conference_id, obj):
    back = _open_or_back(request, obj)
    if back:
        return back
    shown = next(c for c in selectors.conferences_of(obj.handoff) if c["conference"].pk == obj.pk)
    slots = [s["slot"] for s in shown["slots"]]
    form = ScheduleForm(request.POST if request.method == "POST" else None, conference=obj, slots=slots,
                        suggested=shown["suggested"])
    if request.method == "POST" and form.is_valid():
        slot = next(s for s in slots if s.pk == form.cleaned_data["slot"])
        try:
            services.conference_schedule(membership=request.membership, conference=obj, slot=slot,
                                         place=form.cleaned_data["place"], video_url=form.cleaned_data["video_url"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The time was decided and the invitees were told."))
            return redirect(handoff_page(obj.handoff_id))
    record_read(obj, what=selectors.CONFERENCE_READ, permission=ARRANGE)
    return render(request, "handoff/conference_schedule.html", {
        "conference": obj, "handoff": obj.handoff, "shown": shown, "form": form,
        "handoff_page": handoff_page(obj.handoff_id)}, status=400 if form.errors else 200)


@policy.requires(ARRANGE, get_object=conference_loader(ARRANGE))
def conference_hold_view(request, conference_id, obj):
    back = _open_or_back(request, obj)
    if back:
        return back
    invitees = list(obj.invitees.all())
    form = HoldForm(request.POST if request.method == "POST" else None, conference=obj, invitees=invitees)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.conference_hold(membership=request.membership, conference=obj, held_at=data["held_at"],
                                     attended=data["attended"], minutes=data["minutes"], by_video=data["by_video"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The conference was recorded: the conference step is done."))
            return redirect(handoff_page(obj.handoff_id))
    record_read(obj, what=selectors.CONFERENCE_READ, permission=ARRANGE)
    return render(request, "handoff/conference_hold.html", {
        "conference": obj, "handoff": obj.handoff, "form": form, "handoff_page": handoff_page(obj.handoff_id)},
        status=400 if form.errors else 200)


@policy.requires(ARRANGE, get_object=conference_loader(ARRANGE))
def conference_cancel_view(request, conference_id, obj):
    back = _open_or_back(request, obj)
    if back:
        return back
    form = CancelForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.conference_cancel(membership=request.membership, conference=obj)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The conference was cancelled and the invitees were told."))
            return redirect(handoff_page(obj.handoff_id))
    record_read(obj, what=selectors.CONFERENCE_READ, permission=ARRANGE)
    return render(request, "handoff/conference_cancel.html", {
        "conference": obj, "handoff": obj.handoff, "form": form, "handoff_page": handoff_page(obj.handoff_id)},
        status=400 if form.errors else 200)


def _ics_text(value: str) -> str:
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def initials(name: str) -> str:
    """The patient's initials only (a calendar is synced to phones and shared): 連携 太郎 → 連.太."""
    parts = [p for p in name.replace("\u3000", " ").split(" ") if p]
    return ".".join(p[0] for p in parts) + "." if parts else ""


@policy.requires(VIEW, get_object=conference_loader(VIEW))
def conference_calendar_view(request, conference_id, obj):
    if obj.status != Conference.Status.SCHEDULED or obj.chosen_slot is None:
        raise Http404("not scheduled")
    slot = obj.chosen_slot
    stamp = "%Y%m%dT%H%M%SZ"
    utc = timezone.get_fixed_timezone(0)
    summary = _("Pre-discharge conference (%(initials)s) %(hospital)s") % {
        "initials": initials(obj.handoff.patient.name), "hospital": obj.handoff.hospital.name}
    link = request.build_absolute_uri(handoff_page(obj.handoff_id))
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Renkei//handoff conferences//JA", "METHOD:PUBLISH",
        "BEGIN:VEVENT", f"UID:handoff-conference-{obj.pk}@renkei",
        f"DTSTAMP:{timezone.now().astimezone(utc).strftime(stamp)}",
        f"DTSTART:{slot.starts_at.astimezone(utc).strftime(stamp)}",
        f"DTEND:{slot.ends_at.astimezone(utc).strftime(stamp)}",
        f"SUMMARY:{_ics_text(summary)}",
    ]
    if obj.place:
        lines.append(f"LOCATION:{_ics_text(obj.place)}")
    description = link + (("\n" + _("Video link: %(url)s") % {"url": obj.video_url}) if obj.video_url else "")
    lines += [f"DESCRIPTION:{_ics_text(description)}", f"URL:{link}", "END:VEVENT", "END:VCALENDAR"]
    audit.record(action=AuditEntry.Action.EXPORT, obj=obj, permission=VIEW, changes={"what": selectors.CALENDAR_EXPORT})
    response = HttpResponse("\r\n".join(lines) + "\r\n", content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="conference-{obj.pk}.ics"'
    response["Cache-Control"] = "no-store"
    return response


@policy.requires(LIST)
def conference_invitations_view(request):
    waiting = selectors.invitations_waiting(request.membership)
    answered = selectors.proposals_answered(request.membership)
    handoffs = {i.conference.handoff for i in waiting} | {c.handoff for c in answered}
    if handoffs:
        audit.record_reads(list(handoffs), what=selectors.INVITATION_LIST, permission=LIST)
    return render(request, "handoff/conference_invitations.html", {"waiting": waiting, "answered": answered})


urlpatterns = [
    path("<int:handoff_id>/conferences/", conference_list_view, name="conference_list"),
    path("<int:handoff_id>/conferences/new/", conference_new_view, name="conference_new"),
    path("conferences/mine/", conference_invitations_view, name="conference_invitations"),
    path("conferences/invitations/<int:invitee_id>/answer/", conference_answer_view, name="conference_answer"),
    path("conferences/invitations/<int:invitee_id>/answer-for/", conference_answer_for_view,
         name="conference_answer_for"),
    path("conferences/<int:conference_id>/schedule/", conference_schedule_view, name="conference_schedule"),
    path("conferences/<int:conference_id>/hold/", conference_hold_view, name="conference_hold"),
    path("conferences/<int:conference_id>/cancel/", conference_cancel_view, name="conference_cancel"),
    path("conferences/<int:conference_id>/calendar.ics", conference_calendar_view, name="conference_calendar"),
]
