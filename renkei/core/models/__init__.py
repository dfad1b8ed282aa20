from .audit import AuditChainHead, AuditEntry
from .jobs import Job
from .organizations import Invitation, Membership, Organization, Profession, Role, User
from .places import AreaGroup, DailyLivingArea, Municipality, Prefecture
from .security import APIToken, LoginAttempt, TOTPDevice, TwoFactorEnrolment

__all__ = [
    "APIToken",
    "AreaGroup",
    "AuditChainHead",
    "AuditEntry",
    "DailyLivingArea",
    "Invitation",
    "Job",
    "LoginAttempt",
    "Membership",
    "Municipality",
    "Organization",
    "Prefecture",
    "Profession",
    "Role",
    "TOTPDevice",
    "TwoFactorEnrolment",
    "User",
]
