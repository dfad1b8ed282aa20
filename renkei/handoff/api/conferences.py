"""Conference operations under /api/v1/handoffs/…: the same policy, services and read entries as the screens."""

import datetime as dt

from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from renkei.careteams.api.consent import asks  # the rule asked on the object; ValidationError → 400
from renkei.careteams.selectors.patients import record_read
from renkei.core import policy

from ..models import Conference, ConferenceInvitee, SlotAnswer
from ..selectors import conferences as selectors
from ..selectors.handoffs import handoff_for
from ..services import conferences as services

router = Router(tags=["handoffs"])

VIEW, ARRANGE, ANSWER = "handoff.view_handoff", services.ARRANGE, services.ANSWER


class SlotOut(Schema):
    id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    yes: int
    maybe: int
    no: int


class InviteeOut(Schema):
    id: int
    name: str
    role: str
    profession: str
    team_member_id: int | None
    answered_at: dt.datetime | None
    attended: bool | None
    answers: dict[str, str] = Field(description="slot id → yes, maybe or no")


class ConferenceOut(Schema):
    id: int
    handoff_id: int
    status: str
    place: str
    video_url: str
    chosen_slot_id: int | None
    suggested_slot_id: int | None
    held_at: dt.datetime | None
    minutes: str
    invites_care_manager: bool
    slots: list[SlotOut]
    invitees: list[InviteeOut]
    warnings: list[str] = Field(default_factory=list)


class SlotIn(Schema):
    starts_at: dt.datetime
    ends_at: dt.datetime


class ProposeIn(Schema):
    # Optional in the schema so that a caller the policy refuses gets 403 rather than a validation error; the
    # service answers 400 without a time.
    slots: list[SlotIn] = Field(default_factory=list, max_length=services.MAX_SLOTS)
    invitees: list[int] = Field(default_factory=list, description="care team member ids (the patient's team)")
    hospital_invitees: list[int] = Field(default_factory=list, description="membership ids of hospital staff")
    place: str = Field("", max_length=120)
    video_url: str = Field("", max_length=200)


class AnswerIn(Schema):
    invitee_id: int | None = Field(None, description="the invitation answered; default: my own in this conference")
    answers: dict[str, SlotAnswer.Answer] = Field(default_factory=dict, description="slot id → yes, maybe or no")


class ScheduleIn(Schema):
    slot_id: int | None = Field(None, description="one of the proposed times (required)")
    place: str | None = Field(None, max_length=120)
    video_url: str | None = Field(None, max_length=200)


class HoldIn(Schema):
    held_at: dt.datetime | None = None
    attended: list[int] = Field(default_factory=list, description="invitee ids who took part")
    minutes: str = Field("", max_length=20000)
    by_video: bool | None = None


class ExchangeOut(Schema):
    id: int
    channel: str
    occurred_at: dt.datetime
    professions: list[str]


def _out(item: dict, warnings: list[str] | None = None) -> ConferenceOut:
    conference = item["conference"]
    slot_ids = [s["slot"].pk for s in item["slots"]]
    return ConferenceOut(
        id=conference.pk, handoff_id=conference.handoff_id, status=conference.status, place=conference.place,
        video_url=conference.video_url, chosen_slot_id=conference.chosen_slot_id,
        suggested_slot_id=item["suggested"].pk if item["suggested"] else None, held_at=conference.held_at,
        minutes=conference.minutes, invites_care_manager=item["invites_care_manager"],
        slots=[SlotOut(id=s["slot"].pk, starts_at=s["slot"].starts_at, ends_at=s["slot"].ends_at, **s["counts"])
               for s in item["slots"]],
        invitees=[InviteeOut(
            id=r["invitee"].pk, name=r["invitee"].name, role=r["invitee"].role, profession=r["invitee"].profession,
            team_member_id=r["invitee"].team_member_id, answered_at=r["invitee"].answered_at,
            attended=r["invitee"].attended,
            answers={str(slot_ids[n]): cell.answer for n, cell in enumerate(r["cells"]) if cell})
            for r in item["rows"]],
        warnings=warnings or [])


