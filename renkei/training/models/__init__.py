"""Training (事業項目カ) and public awareness (キ). See each module's docstring."""

from .awareness import (
    AcpIntention,
    ActivityKind,
    AwarenessActivity,
    AwarenessMaterial,
    AwarenessResponse,
    AwarenessSurveyLink,
    Theme,
)
from .instruments import Instrument, InstrumentItem
from .series import Attendance, Registration, SeriesKind, TrainingSeries, TrainingSession
from .surveys import Phase, SurveyAnswer, SurveyLink, SurveyResponse

__all__ = [
    "AcpIntention", "ActivityKind", "Attendance", "AwarenessActivity", "AwarenessMaterial", "AwarenessResponse",
    "AwarenessSurveyLink", "Instrument", "InstrumentItem", "Phase", "Registration", "SeriesKind", "SurveyAnswer",
    "SurveyLink", "SurveyResponse", "Theme", "TrainingSeries", "TrainingSession",
]
