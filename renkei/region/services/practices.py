"""Writes of the good-practice library (取組事例) and its copies (横展開).

A practice is written by a municipality (its staff and coordinators) or by the prefecture (its staff), saved
as a draft, published to the prefecture's municipalities or nationally, and withdrawn. It may offer one of its
author's own objects for copy (see `selectors.practices`: a logic-model revision, a rule set, a logic-model
template). `practice_copy` writes the copy through the owning app's services — pdca's template services for logic
models and templates, handoff's `rule_set_create` for rules — and records a `PracticeCopy`; the source is only
read. Every object written has its own audit entry (the models' automatic entries; those services' own).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from renkei.core import audit, policy
from renkei.core.concurrency import lock_checked
from renkei.core.models import Municipality, ProgramItem, Scene

from ..models import Practice, PracticeCopy, SourceKind
from ..selectors.practices import offered_object

WRITE, COPY = "region.write_practice", "region.copy_practice"


class PracticeError(ValueError):
    """A practice or a copy that cannot be written: the reasons in Japanese and English."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("; ".join(en for _ja, en in problems))

    @property
    def messages(self) -> list[str]:
        return [f"{ja} / {en}" for ja, en in self.problems]


def practice_problems(practice: Practice) -> list[tuple[str, str]]:
    """What keeps the practice from being saved (empty when nothing)."""
    problems = []
    if not (practice.title or "").strip():
        problems.append(("題名を入力してください。", "Write a title."))
    if not (practice.summary or "").strip():
        problems.append(("概要を入力してください。", "Write a summary."))
    wrong_items = [v for v in practice.program_items or [] if v not in ProgramItem.values]
    if wrong_items:
        problems.append((f"事業項目に不明な値があります：{', '.join(map(str, wrong_items))}",
                         f"unknown program items: {wrong_items}"))
    wrong_scenes = [v for v in practice.scenes or [] if v not in Scene.values]
    if wrong_scenes:
        problems.append((f"場面に不明な値があります：{', '.join(map(str, wrong_scenes))}",
                         f"unknown scenes: {wrong_scenes}"))
    if practice.reach not in Practice.Reach.values:
        problems.append(("共有範囲を選んでください。", "Choose who the practice is shared with."))
    if practice.municipality_id is not None and practice.municipality.prefecture_id != practice.prefecture_id:
        problems.append(("市区町村と都道府県が一致しません。", "The municipality is not in the prefecture."))
    if practice.offer_kind or practice.offer_id is not None:
        if practice.offer_kind not in SourceKind.values or practice.offer_id is None:
            problems.append(("複写に提供するものを正しく選んでください。", "Choose what the practice offers to copy."))
        elif offered_object(practice) is None:
            problems.append(("提供できるのは作成者自身のロジックモデル・ルール・テンプレートだけです。",
                             "A practice can offer only its author's own logic model, rule or template."))
    return problems


def practice_save(*, membership, practice: Practice, expected_version: int | None = None) -> Practice:
    """Create or edit a practice (`practice` holds the form's values and its author); a new one is a draft.

    StaleEdit when it was saved since `expected_version`; PracticeError with the reasons when it cannot be saved.
    """
    practice.program_items = sorted(set(practice.program_items or []))
    practice.scenes = [s for s in Scene.values if s in set(practice.scenes or [])] + [
        s for s in practice.scenes or [] if s not in Scene.values]
    if practice.municipality_id is not None:
        practice.prefecture_id = practice.municipality.prefecture_id
    with audit.bind_membership(membership), transaction.atomic():
        if practice.pk is not None:
            stored = lock_checked(practice, expected_version)
            policy.require(membership, WRITE, stored)
            if (stored.municipality_id, stored.prefecture_id) != (practice.municipality_id, practice.prefecture_id):
                raise PracticeError([("作成者は変えられません。", "A practice keeps its author.")])
        policy.require(membership, WRITE, practice)
        problems = practice_problems(practice)
        if problems:
            raise PracticeError(problems)
        if practice.pk is None:
            practice.written_by = membership
        practice.save()
    return practice


def practice_publish(*, membership, practice: Practice, expected_version: int | None = None) -> Practice:
    """Publish the practice to its reach (the prefecture's municipalities, or every municipality)."""
    with audit.bind_membership(membership), transaction.atomic():
        stored = lock_checked(practice, expected_version)
        policy.require(membership, WRITE, stored)
        problems = practice_problems(stored)
        if problems:
            raise PracticeError(problems)
        stored.status = Practice.Status.PUBLISHED
        stored.published_at = stored.published_at or timezone.now()
        stored.save()
    return stored


def practice_withdraw(*, membership, practice: Practice, expected_version: int | None = None) -> Practice:
    """Withdraw a practice: only its author's staff read it again; copies already made stay where they are."""
    with audit.bind_membership(membership), transaction.atomic():
        stored = lock_checked(practice, expected_version)
        policy.require(membership, WRITE, stored)
        stored.status = Practice.Status.WITHDRAWN
        stored.save()
    return stored