def _one(conference: Conference, warnings=None, *, permission: str = ARRANGE) -> ConferenceOut:
    """The conference as it is after a write: names and answers, so a logged read too."""
    item = next(c for c in selectors.conferences_of(conference.handoff) if c["conference"].pk == conference.pk)
    record_read(conference, what=selectors.CONFERENCE_READ, permission=permission)
    return _out(item, warnings)


@router.get("/handoffs/{handoff_id}/conferences", response=list[ConferenceOut])
@asks(VIEW)
def conference_list(request, handoff_id: int):
    handoff = handoff_for(request.membership, handoff_id, action=VIEW, what=selectors.CONFERENCES_READ)
    return [_out(item) for item in selectors.conferences_of(handoff)]


@router.post("/handoffs/{handoff_id}/conferences", response={201: ConferenceOut})
@asks(ARRANGE)
def conference_propose(request, handoff_id: int, payload: ProposeIn):
    handoff = handoff_for(request.membership, handoff_id, action=ARRANGE, record=False)
    conference = services.conference_propose(
        membership=request.membership, handoff=handoff, slots=[(s.starts_at, s.ends_at) for s in payload.slots],
        invitees=payload.invitees, hospital_invitees=payload.hospital_invitees, place=payload.place,
        video_url=payload.video_url)
    warnings = ["care_manager_not_invited"] if conference.leaves_out_care_manager else []
    return Status(201, _one(conference, warnings))


@router.post("/handoffs/conferences/{conference_id}/answers", response=ConferenceOut)
@asks(ANSWER)
def conference_answer(request, conference_id: int, payload: AnswerIn):
    conference = selectors.conference_for(request.membership, conference_id, action=VIEW, record=False)
    if payload.invitee_id is None:
        mine = [i for i in conference.invitees.select_related("team_member") if policy.check(
            request.membership, ANSWER, i)]
        if not mine:
            policy.require(request.membership, ANSWER, None)  # refused and logged: not invited
        invitee = mine[0]
    else:
        try:
            invitee = conference.invitees.select_related("team_member").get(pk=payload.invitee_id)
        except (ConferenceInvitee.DoesNotExist, OverflowError) as exc:
            raise HttpError(404, "invitee") from exc
    invitee.conference = conference
    services.slot_answer(membership=request.membership, invitee=invitee,
                         answers={k: str(v.value if hasattr(v, "value") else v) for k, v in payload.answers.items()})
    return _one(conference, permission=services.answer_rule(invitee))


def _arranged(request, conference_id: int) -> Conference:
    return selectors.conference_for(request.membership, conference_id, action=ARRANGE, record=False)


@router.post("/handoffs/conferences/{conference_id}/schedule", response=ConferenceOut)
@asks(ARRANGE)
def conference_schedule(request, conference_id: int, payload: ScheduleIn):
    conference = _arranged(request, conference_id)
    slot = conference.slots.filter(pk=payload.slot_id).first() if payload.slot_id else None
    if slot is None:
        raise HttpError(400, "Choose one of the proposed times.")
    services.conference_schedule(membership=request.membership, conference=conference, slot=slot,
                                 place=payload.place, video_url=payload.video_url)
    return _one(conference)


@router.post("/handoffs/conferences/{conference_id}/hold", response=ConferenceOut)
@asks(ARRANGE)
def conference_hold(request, conference_id: int, payload: HoldIn):
    conference = _arranged(request, conference_id)
    services.conference_hold(membership=request.membership, conference=conference, held_at=payload.held_at,
                             attended=payload.attended, minutes=payload.minutes, by_video=payload.by_video)
    return _one(conference)


@router.post("/handoffs/conferences/{conference_id}/cancel", response=ConferenceOut)
@asks(ARRANGE)
def conference_cancel(request, conference_id: int):
    conference = _arranged(request, conference_id)
    services.conference_cancel(membership=request.membership, conference=conference)
    return _one(conference)
