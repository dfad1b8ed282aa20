from .conferences import Conference, ConferenceInvitee, ConferenceSlot, SlotAnswer
from .documents import DocumentKind, DocumentSending, HandoffDocument
from .handoffs import (
    AdmissionKind,
    CareLevelGroup,
    Channel,
    DischargeDestination,
    Exchange,
    Handoff,
    HandoffStep,
)
from .measures import Baseline, CensusDischarge, CensusImport
from .rules import Actor, Anchor, ClosedDay, DayUnit, RuleSet, RuleStep, StepKey

__all__ = [
    "Actor", "AdmissionKind", "Anchor", "Baseline", "CareLevelGroup", "CensusDischarge", "CensusImport", "Channel",
    "ClosedDay", "Conference", "ConferenceInvitee", "ConferenceSlot", "DayUnit", "DischargeDestination",
    "DocumentKind", "DocumentSending", "Exchange", "Handoff", "HandoffDocument", "HandoffStep", "RuleSet",
    "RuleStep", "SlotAnswer", "StepKey",
]
