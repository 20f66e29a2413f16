"""The records the service keeps, as typed SQLAlchemy 2 models.

Times are stored in UTC (timezone-aware); dates that people give us (a letter's date) are plain
dates. Every schema change comes with an Alembic migration in migrations/versions.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from reviews import clock
from reviews.database import Model


class UtcDateTime(TypeDecorator[datetime]):
    """A timestamp that is always timezone-aware UTC, on SQLite (which drops the zone) too."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Draft(Model):
    """A review request being written: the answers so far, keyed by journey step.

    The browser holds only this row's opaque id, so nothing personal sits in the cookie and
    uploads survive between pages. Once sent, the draft points at the request it became, which
    is what makes sending idempotent.
    """

    __tablename__ = "drafts"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.now, onupdate=clock.now)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    review_request_id: Mapped[int | None] = mapped_column(
        ForeignKey("review_requests.id", ondelete="SET NULL")
    )
    # Save and come back later: where the link was sent, and a hash of its single-use token.
    resume_email: Mapped[str | None] = mapped_column(String(320))
    resume_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    resume_token_expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    deadline_reminder_sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    documents: Mapped[list[Document]] = relationship(
        back_populates="draft", order_by="Document.id", passive_deletes=True
    )
    review_request: Mapped[ReviewRequest | None] = relationship()


class ReviewRequest(Model):
    """A request for MOPAC to review the outcome of a complaint the MPS dealt with."""

    __tablename__ = "review_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(14), unique=True)
    # The draft it was sent from: unique, so a second send of one draft cannot make a second
    # request even when two arrive at once.
    draft_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(40), index=True)
    submitted_at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.now, index=True)
    acknowledgement_due: Mapped[date] = mapped_column(Date)

    # Eligibility, as the person answered it.
    made_on_or_after_scheme_start: Mapped[str] = mapped_column(String(10))  # yes / not-sure
    review_body_named: Mapped[str] = mapped_column(String(10))  # mopac / not-sure
    letter_date: Mapped[date] = mapped_column(Date)
    letter_received_on: Mapped[date | None] = mapped_column(Date)
    is_late: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    late_reason: Mapped[str | None] = mapped_column(Text)

    # Who is asking. The requester is the person who filled in the form: the complainant, or
    # someone acting for them.
    requester_role: Mapped[str] = mapped_column(String(20))  # complainant / representative
    requester_name: Mapped[str] = mapped_column(String(200))
    requester_email: Mapped[str | None] = mapped_column(String(320), index=True)
    requester_phone: Mapped[str | None] = mapped_column(String(40))
    requester_address: Mapped[str | None] = mapped_column(Text)
    preferred_contact: Mapped[str] = mapped_column(String(10))  # email / phone / post
    safe_to_leave_message: Mapped[bool] = mapped_column(Boolean, default=False)
    safe_to_say_who_is_calling: Mapped[bool] = mapped_column(Boolean, default=False)

    representative_organisation: Mapped[str | None] = mapped_column(String(200))
    representative_relationship: Mapped[str | None] = mapped_column(String(200))
    complainant_name: Mapped[str] = mapped_column(String(200), index=True)
    complainant_email: Mapped[str | None] = mapped_column(String(320))
    complainant_phone: Mapped[str | None] = mapped_column(String(40))
    complainant_address: Mapped[str | None] = mapped_column(Text)
    updates_to: Mapped[str] = mapped_column(String(20))  # requester / complainant / both
    consent: Mapped[str] = mapped_column(String(20))  # not-needed / uploaded / awaited

    # The complaint and why the outcome is wrong.
    mps_reference: Mapped[str] = mapped_column(String(30), index=True)
    complaint_made_year: Mapped[int | None] = mapped_column(Integer)
    complaint_made_month: Mapped[int | None] = mapped_column(Integer)
    complaint_summary: Mapped[str] = mapped_column(Text)
    why_unhappy: Mapped[str] = mapped_column(Text)
    desired_outcome: Mapped[str | None] = mapped_column(Text)
    letter_to_follow: Mapped[bool] = mapped_column(Boolean, default=False)

    # Adjustments: codes from reviews.journey.ADJUSTMENTS, and their details.
    adjustments: Mapped[list[str]] = mapped_column(JSON, default=list)
    interpreter_language: Mapped[str | None] = mapped_column(String(100))
    other_adjustment: Mapped[str | None] = mapped_column(Text)
    callback_times: Mapped[str | None] = mapped_column(Text)

    # The MPS reference was in an earlier request: staff check before going further.
    possible_duplicate: Mapped[bool] = mapped_column(Boolean, default=False, index=True)

    # Casework, recorded by staff through the workflow (reviews.workflow).
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), index=True)
    acknowledged_on: Mapped[date | None] = mapped_column(Date)
    validity: Mapped[str | None] = mapped_column(String(30))  # valid, or why it is not
    validity_reason: Mapped[str | None] = mapped_column(Text)
    late_decision: Mapped[str | None] = mapped_column(String(10))  # accepted / refused
    late_decision_reason: Mapped[str | None] = mapped_column(Text)
    forwarded_to_iopc_on: Mapped[date | None] = mapped_column(Date)
    shared_with_iopc: Mapped[str | None] = mapped_column(Text)
    information_requested: Mapped[str | None] = mapped_column(Text)
    mps_info_requested_on: Mapped[date | None] = mapped_column(Date)
    mps_info_due_on: Mapped[date | None] = mapped_column(Date, index=True)
    mps_info_chased_on: Mapped[date | None] = mapped_column(Date)
    mps_info_received_on: Mapped[date | None] = mapped_column(Date)
    estimated_allocation_month: Mapped[date | None] = mapped_column(Date)
    outcome_reasonable: Mapped[bool | None] = mapped_column(Boolean)
    decision_reasons: Mapped[str | None] = mapped_column(Text)
    recommendations: Mapped[list[str]] = mapped_column(JSON, default=list)
    other_recommendation: Mapped[str | None] = mapped_column(Text)
    refer_to_iopc: Mapped[bool] = mapped_column(Boolean, default=False)
    learning_points: Mapped[str | None] = mapped_column(Text)
    decision_approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    decision_issued_on: Mapped[date | None] = mapped_column(Date)
    mps_response: Mapped[str | None] = mapped_column(Text)
    mps_response_received_on: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)

    owner: Mapped[StaffUser | None] = relationship(foreign_keys=[owner_id])
    decision_approved_by: Mapped[StaffUser | None] = relationship(
        foreign_keys=[decision_approved_by_id]
    )
    notes: Mapped[list[InternalNote]] = relationship(
        back_populates="review_request", order_by="InternalNote.id"
    )

    documents: Mapped[list[Document]] = relationship(
        back_populates="review_request", order_by="Document.id"
    )
    timeline: Mapped[list[TimelineEntry]] = relationship(
        back_populates="review_request", order_by="TimelineEntry.id"
    )
    messages: Mapped[list[RequesterMessage]] = relationship(
        back_populates="review_request", order_by="RequesterMessage.id"
    )


