"""The dashboard's lists of casework news (templates/staff/_unread.html, _overdue.html): requests
with something new that a party sent on the tracker (reviews.case_updates), and what the Met
owes us that is overdue. Each list is one query, its first rows and the number in all."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import CompoundSelect, and_, case, func, or_, select, union

from reviews.casework import DASHBOARD_ROWS, Section, counted_rows, visible_to
from reviews.database import db
from reviews.models import Document, RequesterMessage, ReviewRequest, StaffUser
from reviews.models.listing import document_unread, message_unread
from reviews.workflow import Status

_unread_message = and_(RequesterMessage.review_request_id == ReviewRequest.id, message_unread)
_unread_document = and_(Document.review_request_id == ReviewRequest.id, document_unread)


def _first_rows(query: Any, limit: int) -> Section:
    rows = db.session.execute(
        query.add_columns(func.count().over().label("total")).limit(limit)
    ).all()
    return Section([tuple(row)[:-1] for row in rows], rows[0].total if rows else 0)


def requests_with_unread(user: StaffUser, limit: int = DASHBOARD_ROWS) -> Section:
    """Requests this person may see with something new from a party, oldest news first: rows
    of (request, unread messages, unread documents)."""
    messages = (
        select(func.count()).select_from(RequesterMessage).where(_unread_message)
    ).scalar_subquery()
    documents = (
        select(func.count()).select_from(Document).where(_unread_document)
    ).scalar_subquery()
    # Found from what is unread (few, however much was read), not request by request.
    unread: CompoundSelect[tuple[int | None]] = union(
        select(RequesterMessage.review_request_id).where(message_unread),
        select(Document.review_request_id).where(document_unread),
    )
    query = visible_to(user, select(ReviewRequest)).where(ReviewRequest.id.in_(unread))
    rows, total = counted_rows(
        query,
        [ReviewRequest.submitted_at, ReviewRequest.id],
        limit,
        columns=(messages.label("messages"), documents.label("documents")),
    )
    return Section(rows, total)


# 6. What the Met owes that is overdue.

CASE_INFORMATION = "case information"
REPLY = "reply to our recommendations"


def met_overdue(user: StaffUser, today: date, limit: int = DASHBOARD_ROWS) -> Section:
    """Requests where the Met is late, soonest due first: rows of (request, what it owes, when
    it was due, when it was last chased or None)."""
    upheld = ReviewRequest.status == Status.UPHELD
    due = case((upheld, ReviewRequest.mps_response_due_on), else_=ReviewRequest.mps_info_due_on)
    query = (
        visible_to(user, select(ReviewRequest))
        .where(
            or_(
                and_(upheld, ReviewRequest.mps_response_due_on < today),
                and_(
                    ReviewRequest.status == Status.AWAITING_MPS_INFO,
                    ReviewRequest.mps_info_due_on < today,
                ),
            )
        )
        .order_by(due, ReviewRequest.id)
    )
    section = _first_rows(query, limit)
    rows = [
        (
            (
                review_request,
                REPLY,
                review_request.mps_response_due_on,
                review_request.mps_response_chased_on,
            )
            if review_request.status == Status.UPHELD
            else (
                review_request,
                CASE_INFORMATION,
                review_request.mps_info_due_on,
                review_request.mps_info_chased_on,
            )
        )
        for (review_request,) in section.rows
    ]
    return Section(rows, section.total)
