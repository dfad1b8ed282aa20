"""Builders for the practices and meetings tests: a practice written through the service, a 福知山市 logic model
with one block, a rule of 福知山市, a prefecture template, and a sharing meeting."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from renkei.core.models import ProgramItem, Scene
from renkei.pdca.services.templates import logic_model_template_content, logic_model_template_save
from renkei.region.models import Practice, SharingMeeting, SourceKind
from renkei.region.services.meetings import meeting_save
from renkei.region.services.practices import practice_publish, practice_save
from tests.handoff.rules_helpers import municipal_rule
from tests.pdca.factories import LogicModelFactory, MeasurePlacementFactory, PlanPeriodFactory


def practice(membership, *, title="入退院支援ルールの運用", status="draft", reach=Practice.Reach.PREFECTURE,
             items=(ProgramItem.H,), scenes=(Scene.ADMISSION_DISCHARGE,), offer=None, **fields) -> Practice:
    """A practice by the member's municipality (prefecture staff: their prefecture), saved and maybe published."""
    municipality = membership.organization.municipality if membership.role != "prefecture_staff" else None
    written = Practice(title=title, summary=fields.pop("summary", "病院とケアマネの情報共有を定着させた"),
                       municipality=municipality, prefecture_id=membership.organization.prefecture_id,
                       reach=reach, program_items=list(items), scenes=list(scenes), **fields)
    if offer is not None:
        written.offer_kind, written.offer_id = offer
    practice_save(membership=membership, practice=written)
    if status == "published":
        written = practice_publish(membership=membership, practice=written)
    return written


def logic_model_of(municipality):
    """An adopted logic model of the municipality with one measure under one outcome."""
    placement = MeasurePlacementFactory(logic_model=LogicModelFactory(plan=PlanPeriodFactory(
        municipality=municipality, start_fiscal_year=2024, end_fiscal_year=2026)))
    return placement.logic_model


def rule_of(membership, municipality):
    return municipal_rule(membership, municipality, name="福知山市入退院支援ルール")


def template_of(membership, logic_model, *, municipality=None, prefecture=None):
    return logic_model_template_save(membership=membership, name="京都府標準ロジックモデル",
                                     content=logic_model_template_content(logic_model),
                                     municipality=municipality, prefecture=prefecture)


def offer(kind: SourceKind, obj) -> tuple[str, int]:
    return (str(kind), obj.pk)


def meeting(membership, *, prefecture, municipality=None, invited=(), days=7,
            title="中丹地域 在宅医療・介護連携 情報交換会", practices=()) -> SharingMeeting:
    held = SharingMeeting(prefecture=prefecture, municipality=municipality, title=title,
                          held_at=timezone.now() + dt.timedelta(days=days), place="福知山市役所",
                          agenda="各市の取組報告\n意見交換")
    return meeting_save(membership=membership, meeting=held, invited=list(invited), practices=list(practices))
