"""How long personal data is kept, and applying that: MOPAC is the controller of police complaint
data, much of it special category (domain/review-rules.md 18-19), so nothing is kept for ever.

The schedule (reviews.retention_schedule) comes from configuration (web.config); the privacy
notice states it through reviews.promises, so the page and the code read one setting.

- Drafts: reviews.drafts (2 days, 30 once saved), purged hourly by the worker.
- A finished request (closed, forwarded to the IOPC, no right of review, refused as late,
  withdrawn): `closed_request_years` after it finished, it becomes a stub. Its documents,
  messages, notes, call and format requests and emails are deleted; its personal text is
  emptied; its reference, status, dates, outcome, validity and late flags stay, so the figures
  survive. Timeline notes are emptied; audit events keep their kind, time and staff member and
  lose the personal details in `detail`.
- Email content: the recipient and personalisation, `message_content_days` after delivery, or
  after a failed message was dealt with.
- Staff sign-in attempts: `sign_in_attempt_days`. Audit events: `audit_event_years`.
- Survey answers: `survey_answer_days` after the end of the month they were given in.
- Equality monitoring answers: `equality_answer_days` after the end of their month, the same way.

A legal hold stops a request's deletion until lifted, and erasure on request takes the same
path at once (both in reviews.legal_hold). Every run is audited by kinds and counts, never by
whose.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, cast

from sqlalchemy import (
    JSON,
    CursorResult,
    LargeBinary,
    String,
    and_,
    delete,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.orm import selectinload
from sqlalchemy.sql.dml import Update
from sqlalchemy.sql.elements import ColumnElement

from reviews import clock
from reviews.audit import record_audit
from reviews.database import db
from reviews.models import (
    AccessibleFormatRequest,
    ApprovedLetter,
    AuditEvent,
    AuditRetentionPermit,
    CallbackAttempt,
    CallbackRequest,
    Document,
    Draft,
    EqualityAnswer,
    InternalNote,
    OutboxMessage,
    RequesterMessage,
    ReviewRequest,
    SentLetter,
    ServerSession,
    SignInAttempt,
    SurveyAnswer,
    TimelineEntry,
)
from reviews.retention_schedule import RetentionSchedule, years_before
from reviews.workflow.statuses import FINISHED, Status


def finished_on(review_request: ReviewRequest) -> date | None:
    """The date a finished request finished, from which its period runs; None while open."""
    if review_request.status not in FINISHED:
        return None
    if review_request.status == Status.CLOSED and review_request.closed_on:
        return review_request.closed_on
    if review_request.status == Status.FORWARDED_TO_IOPC and review_request.forwarded_to_iopc_on:
        return review_request.forwarded_to_iopc_on
    # Decided invalid or late, or withdrawn: the day it reached that status.
    entries = [entry for entry in review_request.timeline if entry.status == review_request.status]
    return clock.london_date(entries[-1].happened_at) if entries else None


@dataclass
class RetentionReport:
    """What a run deleted (or, dry, would delete): counts by kind, and the references of the
    requests made stubs (for staff, never for the audit log or the logs)."""

    dry_run: bool = False
    counts: Counter[str] = field(default_factory=Counter)
    references: list[str] = field(default_factory=list)
    held: int = 0


# What a stub keeps: what the request was and what happened to it, no one's words or details.
# Every other text or JSON column is emptied, so a column added later is emptied unless named.
STUB_KEEPS = frozenset(
    {
        "reference",
        "status",
        "made_on_or_after_scheme_start",
        "review_body_named",
        "requester_role",
        "preferred_contact",
        "updates_to",
        "consent",
        "validity",
        "late_decision",
        "recommendations",
    }
)
# Audit details that say what happened, never to whom: statuses, kinds, ids, yes/no.
AUDIT_DETAIL_KEEPS = frozenset(
    {
        "kind",
        "template",
        "format",
        "large_print",
        "document_id",
        "callback_id",
        "message_id",
        "format_request_id",
        "rows",
        "with",
        "stage",
        "failures",
        "result",
        "outcome",
        "counts",
        "dry_run",
    }
)
STATUSES = frozenset(status.value for status in Status)


def scrub_detail(detail: dict[str, Any]) -> dict[str, Any]:
    """An audit event's detail without anything personal: free text, names, email addresses,
    search terms. Statuses, codes listed above, numbers and yes/no stay."""
    kept = {key: value for key, value in detail.items() if _says_nothing_personal(key, value)}
    return {**kept, "anonymised": True}


def _says_nothing_personal(key: str, value: object) -> bool:
    if key in ("from", "to"):
        return value in STATUSES
    return key in AUDIT_DETAIL_KEEPS or value is None or isinstance(value, bool | int | float)


def _empty_json(column: Any) -> object:
    """A JSON column's default when it is a callable (list, dict), else {}."""
    default = column.default
    if default is not None and default.is_callable:
        return default.arg(None)  # SQLAlchemy calls a default with the execution context
    return {}