class Document(Model):
    """An uploaded file. Kept in the database so that every app server sees it."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    draft_id: Mapped[str | None] = mapped_column(
        ForeignKey("drafts.id", ondelete="CASCADE"), index=True
    )
    review_request_id: Mapped[int | None] = mapped_column(
        ForeignKey("review_requests.id"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))  # outcome-letter / consent / supporting
    filename: Mapped[str] = mapped_column(String(120))
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    # Deferred: lists of documents never load the files themselves.
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    uploaded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.now)

    draft: Mapped[Draft | None] = relationship(back_populates="documents")
    review_request: Mapped[ReviewRequest | None] = relationship(back_populates="documents")


class TimelineEntry(Model):
    """One change in a request's life, in the order it happened."""

    __tablename__ = "timeline_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    review_request_id: Mapped[int] = mapped_column(ForeignKey("review_requests.id"), index=True)
    status: Mapped[str] = mapped_column(String(40))
    happened_at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.now)
    # Shown to the requester on the tracker, so written for them.
    public_note: Mapped[str | None] = mapped_column(Text)
    # Who made the change: None for the requester or the service itself.
    staff_user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))

    review_request: Mapped[ReviewRequest] = relationship(back_populates="timeline")


class RequesterMessage(Model):
    """More information the requester sent after their request, through the tracker."""

    __tablename__ = "requester_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    review_request_id: Mapped[int] = mapped_column(ForeignKey("review_requests.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    sent_at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.now)

    review_request: Mapped[ReviewRequest] = relationship(back_populates="messages")


class OutboxMessage(Model):
    """A message to send, written in the same transaction as the change that causes it.

    `event_key` is unique, so one event can never queue two messages.
    """

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_key: Mapped[str] = mapped_column(String(120), unique=True)
    review_request_id: Mapped[int | None] = mapped_column(
        ForeignKey("review_requests.id"), index=True
    )
    template: Mapped[str] = mapped_column(String(60))
    recipient: Mapped[str] = mapped_column(String(320))
    personalisation: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(10), default="queued", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # Retries back off: a failed message waits until then before the next try.
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.now)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_error: Mapped[str | None] = mapped_column(String(200))
    # A failed message is a staff task until someone has reached the person another way.
    dealt_with_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    dealt_with_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))

    review_request: Mapped[ReviewRequest | None] = relationship()


