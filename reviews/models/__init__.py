"""The records the service keeps, as typed SQLAlchemy 2 models, one module a part of the service.

Times are stored in UTC (timezone-aware); dates that people give us (a letter's date) are plain
dates. Every schema change comes with an Alembic migration in migrations/versions.
"""

from reviews.models.accessibility import AccessibleFormatRequest, CallbackAttempt, CallbackRequest
from reviews.models.columns import UtcDateTime
from reviews.models.equality import EqualityAnswer
from reviews.models.letters import SentLetter
from reviews.models.outbox import OutboxMessage, WorkerHeartbeat
from reviews.models.requests import Document, Draft, RequesterMessage, ReviewRequest, TimelineEntry
from reviews.models.staff import (
    AuditEvent,
    AuditRetentionPermit,
    InternalNote,
    SignInAttempt,
    StaffUser,
)
from reviews.models.survey import SurveyAnswer

__all__ = [
    "AccessibleFormatRequest",
    "AuditEvent",
    "AuditRetentionPermit",
    "CallbackAttempt",
    "CallbackRequest",
    "Document",
    "Draft",
    "EqualityAnswer",
    "InternalNote",
    "OutboxMessage",
    "RequesterMessage",
    "ReviewRequest",
    "SentLetter",
    "SignInAttempt",
    "StaffUser",
    "SurveyAnswer",
    "TimelineEntry",
    "UtcDateTime",
    "WorkerHeartbeat",
]
