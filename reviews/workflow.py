"""Request statuses and the casework actions that move a request between them.

A view never writes a status by hand: it asks `perform` to carry out an action, which checks the
status, the staff member's role and the details they gave, then changes the request, writes its
timeline entry (for the requester's tracker), an audit event and any email, all in the caller's
transaction. The caller commits: one transaction per action.

`ACTIONS` describes every action (its button label, the statuses it starts from, who may use it
and the details it needs, as `Field`s a view can build a form from); `available_actions` says
which a staff member may use on a request now. The stages (Status) follow section D of
domain/review-rules.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from reviews import clock
from reviews.audit import record_audit
from reviews.database import db
from reviews.models import OutboxMessage, ReviewRequest, StaffUser, TimelineEntry
from reviews.notifications import notify_requester
from reviews.rules import format_date, format_month

# Staff roles: defined here, in the domain, and imported by the staff blueprint (staff.access).
CASEWORKER = "caseworker"
TEAM_LEADER = "team-leader"
ADMIN = "admin"
AUDITOR = "auditor"
ROLES = {
    CASEWORKER: "Caseworker",
    TEAM_LEADER: "Team leader",
    ADMIN: "Admin",
    AUDITOR: "Auditor",
}
# Who may open a request's page; who may change a request is decided per action.
CAN_READ_REQUESTS = frozenset(ROLES)
CASEWORK = frozenset({CASEWORKER, TEAM_LEADER})
_ROLE_PLURALS = {
    CASEWORKER: "caseworkers",
    TEAM_LEADER: "team leaders",
    ADMIN: "admins",
    AUDITOR: "auditors",
}


class Status(StrEnum):
    RECEIVED = "received"
    ACKNOWLEDGED = "acknowledged"
    AWAITING_APPLICANT_INFO = "awaiting-applicant-info"
    EXTENSION_CONSIDERED = "extension-considered"
    FORWARDED_TO_IOPC = "forwarded-to-iopc"
    NO_RIGHT_OF_REVIEW = "no-right-of-review"
    REFUSED_LATE = "refused-late"
    ACCEPTED = "accepted"
    PARTIES_NOTIFIED = "parties-notified"
    AWAITING_MPS_INFO = "awaiting-mps-info"
    AWAITING_ALLOCATION = "awaiting-allocation"
    ALLOCATED = "allocated"
    UNDER_REVIEW = "under-review"
    DECISION_QA = "decision-qa"
    DECISION_APPROVED = "decision-approved"
    NOT_UPHELD = "not-upheld"
    UPHELD = "upheld"
    RESPONSE_SHARED = "response-shared"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"


# How staff screens name each status.
STATUS_LABELS: dict[Status, str] = {
    Status.RECEIVED: "Received",
    Status.ACKNOWLEDGED: "Acknowledged",
    Status.AWAITING_APPLICANT_INFO: "Awaiting information from the requester",
    Status.EXTENSION_CONSIDERED: "Out of time: extension being considered",
    Status.FORWARDED_TO_IOPC: "Forwarded to the IOPC",
    Status.NO_RIGHT_OF_REVIEW: "No right of review",
    Status.REFUSED_LATE: "Refused as out of time",
    Status.ACCEPTED: "Accepted",
    Status.PARTIES_NOTIFIED: "Parties notified",
    Status.AWAITING_MPS_INFO: "Awaiting MPS case information",
    Status.AWAITING_ALLOCATION: "Awaiting allocation",
    Status.ALLOCATED: "Allocated",
    Status.UNDER_REVIEW: "Under review",
    Status.DECISION_QA: "Decision being checked",
    Status.DECISION_APPROVED: "Decision approved",
    Status.NOT_UPHELD: "Not upheld",
    Status.UPHELD: "Upheld: awaiting the MPS response",
    Status.RESPONSE_SHARED: "MPS response shared",
    Status.CLOSED: "Closed",
    Status.WITHDRAWN: "Withdrawn",
}

# Rule A16 and section D: a request can be withdrawn at any point before the decision is sent.
WITHDRAWABLE: frozenset[Status] = frozenset(
    {
        Status.RECEIVED,
        Status.ACKNOWLEDGED,
        Status.AWAITING_APPLICANT_INFO,
        Status.EXTENSION_CONSIDERED,
        Status.ACCEPTED,
        Status.PARTIES_NOTIFIED,
        Status.AWAITING_MPS_INFO,
        Status.AWAITING_ALLOCATION,
        Status.ALLOCATED,
        Status.UNDER_REVIEW,
        Status.DECISION_QA,
        Status.DECISION_APPROVED,
    }
)
# Statuses where nothing more happens (closed may be reopened after judicial review).
FINISHED: frozenset[Status] = frozenset(
    {
        Status.FORWARDED_TO_IOPC,
        Status.NO_RIGHT_OF_REVIEW,
        Status.REFUSED_LATE,
        Status.CLOSED,
        Status.WITHDRAWN,
    }
)

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
# What the requester reads on the tracker for each.
_VALIDITY_NOTES = {
    "no-right-of-review": (
        "We cannot review how your complaint was handled: the law gives no right to a review "
        "for this kind of complaint."
    ),
    "not-mps": (
        "We cannot review your complaint because it is not about the Metropolitan Police. The "
        "police and crime commissioner for the police force involved may be able to help."
    ),
    "before-2020": (
        "We cannot review your complaint because it was made before 1 February 2020. "
        "Complaints made before then have an appeal instead of a review."
    ),
    "no-final-outcome": (
        "We cannot review your complaint yet: the Metropolitan Police have not sent you a final "
        "outcome. You can ask for a review when they have."
    ),
    "withdrawn": "We cannot review your complaint because it was withdrawn.",
    "duplicate": (
        "This request is a copy of another request you sent us. We will deal with that one."
    ),
}

# Rule A12: what MOPAC may recommend when an outcome is not reasonable and proportionate.
RECOMMENDATIONS: dict[str, str] = {
    "handle-again": "Handle the complaint again",
    "explanation": "Give a fuller explanation",
    "apology": "Apologise",
    "return-property": "Return property",
    "review-policy": "Review a policy or procedure",
    "other": "Something else",
}


class TransitionRefused(Exception):
    """The action is not allowed now, for this person, or with these details. The message is
    plain English for the staff member; `field` names the answer at fault, when one is."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