class WorkerHeartbeat(Model):
    """A worker's last sign of life, one row per worker process: any web host reads it for
    /readyz (reviews.heartbeat)."""

    __tablename__ = "worker_heartbeats"

    worker: Mapped[str] = mapped_column(String(120), primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    beat_at: Mapped[datetime] = mapped_column(UtcDateTime)


class CallbackRequest(Model):
    """Someone asked us to phone them: an item on the staff callback queue."""

    __tablename__ = "callback_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    review_request_id: Mapped[int | None] = mapped_column(
        ForeignKey("review_requests.id"), index=True
    )
    source: Mapped[str] = mapped_column(String(20))  # review-request / accessibility
    name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str] = mapped_column(String(40))
    best_times: Mapped[str | None] = mapped_column(Text)
    safe_to_leave_message: Mapped[bool] = mapped_column(Boolean, default=False)
    safe_to_say_who_is_calling: Mapped[bool] = mapped_column(Boolean, default=False)
    # The form's one-off key: sending the same form twice makes one request, not two.
    submission_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    # What the call is about, and the tracking reference the person gave, both optional.
    about: Mapped[str | None] = mapped_column(Text)
    reference_given: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.now)
    due_on: Mapped[date | None] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)  # open / done
    # How it ended (codes in staff.queues.CLOSING_OUTCOMES), when, and anything staff added.
    closed_outcome: Mapped[str | None] = mapped_column(String(20))
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    closing_note: Mapped[str | None] = mapped_column(Text)

    review_request: Mapped[ReviewRequest | None] = relationship()
    attempts: Mapped[list[CallbackAttempt]] = relationship(
        back_populates="callback", order_by="CallbackAttempt.id"
    )


class CallbackAttempt(Model):
    """One try at phoning someone who asked for a call, and what happened."""

    __tablename__ = "callback_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    callback_request_id: Mapped[int] = mapped_column(ForeignKey("callback_requests.id"), index=True)
    staff_user_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"))
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.now)
    result: Mapped[str] = mapped_column(String(20))  # codes in staff.queues.CALL_RESULTS
    note: Mapped[str | None] = mapped_column(Text)

    callback: Mapped[CallbackRequest] = relationship(back_populates="attempts")
    staff_user: Mapped[StaffUser] = relationship()


class AccessibleFormatRequest(Model):
    """Someone asked for a document or page in another format: answered in 5 working days."""

    __tablename__ = "accessible_format_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_key: Mapped[str] = mapped_column(String(64), unique=True)
    document: Mapped[str] = mapped_column(Text)
    format: Mapped[str] = mapped_column(String(20))  # codes in reviews.accessibility.FORMATS
    format_detail: Mapped[str | None] = mapped_column(String(200))  # which language, say
    assistive_technology: Mapped[str | None] = mapped_column(Text)
    name: Mapped[str] = mapped_column(String(200))
    preferred_contact: Mapped[str] = mapped_column(String(10))  # email / phone / post
    email: Mapped[str | None] = mapped_column(String(320))
    phone: Mapped[str | None] = mapped_column(String(40))
    address: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.now)
    due_on: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    response_note: Mapped[str | None] = mapped_column(Text)
    # The tracking reference the person gave, if any, and the request it names.
    reference_given: Mapped[str | None] = mapped_column(String(20))
    review_request_id: Mapped[int | None] = mapped_column(
        ForeignKey("review_requests.id"), index=True
    )
    review_request: Mapped[ReviewRequest | None] = relationship()


# Flask-Login ships no type information, so mypy sees its mixin as Any.
class StaffUser(UserMixin, Model):  # type: ignore[misc]
    """Someone on the Police Complaint Reviews team, signing in with a password and TOTP.
    Flask-Login's mixin gives what sign-in asks of a user; only `is_active` is our own."""

    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))  # caseworker / team-leader / admin / auditor
    password_hash: Mapped[str] = mapped_column(String(200))
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enrolled_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # The last TOTP time step accepted, so that one code works once.
    last_totp_step: Mapped[int | None] = mapped_column(Integer)
    # Hashes of unused recovery codes.
    recovery_code_hashes: Mapped[list[str]] = mapped_column(JSON, default=list)
    locked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Changed when the password or two-factor changes, to end every session signed in before.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.now)

    @property
    def is_active(self) -> bool:
        """Deactivated and locked accounts cannot be signed in."""
        return bool(self.active) and self.locked_at is None


class SignInAttempt(Model):
    """Every sign-in attempt, without the password: what the lock-out counts."""

    __tablename__ = "sign_in_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    staff_user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), index=True)
    succeeded: Mapped[bool] = mapped_column(Boolean)
    stage: Mapped[str] = mapped_column(String(10))  # password / totp / recovery
    ip_address: Mapped[str | None] = mapped_column(String(45))
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.now, index=True)


class AuditEvent(Model):
    """Append-only: every staff action, and every view of a request's personal data."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.now, index=True)
    staff_user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), index=True)
    action: Mapped[str] = mapped_column(String(60), index=True)
    review_request_id: Mapped[int | None] = mapped_column(
        ForeignKey("review_requests.id"), index=True
    )
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    ip_address: Mapped[str | None] = mapped_column(String(45))

    staff_user: Mapped[StaffUser | None] = relationship()


class InternalNote(Model):
    """A caseworker's note on a request, in Markdown; never shown to the requester."""

    __tablename__ = "internal_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    review_request_id: Mapped[int] = mapped_column(ForeignKey("review_requests.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.now)

    review_request: Mapped[ReviewRequest] = relationship(back_populates="notes")
    author: Mapped[StaffUser] = relationship()
