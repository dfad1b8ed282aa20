from .audit import AuditChainHead, AuditEntry
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