def _copy_logic_model(*, membership, practice, source, municipality) -> tuple[str, int]:
    from renkei.pdca.selectors.turn import plan_for_year
    from renkei.pdca.services.plans import current_fiscal_year
    from renkei.pdca.services.templates import (
        logic_model_template_apply,
        logic_model_template_content,
        logic_model_template_save,
    )

    content = logic_model_template_content(source)
    plan = plan_for_year(municipality, current_fiscal_year())
    if plan is not None:
        applied = logic_model_template_apply(membership=membership, template=content, plan=plan)
        return SourceKind.LOGIC_MODEL, applied.logic_model.pk
    template = logic_model_template_save(
        membership=membership, name=f"{practice.title}（{_author_name(practice)}）"[:200], content=content,
        description=f"取組事例「{practice.title}」から複写", municipality=municipality)
    return SourceKind.FORM_TEMPLATE, template.pk


def _copy_rule_set(*, membership, practice, source, municipality, effective_from) -> tuple[str, int]:
    from renkei.handoff.services.rules import rule_set_create

    steps = [dict(key=s.key, order=s.order, actor=s.actor, anchor=s.anchor, offset_days=s.offset_days,
                  day_unit=s.day_unit, after_hours_shift=s.after_hours_shift, is_required=s.is_required,
                  counts_for_missed=s.counts_for_missed, label=s.label, note=s.note)
             for s in source.steps.order_by("order", "pk")]
    note = f"{source.area_name}の「{source.name}」第{source.version}版から複写（取組事例「{practice.title}」）"
    rule_set = rule_set_create(
        membership=membership, name=source.name, area_kind="municipality", municipality=municipality,
        effective_from=effective_from, steps=steps, covers_support_levels=source.covers_support_levels,
        covers_uncertified=source.covers_uncertified, excluded_planned_stay_days=source.excluded_planned_stay_days,
        note=(f"{source.note}\n\n{note}" if source.note else note), source_url=source.source_url)
    return SourceKind.RULE_SET, rule_set.pk


def _copy_template(*, membership, practice, source, municipality) -> tuple[str, int]:
    from renkei.pdca.services.templates import logic_model_template_save

    template = logic_model_template_save(
        membership=membership, name=source.name, content=source.content,
        description=(source.description or f"取組事例「{practice.title}」から複写")[:2000],
        municipality=municipality)
    return SourceKind.FORM_TEMPLATE, template.pk


def _author_name(practice: Practice) -> str:
    return practice.municipality.name if practice.municipality_id else practice.prefecture.name


def practice_copy(*, membership, practice: Practice, municipality: Municipality | None = None,
                  effective_from: dt.date | None = None) -> PracticeCopy:
    """Copy what the practice offers into the member's municipality (横展開) and record the link to its source.

    A logic model becomes a new draft revision of the municipality's plan covering this fiscal year (its own
    template when it has no plan); a rule becomes a new version of the municipality's own rule from
    `effective_from` (default: the first day of next month); a template becomes the municipality's template.
    """
    if municipality is None:
        municipality = membership.organization.municipality if membership is not None else None
    if municipality is None:
        raise PermissionDenied("no municipality to copy into")
    with audit.bind_membership(membership), transaction.atomic():
        policy.require(membership, COPY, municipality)
        policy.require(membership, COPY, practice)
        if practice.municipality_id == municipality.pk:
            raise PracticeError([("自分の市区町村の取組事例は複写できません。",
                                  "A municipality does not copy its own practice.")])
        source = offered_object(practice)
        if source is None:
            raise PracticeError([("この取組事例が提供していたものは、もうありません。",
                                  "What this practice offered no longer exists.")])
        try:
            if practice.offer_kind == SourceKind.LOGIC_MODEL:
                kind, copy_id = _copy_logic_model(membership=membership, practice=practice, source=source,
                                                  municipality=municipality)
            elif practice.offer_kind == SourceKind.RULE_SET:
                today = timezone.localdate()
                first_of_next_month = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
                kind, copy_id = _copy_rule_set(membership=membership, practice=practice, source=source,
                                               municipality=municipality,
                                               effective_from=effective_from or first_of_next_month)
            else:
                kind, copy_id = _copy_template(membership=membership, practice=practice, source=source,
                                               municipality=municipality)
        except ValidationError as error:
            raise PracticeError([(message, message) for message in error.messages]) from error
        return PracticeCopy.objects.create(
            practice=practice, source_kind=practice.offer_kind, source_id=source.pk, copy_id=copy_id,
            copy_kind="" if kind == practice.offer_kind else kind, municipality=municipality,
            copied_by=membership)