# What kind of answer a field takes; a view picks a widget from it.
TEXT = "text"
TEXTAREA = "textarea"
DATE = "date"
MONTH = "month"  # a date; the first of its month is kept
YES_NO = "yes-no"
CHOICE = "choice"
CHOICES = "choices"  # any number of `choices`
STAFF_USER = "staff-user"  # an active caseworker or team leader (a StaffUser or its id)

_MAX_LENGTH = {TEXT: 200, TEXTAREA: 10_000}


@dataclass(frozen=True)
class Field:
    """One detail an action needs from the staff member."""

    name: str
    label: str
    kind: str
    required: bool = True
    hint: str | None = None
    choices: tuple[tuple[str, str], ...] = ()
    # The error message when a required field is empty, or a choice is not one on offer.
    missing: str = ""

    def clean(self, value: Any) -> Any:
        """The value as the request stores it, or TransitionRefused."""
        if _is_empty(value):
            if self.required:
                raise TransitionRefused(self.missing or f"Enter {self.label.lower()}")
            return [] if self.kind == CHOICES else False if self.kind == YES_NO else None
        cleaner = _CLEANERS[self.kind]
        return cleaner(self, value)


def _is_empty(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, list | tuple | set | frozenset) and not value


def _clean_text(spec: Field, value: Any) -> str:
    if not isinstance(value, str):
        raise TransitionRefused(f"{spec.label} must be text")
    text = value.strip()
    limit = _MAX_LENGTH[spec.kind]
    if len(text) > limit:
        raise TransitionRefused(f"{spec.label} must be {limit:,} characters or fewer")
    return text


def _clean_date(spec: Field, value: Any) -> date:
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            value = None
    # A datetime is a date too, but not the kind of answer wanted here.
    if not isinstance(value, date) or hasattr(value, "hour"):
        raise TransitionRefused(f"{spec.label} must be a real date")
    return value.replace(day=1) if spec.kind == MONTH else value


