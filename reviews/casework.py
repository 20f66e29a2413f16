"""Queries the back office needs: what to do now, the queue, the callback and format queues, what
a request's page lists, and who may see a request. Each returns its rows in a fixed number of
queries, however many rows there are."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar, TypeVarTuple

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import joinedload

from reviews.database import db
from reviews.models import (
    AccessibleFormatRequest,
    AuditEvent,
    CallbackRequest,
    OutboxMessage,
    ReviewRequest,
    StaffUser,
)
from reviews.notifications import failed_messages
from reviews.search import matching
from reviews.workflow import CASEWORK, CASEWORKER, FINISHED, Status

PAGE_SIZE = 25
# The dashboard shows the first few of each list; its "see all" link opens the queue.
DASHBOARD_ROWS = 10

Columns = TypeVarTuple("Columns")
# A record that may name a review request: a callback or an accessible-format request.
Linked = TypeVar("Linked", CallbackRequest, AccessibleFormatRequest)

# A callback's or an accessible-format request's status: open until staff close or answer it.
OPEN = "open"
DONE = "done"

# Owner filter values besides a staff member's id.
OWNER_ME = "me"
OWNER_NOBODY = "unassigned"

# The next date something is due on a request, for the stages that have one: stored, and
# indexed, by reviews.deadlines whenever the request changes.
next_due = ReviewRequest.next_due_on.label("next_due")

SORTS = {
    "received": ReviewRequest.submitted_at,
    "due": ReviewRequest.next_due_on,
    "reference": ReviewRequest.reference,
}

_open = ReviewRequest.status.not_in(FINISHED)
# Requests asking for no adjustments store an empty JSON list, "[]".
_has_adjustments = func.length(func.cast(ReviewRequest.adjustments, db.String)) > 2


def can_view(user: StaffUser, review_request: ReviewRequest) -> bool:
    """Caseworkers see requests nobody else owns; team leaders, admins and auditors see all."""
    if user.role == CASEWORKER:
        return review_request.owner_id in (None, user.id)
    return True


def case_handlers() -> list[StaffUser]:
    """Who a request can go to: active caseworkers and team leaders, by name."""
    return list(
        db.session.scalars(
            select(StaffUser)
            .where(StaffUser.role.in_(CASEWORK), StaffUser.active.is_(True))
            .order_by(StaffUser.name, StaffUser.id)
        )
    )


def open_callbacks() -> Select[CallbackRequest]:
    """Calls still to make, soonest due first."""
    return (
        select(CallbackRequest)
        .where(CallbackRequest.status == OPEN)
        .order_by(CallbackRequest.due_on, CallbackRequest.id)
    )


def open_format_requests() -> Select[AccessibleFormatRequest]:
    """Accessible-format requests still to answer, soonest due first."""
    return (
        select(AccessibleFormatRequest)
        .where(AccessibleFormatRequest.status == OPEN)
        .order_by(AccessibleFormatRequest.due_on, AccessibleFormatRequest.id)
    )


def _linked_to(model: type[Linked], review_request: ReviewRequest) -> list[Linked]:
    """The callbacks or format requests that name the request, oldest first."""
    return list(
        db.session.scalars(
            select(model).where(model.review_request_id == review_request.id).order_by(model.id)
        )
    )


def callbacks_for(review_request: ReviewRequest) -> list[CallbackRequest]:
    """The request's callbacks, oldest first."""
    return _linked_to(CallbackRequest, review_request)


def format_requests_for(review_request: ReviewRequest) -> list[AccessibleFormatRequest]:
    """The request's accessible-format requests, oldest first."""
    return _linked_to(AccessibleFormatRequest, review_request)


def viewers(review_request: ReviewRequest) -> list[Any]:
    """Who has opened the request's page, most recent first: each person once, as (name, their
    latest visit, how many visits)."""
    latest = func.max(AuditEvent.at)
    return list(
        db.session.execute(
            select(StaffUser.name, latest.label("last"), func.count())
            .join(AuditEvent, AuditEvent.staff_user_id == StaffUser.id)
            .where(
                AuditEvent.review_request_id == review_request.id,
                AuditEvent.action == "viewed-request",
            )
            .group_by(StaffUser.id, StaffUser.name)
            .order_by(latest.desc())
        )
    )


def visible_to(user: StaffUser, query: Select[*Columns]) -> Select[*Columns]:
    if user.role == CASEWORKER:
        return query.where(or_(ReviewRequest.owner_id.is_(None), ReviewRequest.owner_id == user.id))
    return query


@dataclass(frozen=True)
class Filters:
    status: str | None = None  # a Status, or "open" for every status not finished
    owner: str | None = None  # OWNER_ME, OWNER_NOBODY or a staff member's id
    late: bool = False
    overdue: bool = False
    duplicate: bool = False
    adjustments: bool = False
    consent_awaited: bool = False
    search: str | None = None
    sort: str = "received"
    descending: bool = False
    page: int = 1


@dataclass(frozen=True)
class QueuePage:
    rows: list[Any]  # (ReviewRequest, next due date or None)
    total: int
    page: int
    pages: int


def _owner(user: StaffUser, owner: str) -> Any:
    if owner == OWNER_ME:
        return ReviewRequest.owner_id == user.id
    if owner == OWNER_NOBODY:
        return ReviewRequest.owner_id.is_(None)
    return ReviewRequest.owner_id == int(owner)


