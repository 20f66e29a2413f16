"""Staffing: giving a case that someone has to someone else (they are on leave, they left, the
work is being balanced), with the reason on the staff timeline."""

from __future__ import annotations

from reviews.models import ReviewRequest, StaffUser
from reviews.workflow.engine import Act, ActionList, Change
from reviews.workflow.fields import STAFF_USER, Field, TransitionRefused
from reviews.workflow.roles import Role
from reviews.workflow.statuses import FINISHED, Status

actions = ActionList()

# Every status but the finished ones; the guard then asks that someone has the case.
_NOT_FINISHED = frozenset(Status) - FINISHED


def _has_an_owner(review_request: ReviewRequest, staff_user: StaffUser) -> str | None:
    if review_request.owner_id is None:
        return "Nobody has this request yet, so there is nobody to take it from."
    return None


@actions.declare(
    "Reassign to someone else",
    from_statuses=_NOT_FINISHED,
    # Admins too: when someone leaves, the admin who deactivates them hands on their cases.
    roles=[Role.TEAM_LEADER, Role.ADMIN],
    guard=_has_an_owner,
    form=[
        Field("owner", "Who should have it now?", STAFF_USER, missing="Select who should have it"),
        Field(
            "reason",
            "Why is it being reassigned?",
            hint="Staff see this on the request's timeline. The requester does not.",
            missing="Enter why it is being reassigned",
        ),
    ],
)
def reassign(act: Act) -> Change:
    review_request, new_owner = act.review_request, act.details["owner"]
    previous = review_request.owner
    if previous is None or new_owner.id == previous.id:
        raise TransitionRefused(
            f"{new_owner.name} already has this request. Choose someone else.", field="owner"
        )
    review_request.owner = new_owner
    # An entry for staff only: the status stays and the requester has no news.
    return Change(
        timeline=True,
        staff_note=f"Reassigned from {previous.name} to {new_owner.name}: {act.details['reason']}",
        audit={"previous_owner": previous.id},
    )
