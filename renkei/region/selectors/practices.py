"""Reads of §4 sharing what works: the practices a member may see (filters), what an author may offer to copy,
the copies made from a practice and into a municipality, and the sharing meetings a member may see.

What an author may offer (横展開) is the author's own: a municipality's logic-model revisions, rule sets and
logic-model templates; a prefecture's rule sets (its own or one of its groups of municipalities') and templates.
The "form template" of Renkei is the pdca logic-model template (`pdca.LogicModelTemplate`): a reusable package
of scenes, outcomes, measures and indicators (see `renkei/pdca/README.md`, Templates).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from renkei.core import policy
from renkei.core.models import Municipality, ProgramItem, Scene
from renkei.handoff.models import RuleSet
from renkei.pdca.models import LogicModel, LogicModelTemplate

from ..models import Practice, PracticeCopy, SharingMeeting, SourceKind
from ..policy.common import ADMIN, own_municipality_ids
from ..policy.practices import is_author_staff

VIEW_PRACTICES, VIEW_MEETINGS = "region.view_practices", "region.view_meetings"


def visible_practices(membership) -> QuerySet:
    """The practices the member may read (published ones shared with them, their own author's drafts)."""
    return policy.scope(membership, VIEW_PRACTICES, Practice.objects.select_related("municipality", "prefecture"))


def practice_list(membership, *, item: str = "", scene: str = "", author: str = "", q: str = "",
                  published_only: bool = False) -> list[Practice]:
    """The library's cards: the member's visible practices filtered by item, scene, author and text.

    `author` is a municipality's code, a prefecture's two-digit code (its own practices), or "" for any.
    Filters on the JSON tag lists are applied in Python (portable between SQLite and PostgreSQL; the
    library holds hundreds of practices, not millions).
    """
    rows = visible_practices(membership)
    if published_only:
        rows = rows.filter(status=Practice.Status.PUBLISHED)
    if author:
        if len(author) == 2 and author.isdigit():
            rows = rows.filter(municipality__isnull=True, prefecture__code=author)
        else:
            rows = rows.filter(municipality__code=author)
    for word in (q or "").split()[:5]:
        rows = rows.filter(Q(title__icontains=word) | Q(summary__icontains=word) | Q(body__icontains=word)
                           | Q(results__icontains=word) | Q(lessons__icontains=word))
    found = list(rows.order_by("-published_at", "-pk")[:500])
    if item:
        found = [p for p in found if item in (p.program_items or [])]
    if scene:
        found = [p for p in found if scene in (p.scenes or [])]
    return found


def author_choices(membership) -> list[tuple[str, str]]:
    """The authors of the practices the member may see, for the filter: (code, name)."""
    seen: dict[str, str] = {}
    for practice in visible_practices(membership).order_by("prefecture__code", "municipality__code"):
        if practice.municipality_id:
            seen.setdefault(practice.municipality.code, practice.municipality.name)
        else:
            seen.setdefault(practice.prefecture.code, practice.prefecture.name)
    return list(seen.items())


def item_label(value: str) -> str:
    return dict(ProgramItem.choices).get(value, value)


def scene_label(value: str) -> str:
    return dict(Scene.choices).get(value, value)


# --- what an author may offer -----------------------------------------------------------------------------

def _offerable(kind: str, *, municipality: Municipality | None, prefecture) -> QuerySet:
    if kind == SourceKind.LOGIC_MODEL:
        if municipality is None:
            return LogicModel.objects.none()
        return LogicModel.objects.select_related("plan__municipality").filter(plan__municipality=municipality)
    if kind == SourceKind.RULE_SET:
        if municipality is not None:
            return RuleSet.objects.filter(municipality=municipality)
        return RuleSet.objects.filter(Q(prefecture=prefecture) | Q(area_group__prefecture=prefecture))
    if kind == SourceKind.FORM_TEMPLATE:
        if municipality is not None:
            return LogicModelTemplate.objects.filter(municipality=municipality)
        return LogicModelTemplate.objects.filter(municipality__isnull=True, prefecture=prefecture)
    return LogicModel.objects.none()


def offer_label(kind: str, obj) -> str:
    if kind == SourceKind.LOGIC_MODEL:
        plan = obj.plan
        return f"ロジックモデル 第{plan.term_number}期 第{obj.revision}版（{obj.get_status_display()}）"
    if kind == SourceKind.RULE_SET:
        return f"入退院支援ルール {obj.name}（{obj.area_name} 第{obj.version}版）"
    return f"ロジックモデル テンプレート {obj.name}"


def offer_choices(*, municipality: Municipality | None, prefecture) -> list[tuple[str, str]]:
    """What the author may offer: ("kind:id", label), the newest first."""
    choices = []
    for kind in SourceKind.values:
        for obj in _offerable(kind, municipality=municipality, prefecture=prefecture).order_by("-pk")[:50]:
            choices.append((f"{kind}:{obj.pk}", offer_label(kind, obj)))
    return choices


def offered_object(practice: Practice):
    """The object the practice offers, when it still exists and is the author's own; else None."""
    if not practice.offer_kind or practice.offer_id is None:
        return None
    return (_offerable(practice.offer_kind, municipality=practice.municipality, prefecture=practice.prefecture)
            .filter(pk=practice.offer_id).first())


def copied_object(kind: str, pk: int):
    """A copy made into a municipality's workspace (a logic-model revision, a rule set or a template)."""
    model = {SourceKind.LOGIC_MODEL: LogicModel, SourceKind.RULE_SET: RuleSet,
             SourceKind.FORM_TEMPLATE: LogicModelTemplate}.get(kind)
    if model is None:
        return None
    queryset = model.objects.select_related("plan") if model is LogicModel else model.objects.all()
    return queryset.filter(pk=pk).first()


def copy_url(kind: str, obj) -> str:
    """Where the copy is opened in its own app ("" when that app's screens are not installed)."""
    from django.urls import NoReverseMatch, reverse

    try:
        if kind == SourceKind.LOGIC_MODEL:
            return reverse("pdca:logic_model", args=[obj.plan_id]) + f"?revision={obj.revision}"
        if kind == SourceKind.RULE_SET:
            return reverse("handoff:rule_detail", args=[obj.pk])
        return reverse("pdca:template_list")
    except NoReverseMatch:
        return ""


@dataclass
class CopyRow:
    copy: PracticeCopy
    label: str
    url: str


def copy_rows(copies) -> list[CopyRow]:
    rows = []
    for copy in copies:
        obj = copied_object(copy.kind_of_copy, copy.copy_id)
        rows.append(CopyRow(copy, offer_label(copy.kind_of_copy, obj) if obj is not None else "—",
                            copy_url(copy.kind_of_copy, obj) if obj is not None else ""))
    return rows


def copies_of(practice: Practice, membership) -> list[PracticeCopy]:
    """The copies made from a practice: its author's staff see every one; others the copies into their own
    municipality (which municipalities copied is the author's to know)."""
    copies = practice.copies.select_related("municipality", "copied_by__user")
    if membership.role == ADMIN or is_author_staff(membership, practice):
        return list(copies)
    return list(copies.filter(municipality_id__in=own_municipality_ids(membership)))


def copies_into(membership) -> list[PracticeCopy]:
    """The copies made into the member's municipality, with the practice they came from."""
    ids = own_municipality_ids(membership)
    if not ids:
        return []
    return list(PracticeCopy.objects.filter(municipality_id__in=ids)
                .select_related("practice__municipality", "practice__prefecture", "municipality",
                                "copied_by__user"))


def copied_from(kind: str, copy_id: int) -> PracticeCopy | None:
    """The copy record of an object, if it was copied from a practice: other apps may show "copied from …"."""
    return (PracticeCopy.objects.filter(Q(copy_kind=kind) | Q(copy_kind="", source_kind=kind), copy_id=copy_id)
            .select_related("practice__municipality", "practice__prefecture").first())


# --- sharing meetings ---------------------------------------------------------------------------------------

def visible_meetings(membership) -> QuerySet:
    return policy.scope(membership, VIEW_MEETINGS, SharingMeeting.objects.select_related(
        "prefecture", "municipality", "area_group"))


def meeting_list(membership) -> tuple[list[SharingMeeting], list[SharingMeeting]]:
    """(upcoming, past): upcoming soonest first, past newest first."""
    now = timezone.now()
    rows = visible_meetings(membership).prefetch_related("invited")
    upcoming = list(rows.filter(held_at__gte=now).order_by("held_at", "pk"))
    past = list(rows.filter(held_at__lt=now).order_by("-held_at", "-pk")[:200])
    return upcoming, past


def meeting_with_details(pk: int) -> SharingMeeting:
    return (SharingMeeting.objects.select_related("prefecture", "municipality", "area_group", "created_by__user")
            .prefetch_related(Prefetch("invited", queryset=Municipality.objects.order_by("code")),
                              Prefetch("attended", queryset=Municipality.objects.order_by("code")),
                              Prefetch("practices", queryset=Practice.objects.select_related(
                                  "municipality", "prefecture")))
            .get(pk=pk))


def meeting_municipality_choices(meeting: SharingMeeting) -> QuerySet:
    """The municipalities a meeting may invite: its prefecture's (a designated city, not its wards)."""
    return Municipality.objects.filter(prefecture_id=meeting.prefecture_id, parent__isnull=True).order_by("code")
