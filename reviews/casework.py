"""Queries the back office needs: what to do now, the queue, and who may see a request.
Each returns its rows in a fixed number of queries, however many rows there are."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import joinedload

from reviews.extensions import db
from reviews.models import (
    AccessibleFormatRequest,
    CallbackRequest,
    OutboxMessage,
    ReviewRequest,
    StaffUser,
)
from reviews.references import parse_reference
from reviews.rules import normalise_mps_reference

CLOSED_STATUSES = frozenset(
    {"closed", "no-right-of-review", "refused-late", "forwarded-to-iopc", "withdrawn"}
)
PAGE_SIZE = 25


def can_view(user: StaffUser, review_request: ReviewRequest) -> bool:
    """Caseworkers see requests nobody else owns; team leaders, admins and auditors see all."""
    if user.role == "caseworker":
        return review_request.owner_id in (None, user.id)
    return True


def visible_to(user: StaffUser, query: Select) -> Select:
    if user.role == "caseworker":
        return query.where(or_(ReviewRequest.owner_id.is_(None), ReviewRequest.owner_id == user.id))
    return query


@dataclass(frozen=True)
class Filters:
    status: str | None = None
    owner_id: int | None = None
    late: bool = False
    duplicate: bool = False
    adjustments: bool = False
    search: str | None = None
    sort: str = "oldest"
    page: int = 1


def _search(query: Select, text: str) -> Select:
    """A tracking reference, an MPS reference, a name or an email address."""
    text = text.strip()
    reference = parse_reference(text)
    if reference:
        return query.where(ReviewRequest.reference == reference)
    like = f"%{text.lower()}%"
    conditions = [
        func.lower(ReviewRequest.requester_name).like(like),
        func.lower(ReviewRequest.complainant_name).like(like),
        func.lower(ReviewRequest.requester_email).like(like),
        func.lower(ReviewRequest.complainant_email).like(like),
    ]
    mps = normalise_mps_reference(text)
    if mps:
        conditions.append(ReviewRequest.mps_reference == mps)
    return query.where(or_(*conditions))


def queue(user: StaffUser, filters: Filters) -> tuple[list[ReviewRequest], int]:
    """One page of the queue and the total it came from: two queries."""
    query = visible_to(user, select(ReviewRequest))
    if filters.status == "open":
        query = query.where(ReviewRequest.status.not_in(CLOSED_STATUSES))
    elif filters.status:
        query = query.where(ReviewRequest.status == filters.status)
    if filters.owner_id:
        query = query.where(ReviewRequest.owner_id == filters.owner_id)
    if filters.late:
        query = query.where(ReviewRequest.is_late.is_(True))
    if filters.duplicate:
        query = query.where(ReviewRequest.possible_duplicate.is_(True))
    if filters.adjustments:
        # Requests asking for no adjustments store an empty JSON list.
        query = query.where(func.length(func.cast(ReviewRequest.adjustments, db.String)) > 2)
    if filters.search:
        query = _search(query, filters.search)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    order = {
        "oldest": ReviewRequest.submitted_at.asc(),
        "newest": ReviewRequest.submitted_at.desc(),
        "letter-date": ReviewRequest.letter_date.asc(),
    }.get(filters.sort, ReviewRequest.submitted_at.asc())
    rows = db.session.scalars(
        query.options(joinedload(ReviewRequest.owner))
        .order_by(order, ReviewRequest.id)
        .limit(PAGE_SIZE)
        .offset((max(filters.page, 1) - 1) * PAGE_SIZE)
    ).all()
    return list(rows), total


@dataclass(frozen=True)
class WorkToDo:
    to_acknowledge: list[ReviewRequest]
    mps_overdue: list[ReviewRequest]
    late_to_decide: list[ReviewRequest]
    consent_awaited: list[ReviewRequest]
    mine: list[ReviewRequest]
    callbacks: list[CallbackRequest]
    formats: list[AccessibleFormatRequest]
    failed_messages: list[OutboxMessage]
    counts_by_status: dict[str, int]


def work_to_do(user: StaffUser, today: date) -> WorkToDo:
    def requests(*conditions) -> list[ReviewRequest]:
        query = visible_to(user, select(ReviewRequest)).where(*conditions)
        return list(db.session.scalars(query.order_by(ReviewRequest.submitted_at).limit(50)))

    open_request = ReviewRequest.status.not_in(CLOSED_STATUSES)
    counts = dict(
        db.session.execute(
            visible_to(user, select(ReviewRequest.status, func.count())).group_by(
                ReviewRequest.status
            )
        ).all()
    )
    return WorkToDo(
        to_acknowledge=requests(ReviewRequest.status == "received"),
        mps_overdue=requests(
            ReviewRequest.status == "awaiting-mps-info", ReviewRequest.mps_info_due_on < today
        ),
        late_to_decide=requests(
            ReviewRequest.is_late.is_(True),
            ReviewRequest.late_decision.is_(None),
            ReviewRequest.status.in_(("received", "acknowledged", "extension-considered")),
        ),
        consent_awaited=requests(ReviewRequest.consent == "awaited", open_request),
        mine=requests(ReviewRequest.owner_id == user.id, open_request),
        callbacks=list(
            db.session.scalars(
                select(CallbackRequest)
                .where(CallbackRequest.status == "open")
                .order_by(CallbackRequest.due_on, CallbackRequest.id)
            )
        ),
        formats=list(
            db.session.scalars(
                select(AccessibleFormatRequest)
                .where(AccessibleFormatRequest.status == "open")
                .order_by(AccessibleFormatRequest.due_on, AccessibleFormatRequest.id)
            )
        ),
        failed_messages=list(
            db.session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.status == "failed")
                .order_by(OutboxMessage.id.desc())
            )
        ),
        counts_by_status=counts,
    )
