"""Request statuses and the casework actions that move a request between them.

A view never writes a status by hand: it asks `perform` to carry out an action, which checks the
status, the staff member's role and the details they gave, then changes the request, writes its
timeline entry (for the requester's tracker), an audit event and any email, all in the caller's
transaction. The caller commits: one transaction per action.

`ACTIONS` describes every action (its button label, the statuses it starts from, who may use it
and the details it needs, as `Field`s a view can build a form from); `available_actions` says
which a staff member may use on a request now. The stages (Status) follow section D of
domain/review-rules.md.

The package:

- statuses.py: `Status`, how staff screens name each, and the groups the rules single out.
- roles.py: the staff roles.
- fields.py: the details an action can ask for (`Field`) and how each kind is checked.
- engine.py: what an action is (`Action`), who may do it now, and carrying it out.
- actions/: the actions themselves, one module per stage (triage, preparation, review,
  closing), in workflow order.

To add an action, declare it once, in its stage's module, where staff should meet it. The
decorated function is its effect, and its name is the action's. The effect is given an `Act`:
the request, the staff member, today and the cleaned answers to the action's form (`details`).
It checks what it needs (raising TransitionRefused before changing anything), changes the
request and returns a `Change`: the banner, the note the requester reads on their tracker, and
the new status if the action can lead to more than one (else the one in `to_statuses`). For
example, as triage.py declares it:

    @actions.declare(
        "Ask the requester for information",  # its button label
        from_statuses=[Status.ACKNOWLEDGED],
        to_statuses=[Status.AWAITING_APPLICANT_INFO],  # none when the status stays
        roles=CASEWORK,  # the default: caseworkers and team leaders
        email="information_needed",  # templates/emails/information_needed.txt
        form=[  # the details it needs: Field(...), or this for text the requester reads
            Field.seen_by_requester(
                "information_requested",
                "What information do you need?",
                "Enter what information you need from the requester",  # when left empty
            )
        ],
        guard=None,  # or (request, staff user) -> why they may not, or None
    )
    def ask_requester(act: Act) -> Change:  # its name, which its audit events carry
        act.review_request.information_requested = act.details["information_requested"]
        return Change(f"We need more information from you: {act.details['information_requested']}")

A new stage module is added to `STAGES` in actions/__init__.py.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from reviews.models import ReviewRequest, StaffUser, TimelineEntry
from reviews.workflow.actions import ACTIONS
from reviews.workflow.actions.review import RECOMMENDATIONS
from reviews.workflow.actions.triage import VALIDITY_REASONS
from reviews.workflow.engine import (
    Act,
    Action,
    ActionList,
    Change,
    carry_out,
    decision_author_id,
    letter_to_check,
    record_status,
    refusal,
)
from reviews.workflow.fields import (
    CHOICE,
    CHOICES,
    DATE,
    MONTH,
    STAFF_USER,
    TEXT,
    TEXTAREA,
    YES_NO,
    Field,
    TransitionRefused,
)
from reviews.workflow.roles import (
    ADMIN,
    AUDITOR,
    CAN_READ_REQUESTS,
    CASEWORK,
    CASEWORKER,
    ROLES,
    TEAM_LEADER,
    Role,
)
from reviews.workflow.statuses import FINISHED, STATUS_LABELS, WITHDRAWABLE, Status

__all__ = [
    "ACTIONS",
    "ADMIN",
    "AUDITOR",
    "CAN_READ_REQUESTS",
    "CASEWORK",
    "CASEWORKER",
    "CHOICE",
    "CHOICES",
    "DATE",
    "FINISHED",
    "MONTH",
    "RECOMMENDATIONS",
    "ROLES",
    "STAFF_USER",
    "STATUS_LABELS",
    "TEAM_LEADER",
    "TEXT",
    "TEXTAREA",
    "VALIDITY_REASONS",
    "WITHDRAWABLE",
    "YES_NO",
    "Act",
    "Action",
    "ActionList",
    "Change",
    "Field",
    "Role",
    "Status",
    "TransitionRefused",
    "available_actions",
    "can_perform",
    "decision_author_id",
    "letter_to_check",
    "perform",
    "record_status",
    "refusal",
]


def can_perform(review_request: ReviewRequest, action_name: str, staff_user: StaffUser) -> bool:
    action = ACTIONS.get(action_name)
    return action is not None and refusal(action, review_request, staff_user) is None


def available_actions(review_request: ReviewRequest, staff_user: StaffUser) -> list[Action]:
    """The actions this staff member may take on the request now, in workflow order."""
    return [
        action for action in ACTIONS.values() if refusal(action, review_request, staff_user) is None
    ]


def perform(
    review_request: ReviewRequest,
    action_name: str,
    staff_user: StaffUser,
    today: date,
    *,
    letter_text: str | None = None,
    letter_version: int | None = None,
    **details: Any,
) -> TimelineEntry | None:
    """Carry out an action in the caller's transaction: change the request, add its timeline
    entry (returned; None when the action only records something), its audit event, its letter
    (with `letter_text` as its words when staff checked them) and any email. Raises
    TransitionRefused, having changed nothing, when it is not allowed."""
    action = ACTIONS.get(action_name)
    if action is None:
        raise TransitionRefused(f"There is no action called {action_name!r}.")
    return carry_out(
        action,
        review_request,
        staff_user,
        today,
        details,
        letter_text=letter_text,
        letter_version=letter_version,
    )
