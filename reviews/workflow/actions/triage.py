"""Triage: acknowledging a request and deciding whether MOPAC can review it (late requests,
no right of review, the IOPC's cases)."""

from __future__ import annotations

from reviews.letters import VALIDITY_EXPLANATIONS, LetterKind
from reviews.models import ReviewRequest, StaffUser
from reviews.rules import format_date
from reviews.workflow.engine import Act, ActionList, Change
from reviews.workflow.fields import CHOICE, EMAILED, Field
from reviews.workflow.statuses import Status

actions = ActionList()

_BEFORE_TRIAGE = (Status.ACKNOWLEDGED,)

# Why a request is not valid: `validity` holds "valid" or one of these codes.
VALIDITY_REASONS: dict[str, str] = {
    "no-right-of-review": (
        "No right of review: handled outside Schedule 3, not recorded, or investigated by or "
        "under the direction of the IOPC"
    ),
    "not-mps": "Not about the Metropolitan Police",
    "before-2020": "Complaint made before 1 February 2020: the appeal scheme applies",
    "no-final-outcome": "The MPS has not sent a final outcome yet",
    "withdrawn": "The complaint was withdrawn",
    "duplicate": "A duplicate of another request",
}


@actions.declare(
    "Acknowledge the request",
    from_statuses=[Status.RECEIVED],
    to_statuses=[Status.ACKNOWLEDGED],
    email="request_acknowledged",
    letter=LetterKind.ACKNOWLEDGEMENT,
)
def acknowledge(act: Act) -> Change:
    act.review_request.acknowledged_on = act.today
    return Change("We have started work on your request. We are checking that we can review it.")


@actions.declare(
    "Ask the requester for information",
    from_statuses=_BEFORE_TRIAGE,
    to_statuses=[Status.AWAITING_APPLICANT_INFO],
    email="information_needed",
    letter=LetterKind.INFORMATION_NEEDED,
    form=[
        Field.seen_by_requester(
            "information_requested",
            "What information do you need?",
            "Enter what information you need from the requester",
        )
    ],
)
def ask_requester(act: Act) -> Change:
    act.review_request.information_requested = act.details["information_requested"]
    return Change(f"We need more information from you: {act.details['information_requested']}")


@actions.declare(
    "Record that the requester's information has arrived",
    from_statuses=[Status.AWAITING_APPLICANT_INFO],
    to_statuses=[Status.ACKNOWLEDGED],
)
def information_received(act: Act) -> Change:
    return Change(
        "Thank you: we have the information we asked for and are checking your request again."
    )


def _only_if_late(review_request: ReviewRequest, staff_user: StaffUser) -> str | None:
    if not review_request.is_late:
        return "This request arrived within the 28 days, so there is no lateness to consider."
    return None


@actions.declare(
    "Consider the late request",
    from_statuses=_BEFORE_TRIAGE,
    to_statuses=[Status.EXTENSION_CONSIDERED],
    guard=_only_if_late,
)
def consider_late(act: Act) -> Change:
    return Change(
        "Your request arrived after the 28 days. We are deciding whether there are special "
        "circumstances that mean we should still accept it.",
    )


@actions.declare(
    "Accept the late request",
    from_statuses=[Status.EXTENSION_CONSIDERED],
    to_statuses=[Status.ACCEPTED],
    form=[
        Field(
            "late_decision_reason",
            "What special circumstances make it just to accept it?",
            missing="Enter why you are accepting the late request",
        )
    ],
)
def accept_late(act: Act) -> Change:
    act.review_request.late_decision = "accepted"
    act.review_request.late_decision_reason = act.details["late_decision_reason"]
    act.review_request.validity = "valid"
    return Change(
        "We have accepted your request even though it arrived after the 28 days. "
        "We can review the outcome of your complaint.",
    )


@actions.declare(
    "Refuse the late request",
    from_statuses=[Status.EXTENSION_CONSIDERED],
    to_statuses=[Status.REFUSED_LATE],
    email="late_request_refused",
    letter=LetterKind.LATE_REQUEST_REFUSED,
    form=[
        Field.seen_by_requester(
            "reason", "Why are you refusing it?", "Enter why you are refusing the late request"
        )
    ],
)
def refuse_late(act: Act) -> Change:
    act.review_request.late_decision = "refused"
    act.review_request.late_decision_reason = act.details["reason"]
    act.review_request.closed_on = act.today
    return Change(
        "We cannot accept your request because it arrived after the 28 days. "
        f"Why: {act.details['reason']}",
    )


@actions.declare(
    "Decide there is no right of review",
    from_statuses=[Status.ACKNOWLEDGED, Status.EXTENSION_CONSIDERED],
    to_statuses=[Status.NO_RIGHT_OF_REVIEW],
    email="no_right_of_review",
    letter=LetterKind.NO_RIGHT_OF_REVIEW,
    form=[
        Field(
            "validity",
            "Why can MOPAC not review it?",
            CHOICE,
            choices=tuple(VALIDITY_REASONS.items()),
            missing="Select why MOPAC cannot review it",
        ),
        Field(
            "validity_reason",
            "Give the details",
            missing="Enter the details of why MOPAC cannot review it",
        ),
    ],
)
def decide_invalid(act: Act) -> Change:
    act.review_request.validity = act.details["validity"]
    act.review_request.validity_reason = act.details["validity_reason"]
    act.review_request.closed_on = act.today
    return Change(VALIDITY_EXPLANATIONS[act.details["validity"]])


@actions.declare(
    "Forward to the IOPC",
    from_statuses=[Status.ACKNOWLEDGED, Status.EXTENSION_CONSIDERED],
    to_statuses=[Status.FORWARDED_TO_IOPC],
    email="forwarded_to_iopc",
    letter=LetterKind.FORWARDED_TO_IOPC,
    form=[
        Field(
            "shared_with_iopc",
            "What exactly did you send the IOPC?",
            hint=EMAILED,
            missing="Enter exactly what you sent the IOPC",
        )
    ],
)
def forward_to_iopc(act: Act) -> Change:
    shared = act.details["shared_with_iopc"]
    act.review_request.shared_with_iopc = shared
    act.review_request.forwarded_to_iopc_on = act.today
    # Rule A5: the application now counts as made to the IOPC; MOPAC's part is over.
    act.review_request.closed_on = act.today
    return Change(
        f"The IOPC is the right body to review your complaint, so we sent your request to them "
        f"on {format_date(act.today)}. We sent them: {shared}",
        email_details={"shared": shared, "forwarded_on": format_date(act.today)},
    )


def _late_ones_accepted_first(review_request: ReviewRequest, staff_user: StaffUser) -> str | None:
    if review_request.is_late and review_request.late_decision != "accepted":
        return (
            "This request arrived after the 28 days. Consider the late request and accept it "
            "before deciding it is valid."
        )
    return None


@actions.declare(
    "Decide the request is valid",
    from_statuses=_BEFORE_TRIAGE,
    to_statuses=[Status.ACCEPTED],
    guard=_late_ones_accepted_first,
)
def decide_valid(act: Act) -> Change:
    act.review_request.validity = "valid"
    return Change("We have checked your request: we can review it.")
