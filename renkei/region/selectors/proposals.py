"""Proposals of the implementation status (§1) from what Renkei already knows: per item, the strongest status
the registered evidence suggests (core.item_evidence), with the evidence list and, for (イ), the stage.
Computed on every read, never stored: only the municipality's confirmed answer counts."""

from __future__ import annotations

from dataclasses import dataclass, field

from renkei.core import item_evidence
from renkei.core.item_evidence import Evidence

from ..models import ItemStatus, PdcaStage
from ..services.implementation import ITEMS

STRENGTH = {ItemStatus.IMPLEMENTED: 3, ItemStatus.PLANNED: 2, ItemStatus.NOT_IMPLEMENTED: 1}
STAGE_STRENGTH = {PdcaStage.EVALUATING: 3, PdcaStage.CONCRETE: 2, PdcaStage.ASSESSING: 1}


@dataclass
class Proposal:
    """What the evidence suggests for one item: `status` empty when nothing was found."""

    item: str
    status: str = ""
    stage: str = ""
    evidence: list[Evidence] = field(default_factory=list)
    training_contents: list[str] = field(default_factory=list)  # (カ) only

    @property
    def has_evidence(self) -> bool:
        return bool(self.evidence)


def _proposal(item: str, found: list[Evidence]) -> Proposal:
    proposal = Proposal(item=item, evidence=sorted(found, key=lambda e: -STRENGTH.get(e.suggests, 0)))
    if found:
        proposal.status = max((e.suggests for e in found), key=lambda s: STRENGTH.get(s, 0))
        stages = [e.stage for e in found if e.stage]
        if stages:
            proposal.stage = max(stages, key=lambda s: STAGE_STRENGTH.get(s, 0))
        contents = {c for e in found for c in e.figures.get("training_contents", [])}
        proposal.training_contents = sorted(contents)
    return proposal


def proposals_for(municipality_ids, fiscal_year: int) -> dict[int, dict[str, Proposal]]:
    """{municipality id: {item: Proposal}} for every item (a few aggregate queries per registered provider)."""
    ids = list(municipality_ids)
    gathered = item_evidence.gather(ids, fiscal_year)
    return {pk: {item: _proposal(item, gathered.get(item, {}).get(pk, [])) for item in ITEMS} for pk in ids}


def proposals(municipality, fiscal_year: int) -> dict[str, Proposal]:
    """{item: Proposal} for one municipality."""
    return proposals_for([municipality.pk], fiscal_year)[municipality.pk]
