"""A patient's access history (who looked, when, what, why): the audit entries whose subject is the patient.

For the team and the responsible person for personal data (`careteams.view_access_history`), on screen and
printed for a disclosure request under 個人情報保護法. Reading the history is itself a read entry.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from renkei.core.models import AuditEntry, Membership
from renkei.core.wareki import to_wareki

from ..models import Patient
from .patients import record_read

ACCESS_HISTORY = gettext_noop("access history")
HISTORY_LIMIT = 5000  # one printout; a longer period is asked for in parts

Action = AuditEntry.Action
WRITES = {Action.CREATE, Action.UPDATE, Action.DELETE, Action.BULK}


@dataclass(frozen=True)
class HistoryRow:
    seq: int
    at: dt.datetime
    when: str  # 和暦 date and time: 令和8年12月6日 14:05
    person: str
    organization: str
    kind: str  # read / write / refused / export
    kind_code: str
    what: str
    why: str


def _kind(action: str) -> tuple[str, str]:
    if action == Action.READ:
        return "read", _("read")
    if action in WRITES:
        return "write", _("write")
    if action == Action.REFUSE:
        return "refused", _("refused")
    if action == Action.EXPORT:
        return "export", _("printed or exported")
    return action, action


def when_text(at: dt.datetime) -> str:
    local = timezone.localtime(at)
    return f"{to_wareki(local.date())} {local:%H:%M}"


def history_entries(patient: Patient, *, since: dt.date | None = None, until: dt.date | None = None
                    ) -> QuerySet[AuditEntry]:
    """The patient's entries in the period (local dates, both ends included), newest first."""
    qs = AuditEntry.objects.filter(subject_type="patient", subject_id=patient.pk)
    tz = timezone.get_current_timezone()
    if since:
        qs = qs.filter(at__gte=dt.datetime.combine(since, dt.time.min, tzinfo=tz))
    if until:
        qs = qs.filter(at__lt=dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min, tzinfo=tz))
    return qs.order_by("-seq")


def _rows(entries: list[AuditEntry]) -> list[HistoryRow]:
    ids = {e.membership_id_value for e in entries if e.membership_id_value}
    members = Membership.objects.select_related("user", "organization").in_bulk(list(ids))
    rows = []
    for entry in entries:
        member = members.get(entry.membership_id_value)
        if member is not None:
            person, organization = member.user.display_name or member.user.email, member.organization.name
        else:
            person, organization = entry.user_label or _("the system"), ""
        code, kind = _kind(entry.action)
        rows.append(HistoryRow(seq=entry.seq, at=entry.at, when=when_text(entry.at), person=person,
                               organization=organization, kind=kind, kind_code=code, what=entry.summary,
                               why=entry.reason))
    return rows


def access_history(patient: Patient, *, since: dt.date | None = None, until: dt.date | None = None,
                   limit: int = HISTORY_LIMIT) -> list[HistoryRow]:
    """Who read or changed the patient's data in the period, newest first; the caller loaded the patient with
    `patient_for(..., action="careteams.view_access_history", record=False)`. Logs this read."""
    entries = list(history_entries(patient, since=since, until=until)[:limit])
    record_read(patient, what=ACCESS_HISTORY, permission="careteams.view_access_history")
    return _rows(entries)
