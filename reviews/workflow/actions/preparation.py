"""Before the review: telling the parties, getting the MPS's case information and giving the
request to a caseworker."""

from __future__ import annotations

from reviews.rules import format_month
from reviews.workflow.engine import Act, ActionList, Change
from reviews.workflow.fields import (
    DATE,
    MONTH,
    STAFF_USER,
    Field,
    TransitionRefused,
)
from reviews.workflow.roles import Role
from reviews.workflow.statuses import Status

actions = ActionList()


@actions.declare(
    "Record that the MPS and other parties have been told",
    from_statuses=[Status.ACCEPTED],
    to_statuses=[Status.PARTIES_NOTIFIED],
)
def notify_parties(act: Act) -> Change:
    # Rule A10: the MPS, anyone entitled to be kept informed, and the person complained about.
    return Change(
        "We have told the Metropolitan Police, and the people the law says must know, that we "
        "are reviewing the outcome of your complaint.",
    )


@actions.declare(
    "Ask the MPS for the case information",
    from_statuses=[Status.PARTIES_NOTIFIED],
    to_statuses=[Status.AWAITING_MPS_INFO],
    form=[
        Field("due_on", "When is it due?", DATE, missing="Enter when the MPS information is due")
    ],
)
def request_mps_info(act: Act) -> Change:
    if act.details["due_on"] < act.today:
        raise TransitionRefused(
            "The date the MPS information is due must be today or later", field="due_on"
        )
    act.review_request.mps_info_requested_on = act.today
    act.review_request.mps_info_due_on = act.details["due_on"]
    return Change(
        "We have asked the Metropolitan Police for their records of how they handled your "
        "complaint.",
    )


@actions.declare(
    "Chase the MPS for the case information",
    from_statuses=[Status.AWAITING_MPS_INFO],
)
def chase_mps_info(act: Act) -> Change:
    act.review_request.mps_info_chased_on = act.today
    return Change()


@actions.declare(
    "Record that the MPS information has arrived",
    from_statuses=[Status.AWAITING_MPS_INFO],
    to_statuses=[Status.AWAITING_ALLOCATION],
)
def mps_info_received(act: Act) -> Change:
    act.review_request.mps_info_received_on = act.today
    return Change(
        "We have the Metropolitan Police's records. Your request is waiting for a caseworker."
    )


@actions.declare(
    "Set the month we expect to allocate it",
    from_statuses=[Status.AWAITING_ALLOCATION],
    form=[
        Field.seen_by_requester(
            "month",
            "Which month do you expect it to go to a caseworker?",
            "Enter the month you expect to allocate it",
            MONTH,
        )
    ],
)
def set_allocation_month(act: Act) -> Change:
    month = act.details["month"]
    if month < act.today.replace(day=1):
        raise TransitionRefused("The month must be this month or later", field="month")
    previous = act.review_request.estimated_allocation_month
    act.review_request.estimated_allocation_month = month
    # Not a new status, but news for the requester: it goes on their timeline.
    return Change(
        f"We expect to give your request to a caseworker in {format_month(month)}.",
        timeline=True,
        audit={"previous_month": previous.isoformat() if previous else None},
    )


@actions.declare(
    "Allocate to a caseworker",
    from_statuses=[Status.AWAITING_ALLOCATION],
    to_statuses=[Status.ALLOCATED],
    roles=[Role.TEAM_LEADER],
    form=[Field("owner", "Who will review it?", STAFF_USER, missing="Select who will review it")],
)
def allocate(act: Act) -> Change:
    act.review_request.owner = act.details["owner"]
    return Change("A caseworker now has your request.")