def _emptied_columns() -> dict[str, object]:
    """The stub's text and JSON columns not in STUB_KEEPS, each with its empty value: None,
    or where a value is required "" (text) or the column's default (JSON: [] or {})."""
    emptied: dict[str, object] = {}
    for column in ReviewRequest.__table__.columns:
        if column.name in STUB_KEEPS:
            continue
        if isinstance(column.type, JSON):
            emptied[column.name] = None if column.nullable else _empty_json(column)
        elif isinstance(column.type, String | LargeBinary):  # Text is a String
            emptied[column.name] = None if column.nullable else ""
    return emptied


def _rowcount(statement: Any) -> int:
    result = cast("CursorResult[Any]", db.session.execute(statement))
    return result.rowcount


def _count(model: type, *where: ColumnElement[bool]) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0


@contextmanager
def audit_permit(granted: bool = True) -> Iterator[None]:
    """Inside, the audit log's triggers let this transaction delete old events and empty
    details (migration 0015); the permit is gone again before anything commits."""
    if not granted:
        yield
        return
    permit = AuditRetentionPermit()
    db.session.add(permit)
    db.session.flush()
    yield
    db.session.delete(permit)
    db.session.flush()


# Tables that point at a request and stay with its stub, with what retention does to them.
# Every other table that points at a request is deleted with it (`request_parts`); a test
# checks that each such table is one or the other, so a table added later must choose.
KEPT_WITH_STUB = {
    "timeline_entries": "notes emptied; status, time and staff member kept",
    "audit_events": "personal details in `detail` removed; kind, time and staff member kept",
}


def request_parts(request_id: int) -> list[tuple[str, type, ColumnElement[bool]]]:
    """What is deleted with a request: (kind, model, its rows), children before parents."""
    callbacks = select(CallbackRequest.id).where(CallbackRequest.review_request_id == request_id)
    return [
        ("documents", Document, Document.review_request_id == request_id),
        ("requester messages", RequesterMessage, RequesterMessage.review_request_id == request_id),
        ("internal notes", InternalNote, InternalNote.review_request_id == request_id),
        ("call attempts", CallbackAttempt, CallbackAttempt.callback_request_id.in_(callbacks)),
        ("call requests", CallbackRequest, CallbackRequest.review_request_id == request_id),
        (
            "format requests",
            AccessibleFormatRequest,
            AccessibleFormatRequest.review_request_id == request_id,
        ),
        ("emails", OutboxMessage, OutboxMessage.review_request_id == request_id),
        # After the emails that carried them.
        ("letters", SentLetter, SentLetter.review_request_id == request_id),
        ("approved letters", ApprovedLetter, ApprovedLetter.review_request_id == request_id),
        ("drafts", Draft, Draft.review_request_id == request_id),
        ("tracker sessions", ServerSession, ServerSession.review_request_id == request_id),
    ]


def anonymise(review_request: ReviewRequest, *, dry_run: bool = False) -> Counter[str]:
    """Delete what belongs to the request and empty its personal data: what went, by kind.
    The caller holds the audit permit (not needed for a dry run) and commits."""
    request_id = review_request.id
    counts: Counter[str] = Counter({"requests anonymised": 1})
    for kind, model, where in request_parts(request_id):
        if dry_run:
            counts[kind] += _count(model, where)
        else:
            counts[kind] += _rowcount(delete(model).where(where))
    if dry_run:
        return +counts
    # The Documents deleted above: the ORM must not flush stale children over them.
    db.session.expire(review_request)
    db.session.execute(
        update(TimelineEntry)
        .where(TimelineEntry.review_request_id == request_id)
        .values(public_note=None, staff_note=None)
    )
    for event in db.session.scalars(
        select(AuditEvent).where(AuditEvent.review_request_id == request_id)
    ):
        if event.detail and not event.detail.get("anonymised"):
            event.detail = scrub_detail(event.detail)
    db.session.flush()  # while the permit is there
    db.session.execute(
        update(ReviewRequest)
        .where(ReviewRequest.id == request_id)
        .values(
            {
                **_emptied_columns(),
                "safe_to_leave_message": False,
                "safe_to_say_who_is_calling": False,
                "anonymised_at": clock.now(),
            }
        )
    )
    db.session.expire(review_request)
    return +counts


