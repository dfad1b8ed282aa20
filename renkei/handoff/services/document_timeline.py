"""A sent handoff form lands on the patient's team timeline, so the attending doctor and the care workers get the
退院時サマリー too, not only the nurse or the care manager who received it.

Who the post's author is. A timeline post's author is a place on the patient's team (`Post.author`, a
CareTeamMember), and `careteams.services.timeline.post_create` writes as the member's own place after asking
`careteams.post_timeline`.
- A sender with a current place on the team (the care manager sending the 入院時情報提供書, a hospital nurse the
  team added) posts through `post_create` as themselves: the usual policy, audit and e-mails.
- The hospital's staff are usually not on the team, and must not be put on it: a place would open the whole
  patient record to them, beyond the handoff's window and consent. Their form is posted on their behalf under a
  *relay place*: a team place without a login (like a family member's: it grants nobody any access, and has no
  organization, so no responsible person gains a right through it), named for the hospital, role 入退院支援,
  dated the day of admission and already ended, so it never appears among the current members. The post's
  text names the real sender; the audit entries of the post carry the sender as the actor (bound membership).
The post mentions the attending doctor (and, for the hospital's summaries, every current medical member), so
the summary reaches the doctor's home page and mailbox (careteams' notifications: a link, no patient data).
"""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from renkei.careteams import access as careteams_access
from renkei.careteams.models import CareTeamMember, Post, TeamRole
from renkei.careteams.services import notifications
from renkei.careteams.services.timeline import MAX_TEXT, post_create
from renkei.core import audit, policy
from renkei.core.models import AuditEntry

from .. import forms_schema
from ..models import DocumentKind, HandoffDocument

# The contents a reader needs first, per form (the rest is one click away on the form's page).
KEY_FIELDS = {
    DocumentKind.ADMISSION_INFO: ("care_level", "household", "key_person", "patient_wishes", "family_wishes",
                                  "medical_procedures", "conference_wishes"),
    DocumentKind.SCREENING: ("needs_coordination", "difficulty_factors", "discharge_contact_name",
                             "discharge_contact_phone", "expected_destination"),
    DocumentKind.DISCHARGE_RECORD: ("planned_discharge_on", "medical_management", "medical_procedures",
                                    "home_requirements", "prognosis", "end_of_life_wishes"),
    DocumentKind.REFERRAL: ("purpose", "diagnoses", "medications", "care_plan", "allergies"),
    DocumentKind.DISCHARGE_SUMMARY: ("discharged_on", "discharge_diagnoses", "hospital_course",
                                     "discharge_medications", "discharge_plan", "allergies", "advance_directive"),
    DocumentKind.NURSING_SUMMARY: ("nursing_problems", "adl", "medical_procedures", "medication_management",
                                   "home_advice", "family_education"),
}
FIELD_CUT = 400
MENTIONED_ROLES = (TeamRole.ATTENDING_DOCTOR, TeamRole.BACKUP_DOCTOR, TeamRole.VISITING_NURSE)
SUMMARIES = (DocumentKind.REFERRAL, DocumentKind.DISCHARGE_SUMMARY, DocumentKind.NURSING_SUMMARY)


def post_text(document: HandoffDocument, sender, base_url: str = "") -> str:
    """The post: the form's title and version, who sent it from where, its key contents, and the link."""
    handoff = document.handoff
    lines = [f"【{document.get_kind_display()}】第{document.version}版",
             f"送信者: {sender.organization.name} {sender.user.display_name}"
             + (f"（{sender.get_profession_display()}）" if sender.profession else ""),
             f"入院先: {handoff.hospital.name}", ""]
    for key in KEY_FIELDS.get(document.kind, ()):
        value = forms_schema.display(document.kind, key, document.data.get(key))
        if value:
            if len(value) > FIELD_CUT:
                value = value[: FIELD_CUT - 1] + "…"
            lines.append(f"■{forms_schema.label_of(document.kind, key)}\n{value}")
    link = (base_url or "") + reverse("handoff:document_detail",
                                      kwargs={"handoff_id": handoff.pk, "document_id": document.pk})
    lines += ["", f"全文・印刷: {link}"]
    text = "\n".join(lines)
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


def _mentioned(document: HandoffDocument, author_pk: int | None) -> list[CareTeamMember]:
    today = timezone.localdate()
    roles = MENTIONED_ROLES if document.kind in SUMMARIES else (TeamRole.ATTENDING_DOCTOR,)
    places = (CareTeamMember.objects.filter(team__patient_id=document.handoff.patient_id, role__in=roles,
                                            membership__isnull=False, started_on__lte=today)
              .exclude(ended_on__lt=today).exclude(pk=author_pk or 0))
    return list(places)


def relay_place(document: HandoffDocument) -> CareTeamMember:
    """The login-less, already ended team place that posts the hospital's forms (see the module docstring)."""
    handoff = document.handoff
    team = handoff.patient.care_team
    admitted_on = timezone.localtime(handoff.admitted_at).date()
    name = f"{handoff.hospital.name}（連携文書）"[:80]
    place = (CareTeamMember.objects.filter(team=team, membership__isnull=True, invitation__isnull=True,
                                           organization__isnull=True, role=TeamRole.HOSPITAL_DISCHARGE,
                                           person_name=name).order_by("pk").first())
    if place is None:
        place = CareTeamMember.objects.create(team=team, role=TeamRole.HOSPITAL_DISCHARGE, person_name=name,
                                              started_on=admitted_on,
                                              ended_on=min(admitted_on, timezone.localdate()))
    return place


def post_document(*, membership, document: HandoffDocument, base_url: str = "") -> Post:
    """Put the sent form on the patient's team timeline (as the sender, or on their behalf: see above)."""
    patient = document.handoff.patient
    text = post_text(document, membership, base_url)
    urgency = Post.Urgency.IMPORTANT if document.kind in SUMMARIES else Post.Urgency.NORMAL
    own_place = careteams_access.team_member(membership, patient)
    if own_place is not None and policy.check(membership, "careteams.post_timeline", patient):
        mentions = [m.pk for m in _mentioned(document, own_place.pk)]
        return post_create(membership=membership, patient=patient, text=text, urgency=urgency,
                           mention_ids=mentions, base_url=base_url).post
    with audit.bind_membership(membership), transaction.atomic():
        place = relay_place(document)
        post = Post.objects.create(patient=patient, author=place, kind=Post.Kind.NOTE, urgency=urgency, text=text)
        mentions = _mentioned(document, None)
        if mentions:
            post.mentions.set(mentions)
        audit.record(action=AuditEntry.Action.CREATE, obj=post, permission="handoff.write_document",
                     subject=patient, owner=patient,
                     changes={"kind": Post.Kind.NOTE, "urgency": urgency, "mentions": len(mentions),
                              "recipients": "team", "on_behalf_of": "hospital", "form": document.kind})
        transaction.on_commit(lambda: notifications.post_notify(post=post, base_url=base_url))
    return post
