"""After the decision, and at any time before it: the MPS's response, closing, a written
withdrawal, and reopening after judicial review (team leaders and admins)."""

from __future__ import annotations

from datetime import date, timedelta

from reviews import clock
from reviews.letters import LetterKind
from reviews.models import ReviewRequest, StaffUser
from reviews.promises import MET_RESPONSE_DAYS
from reviews.rules import format_date
from reviews.workflow.engine import Act, ActionList, Change, for_audit
from reviews.workflow.fields import DATE, Field, TransitionRefused
from reviews.workflow.roles import Role
from reviews.workflow.statuses import WITHDRAWABLE, Status

actions = ActionList()


def met_response_due(decision_sent_on: date) -> date:
    """When the Met's reply to our recommendations is due (reviews.promises.met_response)."""
    return decision_sent_on + timedelta(days=MET_RESPONSE_DAYS)


def _met_reply_overdue(review_request: ReviewRequest, staff_user: StaffUser) -> str | None:
    due = review_request.mps_response_due_on
    if due is not None and clock.today() <= due:
        return f"The Met's reply is due by {format_date(due)}. You can chase it after that."
    return None


@actions.declare(
    "Chase the Met for its reply to the recommendations",
    from_statuses=[Status.UPHELD],
    guard=_met_reply_overdue,
)
def chase_met_response(act: Act) -> Change:
    act.review_request.mps_response_chased_on = act.today
    return Change()


@actions.declare(
    "Record the MPS response to the recommendations",
    from_statuses=[Status.UPHELD],
    to_statuses=[Status.RESPONSE_SHARED],
    email="mps_response_shared",
    letter=LetterKind.MPS_RESPONSE,
    form=[
        Field("mps_response", "What did the MPS say?", missing="Enter the MPS response"),
        Field(
            "mps_response_received_on",
            "When did it arrive?",
            DATE,
            missing="Enter when the MPS response arrived",
        ),
    ],
)
def record_mps_response(act: Act) -> Change:
    if act.details["mps_response_received_on"] > act.today:
        raise TransitionRefused(
            "The date the MPS response arrived must be today or earlier",
            field="mps_response_received_on",
        )
    act.review_request.mps_response = act.details["mps_response"]
    act.review_request.mps_response_received_on = act.details["mps_response_received_on"]
    return Change(
        "The Metropolitan Police have replied to our recommendations. We have sent you a copy."
    )


@actions.declare(
    "Close the request",
    from_statuses=[Status.NOT_UPHELD, Status.RESPONSE_SHARED],
    to_statuses=[Status.CLOSED],
)
def close(act: Act) -> Change:
    act.review_request.closed_on = act.today
    return Change("Your review is complete.")


@actions.declare(
    "Record a written withdrawal",
    from_statuses=WITHDRAWABLE,
    to_statuses=[Status.WITHDRAWN],
    email="request_withdrawn",
    form=[
        Field(
            "reason",
            "How and why did they withdraw?",
            hint="For example: signed letter received 3 March, the MPS resolved it.",
            missing="Enter how and why the request was withdrawn",
        )
    ],
)
def withdraw(act: Act) -> Change:
    return Change("We received your written request to withdraw, so we have stopped work on it.")


# Rule D: after closure, the only way back is "Re-decision following JR". A judicial review
# (rule A17: within 3 months of the decision) can quash a decision before the request is
# closed too, so every status after a decision was sent may reopen; requests closed without a
# review decision (forwarded, no right of review, refused as late, withdrawn) may not.
# Team leaders (who check decisions) and admins may reopen; caseworkers may not.
_DECISION_SENT = (Status.NOT_UPHELD, Status.UPHELD, Status.RESPONSE_SHARED, Status.CLOSED)


@actions.declare(
    "Reopen for a new decision after judicial review",
    from_statuses=_DECISION_SENT,
    to_statuses=[Status.UNDER_REVIEW],
    roles=[Role.TEAM_LEADER, Role.ADMIN],
    form=[
        Field(
            "reason",
            "Why is it being reopened?",
            hint="Staff see this on the request's timeline.",
            missing="Enter why it is reopened",
        )
    ],
)
def reopen(act: Act) -> Change:
    # What the new decision replaces, kept in the audit event (the log is append-only).
    previous = {
        "closed_on": act.review_request.closed_on,
        "decision_issued_on": act.review_request.decision_issued_on,
        "decision_approved_by_id": act.review_request.decision_approved_by_id,
        "outcome_reasonable": act.review_request.outcome_reasonable,
    }
    act.review_request.closed_on = None
    act.review_request.decision_issued_on = None
    # A new decision sets its own: the Met owes no reply to the one quashed.
    act.review_request.mps_response_due_on = None
    act.review_request.mps_response_chased_on = None
    act.review_request.decision_approved_by = None
    return Change(
        "Reopened for a new decision following judicial review",
        staff_note=f"Reopened after judicial review: {act.details['reason']}",
        audit={"previous": {name: for_audit(value) for name, value in previous.items()}},
    )