def _clean_yes_no(spec: Field, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("yes", "no"):
        return value.strip().lower() == "yes"
    raise TransitionRefused(spec.missing or f"{spec.label}: select yes or no")


def _clean_choice(spec: Field, value: Any) -> str:
    if value not in dict(spec.choices):
        raise TransitionRefused(spec.missing or f"{spec.label}: select one of the options")
    return value


def _clean_choices(spec: Field, value: Any) -> list[str]:
    values = [value] if isinstance(value, str) else list(value)
    allowed = dict(spec.choices)
    if any(item not in allowed for item in values):
        raise TransitionRefused(f"{spec.label}: choose only from the options")
    # Kept in the order the options are listed, once each.
    return [code for code in allowed if code in values]


def _clean_staff_user(spec: Field, value: Any) -> StaffUser:
    user = value if isinstance(value, StaffUser) else None
    if user is None and isinstance(value, int | str) and str(value).isdigit():
        user = db.session.get(StaffUser, int(value))
    if user is None or not user.active or user.role not in CASEWORK:
        raise TransitionRefused(f"{spec.label}: select an active caseworker or team leader")
    return user


_CLEANERS: dict[str, Callable[[Field, Any], Any]] = {
    TEXT: _clean_text,
    TEXTAREA: _clean_text,
    DATE: _clean_date,
    MONTH: _clean_date,
    YES_NO: _clean_yes_no,
    CHOICE: _clean_choice,
    CHOICES: _clean_choices,
    STAFF_USER: _clean_staff_user,
}


@dataclass(frozen=True)
class Action:
    """Something staff do to a request. `form` lists the details it needs, in order."""

    name: str
    label: str
    from_statuses: frozenset[Status]
    # Where it can lead: empty for actions that only record something (chasing the MPS, say).
    to_statuses: frozenset[Status]
    roles: frozenset[str]
    form: tuple[Field, ...] = ()
    # The email it sends whoever gets updates (templates/emails/<email>.txt), if any.
    email: str | None = None
    # Only the request's owner, or a team leader, may do it.
    owner_or_team_leader: bool = False

    @property
    def changes_status(self) -> bool:
        return bool(self.to_statuses)

    @property
    def field_names(self) -> list[str]:
        return [spec.name for spec in self.form]

    @property
    def verb(self) -> str:
        """The label as it reads inside a sentence: "acknowledge the request"."""
        return self.label[0].lower() + self.label[1:]


def _field(name: str, label: str, kind: str = TEXTAREA, **options: Any) -> Field:
    return Field(name, label, kind, **options)


_SEEN_BY_REQUESTER = "The requester sees this on their tracker."
_EMAILED = "This is emailed to the requester: list documents, not what the complaint is about."


def _action(
    name: str,
    label: str,
    from_statuses: Iterable[Status],
    to_statuses: Iterable[Status],
    roles: Iterable[str] = CASEWORK,
    form: Iterable[Field] = (),
    **options: Any,
) -> Action:
    return Action(
        name,
        label,
        frozenset(from_statuses),
        frozenset(to_statuses),
        frozenset(roles),
        tuple(form),
        **options,
    )


_BEFORE_TRIAGE = (Status.ACKNOWLEDGED,)
_ALL_ACTIONS = [
    _action(
        "acknowledge",
        "Acknowledge the request",
        [Status.RECEIVED],
        [Status.ACKNOWLEDGED],
        email="request_acknowledged",
    ),
    _action(
        "ask_requester",
        "Ask the requester for information",
        _BEFORE_TRIAGE,
        [Status.AWAITING_APPLICANT_INFO],
        email="information_needed",
        form=[
            _field(
                "information_requested",
                "What information do you need?",
                hint=_SEEN_BY_REQUESTER,
                missing="Enter what information you need from the requester",
            )
        ],
    ),
    _action(
        "information_received",
        "Record that the requester's information has arrived",
        [Status.AWAITING_APPLICANT_INFO],
        [Status.ACKNOWLEDGED],
    ),
    _action(
        "consider_late",
        "Consider the late request",
        _BEFORE_TRIAGE,
        [Status.EXTENSION_CONSIDERED],
    ),
    _action(
        "accept_late",
        "Accept the late request",
        [Status.EXTENSION_CONSIDERED],
        [Status.ACCEPTED],
        form=[
            _field(
                "late_decision_reason",
                "What special circumstances make it just to accept it?",
                missing="Enter why you are accepting the late request",
            )
        ],
    ),
    _action(
        "refuse_late",
        "Refuse the late request",
        [Status.EXTENSION_CONSIDERED],
        [Status.REFUSED_LATE],
        email="late_request_refused",
        form=[
            _field(
                "reason",
                "Why are you refusing it?",
                hint=_SEEN_BY_REQUESTER,
                missing="Enter why you are refusing the late request",
            )
        ],
    ),
    _action(
        "decide_invalid",
        "Decide there is no right of review",
        [Status.ACKNOWLEDGED, Status.EXTENSION_CONSIDERED],
        [Status.NO_RIGHT_OF_REVIEW],
        email="no_right_of_review",
        form=[
            _field(
                "validity",
                "Why can MOPAC not review it?",
                CHOICE,
                choices=tuple(VALIDITY_REASONS.items()),
                missing="Select why MOPAC cannot review it",
            ),
            _field(
                "validity_reason",
                "Give the details",
                missing="Enter the details of why MOPAC cannot review it",
            ),
        ],
    ),
    _action(
        "forward_to_iopc",
        "Forward to the IOPC",
        [Status.ACKNOWLEDGED, Status.EXTENSION_CONSIDERED],
        [Status.FORWARDED_TO_IOPC],
        email="forwarded_to_iopc",
        form=[
            _field(
                "shared_with_iopc",
                "What exactly did you send the IOPC?",
                hint=_EMAILED,
                missing="Enter exactly what you sent the IOPC",
            )
        ],
    ),
    _action("decide_valid", "Decide the request is valid", _BEFORE_TRIAGE, [Status.ACCEPTED]),
    _action(
        "notify_parties",
        "Record that the MPS and other parties have been told",
        [Status.ACCEPTED],
        [Status.PARTIES_NOTIFIED],
    ),
    _action(
        "request_mps_info",
        "Ask the MPS for the case information",
        [Status.PARTIES_NOTIFIED],
        [Status.AWAITING_MPS_INFO],
        form=[
            _field(
                "due_on", "When is it due?", DATE, missing="Enter when the MPS information is due"
            )
        ],
    ),
    _action(
        "chase_mps_info",
        "Chase the MPS for the case information",
        [Status.AWAITING_MPS_INFO],
        [],
    ),
    _action(
        "mps_info_received",
        "Record that the MPS information has arrived",
        [Status.AWAITING_MPS_INFO],
        [Status.AWAITING_ALLOCATION],
    ),
    _action(
        "set_allocation_month",
        "Set the month we expect to allocate it",
        [Status.AWAITING_ALLOCATION],
        [],
        form=[
            _field(
                "month",
                "Which month do you expect it to go to a caseworker?",
                MONTH,
                hint=_SEEN_BY_REQUESTER,
                missing="Enter the month you expect to allocate it",
            )
        ],
    ),
    _action(
        "allocate",
        "Allocate to a caseworker",
        [Status.AWAITING_ALLOCATION],
        [Status.ALLOCATED],
        roles=[TEAM_LEADER],
        form=[
            _field("owner", "Who will review it?", STAFF_USER, missing="Select who will review it")
        ],
    ),
    _action(
        "start_review",
        "Start the review",
        [Status.ALLOCATED],
        [Status.UNDER_REVIEW],
        owner_or_team_leader=True,
    ),
    _action(
        "record_decision",
        "Record the decision",
        [Status.UNDER_REVIEW],
        [Status.DECISION_QA],
        owner_or_team_leader=True,
        form=[
            _field(
                "outcome_reasonable",
                "Was the outcome reasonable and proportionate?",
                YES_NO,
                missing="Select whether the outcome was reasonable and proportionate",
            ),
            _field("decision_reasons", "Reasons", missing="Enter the reasons for the decision"),
            _field(
                "recommendations",
                "Recommendations to the MPS",
                CHOICES,
                required=False,
                hint="Only when the outcome was not reasonable and proportionate.",
                choices=tuple(RECOMMENDATIONS.items()),
            ),
            _field("other_recommendation", "Describe the other recommendation", required=False),
            _field(
                "refer_to_iopc",
                "Refer it to the IOPC?",
                YES_NO,
                required=False,
                hint="Rarely: only the IOPC can direct a reinvestigation.",
            ),
            _field("learning_points", "Learning points for the MPS", required=False),
        ],
    ),
    _action(
        "return_for_changes",
        "Return the decision for changes",
        [Status.DECISION_QA],
        [Status.UNDER_REVIEW],
        roles=[TEAM_LEADER],
    ),
    _action(
        "approve_decision",
        "Approve the decision",
        [Status.DECISION_QA],
        [Status.DECISION_APPROVED],
        roles=[TEAM_LEADER],
    ),
    _action(
        "issue_decision",
        "Send the decision",
        [Status.DECISION_APPROVED],
        [Status.NOT_UPHELD, Status.UPHELD],
        email="decision_sent",
    ),
    _action(
        "record_mps_response",
        "Record the MPS response to the recommendations",
        [Status.UPHELD],
        [Status.RESPONSE_SHARED],
        email="mps_response_shared",
        form=[
            _field("mps_response", "What did the MPS say?", missing="Enter the MPS response"),
            _field(
                "mps_response_received_on",
                "When did it arrive?",
                DATE,
                missing="Enter when the MPS response arrived",
            ),
        ],
    ),
    _action(
        "close",
        "Close the request",
        [Status.NOT_UPHELD, Status.RESPONSE_SHARED],
        [Status.CLOSED],
    ),
    _action(
        "withdraw",
        "Record a written withdrawal",
        WITHDRAWABLE,
        [Status.WITHDRAWN],
        email="request_withdrawn",
        form=[
            _field(
                "reason",
                "How and why did they withdraw?",
                hint="For example: signed letter received 3 March, the MPS resolved it.",
                missing="Enter how and why the request was withdrawn",
            )
        ],
    ),
    _action(
        "reopen",
        "Reopen for a new decision after judicial review",
        [Status.CLOSED],
        [Status.UNDER_REVIEW],
        roles=[ADMIN],
        form=[_field("reason", "Why is it being reopened?", missing="Enter why it is reopened")],
    ),
]
ACTIONS: dict[str, Action] = {action.name: action for action in _ALL_ACTIONS}


@dataclass
class _Change:
    """What an action does beyond its field changes, worked out before anything is written."""

    status: Status | None = None  # the new status; None keeps it
    public_note: str | None = None
    timeline: bool = False  # an entry even though the status stays (the requester has news)
    # Details some emails add to the reference, dates and link (what the IOPC was sent).
    email_details: dict[str, str] = field(default_factory=dict)
    # Values worth keeping in the audit event that staff did not type (a value replaced, say).
    audit: dict[str, Any] = field(default_factory=dict)


def record_status(
    review_request: ReviewRequest,
    status: Status,
    *,
    staff_user: StaffUser | None = None,
    public_note: str | None = None,
) -> TimelineEntry:
    """Set the status and add its timeline entry to the caller's transaction."""
    review_request.status = status
    entry = TimelineEntry(
        status=status,
        happened_at=clock.now(),
        public_note=public_note,
        staff_user_id=staff_user.id if staff_user is not None else None,
    )
    review_request.timeline.append(entry)
    db.session.add(entry)
    return entry


def _status_of(review_request: ReviewRequest) -> Status | None:
    try:
        return Status(review_request.status)
    except ValueError:
        return None


def _refusal(action: Action, review_request: ReviewRequest, staff_user: StaffUser) -> str | None:
    """Why `staff_user` cannot do `action` to the request now, or None if they can."""
    if not staff_user.active:
        return "Your account is not active."
    if staff_user.role not in action.roles:
        who = " and ".join(sorted(_ROLE_PLURALS[role] for role in action.roles))
        return f"Only {who} can {action.verb}."
    status = _status_of(review_request)
    if status not in action.from_statuses:
        current = STATUS_LABELS.get(status, review_request.status) if status else "unknown"
        return f"You cannot {action.verb} at this stage. The request is: {current}."
    owned_by_another = review_request.owner_id not in (None, staff_user.id)
    if staff_user.role == CASEWORKER and (
        owned_by_another or (action.owner_or_team_leader and review_request.owner_id is None)
    ):
        return f"Only the caseworker who has this request, or a team leader, can {action.verb}."
    guard = _GUARDS.get(action.name)
    return guard(review_request, staff_user) if guard else None


def _late_guard(review_request: ReviewRequest, staff_user: StaffUser) -> str | None:
    if not review_request.is_late:
        return "This request arrived within the 28 days, so there is no lateness to consider."
    return None


def _valid_guard(review_request: ReviewRequest, staff_user: StaffUser) -> str | None:
    if review_request.is_late and review_request.late_decision != "accepted":
        return (
            "This request arrived after the 28 days. Consider the late request and accept it "
            "before deciding it is valid."
        )
    return None


def decision_author_id(review_request: ReviewRequest) -> int | None:
    """Who recorded the decision being checked: the staff member on its latest timeline entry,
    or else the owner."""
    for entry in reversed(review_request.timeline):
        if entry.status == Status.DECISION_QA and entry.staff_user_id is not None:
            return entry.staff_user_id
    return review_request.owner_id


def _approve_guard(review_request: ReviewRequest, staff_user: StaffUser) -> str | None:
    # Four eyes: whoever wrote the decision, or has the request, does not approve it.
    if staff_user.id in (decision_author_id(review_request), review_request.owner_id):
        return "Another team leader must approve this decision: you wrote it or have the request."
    return None


_GUARDS: dict[str, Callable[[ReviewRequest, StaffUser], str | None]] = {
    "consider_late": _late_guard,
    "decide_valid": _valid_guard,
    "approve_decision": _approve_guard,
}


def can_perform(review_request: ReviewRequest, action_name: str, staff_user: StaffUser) -> bool:
    action = ACTIONS.get(action_name)
    return action is not None and _refusal(action, review_request, staff_user) is None


def available_actions(review_request: ReviewRequest, staff_user: StaffUser) -> list[Action]:
    """The actions this staff member may take on the request now, in workflow order."""
    return [
        action
        for action in ACTIONS.values()
        if _refusal(action, review_request, staff_user) is None
    ]


def perform(
    review_request: ReviewRequest,
    action_name: str,
    staff_user: StaffUser,
    today: date,
    **details: Any,
) -> TimelineEntry | None:
    """Carry out an action in the caller's transaction: change the request, add its timeline
    entry (returned; None when the action only records something), its audit event and any
    email. Raises TransitionRefused, having changed nothing, when it is not allowed."""
    action = ACTIONS.get(action_name)
    if action is None:
        raise TransitionRefused(f"There is no action called {action_name!r}.")
    refusal = _refusal(action, review_request, staff_user)
    if refusal:
        raise TransitionRefused(refusal)
    unknown = set(details) - set(action.field_names)
    if unknown:
        raise TransitionRefused(
            f"{action.label} does not take these details: {', '.join(sorted(unknown))}."
        )
    cleaned = {spec.name: spec.clean(details.get(spec.name)) for spec in action.form}

    from_status = review_request.status
    change = _HANDLERS[action.name](review_request, staff_user, today, cleaned)
    if (change.status is not None) != action.changes_status or (
        change.status is not None and change.status not in action.to_statuses
    ):
        raise RuntimeError(f"{action.name} led to {change.status}, not {action.to_statuses}")

    entry = None
    if change.status is not None or change.timeline:
        entry = record_status(
            review_request,
            change.status or Status(review_request.status),
            staff_user=staff_user,
            public_note=change.public_note,
        )
    record_audit(
        action.name,
        staff_user=staff_user,
        review_request=review_request,
        detail={
            "from": from_status,
            "to": review_request.status,
            **{name: _for_audit(value) for name, value in cleaned.items()},
            **change.audit,
        },
    )
    if action.email:
        if entry is None:
            raise RuntimeError(f"{action.name} emails without a timeline entry")
        db.session.flush()  # the entry's id makes the event key unique
        _email(review_request, f"{action.name}-{entry.id}", action.email, change.email_details)
    return entry


def _for_audit(value: Any) -> Any:
    """A detail as JSON: dates as ISO text, a staff member as their id."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, StaffUser):
        return value.id
    return value


def _email(review_request: ReviewRequest, event: str, template: str, extra: dict[str, str]) -> None:
    notify_requester(review_request, event, template)
    if not extra:
        return
    # notify_requester fills in the reference, dates and link; some emails also say what was
    # done (what the IOPC was sent), so those details join the messages it just queued.
    prefix = f"{event}:{review_request.reference}:"
    for message in db.session.new:
        if isinstance(message, OutboxMessage) and message.event_key.startswith(prefix):
            message.personalisation = {**message.personalisation, **extra}


# The actions themselves. Each checks what it needs before changing anything, so a refusal
# leaves the request as it was.

_Handler = Callable[[ReviewRequest, StaffUser, date, dict[str, Any]], _Change]
_HANDLERS: dict[str, _Handler] = {}


def _handles(name: str) -> Callable[[_Handler], _Handler]:
    def register(handler: _Handler) -> _Handler:
        _HANDLERS[name] = handler
        return handler

    return register


@_handles("acknowledge")
def _acknowledge(review_request, staff_user, today, details) -> _Change:
    review_request.acknowledged_on = today
    return _Change(
        Status.ACKNOWLEDGED,
        "We have started work on your request. We are checking that we can review it.",
    )


@_handles("ask_requester")
def _ask_requester(review_request, staff_user, today, details) -> _Change:
    review_request.information_requested = details["information_requested"]
    return _Change(
        Status.AWAITING_APPLICANT_INFO,
        f"We need more information from you: {details['information_requested']}",
    )


@_handles("information_received")
def _information_received(review_request, staff_user, today, details) -> _Change:
    return _Change(
        Status.ACKNOWLEDGED,
        "Thank you: we have the information we asked for and are checking your request again.",
    )


@_handles("consider_late")
def _consider_late(review_request, staff_user, today, details) -> _Change:
    return _Change(
        Status.EXTENSION_CONSIDERED,
        "Your request arrived after the 28 days. We are deciding whether there are special "
        "circumstances that mean we should still accept it.",
    )


@_handles("accept_late")
def _accept_late(review_request, staff_user, today, details) -> _Change:
    review_request.late_decision = "accepted"
    review_request.late_decision_reason = details["late_decision_reason"]
    review_request.validity = "valid"
    return _Change(
        Status.ACCEPTED,
        "We have accepted your request even though it arrived after the 28 days. "
        "We can review the outcome of your complaint.",
    )


@_handles("refuse_late")
def _refuse_late(review_request, staff_user, today, details) -> _Change:
    review_request.late_decision = "refused"
    review_request.late_decision_reason = details["reason"]
    review_request.closed_on = today
    return _Change(
        Status.REFUSED_LATE,
        "We cannot accept your request because it arrived after the 28 days. "
        f"Why: {details['reason']}",
    )


@_handles("decide_invalid")
def _decide_invalid(review_request, staff_user, today, details) -> _Change:
    review_request.validity = details["validity"]
    review_request.validity_reason = details["validity_reason"]
    review_request.closed_on = today
    return _Change(
        Status.NO_RIGHT_OF_REVIEW,
        _VALIDITY_NOTES[details["validity"]],
    )


@_handles("forward_to_iopc")
def _forward_to_iopc(review_request, staff_user, today, details) -> _Change:
    shared = details["shared_with_iopc"]
    review_request.shared_with_iopc = shared
    review_request.forwarded_to_iopc_on = today
    # Rule A5: the application now counts as made to the IOPC; MOPAC's part is over.
    review_request.closed_on = today
    return _Change(
        Status.FORWARDED_TO_IOPC,
        f"The IOPC is the right body to review your complaint, so we sent your request to them "
        f"on {format_date(today)}. We sent them: {shared}",
        email_details={"shared": shared, "forwarded_on": format_date(today)},
    )


@_handles("decide_valid")
def _decide_valid(review_request, staff_user, today, details) -> _Change:
    review_request.validity = "valid"
    return _Change(Status.ACCEPTED, "We have checked your request: we can review it.")


@_handles("notify_parties")
def _notify_parties(review_request, staff_user, today, details) -> _Change:
    # Rule A10: the MPS, anyone entitled to be kept informed, and the person complained about.
    return _Change(
        Status.PARTIES_NOTIFIED,
        "We have told the Metropolitan Police, and the people the law says must know, that we "
        "are reviewing the outcome of your complaint.",
    )


@_handles("request_mps_info")
def _request_mps_info(review_request, staff_user, today, details) -> _Change:
    if details["due_on"] < today:
        raise TransitionRefused(
            "The date the MPS information is due must be today or later", field="due_on"
        )
    review_request.mps_info_requested_on = today
    review_request.mps_info_due_on = details["due_on"]
    return _Change(
        Status.AWAITING_MPS_INFO,
        "We have asked the Metropolitan Police for their records of how they handled your "
        "complaint.",
    )


@_handles("chase_mps_info")
def _chase_mps_info(review_request, staff_user, today, details) -> _Change:
    review_request.mps_info_chased_on = today
    return _Change()


@_handles("mps_info_received")
def _mps_info_received(review_request, staff_user, today, details) -> _Change:
    review_request.mps_info_received_on = today
    return _Change(
        Status.AWAITING_ALLOCATION,
        "We have the Metropolitan Police's records. Your request is waiting for a caseworker.",
    )


@_handles("set_allocation_month")
def _set_allocation_month(review_request, staff_user, today, details) -> _Change:
    month = details["month"]
    if month < today.replace(day=1):
        raise TransitionRefused("The month must be this month or later", field="month")
    previous = review_request.estimated_allocation_month
    review_request.estimated_allocation_month = month
    # Not a new status, but news for the requester: it goes on their timeline.
    return _Change(
        public_note=f"We expect to give your request to a caseworker in {format_month(month)}.",
        timeline=True,
        audit={"previous_month": previous.isoformat() if previous else None},
    )


@_handles("allocate")
def _allocate(review_request, staff_user, today, details) -> _Change:
    review_request.owner = details["owner"]
    return _Change(Status.ALLOCATED, "A caseworker now has your request.")


@_handles("start_review")
def _start_review(review_request, staff_user, today, details) -> _Change:
    return _Change(Status.UNDER_REVIEW, "Your caseworker has started the review.")


@_handles("record_decision")
def _record_decision(review_request, staff_user, today, details) -> _Change:
    reasonable = details["outcome_reasonable"]
    recommendations = details["recommendations"]
    if reasonable and (recommendations or details["refer_to_iopc"]):
        raise TransitionRefused(
            "When the outcome was reasonable and proportionate, make no recommendations and do "
            "not refer it to the IOPC",
            field="recommendations" if recommendations else "refer_to_iopc",
        )
    if not reasonable and not recommendations and not details["refer_to_iopc"]:
        raise TransitionRefused(
            "When the outcome was not reasonable and proportionate, choose at least one "
            "recommendation or refer it to the IOPC",
            field="recommendations",
        )
    if "other" in recommendations and not details["other_recommendation"]:
        raise TransitionRefused("Describe the other recommendation", field="other_recommendation")
    if "other" not in recommendations and details["other_recommendation"]:
        raise TransitionRefused(
            "Select 'Something else' to make the other recommendation, or leave it empty",
            field="other_recommendation",
        )
    review_request.outcome_reasonable = reasonable
    review_request.decision_reasons = details["decision_reasons"]
    review_request.recommendations = recommendations
    review_request.other_recommendation = details["other_recommendation"]
    review_request.refer_to_iopc = details["refer_to_iopc"]
    review_request.learning_points = details["learning_points"]
    return _Change(
        Status.DECISION_QA,
        "Your caseworker has reached a decision. A team leader is checking it before we send it.",
    )


@_handles("return_for_changes")
def _return_for_changes(review_request, staff_user, today, details) -> _Change:
    return _Change(Status.UNDER_REVIEW)


@_handles("approve_decision")
def _approve_decision(review_request, staff_user, today, details) -> _Change:
    review_request.decision_approved_by = staff_user
    return _Change(Status.DECISION_APPROVED)


@_handles("issue_decision")
def _issue_decision(review_request, staff_user, today, details) -> _Change:
    if review_request.outcome_reasonable is None:
        raise TransitionRefused("Record the decision before sending it")
    review_request.decision_issued_on = today
    if review_request.outcome_reasonable:
        return _Change(
            Status.NOT_UPHELD,
            "We have sent you our decision: the outcome of your complaint was reasonable and "
            "proportionate.",
        )
    return _Change(
        Status.UPHELD,
        "We have sent you our decision: the outcome of your complaint was not reasonable and "
        "proportionate. We have made recommendations to the Metropolitan Police, who must "
        "reply in writing.",
    )


@_handles("record_mps_response")
def _record_mps_response(review_request, staff_user, today, details) -> _Change:
    if details["mps_response_received_on"] > today:
        raise TransitionRefused(
            "The date the MPS response arrived must be today or earlier",
            field="mps_response_received_on",
        )
    review_request.mps_response = details["mps_response"]
    review_request.mps_response_received_on = details["mps_response_received_on"]
    return _Change(
        Status.RESPONSE_SHARED,
        "The Metropolitan Police have replied to our recommendations. We have sent you a copy.",
    )


@_handles("close")
def _close(review_request, staff_user, today, details) -> _Change:
    review_request.closed_on = today
    return _Change(Status.CLOSED, "Your review is complete.")


@_handles("withdraw")
def _withdraw(review_request, staff_user, today, details) -> _Change:
    return _Change(
        Status.WITHDRAWN,
        "We received your written request to withdraw, so we have stopped work on it.",
    )


@_handles("reopen")
def _reopen(review_request, staff_user, today, details) -> _Change:
    # What the new decision replaces, kept in the audit event (the log is append-only).
    previous = {
        "closed_on": review_request.closed_on,
        "decision_issued_on": review_request.decision_issued_on,
        "decision_approved_by_id": review_request.decision_approved_by_id,
        "outcome_reasonable": review_request.outcome_reasonable,
    }
    review_request.closed_on = None
    review_request.decision_issued_on = None
    review_request.decision_approved_by = None
    return _Change(
        Status.UNDER_REVIEW,
        "Reopened for a new decision following judicial review",
        audit={"previous": {name: _for_audit(value) for name, value in previous.items()}},
    )


def _check_every_action_has_a_handler() -> None:
    missing = set(ACTIONS) - set(_HANDLERS)
    if missing:
        raise RuntimeError(f"actions without a handler: {sorted(missing)}")


_check_every_action_has_a_handler()
