from .practices import Practice, PracticeCopy, SharingMeeting, SourceKind
from .rules import CoordinationSurvey, CoordinationSurveyRow, RuleAdoption
from .status import (
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
from .workspace import HealthCenterArea

__all__ = [
    "CoordinationSurvey",
    "CoordinationSurveyRow",
    "Difficulty",
    "HealthCenterArea",
    "Implementation",
    "ItemImplementation",
    "ItemStatus",
    "Operation",
    "PdcaStage",
    "Practice",
    "PracticeCopy",
    "RuleAdoption",
    "SharingMeeting",
    "SourceKind",
    "SupportWish",
    "SurveyRound",
    "TrainingContent",
]
