"""SQLAlchemy 2.0 typed models; importing this module registers every table."""

from tracker.models.audit import AuditEvent
from tracker.models.base import Base, utcnow
from tracker.models.case import PRIVATE_CASE_FIELDS, Case, StatusChange
from tracker.models.custody import Hearing, Placement
from tracker.models.facility import Facility
from tracker.models.job import Job
from tracker.models.letter_report import LetterReport
from tracker.models.letters import (
    Addressee,
    Appeal,
    AppealCounter,
    Campaign,
    PostedToken,
    RateLimitHit,
    appeal_copies,
)
from tracker.models.user import ApiToken, FailedLogin, RecoveryCode, User

__all__ = [
    "PRIVATE_CASE_FIELDS",
    "Addressee",
    "ApiToken",
    "Appeal",
    "AppealCounter",
    "AuditEvent",
    "Base",
    "Campaign",
    "Case",
    "Facility",
    "FailedLogin",
    "Hearing",
    "Job",
    "LetterReport",
    "Placement",
    "PostedToken",
    "RateLimitHit",
    "RecoveryCode",
    "StatusChange",
    "User",
    "appeal_copies",
    "utcnow",
]
