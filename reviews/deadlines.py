"""When each waiting stage of a request is due, in working days (England and Wales bank
holidays, reviews.rules), and how late a request was.

Every stage a request waits at has one due date: what is awaited and by when. The request keeps
it in `next_due_on` (set whenever its status or the facts it is counted from change, by the
hook at the end of this module), so that the queue sorts and filters on it in SQL.

The stages and what they are counted from:

- received: the acknowledgement (PROMISES.acknowledgement, stored as `acknowledgement_due`);
- awaiting the requester's information: REQUESTER_INFO_WORKING_DAYS after we asked;
- awaiting the Met's case information: the date staff gave when they asked (`mps_info_due_on`);
- awaiting allocation: the last working day of the month staff expect to allocate it, else
  ALLOCATION_WORKING_DAYS after the Met's information arrived;
- upheld (awaiting the Met's response to the recommendations): the date recorded when the
  decision was sent (`mps_response_due_on`, PROMISES.met_response);
- every other stage before the decision: the decision target (PROMISES.decision, counted from
  the day we got the request).

A decision not upheld, or a response shared, waits on nobody (staff close it), and a finished
request waits for nothing: no due date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from reviews import clock
from reviews.promises import PROMISES
from reviews.rules import add_working_days, deadline_for, is_working_day
from reviews.workflow.statuses import Status

if TYPE_CHECKING:
    from reviews.models import ReviewRequest

# MOPAC's own working targets, for staff (no rule sets them; the requester is not promised
# them). Review rule 13: the Met must reply to recommendations in writing; no deadline for it
# was verified, so the team chases after this many working days.
REQUESTER_INFO_WORKING_DAYS = 20
ALLOCATION_WORKING_DAYS = 20


@dataclass(frozen=True)
class Facts:
    """What the due dates are counted from."""

    received: date
    acknowledgement_due: date | None
    mps_info_due_on: date | None
    mps_info_received_on: date | None
    estimated_allocation_month: date | None
    decision_issued_on: date | None
    # Set when an upheld decision is sent (reviews.promises.MET_RESPONSE_DAYS after it).
    mps_response_due_on: date | None = None


@dataclass(frozen=True)
class Due:
    """What the stage waits for (for staff: "acknowledgement"), and by when."""

    what: str
    due_on: date


# What each stage waits for, as the queue names it.
WAITING_FOR: dict[Status, str] = {
    Status.RECEIVED: "Acknowledgement",
    Status.AWAITING_APPLICANT_INFO: "The requester's information",
    Status.AWAITING_MPS_INFO: "The Met's case information",
    Status.AWAITING_ALLOCATION: "Allocation",
    Status.UPHELD: "The Met's response",
}
DECISION = "Decision target"
_BEFORE_THE_DECISION = frozenset(
    {
        Status.ACKNOWLEDGED,
        Status.EXTENSION_CONSIDERED,
        Status.ACCEPTED,
        Status.PARTIES_NOTIFIED,
        Status.ALLOCATED,
        Status.UNDER_REVIEW,
        Status.DECISION_QA,
        Status.DECISION_APPROVED,
    }
)


def decision_target(received: date) -> date:
    value = PROMISES.decision.value
    assert value is not None
    return add_working_days(received, value)


def last_working_day_of(month: date) -> date:
    day = (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def _due_on(status: Status, facts: Facts, entered_on: date | None) -> date | None:
    if status == Status.RECEIVED:
        return facts.acknowledgement_due
    if status == Status.AWAITING_APPLICANT_INFO:
        return entered_on and add_working_days(entered_on, REQUESTER_INFO_WORKING_DAYS)
    if status == Status.AWAITING_MPS_INFO:
        return facts.mps_info_due_on
    if status == Status.AWAITING_ALLOCATION:
        if facts.estimated_allocation_month:
            return last_working_day_of(facts.estimated_allocation_month)
        start = facts.mps_info_received_on or entered_on
        return start and add_working_days(start, ALLOCATION_WORKING_DAYS)
    if status == Status.UPHELD:
        return facts.mps_response_due_on
    if status in _BEFORE_THE_DECISION:
        return decision_target(facts.received)
    return None


def stage_due(status: Status | str, facts: Facts, entered_on: date | None = None) -> Due | None:
    """The stage's due date, or None when it has none. `entered_on`: the day the request reached
    this stage, for the stages counted from it (None when not known)."""
    try:
        status = Status(status)
    except ValueError:
        return None
    due_on = _due_on(status, facts, entered_on)
    if due_on is None:
        return None
    return Due(WAITING_FOR.get(status, DECISION), due_on)


def waiting_for(status: str) -> str | None:
    """What a request at `status` waits for, as the queue names it."""
    try:
        status = Status(status)
    except ValueError:
        return None
    if status in WAITING_FOR:
        return WAITING_FOR[status]
    return DECISION if status in _BEFORE_THE_DECISION else None


def days_late(letter_date: date | None, received: date) -> int:
    """How many days after the 28-day last day the request arrived (0 when in time or when the
    letter's date is not known)."""
    if letter_date is None:
        return 0
    return max(0, (received - deadline_for(letter_date)).days)


def facts_of(review_request: ReviewRequest) -> Facts:
    submitted = review_request.submitted_at
    return Facts(
        received=clock.london_date(submitted) if submitted else clock.today(),
        acknowledgement_due=review_request.acknowledgement_due,
        mps_info_due_on=review_request.mps_info_due_on,
        mps_info_received_on=review_request.mps_info_received_on,
        estimated_allocation_month=review_request.estimated_allocation_month,
        decision_issued_on=review_request.decision_issued_on,
        mps_response_due_on=review_request.mps_response_due_on,
    )


def refresh_next_due(review_request: ReviewRequest, status_changed: bool) -> None:
    """Set the request's `next_due_on` from its status and facts. A stage counted from the day
    it began keeps its date unless the status has just changed (then it began today)."""
    due = stage_due(
        review_request.status,
        facts_of(review_request),
        entered_on=clock.today() if status_changed else None,
    )
    if due is not None:
        review_request.next_due_on = due.due_on
    elif status_changed or waiting_for(review_request.status) is None:
        review_request.next_due_on = None


def keep_next_due(session: Any, flush_context: Any, instances: Any) -> None:
    """Before each flush: every new or changed request's `next_due_on` (installed by
    reviews.models.requests on the Session class)."""
    from sqlalchemy import inspect

    from reviews.models import ReviewRequest

    for item in (*session.new, *session.dirty):
        if isinstance(item, ReviewRequest):
            state = inspect(item)
            changed = state.pending or state.attrs.status.history.has_changes()
            refresh_next_due(item, bool(changed))