def filtered(user: StaffUser, filters: Filters, today: date) -> Select[ReviewRequest]:
    query = visible_to(user, select(ReviewRequest))
    if filters.status == "open":
        query = query.where(_open)
    elif filters.status:
        query = query.where(ReviewRequest.status == filters.status)
    if filters.owner:
        query = query.where(_owner(user, filters.owner))
    if filters.late:
        query = query.where(ReviewRequest.is_late.is_(True))
    if filters.overdue:
        query = query.where(ReviewRequest.next_due_on < today)
    if filters.duplicate:
        query = query.where(ReviewRequest.possible_duplicate.is_(True))
    if filters.adjustments:
        query = query.where(_has_adjustments)
    if filters.consent_awaited:
        query = query.where(ReviewRequest.consent == "awaited")
    if filters.search:
        query = query.where(matching(filters.search))
    return query


def queue(user: StaffUser, filters: Filters, today: date) -> QueuePage:
    """One page of the queue, with its next due dates and owners, and the total: two queries.
    A page past the end shows the last page."""
    query = filtered(user, filters, today)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(filters.page, 1), pages)
    column = SORTS.get(filters.sort, SORTS["received"])
    order = column.desc() if filters.descending else column.asc()
    # Requests with nothing due sort last whichever way; the id keeps pages stable.
    tie_break = ReviewRequest.id.desc() if filters.descending else ReviewRequest.id.asc()
    rows = db.session.execute(
        query.add_columns(next_due)
        .options(joinedload(ReviewRequest.owner))
        .order_by(order.nulls_last(), tie_break)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    return QueuePage(list(rows), total, page, pages)


@dataclass(frozen=True)
class Section:
    """The first rows of one list on the dashboard, and how many there are in all."""

    rows: list[Any] = field(default_factory=list)
    total: int = 0


def _section(query: Select[*Columns]) -> Section:
    # The window count gives the total in the same query as the rows.
    rows = db.session.execute(
        query.add_columns(func.count().over().label("total")).limit(DASHBOARD_ROWS)
    ).all()
    return Section([row[0] for row in rows], rows[0].total if rows else 0)


@dataclass(frozen=True)
class Bounce:
    """An email that could not be sent, about a request: contact the person by post or phone."""

    message: OutboxMessage
    review_request: ReviewRequest


@dataclass(frozen=True)
class WorkToDo:
    counts_by_status: list[tuple[Status, int]]
    to_acknowledge: Section
    mps_overdue: Section
    late_to_decide: Section
    consent_awaited: Section
    mine: Section
    # Open requests past their stage's due date (reviews.deadlines), the longest overdue first.
    overdue: Section
    bounced: list[Bounce]
    # Calls and accessible formats are team-wide work for caseworkers and team leaders only.
    callbacks: Section
    formats: Section


def _bounced(user: StaffUser) -> list[Bounce]:
    """Failed emails about requests this person may see. (A failed save-and-return link has no
    request, and no other way to reach its owner, so it is not a task.)"""
    failed = [
        (message, message.review_request_id)
        for message in failed_messages()
        if message.review_request_id
    ]
    requests = {
        review_request.id: review_request
        for review_request in db.session.scalars(
            select(ReviewRequest).where(
                ReviewRequest.id.in_({request_id for _, request_id in failed})
            )
        )
    }
    return [
        Bounce(message, requests[request_id])
        for message, request_id in failed
        if can_view(user, requests[request_id])
    ]


def work_to_do(user: StaffUser, today: date) -> WorkToDo:
    def requests(*conditions: Any, order: Any) -> Section:
        query = visible_to(user, select(ReviewRequest)).where(*conditions)
        return _section(query.order_by(order, ReviewRequest.id))

    counts = dict(
        db.session.execute(
            visible_to(user, select(ReviewRequest.status, func.count())).group_by(
                ReviewRequest.status
            )
        ).all()
    )
    casework = user.role in CASEWORK
    return WorkToDo(
        counts_by_status=[(status, counts[status]) for status in Status if status in counts],
        # Soonest due first, so overdue ones lead.
        to_acknowledge=requests(
            ReviewRequest.status == Status.RECEIVED, order=ReviewRequest.acknowledgement_due
        ),
        mps_overdue=requests(
            ReviewRequest.status == Status.AWAITING_MPS_INFO,
            ReviewRequest.mps_info_due_on < today,
            order=ReviewRequest.mps_info_due_on,
        ),
        late_to_decide=requests(
            ReviewRequest.is_late.is_(True),
            ReviewRequest.late_decision.is_(None),
            ReviewRequest.status.in_(
                (Status.RECEIVED, Status.ACKNOWLEDGED, Status.EXTENSION_CONSIDERED)
            ),
            order=ReviewRequest.submitted_at,
        ),
        consent_awaited=requests(
            ReviewRequest.consent == "awaited", _open, order=ReviewRequest.submitted_at
        ),
        mine=requests(ReviewRequest.owner_id == user.id, _open, order=ReviewRequest.submitted_at),
        overdue=requests(ReviewRequest.next_due_on < today, _open, order=ReviewRequest.next_due_on),
        bounced=_bounced(user),
        callbacks=_section(open_callbacks()) if casework else Section(),
        formats=_section(open_format_requests()) if casework else Section(),
    )
