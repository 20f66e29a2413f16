"""A review request and what belongs to it: the draft it was written in, its documents, its
timeline and the messages its requester sent."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    event,
    false,
)
from sqlalchemy.orm import Mapped, Session, deferred, mapped_column, relationship

from reviews import clock
from reviews.database import Model
from reviews.models.columns import UtcDateTime
from reviews.storage import SealedBytes

if TYPE_CHECKING:
    from reviews.models.staff import InternalNote, StaffUser


class Draft(Model):
    """A review request being written: the answers so far, keyed by journey step.

    The browser's session holds only a random key whose hash is `session_key_hash`, so nothing
    personal sits in the cookie, uploads survive between pages, and a copy of the database opens
    no one's draft (reviews.drafts.new_session_key). Once sent, the draft points at the request
    it became, which is what makes sending idempotent.
    """

    __tablename__ = "drafts"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    # sha256 of the key the browser's session holds; a new key on resuming from a link.
    session_key_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.now, onupdate=clock.now)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    review_request_id: Mapped[int | None] = mapped_column(
        ForeignKey("review_requests.id", ondelete="SET NULL")
    )
    # Save and come back later: where the link was sent, and a hash of its single-use token,
    # minted by the worker as it sends the email (reviews.drafts.issue_resume_token).
    resume_email: Mapped[str | None] = mapped_column(String(320))
    resume_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    resume_token_expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    deadline_reminder_sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # A request that came by post or email, entered by staff (staff.intake): who is entering
    # it (only they may carry on with it), how it came ("post" or "email") and the day it
    # arrived, from which the journey's rules count (lateness, the acknowledgement's due date).
    # None for a draft the public write themselves.
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    received_via: Mapped[str | None] = mapped_column(String(10))
    received_on: Mapped[date | None] = mapped_column(Date)

    documents: Mapped[list[Document]] = relationship(
        back_populates="draft", order_by="Document.id", passive_deletes=True
    )
    review_request: Mapped[ReviewRequest | None] = relationship()
    entered_by: Mapped[StaffUser | None] = relationship()


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
    # What the letter says about a right of review: yes / no / not-sure, or no-letter when the
    # person does not have it (staff get it from the Met). None on requests sent before this
    # was asked.
    letter_review_right: Mapped[str | None] = mapped_column(String(10))
    # None when the person did not know it; the first of the month when they knew only roughly
    # (letter_date_is_approximate). Only an exact date makes a request late by itself.
    letter_date: Mapped[date | None] = mapped_column(Date)
    letter_date_is_approximate: Mapped[bool] = mapped_column(Boolean, default=False)
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
    # They asked for text messages about progress to their phone (a UK mobile): reviews.texts.
    text_updates: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    safe_to_leave_message: Mapped[bool] = mapped_column(Boolean, default=False)
    safe_to_say_who_is_calling: Mapped[bool] = mapped_column(Boolean, default=False)

    representative_organisation: Mapped[str | None] = mapped_column(String(200))
    representative_relationship: Mapped[str | None] = mapped_column(String(200))
    complainant_name: Mapped[str] = mapped_column(String(200), index=True)
    complainant_email: Mapped[str | None] = mapped_column(String(320))
    complainant_phone: Mapped[str | None] = mapped_column(String(40))
    complainant_address: Mapped[str | None] = mapped_column(Text)
    updates_to: Mapped[str] = mapped_column(String(20))  # requester / complainant / both
    # not-needed / uploaded / awaited / received (staff checked what was awaited: reviews.consent)
    consent: Mapped[str] = mapped_column(String(20))
    # A representative: what they are to the complainant (reviews.journey.REPRESENTATIVE_KINDS)
    # and how they show they may act (reviews.journey.CONSENT_ROUTES); None for a complainant.
    representative_kind: Mapped[str | None] = mapped_column(String(20))
    consent_route: Mapped[str | None] = mapped_column(String(20))

    # The complaint and why the outcome is wrong.
    # None when the person did not know it: staff get it from the Met.
    mps_reference: Mapped[str | None] = mapped_column(String(30), index=True)
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
    # The Met's reply to our recommendations (an upheld decision): when it is due
    # (reviews.promises.MET_RESPONSE_DAYS after the decision is sent) and when staff chased it.
    mps_response_due_on: Mapped[date | None] = mapped_column(Date, index=True)
    mps_response_chased_on: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)

    # Retention (reviews.retention). A legal hold (a claim, a complaint to the ICO) stops the
    # request being deleted: who placed it, when and why. `anonymised_at`: when its personal
    # data was deleted, leaving this row as a stub for the figures.
    legal_hold_reason: Mapped[str | None] = mapped_column(Text)
    legal_hold_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    legal_hold_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    anonymised_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)

    # A request that came by post or email and was entered by staff (staff.intake): how it
    # came ("post" or "email") and who entered it; None for one sent online. Its
    # `submitted_at` is then midday, London time, on the day it arrived.
    received_via: Mapped[str | None] = mapped_column(String(10))
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    # --- Workload (issue 13): the next date something is due at the request's stage, kept by
    # reviews.deadlines whenever its status or the facts it is counted from change, so the
    # queue sorts and filters on it in SQL. None when nothing is awaited.
    next_due_on: Mapped[date | None] = mapped_column(Date, index=True)
    # --- end workload

    owner: Mapped[StaffUser | None] = relationship(foreign_keys=[owner_id])
    decision_approved_by: Mapped[StaffUser | None] = relationship(
        foreign_keys=[decision_approved_by_id]
    )
    legal_hold_by: Mapped[StaffUser | None] = relationship(foreign_keys=[legal_hold_by_id])
    entered_by: Mapped[StaffUser | None] = relationship(foreign_keys=[entered_by_id])
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
    """An uploaded file. Kept in the database so that every app server sees it, encrypted with
    a key from the environment (reviews.storage.SealedBytes)."""

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
    # Deferred: lists of documents never load the files themselves. Sealed at rest.
    content: Mapped[bytes] = deferred(mapped_column(SealedBytes))
    uploaded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.now)
    # Where it came from (reviews.case_updates.SOURCES): None when it came with the request,
    # "tracker" when a party sent it there later, or how it reached staff, who added it
    # (`uploaded_by_id`). A document sent on the tracker is new to staff until one of them
    # marks it read (`read_at`).
    source: Mapped[str | None] = mapped_column(String(20))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    read_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # What a PDF carries that could act when opened, in words for staff (reviews.uploads).
    active_content: Mapped[str | None] = mapped_column(Text)
    # The virus scan (reviews.scanning): pending until the worker has scanned it; clean;
    # infected (quarantined: never downloaded); not-scanned (no scanner set up, or stored
    # before scanning began: the database's default for those).
    scan_status: Mapped[str] = mapped_column(
        String(20), default="pending", server_default="not-scanned", index=True
    )
    scan_detail: Mapped[str | None] = mapped_column(String(200))  # what the scanner found
    scanned_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

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
    # Shown only to staff, on the request page's timeline: why a decision was returned for
    # changes, or why a request was reopened.
    staff_note: Mapped[str | None] = mapped_column(Text)
    # Who made the change: None for the requester or the service itself.
    staff_user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    # Something a party to the request did on the tracker (reviews.tracking): which party
    # ("requester" or "complainant") and what (reviews.tracking.EVENTS); None for MOPAC's own.
    actor: Mapped[str | None] = mapped_column(String(20))
    event: Mapped[str | None] = mapped_column(String(30))

    review_request: Mapped[ReviewRequest] = relationship(back_populates="timeline")


class RequesterMessage(Model):
    """More information the requester sent after their request, through the tracker."""

    __tablename__ = "requester_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    review_request_id: Mapped[int] = mapped_column(ForeignKey("review_requests.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    sent_at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.now)
    # New to staff until one of them marks it read (reviews.case_updates).
    read_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    review_request: Mapped[ReviewRequest] = relationship(back_populates="messages")


# --- Workload (issue 13): every flush keeps each changed request's `next_due_on` right.
@event.listens_for(Session, "before_flush")
def _keep_next_due(session: Session, flush_context: Any, instances: Any) -> None:
    from reviews.deadlines import keep_next_due  # the rules, loaded once models are

    keep_next_due(session, flush_context, instances)


# --- end workload
