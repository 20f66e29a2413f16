"""Drafts: a review request while it is being written."""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, delete, select

from reviews import clock
from reviews.database import db
from reviews.journey import deadline
from reviews.models import Document, Draft
from reviews.rules import Deadline
from reviews.uploads import CheckedUpload

# Long enough to fetch a letter or ask someone for help and come back the next day; the
# privacy notice promises that unsent drafts go after 2 days.
DRAFT_LIFETIME = timedelta(hours=48)


def start_draft() -> Draft:
    now = clock.now()
    draft = Draft(
        id=secrets.token_urlsafe(32), answers={}, created_at=now, expires_at=now + DRAFT_LIFETIME
    )
    db.session.add(draft)
    return draft


def find_draft(draft_id: str | None, now: datetime | None = None) -> Draft | None:
    """The draft with this id, unless it has expired."""
    if not draft_id:
        return None
    draft = db.session.get(Draft, draft_id)
    if draft is None or draft.expires_at <= (now or clock.now()):
        return None
    return draft


def keep_draft(draft: Draft) -> None:
    """Someone is still working on it: keep it for another DRAFT_LIFETIME, never shortening the
    30 days a saved draft was promised."""
    draft.expires_at = max(draft.expires_at, clock.now() + DRAFT_LIFETIME)


def save_answers(draft: Draft, slug: str, answers: dict[str, Any]) -> None:
    # A new dict, so that SQLAlchemy sees the JSON column change.
    draft.answers = {**draft.answers, slug: answers}
    keep_draft(draft)


def document_from(kind: str, upload: CheckedUpload) -> Document:
    return Document(
        kind=kind,
        filename=upload.filename,
        content_type=upload.content_type,
        size=upload.size,
        sha256=upload.sha256,
        content=upload.content,
        active_content=upload.active_content,
    )


def add_document(draft: Draft, kind: str, upload: CheckedUpload) -> Document:
    document = document_from(kind, upload)
    draft.documents.append(document)
    keep_draft(draft)
    return document


def documents_of_kind(draft: Draft, kind: str) -> list[Document]:
    return [document for document in draft.documents if document.kind == kind]


def remove_document(draft: Draft, document_id: int) -> bool:
    """Remove one of this draft's documents; another draft's (or a sent one) is not touched."""
    for document in draft.documents:
        if document.id == document_id:
            draft.documents.remove(document)
            db.session.delete(document)
            return True
    return False


def purge_expired_drafts(now: datetime | None = None) -> int:
    """Delete drafts past their expiry, with their files. Sent drafts hold no answers or files
    (sending moved them to the request), so they go too. Returns how many were deleted."""
    expired = select(Draft.id).where(Draft.expires_at <= (now or clock.now()))
    db.session.execute(delete(Document).where(Document.draft_id.in_(expired)))
    # A bulk DELETE runs through a cursor; Session.execute is typed with the plain Result.
    result = cast(
        "CursorResult[*tuple[Any, ...]]",
        db.session.execute(delete(Draft).where(Draft.id.in_(expired))),
    )
    return result.rowcount


# A saved draft is kept longer than one being written, so that its link is worth sending.
SAVED_DRAFT_LIFETIME = timedelta(days=30)
# Remind someone who saved a draft when this many days or fewer are left to ask.
REMINDER_DAYS_LEFT = 3


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def save_for_later(draft: Draft, email: str) -> str:
    """Keep the draft for 30 days and return a new single-use token for its link. Only the
    token's hash is stored, so a copy of the database cannot be used to resume anyone's draft."""
    token = secrets.token_urlsafe(32)
    now = clock.now()
    draft.resume_email = email
    draft.resume_token_hash = _token_hash(token)
    draft.resume_token_expires_at = now + SAVED_DRAFT_LIFETIME
    draft.expires_at = max(draft.expires_at, now + SAVED_DRAFT_LIFETIME)
    return token


def resume_draft(token: str, now: datetime | None = None) -> Draft | None:
    """The draft this link is for, once: the token is used up by resuming."""
    now = now or clock.now()
    draft = db.session.scalar(select(Draft).where(Draft.resume_token_hash == _token_hash(token)))
    if (
        draft is None
        or draft.review_request_id is not None
        or draft.resume_token_expires_at is None
        or draft.resume_token_expires_at <= now
        or draft.expires_at <= now
    ):
        return None
    draft.resume_token_hash = None
    draft.resume_token_expires_at = None
    draft.expires_at = max(draft.expires_at, now + DRAFT_LIFETIME)
    return draft


def drafts_to_remind(today: date, now: datetime | None = None) -> list[tuple[Draft, Deadline]]:
    """Saved, unsent drafts whose 28 days end within REMINDER_DAYS_LEFT, not yet reminded."""
    now = now or clock.now()
    saved = db.session.scalars(
        select(Draft).where(
            Draft.resume_email.is_not(None),
            Draft.review_request_id.is_(None),
            Draft.deadline_reminder_sent_at.is_(None),
            Draft.expires_at > now,
        )
    )
    due = []
    for draft in saved:
        found = deadline(draft.answers, today)
        if found is not None and 0 <= found.days_left <= REMINDER_DAYS_LEFT:
            due.append((draft, found))
    return due
