"""The records the service keeps, as typed SQLAlchemy 2 models, one module a part of the service.

Times are stored in UTC (timezone-aware); dates that people give us (a letter's date) are plain
dates. Every schema change comes with an Alembic migration in migrations/versions.
"""

from reviews.models.accessibility import AccessibleFormatRequest, CallbackAttempt, CallbackRequest
from reviews.models.columns import UtcDateTime
from reviews.models.equality import EqualityAnswer
from reviews.models.letters import (
    ApprovedLetter,
    FileResealPermit,
    LetterTemplate,
    SentLetter,
)
from reviews.models.listing import RequestTally
from reviews.models.outbox import OutboxMessage, WorkerHeartbeat
from reviews.models.requests import Document, Draft, RequesterMessage, ReviewRequest, TimelineEntry
from reviews.models.searches import StaffSearch
from reviews.models.sessions import ServerSession
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
    "ApprovedLetter",
    "AuditEvent",
    "AuditRetentionPermit",
    "CallbackAttempt",
    "CallbackRequest",
    "Document",
    "Draft",
    "EqualityAnswer",
    "FileResealPermit",
    "InternalNote",
    "LetterTemplate",
    "OutboxMessage",
    "RequestTally",
    "RequesterMessage",
    "ReviewRequest",
    "SentLetter",
    "ServerSession",
    "SignInAttempt",
    "StaffSearch",
    "StaffUser",
    "SurveyAnswer",
    "TimelineEntry",
    "UtcDateTime",
    "WorkerHeartbeat",
]
