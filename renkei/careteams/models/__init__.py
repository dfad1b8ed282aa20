from .emergency import DeathRecord, EmergencySheet, PlaceWish, Wish
from .patients import (
    CareLevel,
    DeathPlace,
    DementiaIndependence,
    DisabilityIndependence,
    KeyPerson,
    LivingSituation,
    Patient,
    Sex,
)
from .teams import BreakGlassAccess, CareTeam, CareTeamMember, Consent, TeamJoinRequest, TeamRole
from .timeline import Acknowledgement, Attachment, Post

__all__ = [
    "Acknowledgement", "Attachment", "BreakGlassAccess", "CareLevel", "CareTeam", "CareTeamMember", "Consent",
    "DeathPlace", "DeathRecord", "DementiaIndependence", "DisabilityIndependence", "EmergencySheet", "KeyPerson",
    "LivingSituation", "Patient", "PlaceWish", "Post", "Sex", "TeamJoinRequest", "TeamRole", "Wish",
]
