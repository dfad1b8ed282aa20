"""The timeline API: the same policy, read entries and services as the screens.

`GET /patients/{patient_id}/timeline?before=CURSOR&show=urgent|mine|unacknowledged` (a page, newest first,
`older` is the cursor of the next one), `POST /patients/{patient_id}/timeline` (JSON, or multipart with `files`),
`POST /patients/{patient_id}/timeline/{post_id}/acknowledge`, `GET /patients/{patient_id}/attachments/{id}`.
A refused post answers 422 with the reason in Japanese and English for each field.
"""

import datetime as dt
import json
import uuid

from django.http import FileResponse, Http404
from django.utils.http import content_disposition_header
from ninja import Field, Query, Router, Schema, Status

from renkei.core import policy

from .. import storage
from ..models import Post
from ..selectors import timeline as selectors
from ..selectors.patients import patient_for
from ..services import timeline as services

router = Router(tags=["patients"])


VIEW_TIMELINE = "careteams.view_timeline"


class TimelineFilter(Schema):
    before: str = Field("", description="cursor from the previous page's `older`")
    show: str = Field("", description="urgent, mine (by, mentioning or addressed to me) or unacknowledged")


class PersonOut(Schema):
    member_id: int
    name: str
    role: str
    organization: str


class AttachmentOut(Schema):
    id: int
    file_name: str
    content_type: str
    size: int
    url: str


class AcknowledgementOut(Schema):
    member_id: int
    name: str
    at: dt.datetime


class PostOut(Schema):
    id: int
    kind: str
    urgency: str
    text: str
    observations: dict
    author: PersonOut
    mentions: list[PersonOut]
    recipients: list[PersonOut] = Field(description="empty: the whole team")
    attachments: list[AttachmentOut]
    acknowledgements: list[AcknowledgementOut]
    acknowledged_by_me: bool
    client_key: uuid.UUID
    created_at: dt.datetime


class TimelineOut(Schema):
    patient_id: int
    posts: list[PostOut]
    older: str = Field(description="cursor for the next (older) page; empty when there is none")
    unacknowledged: int


class PostIn(Schema):
    text: str = ""
    kind: str = Post.Kind.NOTE
    urgency: str = Post.Urgency.NORMAL
    observations: dict = Field(default_factory=dict)
    mentions: list[int] = Field(default_factory=list, description="team member ids")
    recipients: list[int] = Field(default_factory=list, description="team member ids; empty: the whole team")
    client_key: str = Field("", description="a UUID per draft: sending it again returns the stored post")


class RefusalOut(Schema):
    detail: str
    detail_en: str
    errors: list[dict]


class DetailOut(Schema):
    detail: str


def _person(member) -> dict:
    name = member.membership.user.display_name if member.membership_id else member.person_name
    return {"member_id": member.pk, "name": name, "role": member.role,
            "organization": member.organization.name if member.organization_id else ""}


def _post_out(post: Post) -> dict:
    from django.urls import reverse

    return {
        "id": post.pk, "kind": post.kind, "urgency": post.urgency, "text": post.text,
        "observations": post.observations, "author": _person(post.author),
        "mentions": [_person(m) for m in post.mentions.all()],
        "recipients": [_person(m) for m in post.recipients.all()],
        "attachments": [{"id": a.pk, "file_name": a.original_name, "content_type": a.content_type, "size": a.size,
                         "url": reverse("api:get_attachment", kwargs={"patient_id": post.patient_id,
                                                                      "attachment_id": a.pk})}
                        for a in post.attachments.all()],
        "acknowledgements": [{"member_id": a.member_id, "name": _person(a.member)["name"], "at": a.at}
                             for a in post.acknowledgements.all()],
        "acknowledged_by_me": post.acknowledged_by_me, "client_key": post.client_key, "created_at": post.created_at,
    }


def _refusal(refused: services.PostRefused) -> dict:
    return {"detail": refused.reason, "detail_en": refused.reason_en, "errors": refused.errors}


@router.get("/patients/{patient_id}/timeline", response=TimelineOut)
@policy.api_asks_on_object(VIEW_TIMELINE)
def get_timeline(request, patient_id: int, filters: Query[TimelineFilter]):
    page = selectors.timeline_page(request.membership, patient_id, before=filters.before, how=filters.show)
    return {"patient_id": page.patient.pk, "posts": [_post_out(p) for p in page.posts], "older": page.older_cursor,
            "unacknowledged": page.unacknowledged_count}