def _due_requests(schedule: RetentionSchedule, today: date) -> tuple[list[ReviewRequest], int]:
    """Finished requests past their period and not yet stubs; and how many are held."""
    last_day = years_before(today, schedule.closed_request_years)
    candidates = db.session.scalars(
        select(ReviewRequest)
        .where(
            ReviewRequest.status.in_(FINISHED),
            ReviewRequest.anonymised_at.is_(None),
            # Nothing finished before it was sent: the rest cannot be due yet.
            ReviewRequest.submitted_at < _after(last_day),
        )
        .options(selectinload(ReviewRequest.timeline))
        .order_by(ReviewRequest.id)
    )
    due, held = [], 0
    for review_request in candidates:
        finished = finished_on(review_request)
        if finished is None or finished > last_day:
            continue
        if review_request.legal_hold_at is not None:
            held += 1
        else:
            due.append(review_request)
    return due, held


def _message_content(schedule: RetentionSchedule, now: datetime) -> ColumnElement[bool]:
    before = now - timedelta(days=schedule.message_content_days)
    return and_(
        OutboxMessage.recipient != "",
        or_(
            and_(OutboxMessage.status == "sent", OutboxMessage.sent_at <= before),
            and_(OutboxMessage.status == "failed", OutboxMessage.dealt_with_at <= before),
        ),
    )


def apply_retention(schedule: RetentionSchedule, *, dry_run: bool = False) -> RetentionReport:
    """Apply the schedule now, in the caller's transaction (commit after). A dry run changes
    nothing but writes its own audit event."""
    now = clock.now()
    report = RetentionReport(dry_run=dry_run)
    due, report.held = _due_requests(schedule, clock.london_date(now))
    with audit_permit(granted=not dry_run):
        for review_request in due:
            report.references.append(review_request.reference)
            report.counts.update(anonymise(review_request, dry_run=dry_run))
        for kind, model, where in _other_records(schedule, now):
            statement = delete(model) if kind != "email content" else _emptied_messages()
            report.counts[kind] = (
                _count(model, where) if dry_run else _rowcount(statement.where(where))
            )
    record_audit(
        "applied-retention",
        detail={"dry_run": dry_run, "counts": dict(sorted(report.counts.items()))},
    )
    return report


def _emptied_messages() -> Update:
    return update(OutboxMessage).values(recipient="", personalisation={}, last_error=None)


def _other_records(
    schedule: RetentionSchedule, now: datetime
) -> list[tuple[str, type, ColumnElement[bool]]]:
    """Records with periods of their own, not tied to a request's: (kind, model, which rows).
    Email content is emptied; the others are deleted (call attempts before their calls)."""
    today = clock.london_date(now)
    contact_before = _after(years_before(today, schedule.closed_request_years))
    old_call = and_(
        CallbackRequest.review_request_id.is_(None), CallbackRequest.closed_at < contact_before
    )
    return [
        (
            "sign-in attempts",
            SignInAttempt,
            SignInAttempt.at < now - timedelta(days=schedule.sign_in_attempt_days),
        ),
        ("email content", OutboxMessage, _message_content(schedule, now)),
        # Calls and formats asked for without a request: kept as long as a request would be.
        (
            "call attempts",
            CallbackAttempt,
            CallbackAttempt.callback_request_id.in_(select(CallbackRequest.id).where(old_call)),
        ),
        ("call requests", CallbackRequest, old_call),
        (
            "format requests",
            AccessibleFormatRequest,
            and_(
                AccessibleFormatRequest.review_request_id.is_(None),
                AccessibleFormatRequest.completed_at < contact_before,
            ),
        ),
        (
            "audit events",
            AuditEvent,
            AuditEvent.at < _after(years_before(today, schedule.audit_event_years)),
        ),
        # Kept by month only: an answer goes once its whole month is past the period.
        (
            "survey answers",
            SurveyAnswer,
            SurveyAnswer.month
            < today - timedelta(days=schedule.survey_answer_days) - timedelta(days=31),
        ),
        (
            "equality answers",
            EqualityAnswer,
            EqualityAnswer.month
            < today - timedelta(days=schedule.equality_answer_days) - timedelta(days=31),
        ),
    ]


def _after(day: date) -> datetime:
    """Midnight at the end of `day` in London: a period that ended on `day` covers what
    happened before this, as for requests (finished on or before the day)."""
    return datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=clock.LONDON)


__all__ = [
    "KEPT_WITH_STUB",
    "RetentionReport",
    "RetentionSchedule",
    "anonymise",
    "apply_retention",
    "audit_permit",
    "finished_on",
    "request_parts",
    "scrub_detail",
    "years_before",
]
