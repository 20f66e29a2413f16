"""Queries the back office needs: what to do now, the callback and format queues, what a
request's page lists, and who may see a request (the request queue: reviews.request_queue). Each
returns its rows in a fixed number of queries, however many rows there are."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar, TypeVarTuple

from sqlalchemy import Select, func, select, true, union_all
from sqlalchemy.orm import joinedload

from reviews.database import db
from reviews.models import (
    AccessibleFormatRequest,
    AuditEvent,
    CallbackRequest,
    OutboxMessage,
    RequestTally,
    ReviewRequest,
    StaffUser,
)
from reviews.models.listing import (
    LATE_DECISION_STAGES,
    awaits_consent,
    is_open,
)
from reviews.notifications import failed_messages
from reviews.workflow import CASEWORK, CASEWORKER, FINISHED, Status

# The dashboard shows the first few of each list; its "see all" link opens the queue.
DASHBOARD_ROWS = 10

Columns = TypeVarTuple("Columns")
# A record that may name a review request: a callback or an accessible-format request.
Linked = TypeVar("Linked", CallbackRequest, AccessibleFormatRequest)

# A callback's or an accessible-format request's status: open until staff close or answer it.
OPEN = "open"
DONE = "done"


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
        # Nobody's or theirs, written so that no index on the owner serves it: most requests
        # are visible, and a list is best read along the index of its own order.
        return query.where(func.coalesce(ReviewRequest.owner_id, user.id) == user.id)
    return query


def tallies_visible_to(user: StaffUser, query: Select[*Columns]) -> Select[*Columns]:
    """visible_to, for the tally of requests (reviews.models.listing.RequestTally)."""
    if user.role == CASEWORKER:
        return query.where(RequestTally.owner_key.in_((0, user.id)))
    return query


def ordered(key: Any, descending: bool) -> Any:
    """The key in ascending or descending order."""
    return key.desc() if descending else key.asc()


def counted_rows(
    query: Select[Any],
    keys: list[Any],
    limit: int,
    offset: int = 0,
    *,
    columns: tuple[Any, ...] = (),
    descending: bool = False,
    owners: bool = False,
) -> tuple[list[Any], int]:
    """The requests the query selects, sorted by `keys` (each ascending, or each descending),
    `limit` of them from `offset`, with `columns` beside each and their owners loaded if asked;
    and how many there are in all. One statement, for lists of few (a search, news from
    requesters): their matches are found by the query's conditions, counted and sorted by
    their keys alone, and only the page's rows are read whole. (Sorted in the same query, a
    planner may look for a few matches along an index in the list's order and read it all.)"""
    labels = [f"key{number}" for number in range(len(keys))]
    matches = query.with_only_columns(
        ReviewRequest.id,
        *(key.label(label) for key, label in zip(keys, labels, strict=True)),
        func.count().over().label("total"),
    ).subquery()
    page = (
        select(matches)
        .order_by(*(ordered(matches.c[label], descending) for label in labels))
        .limit(limit)
        .offset(offset)
        .subquery()
    )
    rows = db.session.execute(
        select(ReviewRequest, *columns, page.c.total)
        .join(page, page.c.id == ReviewRequest.id)
        .options(*([joinedload(ReviewRequest.owner)] if owners else []))
        .order_by(*(ordered(page.c[label], descending) for label in labels))
    ).all()
    return [tuple(row)[:-1] for row in rows], rows[0].total if rows else 0


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


def _awaiting_late_decision(user: StaffUser) -> list[ReviewRequest]:
    """The first late requests awaiting their extension decision, oldest first: the first few
    at each stage where it is decided, each along an index in order, then the first of them."""
    firsts = [
        visible_to(user, select(ReviewRequest.id, ReviewRequest.submitted_at))
        .where(
            ReviewRequest.status == stage,
            ReviewRequest.is_late == true(),  # an equality: the index's order follows
            ReviewRequest.late_decision.is_(None),
        )
        .order_by(ReviewRequest.submitted_at, ReviewRequest.id)
        .limit(DASHBOARD_ROWS)
        .subquery()
        for stage in LATE_DECISION_STAGES
    ]
    ids = union_all(*(select(first.c.id) for first in firsts))
    return list(
        db.session.scalars(
            select(ReviewRequest)
            .where(ReviewRequest.id.in_(ids))
            .order_by(ReviewRequest.submitted_at, ReviewRequest.id)
            .limit(DASHBOARD_ROWS)
        )
    )


def work_to_do(user: StaffUser, today: date) -> WorkToDo:
    # How many requests there are by stage, owner and lateness, as the tally keeps them (rows,
    # not entities: the triggers change them behind the session's back).
    tallies = db.session.execute(
        tallies_visible_to(
            user,
            select(
                RequestTally.status,
                RequestTally.owner_key,
                RequestTally.late_undecided,
                RequestTally.requests,
            ).where(RequestTally.requests > 0),
        )
    ).all()

    def tallied(kept: Callable[[Any], bool]) -> int:
        return sum(tally.requests for tally in tallies if kept(tally))

    def first_rows(*conditions: Any, order: Any) -> list[ReviewRequest]:
        """A long list's first rows, along an index in its order; the tally gives its total."""
        query = visible_to(user, select(ReviewRequest)).where(*conditions)
        return list(
            db.session.scalars(query.order_by(order, ReviewRequest.id).limit(DASHBOARD_ROWS))
        )

    def requests(*conditions: Any, order: Any) -> Section:
        """A list of few (what is overdue, awaited), counted with its rows."""
        query = visible_to(user, select(ReviewRequest)).where(*conditions)
        return _section(query.order_by(order, ReviewRequest.id))

    counts = Counter[str]()
    for tally in tallies:
        counts[tally.status] += tally.requests
    casework = user.role in CASEWORK
    return WorkToDo(
        counts_by_status=[(status, counts[status]) for status in Status if counts[status]],
        # Soonest due first, so overdue ones lead.
        to_acknowledge=Section(
            first_rows(
                ReviewRequest.status == Status.RECEIVED, order=ReviewRequest.acknowledgement_due
            ),
            counts[Status.RECEIVED],
        ),
        mps_overdue=requests(
            ReviewRequest.status == Status.AWAITING_MPS_INFO,
            ReviewRequest.mps_info_due_on < today,
            order=ReviewRequest.mps_info_due_on,
        ),
        late_to_decide=Section(
            _awaiting_late_decision(user),
            tallied(lambda tally: tally.late_undecided and tally.status in LATE_DECISION_STAGES),
        ),
        consent_awaited=requests(awaits_consent, is_open, order=ReviewRequest.submitted_at),
        mine=Section(
            first_rows(
                ReviewRequest.owner_id == user.id, is_open, order=ReviewRequest.submitted_at
            ),
            tallied(lambda tally: tally.owner_key == user.id and tally.status not in FINISHED),
        ),
        overdue=requests(
            ReviewRequest.next_due_on < today, is_open, order=ReviewRequest.next_due_on
        ),
        bounced=_bounced(user),
        callbacks=_section(open_callbacks()) if casework else Section(),
        formats=_section(open_format_requests()) if casework else Section(),
    )
