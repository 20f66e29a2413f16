"""The request queue: every request a staff member may see, filtered, searched, sorted and
paged in SQL, in two queries whichever page (staff.request_queue shows it). Its total comes from
the tally of requests when the filters are the stage and the caseworker, else with the rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from reviews.casework import counted_rows, ordered, tallies_visible_to, visible_to
from reviews.database import db
from reviews.models import RequestTally, ReviewRequest, StaffUser
from reviews.models.listing import (
    FINISHED_STATUSES,
    awaits_consent,
    due_latest_first,
    due_soonest_first,
    is_open,
)
from reviews.search import matching

PAGE_SIZE = 25

# Owner filter values besides a staff member's id.
OWNER_ME = "me"
OWNER_NOBODY = "unassigned"

# The next date something is due on a request, for the stages that have one: stored, and
# indexed, by reviews.deadlines whenever the request changes.
next_due = ReviewRequest.next_due_on.label("next_due")

# Each sort's key when ascending and when descending: never NULL (requests with nothing due sort
# last either way), so that one index gives the queue in order, and its reverse, each way.
SORTS = {
    "received": (ReviewRequest.submitted_at, ReviewRequest.submitted_at),
    "due": (due_soonest_first, due_latest_first),
    "reference": (ReviewRequest.reference, ReviewRequest.reference),
}
# Requests asking for no adjustments store an empty JSON list, "[]".
_has_adjustments = func.length(func.cast(ReviewRequest.adjustments, db.String)) > 2


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


def _owner(user: StaffUser, owner: str, column: Any = ReviewRequest.owner_id) -> Any:
    """The owner filter on the requests' owner, or on the tally's `owner_key` (0: nobody)."""
    nobody = column.is_(None) if column is ReviewRequest.owner_id else column == 0
    if owner == OWNER_ME:
        return column == user.id
    if owner == OWNER_NOBODY:
        return nobody
    return column == int(owner)


def filtered(user: StaffUser, filters: Filters, today: date) -> Select[ReviewRequest]:
    query = visible_to(user, select(ReviewRequest))
    if filters.status == "open":
        query = query.where(is_open)
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
        query = query.where(awaits_consent)
    if filters.search:
        query = query.where(matching(filters.search))
    return query


def _tallied_total(user: StaffUser, filters: Filters) -> int | None:
    """How many requests the filters give, from the tally; None if it cannot say (filters on
    more than the stage and the caseworker)."""
    if filters.late or filters.overdue or filters.duplicate or filters.adjustments:
        return None
    if filters.consent_awaited or filters.search:
        return None
    query = tallies_visible_to(user, select(func.coalesce(func.sum(RequestTally.requests), 0)))
    if filters.status == "open":
        query = query.where(RequestTally.status.not_in(FINISHED_STATUSES))
    elif filters.status:
        query = query.where(RequestTally.status == filters.status)
    if filters.owner:
        query = query.where(_owner(user, filters.owner, RequestTally.owner_key))
    return db.session.scalar(query) or 0


def _queue_keys(filters: Filters) -> list[Any]:
    """What the queue sorts by; the id keeps pages stable."""
    ascending, descending = SORTS.get(filters.sort, SORTS["received"])
    return [descending if filters.descending else ascending, ReviewRequest.id]


def _pages(total: int, page: int) -> tuple[int, int]:
    pages = max(1, -(-total // PAGE_SIZE))
    return min(max(page, 1), pages), pages


def queue(user: StaffUser, filters: Filters, today: date) -> QueuePage:
    """One page of the queue, with its next due dates and owners, and the total: two queries,
    whichever page. A page past the end shows the last page."""
    query = filtered(user, filters, today)
    total = _tallied_total(user, filters)
    if total is None:
        return _counted_queue(query, filters)
    page, pages = _pages(total, filters.page)
    start = (page - 1) * PAGE_SIZE
    end = min(start + PAGE_SIZE, total)
    # A page nearer the end is read from the end, in the reverse order: the last page costs
    # what the first does.
    reverse = start > total - end
    descending = filters.descending != reverse
    rows = db.session.execute(
        query.add_columns(next_due)
        .options(joinedload(ReviewRequest.owner))
        .order_by(*(ordered(key, descending) for key in _queue_keys(filters)))
        .limit(end - start)
        .offset(total - end if reverse else start)
    ).all()
    return QueuePage(list(reversed(rows)) if reverse else list(rows), total, page, pages)


def _counted_queue(query: Select[Any], filters: Filters) -> QueuePage:
    def rows_of(page: int) -> tuple[list[Any], int]:
        return counted_rows(
            query,
            _queue_keys(filters),
            PAGE_SIZE,
            (page - 1) * PAGE_SIZE,
            columns=(next_due,),
            descending=filters.descending,
            owners=True,
        )

    rows, total = rows_of(max(filters.page, 1))
    if not rows and filters.page > 1:  # past the end: the last page
        total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows, total = rows_of(_pages(total, filters.page)[0])
    page, pages = _pages(total, filters.page)
    return QueuePage(rows, total, page, pages)