def _post_input(request) -> tuple[PostIn, list]:
    """The post from a JSON body, or from a multipart form (fields, `observations` as JSON, `files`)."""
    content_type = request.META.get("CONTENT_TYPE", "")
    if content_type.startswith("multipart/form-data"):
        data = request.POST
        try:
            observations = json.loads(data.get("observations") or "{}")
        except json.JSONDecodeError as exc:
            raise services.PostRefused("観察項目は JSON で送ってください。", "Send the observations as JSON.",
                                       field="observations") from exc
        try:
            fields = PostIn(text=data.get("text", ""), kind=data.get("kind", Post.Kind.NOTE),
                            urgency=data.get("urgency", Post.Urgency.NORMAL),
                            observations=observations if isinstance(observations, dict) else {"?": observations},
                            mentions=[int(x) for x in data.getlist("mentions") if str(x).strip()],
                            recipients=[int(x) for x in data.getlist("recipients") if str(x).strip()],
                            client_key=data.get("client_key", ""))
        except ValueError as exc:
            raise services.PostRefused("メンバーの指定が正しくありません。", "Members must be given by their ids.",
                                       field="mentions") from exc
        return fields, request.FILES.getlist("files")
    try:
        body = json.loads(request.body or b"{}")
        return PostIn(**body), []
    except (json.JSONDecodeError, UnicodeDecodeError, TypeError, ValueError) as exc:
        raise services.PostRefused("送信内容を読めません（JSON または multipart で送ってください）。",
                                   "The request body cannot be read (send JSON or multipart).",
                                   field="body") from exc


@router.post("/patients/{patient_id}/timeline", response={201: PostOut, 200: PostOut, 422: RefusalOut},
             openapi_extra={"requestBody": {"content": {
                 "application/json": {"schema": PostIn.json_schema()},
                 "multipart/form-data": {"schema": {"type": "object", "properties": {
                     "text": {"type": "string"}, "kind": {"type": "string"}, "urgency": {"type": "string"},
                     "observations": {"type": "string", "description": "JSON object"},
                     "mentions": {"type": "array", "items": {"type": "integer"}},
                     "recipients": {"type": "array", "items": {"type": "integer"}},
                     "client_key": {"type": "string"},
                     "files": {"type": "array", "items": {"type": "string", "format": "binary"}}}}}}}})
@policy.api_asks_on_object("careteams.post_timeline")
def create_post(request, patient_id: int):
    patient = patient_for(request.membership, patient_id, action="careteams.post_timeline", record=False)
    try:
        data, files = _post_input(request)
        result = services.post_create(
            membership=request.membership, patient=patient, text=data.text, kind=data.kind,
            observations=data.observations, urgency=data.urgency, mention_ids=data.mentions,
            recipient_ids=data.recipients, files=files, client_key=data.client_key or None,
            base_url=request.build_absolute_uri("/")[:-1])
    except services.PostRefused as refused:
        return Status(422, _refusal(refused))
    post = selectors.annotated_post(request.membership, result.post)
    return Status(201 if result.created else 200, _post_out(post))


@router.post("/patients/{patient_id}/timeline/{post_id}/acknowledge", response=PostOut)
@policy.api_asks_on_object("careteams.acknowledge_post")
def acknowledge_post(request, patient_id: int, post_id: int):
    post = selectors.post_for(request.membership, patient_id, post_id, action="careteams.acknowledge_post")
    services.post_acknowledge(membership=request.membership, post=post)
    return _post_out(selectors.annotated_post(request.membership, post))


@router.get("/patients/{patient_id}/attachments/{attachment_id}", response={200: None, 404: DetailOut},
            url_name="get_attachment")
@policy.api_asks_on_object("careteams.download_attachment")
def get_attachment(request, patient_id: int, attachment_id: int):
    attachment = selectors.attachment_for(request.membership, patient_id, attachment_id)
    try:
        handle = storage.open_patient_file(attachment.storage_path)
    except FileNotFoundError as exc:
        raise Http404("file") from exc
    response = FileResponse(handle, content_type=attachment.content_type)
    response["Content-Disposition"] = content_disposition_header(True, attachment.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
