"""Writes of the implementation status (§1): one municipality's sheet for a fiscal year, all or nothing.

Every write is audited with the municipality as owner (the models' automatic entries; bulk writes call
`audit.record_many` per object). The screen asks `region.answer_implementation`, an import
`region.import_implementation`, both on the municipality the sheet resolves to; `membership=None` is the system
(the CLI run by the server's operator, the demo).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from renkei.core import audit, policy
from renkei.core.concurrency import lock_checked
from renkei.core.models import AuditEntry, Municipality, ProgramItem

from ..models import (
    Difficulty,
    Implementation,
    ItemImplementation,
    ItemStatus,
    Operation,
    PdcaStage,
    SupportWish,
    SurveyRound,
    TrainingContent,
)

ITEMS = tuple(ProgramItem.values)  # "a"…"h"


@dataclass
class ItemAnswer:
    item: str
    status: str
    stage: str = ""
    operation: str = ""
    contractor_id: int | None = None
    contractor_name: str = ""
    joint_with_ids: list[int] = field(default_factory=list)
    prefecture_supported: bool | None = None
    note: str = ""


class ImplementationError(ValueError):
    """An answer that cannot be recorded: the reasons in Japanese and English."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("; ".join(en for _ja, en in problems))

    @property
    def ja(self) -> str:
        return "／".join(ja for ja, _en in self.problems)

    @property
    def en(self) -> str:
        return "; ".join(en for _ja, en in self.problems)


def item_problems(answer: ItemAnswer) -> list[tuple[str, str]]:
    problems = []
    if answer.item not in ITEMS:
        problems.append((f"取組「{answer.item}」はありません（ア〜ク）", f"unknown program item {answer.item!r} (a–h)"))
        return problems
    if answer.status not in ItemStatus.values:
        problems.append((f"（{answer.item}）の実施状況「{answer.status}」は選べません",
                         f"item ({answer.item}): unknown status {answer.status!r}"))
    if answer.stage and (answer.item != ProgramItem.B or answer.stage not in PdcaStage.values):
        problems.append((f"（{answer.item}）の取組の段階「{answer.stage}」は選べません（イのみ）",
                         f"item ({answer.item}): a stage is answered for (b) only, from the three stages"))
    if answer.operation and answer.operation not in Operation.values:
        problems.append((f"（{answer.item}）の実施方法「{answer.operation}」は選べません",
                         f"item ({answer.item}): unknown way of running {answer.operation!r}"))
    if answer.joint_with_ids and answer.operation != Operation.JOINT:
        problems.append((f"（{answer.item}）共同実施の相手は、実施方法が共同実施のときだけ選べます",
                         f"item ({answer.item}): partners are named only when the item is run jointly"))
    return problems


def _partners_set(row: ItemImplementation, partner_ids: list[int], municipality: Municipality) -> None:
    """Set the item's 共同実施 partners; a change is audited by hand (many-to-many writes send no save signal)."""
    before = set(row.joint_with.values_list("code", flat=True))
    row.joint_with.set(partner_ids)
    after = set(Municipality.objects.filter(pk__in=partner_ids).values_list("code", flat=True))
    if before != after:
        audit.record(action=AuditEntry.Action.UPDATE, obj=row, owner=municipality,
                     changes={"joint_with": {"added": sorted(after - before), "removed": sorted(before - after)}})


def _choices_problems(values, allowed, ja_name, en_name) -> list[tuple[str, str]]:
    wrong = [v for v in values if v not in allowed]
    if not wrong:
        return []
    return [(f"{ja_name}に不明な選択肢があります：{', '.join(wrong)}", f"{en_name}: unknown choices {wrong}")]


