from .audit import AuditChainHead, AuditEntry
from .cooperation import JointProject
from .jobs import Job
from .organizations import Invitation, Membership, Organization, Profession, Role, User
from .places import AreaGroup, DailyLivingArea, Municipality, Prefecture
from .program import FOUR_SCENES, ProgramItem, Scene
from .security import APIToken, LoginAttempt, TOTPDevice, TwoFactorEnrolment

__all__ = [
    "APIToken",
    "AreaGroup",
    "AuditChainHead",
    "AuditEntry",
    "DailyLivingArea",
    "FOUR_SCENES",
    "Invitation",
    "Job",
    "JointProject",
    "LoginAttempt",
    "Membership",
    "Municipality",
    "Organization",
    "Prefecture",
    "Profession",
    "ProgramItem",
    "Role",
    "Scene",
    "TOTPDevice",
    "TwoFactorEnrolment",
    "User",
]
