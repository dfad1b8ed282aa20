"""The handoff forms: save a version (never an update), prefill from the record and the last form, send one form
to several recipients (on Renkei or on paper), acknowledge receipt, and land what was sent on the team timeline.

Who writes which form: the home side (`handoff.act_as_home`) the 入院時情報提供書 and the 退院・退所情報記録書;
the hospital side (`handoff.act_as_hospital`) the screening, 診療情報提供書, 退院時サマリー and 看護サマリー. When
the hospital is not on Renkei, the home side records the paper form it received from it (the document stays a
`form`; its sending says which hospital sent it and how).

Sending completes the rule's steps: the 入院時情報提供書 the `admission_info` step, the summaries the `summaries`
step (at the time and by the channel the sender states for paper); saving the screening records it on the
handoff (`handoffs.screening_record`). Each send that crosses between hospital and home is one Exchange.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_noop

from renkei.careteams.models import CareTeamMember, KeyPerson, TeamRole
from renkei.core import audit, policy
from renkei.core.models import Organization

from .. import forms_schema
from ..models import (
    Channel,
    DocumentKind,
    DocumentSending,
    Exchange,
    Handoff,
    HandoffDocument,
    HandoffStep,
    StepKey,
)
from . import handoffs as handoff_services

HOME_KINDS = (DocumentKind.ADMISSION_INFO, DocumentKind.DISCHARGE_RECORD)
HOSPITAL_KINDS = (DocumentKind.SCREENING, DocumentKind.REFERRAL, DocumentKind.DISCHARGE_SUMMARY,
                  DocumentKind.NURSING_SUMMARY)
SUMMARY_KINDS = (DocumentKind.REFERRAL, DocumentKind.DISCHARGE_SUMMARY, DocumentKind.NURSING_SUMMARY)
PAPER_CHANNELS = (Channel.FAX, Channel.MAIL, Channel.HAND)
# 入院時情報連携加算 counts information given on the day of admission "or before"; a FAX sent a week before a
# planned admission is plausible, earlier is a typo.
EARLIEST_BEFORE_ADMISSION = dt.timedelta(days=7)
MAX_RECIPIENTS = 20
ACKNOWLEDGE = "handoff.acknowledge_document"


class DocumentRefused(ValidationError):
    """A form or a sending that cannot be recorded as sent: messages by field, in Japanese."""

    def __init__(self, errors: dict[str, str]):
        super().__init__({k: [v] for k, v in errors.items()})
        self.errors = errors


# ---- who writes ---------------------------------------------------------------------------------------------
def write_action(membership, handoff: Handoff, kind: str) -> str:
    """The rule a member needs to write this form on this handoff (see the module's docstring)."""
    if kind in HOME_KINDS:
        return "handoff.act_as_home"
    if policy.check(membership, "handoff.act_as_hospital", handoff):
        return "handoff.act_as_hospital"
    if not handoff.is_hospital_on_renkei and policy.check(membership, "handoff.act_as_home", handoff):
        return "handoff.act_as_home"  # the paper form a hospital not on Renkei handed over or faxed
    return "handoff.act_as_hospital"


def may_write(membership, handoff: Handoff, kind: str) -> bool:
    return kind in DocumentKind.values and policy.check(membership, write_action(membership, handoff, kind), handoff)


def writable_kinds(membership, handoff: Handoff) -> list[str]:
    return [k for k in DocumentKind.values if may_write(membership, handoff, k)]


def _check_kind(kind) -> str:
    if kind not in DocumentKind.values:
        raise DocumentRefused({"kind": "様式の種類を選んでください。"})
    return kind


# ---- save ---------------------------------------------------------------------------------------------------
def document_save(*, membership, handoff: Handoff, kind: str, data: dict,
                  source: str = HandoffDocument.Source.FORM) -> HandoffDocument:
    """The next version of the handoff's form of this kind (the previous versions are kept, never updated).

    The data is checked against `forms_schema` (unknown keys refused, choices, dates, lengths). Saving the
    screening also records it on the handoff (needs coordination, the factors, key person, discharge contact).
    """
    _check_kind(kind)
    action = write_action(membership, handoff, kind)
    policy.require(membership, action, handoff)
    if handoff.status == Handoff.Status.CANCELLED:
        raise DocumentRefused({"handoff": "この入退院は取り消されています。"})
    try:
        cleaned = forms_schema.clean(kind, data)
    except forms_schema.FormDataError as error:
        raise DocumentRefused(error.errors) from error
    if source not in HandoffDocument.Source.values:
        raise DocumentRefused({"source": "出どころの指定が正しくありません。"})
    with transaction.atomic():
        # Lock the handoff row: two saves at the same moment get versions n and n+1, not a duplicate.
        Handoff.objects.select_for_update().filter(pk=handoff.pk).first()
        last = (HandoffDocument.objects.filter(handoff=handoff, kind=kind).aggregate(m=Max("version"))["m"] or 0)
        document = HandoffDocument.objects.create(
            handoff=handoff, kind=kind, version=last + 1, data=cleaned, source=source, author=membership,
            author_organization=membership.organization)
        if kind == DocumentKind.SCREENING:
            _record_screening(membership, handoff, cleaned)
        return document


def _record_screening(membership, handoff: Handoff, data: dict) -> None:
    needs = data.get("needs_coordination")
    if needs is None:
        needs = bool(data.get("difficulty_factors"))
    handoff_services.screening_record(
        membership=membership, handoff=handoff, needs_coordination=needs,
        difficulty_factors=data.get("difficulty_factors") or [], has_key_person=data.get("has_key_person"),
        contact_name=data.get("discharge_contact_name", ""), contact_phone=data.get("discharge_contact_phone", ""))


# ---- prefill ------------------------------------------------------------------------------------------------
def _current_places(patient) -> list[CareTeamMember]:
    today = timezone.localdate()
    return [m for m in patient.care_team.members.select_related("membership__user", "organization")
            if m.started_on <= today and (m.ended_on is None or m.ended_on >= today)]


def _person(member: CareTeamMember) -> str:
    return member.membership.user.display_name if member.membership_id else member.person_name


def _contact_line(member: CareTeamMember) -> str:
    organization = member.organization
    parts = [organization.name if organization else "", _person(member)]
    phone = member.phone or (organization.phone if organization else "")
    if phone:
        parts.append(f"TEL {phone}")
    fax = organization_fax(organization) if organization else ""
    if fax:
        parts.append(f"FAX {fax}")
    return " ".join(p for p in parts if p)


def organization_fax(organization: Organization | None) -> str:
    """The FAX number the directory has for an organization (Facility.fax), or ""."""
    if organization is None:
        return ""
    from renkei.directory.models import Facility

    return (Facility.objects.filter(organization=organization).exclude(fax="").values_list("fax", flat=True)
            .first() or "")


def _key_person_line(person: KeyPerson) -> str:
    parts = [person.name, f"（{person.get_relation_display()}）"]
    if person.phone:
        parts.append(f" TEL {person.phone}")
    return "".join(parts)


def _record_facts(handoff: Handoff, kind: str) -> dict:
    """What the patient record and the handoff already say, by the form's keys (only keys with a value)."""
    patient = handoff.patient
    places = _current_places(patient)
    by_role: dict[str, CareTeamMember] = {}
    for place in places:
        by_role.setdefault(place.role, place)
    key_people = list(patient.key_people.all())
    decision_maker = next((p for p in key_people if p.is_decision_maker), key_people[0] if key_people else None)
    carer = next((p for p in key_people if p.lives_with_patient), None)
    conditions = [line.strip() for line in (patient.main_conditions or "").splitlines() if line.strip()]
    contact = handoff.discharge_contact_name or (
        handoff.discharge_contact.user.display_name if handoff.discharge_contact_id else "")
    facts: dict = {}
    if kind == DocumentKind.ADMISSION_INFO:
        facts = {
            "hospital_contact_name": contact,
            "care_level": patient.care_level if patient.care_level else "",
            "disability_independence": patient.disability_independence,
            "dementia_independence": patient.dementia_independence,
            "household": patient.living_situation if patient.living_situation in dict(forms_schema.HOUSEHOLD)
            else ("other" if patient.living_situation else ""),
            "key_person": _key_person_line(decision_maker) if decision_maker else "",
            "main_carer": _key_person_line(carer) if carer else "",
            "attending_doctor": _contact_line(by_role[TeamRole.ATTENDING_DOCTOR])
            if TeamRole.ATTENDING_DOCTOR in by_role else "",
            "care_manager_contact": _contact_line(by_role[TeamRole.CARE_MANAGER])
            if TeamRole.CARE_MANAGER in by_role else "",
        }
    elif kind == DocumentKind.SCREENING:
        facts = {"has_key_person": handoff.has_key_person if handoff.has_key_person is not None
                 else (True if decision_maker else None),
                 "discharge_contact_name": contact, "discharge_contact_phone": handoff.discharge_contact_phone,
                 "difficulty_factors": list(handoff.difficulty_factors or [])}
        if handoff.admission_kind == "emergency" and "emergency_admission" not in facts["difficulty_factors"]:
            facts["difficulty_factors"].append("emergency_admission")
    elif kind == DocumentKind.DISCHARGE_RECORD:
        facts = {"heard_on": timezone.localdate().isoformat(),
                 "planned_discharge_on": handoff.planned_discharge_on.isoformat()
                 if handoff.planned_discharge_on else "",
                 "current_conditions": "\n".join(conditions)}
    elif kind == DocumentKind.REFERRAL:
        doctor = by_role.get(TeamRole.ATTENDING_DOCTOR)
        facts = {"diagnoses": [{"name": c[:200], "onset": ""} for c in conditions[:20]],
                 "allergies": patient.allergies,
                 "to_facility_name": doctor.organization.name if doctor and doctor.organization else "",
                 "to_doctor_name": _person(doctor) if doctor else ""}
    elif kind == DocumentKind.DISCHARGE_SUMMARY:
        facts = {"admitted_on": timezone.localtime(handoff.admitted_at).date().isoformat(),
                 "discharged_on": timezone.localtime(handoff.discharged_at).date().isoformat()
                 if handoff.discharged_at else (handoff.planned_discharge_on.isoformat()
                                                if handoff.planned_discharge_on else ""),
                 "past_history": "\n".join(conditions), "allergies": patient.allergies}
    return {k: v for k, v in facts.items() if not forms_schema.is_empty(v)}


@dataclass(frozen=True)
class Prefill:
    data: dict
    from_document: HandoffDocument | None  # the last version it started from (this handoff or an earlier one)


EARLIER_FORM_READ = gettext_noop("handoff form of an earlier stay (to prefill)")


def prefill(*, membership, handoff: Handoff, kind: str) -> Prefill:
    """What a new version of the form starts with: the last version of this handoff as it was; otherwise the
    last one of the patient's earlier handoffs that the member may see ("filled once"), with what the patient
    record says now written over it (care level, independence, household, key people, the team's contacts,
    conditions and allergies)."""
    _check_kind(kind)
    policy.require(membership, "handoff.view_handoff", handoff)
    same = HandoffDocument.objects.filter(handoff=handoff, kind=kind).order_by("-version").first()
    if same is not None:
        return Prefill(dict(same.data), same)
    data = forms_schema.clean(kind, {})
    earlier = None
    for document in (HandoffDocument.objects.filter(handoff__patient=handoff.patient, kind=kind)
                     .exclude(handoff=handoff).exclude(handoff__status=Handoff.Status.CANCELLED)
                     .select_related("handoff", "handoff__patient").order_by("-handoff__admitted_at", "-version")[:5]):
        # A hospital sees only its own stays: never prefill from another hospital's form it may not read.
        if policy.check(membership, "handoff.view_handoff", document.handoff):
            earlier = document
            break
    if earlier is not None:
        from renkei.careteams.selectors.patients import record_read

        # The earlier stay's form is read to fill this one: a read of patient data like any other.
        record_read(earlier, what=EARLIER_FORM_READ, permission="handoff.view_handoff")
        data.update({k: v for k, v in earlier.data.items() if k in data})
    facts = _record_facts(handoff, kind)
    if earlier is not None:  # the dates of an earlier stay are not this stay's
        for key, spec in forms_schema.FIELD_SPECS[kind].items():
            if spec.widget == forms_schema.DATE:
                data[key] = ""
    data.update(facts)
    return Prefill(data, earlier)


# ---- send ---------------------------------------------------------------------------------------------------
@dataclass
class Recipient:
    """One recipient: an organization on Renkei (channel renkei), or a name (and directory facility) reached on
    paper by FAX, post or hand at the time the sender states."""

    organization: Organization | None = None
    facility: object | None = None  # directory Facility
    name: str = ""
    channel: str = Channel.RENKEI
    sent_at: dt.datetime | None = None


def renkei_recipients(handoff: Handoff, *, exclude: Organization | None = None) -> list[Organization]:
    """The organizations that may receive a handoff form on Renkei: the hospital (when on Renkei), the care
    office, and the organizations of the team's current members."""
    organizations: dict[int, Organization] = {}
    if handoff.hospital_organization_id:
        organizations[handoff.hospital_organization_id] = handoff.hospital_organization
    if handoff.care_office_id:
        organizations[handoff.care_office_id] = handoff.care_office
    for place in _current_places(handoff.patient):
        if place.organization_id and place.membership_id:
            organizations.setdefault(place.organization_id, place.organization)
    if exclude is not None:
        organizations.pop(exclude.pk, None)
    return list(organizations.values())


def _is_hospital(handoff: Handoff, recipient: Recipient) -> bool:
    if recipient.organization is not None:
        return recipient.organization.pk == handoff.hospital_organization_id
    return recipient.facility is not None and getattr(recipient.facility, "pk", None) == handoff.hospital_id


def _check_recipients(membership, document: HandoffDocument, recipients: Sequence[Recipient]) -> list[Recipient]:
    handoff = document.handoff
    if not recipients:
        raise DocumentRefused({"recipients": "送付先を1つ以上選んでください。"})
    if len(recipients) > MAX_RECIPIENTS:
        raise DocumentRefused({"recipients": f"送付先は一度に {MAX_RECIPIENTS} 件までです。"})
    allowed = {o.pk for o in renkei_recipients(handoff)}
    now = timezone.now()
    earliest = handoff.admitted_at - EARLIEST_BEFORE_ADMISSION
    out, seen = [], set()
    for number, recipient in enumerate(recipients, start=1):
        where = f"recipients.{number}"
        if recipient.channel == Channel.RENKEI:
            if recipient.organization is None or recipient.organization.pk not in allowed:
                raise DocumentRefused({where: "Renkei で送れるのは、入院先の病院・担当の居宅介護支援事業所・"
                                              "チームの事業所だけです。"})
            if recipient.organization.pk == membership.organization_id:
                raise DocumentRefused({where: "自分の事業所には送れません。"})
            key = ("org", recipient.organization.pk)
            sent_at = now
            name = recipient.organization.name
        elif recipient.channel in PAPER_CHANNELS:
            name = forms_schema.normalize_text(recipient.name or getattr(recipient.facility, "name", ""))[:120]
            if not name:
                raise DocumentRefused({where: "紙で送った相手の名前を入力してください。"})
            sent_at = recipient.sent_at or now
            if timezone.is_naive(sent_at):
                sent_at = timezone.make_aware(sent_at)
            if sent_at > now + dt.timedelta(minutes=5):
                raise DocumentRefused({where: "送った日時が未来になっています。"})
            if sent_at < earliest:
                raise DocumentRefused({where: "送った日時が入院日より前すぎます。日時を確かめてください。"})
            key = ("paper", name, recipient.channel)
        else:
            raise DocumentRefused({where: "送り方（Renkei・FAX・郵送・手渡し）を選んでください。"})
        if key in seen:
            continue
        seen.add(key)
        out.append(Recipient(organization=recipient.organization if recipient.channel == Channel.RENKEI else None,
                             facility=recipient.facility, name=name, channel=recipient.channel, sent_at=sent_at))
    return out


def document_send(*, membership, document: HandoffDocument, recipients: Sequence[Recipient],
                  base_url: str = "") -> list[DocumentSending]:
    """Send one version to several recipients at once: on Renkei (they acknowledge receipt) or recorded as sent
    on paper with the channel and time the sender states.

    The first sending of a version lands on the patient's team timeline. Sending the 入院時情報提供書 completes
    the `admission_info` step, a summary the `summaries` step (at the time of the sending to the hospital or
    from it); each send crossing between hospital and home is one Exchange.
    """
    handoff = document.handoff
    action = write_action(membership, handoff, document.kind)
    policy.require(membership, action, handoff)
    if handoff.status == Handoff.Status.CANCELLED:
        raise DocumentRefused({"handoff": "この入退院は取り消されています。"})
    checked = _check_recipients(membership, document, recipients)
    latest = HandoffDocument.objects.filter(handoff=handoff, kind=document.kind).aggregate(m=Max("version"))["m"]
    if latest != document.version:
        raise DocumentRefused({"document": "新しい版があります。最新の版を送ってください。"})
    is_paper_record = document.kind in HOSPITAL_KINDS and action == "handoff.act_as_home"
    with transaction.atomic():
        first_sending = not document.sendings.exists()
        sendings = []
        for recipient in checked:
            sendings.append(DocumentSending.objects.create(
                document=document, recipient_organization=recipient.organization,
                recipient_facility=recipient.facility, recipient_name=recipient.name, channel=recipient.channel,
                sent_at=recipient.sent_at, sent_by=membership))
        _complete_steps(membership, document, checked, is_paper_record=is_paper_record)
        if first_sending:
            from .document_timeline import post_document

            post_document(membership=membership, document=document, base_url=base_url)
        return sendings


def _complete_steps(membership, document: HandoffDocument, recipients: list[Recipient], *,
                    is_paper_record: bool) -> None:
    """Complete the step the form stands for, or record one exchange (hospital ↔ home) for the send."""
    handoff = document.handoff
    kind = document.kind
    to_hospital = [r for r in recipients if _is_hospital(handoff, r)]
    step_key = (StepKey.ADMISSION_INFO if kind == DocumentKind.ADMISSION_INFO
                else StepKey.SUMMARIES if kind in SUMMARY_KINDS else None)
    if kind in HOME_KINDS:
        if not to_hospital:
            return  # shared within the team: not an exchange with the hospital
        decisive = min(to_hospital, key=lambda r: r.sent_at)
        direction = Exchange.Direction.TO_HOSPITAL
    else:
        decisive = min(recipients, key=lambda r: r.sent_at)
        direction = Exchange.Direction.FROM_HOSPITAL
    channel = decisive.channel
    if is_paper_record and channel == Channel.RENKEI:
        # The home side shares on Renkei what a hospital not on Renkei sent on paper: the exchange itself was
        # the paper one, at the time stated in the form's note; FAX is the common case.
        channel = Channel.FAX
    step = (handoff.steps.select_related("rule_step", "handoff").filter(key=step_key).first()
            if step_key else None)
    if step is not None and step.status == HandoffStep.Status.PENDING:
        handoff_services.step_complete(membership=membership, step=step, done_at=min(decisive.sent_at,
                                                                                      timezone.now()),
                                       channel=channel, note=str(document)[:300])
        return
    handoff_services.exchange_record(membership=membership, handoff=handoff,
                                     occurred_at=min(decisive.sent_at, timezone.now()), direction=direction,
                                     channel=channel, summary=str(document.get_kind_display())[:300])


def paper_received_record(*, membership, document: HandoffDocument, sender_name: str, channel: str,
                          received_at: dt.datetime) -> DocumentSending:
    """The home side records that a paper form (FAX, post, by hand) came from a hospital not on Renkei: a
    sending to its own organization, acknowledged at once, that names who sent it; completes the step."""
    sender_name = forms_schema.normalize_text(sender_name or "")[:80]
    if not sender_name:
        raise DocumentRefused({"sender_name": "送ってきた医療機関の名前を入力してください。"})
    if channel not in PAPER_CHANNELS:
        raise DocumentRefused({"channel": "受け取り方（FAX・郵送・手渡し）を選んでください。"})
    recipient = Recipient(name=f"{membership.organization.name}（{sender_name}から受領）", channel=channel,
                          sent_at=received_at)
    policy.require(membership, write_action(membership, document.handoff, document.kind), document.handoff)
    if document.kind not in HOSPITAL_KINDS:
        raise DocumentRefused({"document": "病院からの様式だけを受領として記録できます。"})
    with transaction.atomic():
        sending = document_send(membership=membership, document=document, recipients=[recipient])[0]
        sending.acknowledged_at = sending.sent_at
        sending.acknowledged_by = membership
        sending.save(update_fields=["acknowledged_at", "acknowledged_by"])
        return sending


def document_acknowledge(*, membership, sending: DocumentSending) -> DocumentSending:
    """The recipient organization's member records that the form was received (once; again returns it)."""
    policy.require(membership, ACKNOWLEDGE, sending)
    if sending.acknowledged_at is not None:
        return sending
    with audit.bind_membership(membership), transaction.atomic():
        sending.acknowledged_at = timezone.now()
        sending.acknowledged_by = membership
        sending.save(update_fields=["acknowledged_at", "acknowledged_by"])
        return sending