def implementation_save(*, membership, municipality: Municipality, fiscal_year: int, items: Iterable[ItemAnswer],
                        training_contents: list[str] | None = None, difficulties: list[str] | None = None,
                        support_wishes: list[str] | None = None, answered_questions: bool | None = None,
                        note: str | None = None, confirm: bool = False, expected_version: int | None = None,
                        source: str = Implementation.Source.SCREEN, survey_round=None,
                        action: str = "region.answer_implementation", publish: bool | None = None,
                        keep_confirmation: bool = True) -> Implementation:
    """Create or update the municipality's sheet for the fiscal year with these item answers (others kept).

    `confirm` records who confirmed and when; a draft save with `keep_confirmation=False` withdraws an earlier
    confirmation (the answers changed). `publish` sets whether other municipalities may read the sheet.
    Raises ImplementationError (bad answers) or core.concurrency.StaleEdit (saved by someone else since
    `expected_version`)."""
    if membership is not None:
        policy.require(membership, action, municipality)
    items = list(items)
    problems = [p for answer in items for p in item_problems(answer)]
    seen = set()
    for answer in items:
        if answer.item in seen:
            problems.append((f"取組（{answer.item}）が二度あります", f"item ({answer.item}) is answered twice"))
        seen.add(answer.item)
    problems += _choices_problems(training_contents or [], TrainingContent.values, "研修内容", "training contents")
    problems += _choices_problems(difficulties or [], Difficulty.values, "課題（問40）", "difficulties (Q.40)")
    problems += _choices_problems(support_wishes or [], SupportWish.values, "支援の希望（問42）", "support (Q.42)")
    if not 2000 <= fiscal_year <= 2100:
        problems.append((f"年度 {fiscal_year} は扱えません", f"fiscal year {fiscal_year} is out of range"))
    if problems:
        raise ImplementationError(problems)
    with transaction.atomic():
        implementation = Implementation.objects.filter(municipality=municipality, fiscal_year=fiscal_year).first()
        if implementation is None:
            implementation = Implementation(municipality=municipality, fiscal_year=fiscal_year, source=source)
        elif expected_version is not None:
            implementation = lock_checked(implementation, expected_version)
        implementation.source = source
        if survey_round is not None:
            implementation.survey_round = survey_round
        if training_contents is not None:
            implementation.training_contents = sorted(set(training_contents))
        if difficulties is not None:
            implementation.difficulties = sorted(set(difficulties))
        if support_wishes is not None:
            implementation.support_wishes = sorted(set(support_wishes))
        if answered_questions is not None:
            implementation.answered_questions = answered_questions
        elif difficulties or support_wishes:
            implementation.answered_questions = True
        if note is not None:
            implementation.note = note
        if confirm:
            implementation.confirmed_at = timezone.now()
            implementation.confirmed_by = membership
        elif not keep_confirmation:
            implementation.confirmed_at = None
            implementation.confirmed_by = None
        if publish is not None:
            implementation.is_published = publish
        implementation.save()
        existing = {row.item: row for row in implementation.items.all()}
        for answer in items:
            row = existing.get(answer.item) or ItemImplementation(implementation=implementation, item=answer.item)
            row.status = answer.status
            row.stage = answer.stage if answer.item == ProgramItem.B else ""
            row.operation = answer.operation
            row.contractor_id = answer.contractor_id
            row.contractor_name = answer.contractor_name
            row.prefecture_supported = answer.prefecture_supported
            row.note = answer.note
            row.save()
            if answer.operation == Operation.JOINT or row.joint_with.exists():
                _partners_set(row, [pk for pk in answer.joint_with_ids if pk != municipality.pk], municipality)
    return implementation


# --- survey rounds ----------------------------------------------------------------------------------------

MANAGE_ROUNDS = "region.manage_rounds"


def round_open(*, membership, fiscal_year: int, prefecture=None, title: str = "", as_of=None,
               closes_on=None) -> SurveyRound:
    """Open a survey round for the fiscal year: the prefecture's (its staff) or national (prefecture None:
    system administrators). One round per prefecture and year."""
    if membership is not None:
        # A national round is asked on an unsaved round without a prefecture: system administrators only.
        policy.require(membership, MANAGE_ROUNDS,
                       prefecture if prefecture is not None else SurveyRound(fiscal_year=fiscal_year))
    if not 2000 <= fiscal_year <= 2100:
        raise ImplementationError([(f"年度 {fiscal_year} は扱えません", f"fiscal year {fiscal_year} is out of range")])
    if SurveyRound.objects.filter(fiscal_year=fiscal_year, prefecture=prefecture).exists():
        raise ImplementationError([(f"{fiscal_year}年度の調査はすでにあります",
                                    f"a survey round for FY{fiscal_year} already exists")])
    title = title.strip() or f"{prefecture.name if prefecture else '全国'} 在宅医療・介護連携推進事業 実施状況調査 " \
                             f"{fiscal_year}年度"
    with transaction.atomic():
        return SurveyRound.objects.create(fiscal_year=fiscal_year, prefecture=prefecture, title=title[:200],
                                          as_of=as_of, closes_on=closes_on, opened_by=membership)


def round_close(*, membership, survey_round: SurveyRound) -> SurveyRound:
    """Close the round: answers are no longer asked for (municipalities may still correct their sheet)."""
    if membership is not None:
        policy.require(membership, MANAGE_ROUNDS, survey_round)
    with transaction.atomic():
        survey_round.closed_at = survey_round.closed_at or timezone.now()
        survey_round.save(update_fields=["closed_at"])
    return survey_round


def round_sheets(survey_round: SurveyRound):
    """The sheets a round covers: the year's sheets of its prefecture's municipalities (every one, nationally)."""
    sheets = Implementation.objects.filter(fiscal_year=survey_round.fiscal_year)
    if survey_round.prefecture_id:
        sheets = sheets.filter(municipality__prefecture_id=survey_round.prefecture_id)
    return sheets


def round_publish(*, membership, survey_round: SurveyRound) -> int:
    """Publish the round: its confirmed sheets become readable by the other municipalities. Each sheet's change
    is audited with its municipality as owner. Returns the number of sheets published."""
    if membership is not None:
        policy.require(membership, MANAGE_ROUNDS, survey_round)
    with transaction.atomic():
        count = 0
        for implementation in round_sheets(survey_round).filter(confirmed_at__isnull=False, is_published=False) \
                .select_related("municipality").order_by("pk"):
            implementation.is_published = True
            implementation.save(update_fields=["is_published", "updated_at"])
            count += 1
        survey_round.published_at = survey_round.published_at or timezone.now()
        survey_round.save(update_fields=["published_at"])
    return count
