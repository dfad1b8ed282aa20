"""The desk's records as rows for the municipality's own reports (`consult:case_export`).

One row per case, without the requester's name and contact, the person concerned, the question and the notes:
the file leaves the system (it is mailed, printed, kept on shared drives), so it carries what a report counts and
nothing that tells who asked or about whom. Three queries whatever the number of cases.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch
from django.utils import timezone

from renkei.core.models import Profession, Scene

from ..models import Case, CaseResource, Channel, Outcome, RequesterKind

COLUMNS = ["相談番号", "受付日", "終了日", "状況", "相談方法", "相談者の種別", "相談者の職種", "所属（事業所名）",
           "場面", "相談内容の分類", "結果", "終了までの日数", "対応の回数", "紹介した社会資源", "協議会に挙げた課題"]


@dataclass(frozen=True)
class CaseRow:
    number: str
    received_on: object
    closed_on: object
    status: str
    channel: str
    requester_kind: str
    requester_profession: str
    organization: str
    scene: str
    topics: str
    outcome: str
    days_to_close: int | None
    actions: int
    resources: str
    raised_issue: str

    def values(self) -> list:
        return [self.number, self.received_on, self.closed_on, self.status, self.channel, self.requester_kind,
                self.requester_profession, self.organization, self.scene, self.topics, self.outcome,
                self.days_to_close, self.actions, self.resources, self.raised_issue]


def _label(choices, value: str) -> str:
    return str(dict(choices).get(value, value)) if value else ""


def case_export_rows(desk) -> list[CaseRow]:
    """The desk's cases, oldest first, as export rows (no person data)."""
    cases = (Case.objects.filter(desk=desk)
             .only("number", "received_at", "closed_on", "status", "channel", "requester_kind",
                   "requester_profession", "requester_facility__name", "requester_organization_name", "scene",
                   "outcome", "raised_issue__title")
             .select_related("requester_facility", "raised_issue")
             .annotate(action_count=Count("actions", distinct=True))
             .prefetch_related("topics", Prefetch("resources", queryset=CaseResource.objects
                                                  .select_related("facility").only("case_id", "facility__name")))
             .order_by("received_at", "pk"))
    rows = []
    for case in cases:
        received_on = timezone.localdate(case.received_at)
        organization = case.requester_facility.name if case.requester_facility_id else \
            case.requester_organization_name
        rows.append(CaseRow(
            number=case.number, received_on=received_on, closed_on=case.closed_on,
            status=str(case.get_status_display()), channel=_label(Channel.choices, case.channel),
            requester_kind=_label(RequesterKind.choices, case.requester_kind),
            requester_profession=_label(Profession.choices, case.requester_profession),
            organization=organization, scene=_label(Scene.choices, case.scene),
            topics="、".join(t.name_ja for t in case.topics.all()), outcome=_label(Outcome.choices, case.outcome),
            days_to_close=(case.closed_on - received_on).days if case.closed_on else None,
            actions=case.action_count, resources="、".join(r.facility.name for r in case.resources.all()),
            raised_issue=case.raised_issue.title if case.raised_issue_id else ""))
    return rows
