"""The review: the caseworker's decision, a team leader's check (four eyes) and sending it."""

from __future__ import annotations

from typing import Any

from reviews.letters import LetterKind
from reviews.models import ReviewRequest, StaffUser
from reviews.workflow.actions.closing import met_response_due
from reviews.workflow.engine import Act, ActionList, Change, decision_author_id
from reviews.workflow.fields import CHOICES, YES_NO, Field, TransitionRefused
from reviews.workflow.roles import Role
from reviews.workflow.statuses import Status

actions = ActionList()

# Rule A12: what MOPAC may recommend when an outcome is not reasonable and proportionate.
RECOMMENDATIONS: dict[str, str] = {
    "handle-again": "Handle the complaint again",
    "explanation": "Give a fuller explanation",
    "apology": "Apologise",
    "return-property": "Return property",
    "review-policy": "Review a policy or procedure",
    "other": "Something else",
}


@actions.declare(
    "Start the review",
    from_statuses=[Status.ALLOCATED],
    to_statuses=[Status.UNDER_REVIEW],
    owner_or_team_leader=True,
)
def start_review(act: Act) -> Change:
    return Change("Your caseworker has started the review.")


def _decision_recorded(review_request: ReviewRequest) -> dict[str, Any]:
    """The decision as last recorded (returned for changes, say), to change, not retype."""
    if review_request.decision_reasons is None:
        return {}
    return {
        "outcome_reasonable": review_request.outcome_reasonable,
        "decision_reasons": review_request.decision_reasons,
        "recommendations": list(review_request.recommendations or []),
        "other_recommendation": review_request.other_recommendation,
        "refer_to_iopc": review_request.refer_to_iopc,
        "learning_points": review_request.learning_points,
    }


@actions.declare(
    "Record the decision",
    from_statuses=[Status.UNDER_REVIEW],
    to_statuses=[Status.DECISION_QA],
    owner_or_team_leader=True,
    form=[
        Field(
            "outcome_reasonable",
            "Was the outcome reasonable and proportionate?",
            YES_NO,
            missing="Select whether the outcome was reasonable and proportionate",
        ),
        Field("decision_reasons", "Reasons", missing="Enter the reasons for the decision"),
        Field(
            "recommendations",
            "Recommendations to the MPS",
            CHOICES,
            required=False,
            hint="Only when the outcome was not reasonable and proportionate.",
            choices=tuple(RECOMMENDATIONS.items()),
        ),
        Field("other_recommendation", "Describe the other recommendation", required=False),
        Field(
            "refer_to_iopc",
            "Refer it to the IOPC?",
            YES_NO,
            required=False,
            hint="Rarely: only the IOPC can direct a reinvestigation.",
        ),
        Field("learning_points", "Learning points for the MPS", required=False),
    ],
    initial=_decision_recorded,
)
def record_decision(act: Act) -> Change:
    reasonable = act.details["outcome_reasonable"]
    recommendations = act.details["recommendations"]
    if reasonable and (recommendations or act.details["refer_to_iopc"]):
        raise TransitionRefused(
            "When the outcome was reasonable and proportionate, make no recommendations and do "
            "not refer it to the IOPC",
            field="recommendations" if recommendations else "refer_to_iopc",
        )
    if not reasonable and not recommendations and not act.details["refer_to_iopc"]:
        raise TransitionRefused(
            "When the outcome was not reasonable and proportionate, choose at least one "
            "recommendation or refer it to the IOPC",
            field="recommendations",
        )
    if "other" in recommendations and not act.details["other_recommendation"]:
        raise TransitionRefused("Describe the other recommendation", field="other_recommendation")
    if "other" not in recommendations and act.details["other_recommendation"]:
        raise TransitionRefused(
            "Select 'Something else' to make the other recommendation, or leave it empty",
            field="other_recommendation",
        )
    act.review_request.outcome_reasonable = reasonable
    act.review_request.decision_reasons = act.details["decision_reasons"]
    act.review_request.recommendations = recommendations
    act.review_request.other_recommendation = act.details["other_recommendation"]
    act.review_request.refer_to_iopc = act.details["refer_to_iopc"]
    act.review_request.learning_points = act.details["learning_points"]
    return Change(
        "Your caseworker has reached a decision. A team leader is checking it before we send it."
    )


@actions.declare(
    "Return the decision for changes",
    from_statuses=[Status.DECISION_QA],
    to_statuses=[Status.UNDER_REVIEW],
    roles=[Role.TEAM_LEADER],
    form=[
        Field(
            "reason",
            "What needs to change?",
            hint="Whoever wrote the decision reads this on the request page.",
            missing="Enter what needs to change",
        )
    ],
)
def return_for_changes(act: Act) -> Change:
    return Change(staff_note=f"Returned for changes: {act.details['reason']}")


def _four_eyes(review_request: ReviewRequest, staff_user: StaffUser) -> str | None:
    # Four eyes: whoever wrote the decision, or has the request, does not approve it.
    if staff_user.id == decision_author_id(review_request):
        return "You wrote this decision, so another team leader must approve it."
    if staff_user.id == review_request.owner_id:
        return "You have this request, so another team leader must approve its decision."
    return None


@actions.declare(
    "Approve the decision",
    from_statuses=[Status.DECISION_QA],
    to_statuses=[Status.DECISION_APPROVED],
    roles=[Role.TEAM_LEADER],
    guard=_four_eyes,
    # The team leader reads the decision letter and approves its words: they are what is sent.
    approves_letter=LetterKind.DECISION,
)
def approve_decision(act: Act) -> Change:
    act.review_request.decision_approved_by = act.staff_user
    return Change()


@actions.declare(
    "Send the decision",
    from_statuses=[Status.DECISION_APPROVED],
    to_statuses=[Status.NOT_UPHELD, Status.UPHELD],
    email="decision_sent",
    letter=LetterKind.DECISION,
    copy_to_mps=True,
    sends_approved_letter=True,
)
def issue_decision(act: Act) -> Change:
    if act.review_request.outcome_reasonable is None:
        raise TransitionRefused("Record the decision before sending it")
    act.review_request.decision_issued_on = act.today
    if act.review_request.outcome_reasonable:
        return Change(
            "We have sent you our decision: the outcome of your complaint was reasonable and "
            "proportionate.",
            status=Status.NOT_UPHELD,
        )
    act.review_request.mps_response_due_on = met_response_due(act.today)
    return Change(
        "We have sent you our decision: the outcome of your complaint was not reasonable and "
        "proportionate. We have made recommendations to the Metropolitan Police, who must "
        "reply in writing.",
        status=Status.UPHELD,
    )
