"""How an action is declared (`Action`, `ActionList.declare`) and carried out: who may do it
now (`refusal`), and `carry_out`, which changes the request, writes its timeline entry, audit
event, the letter it sends (stored) and email in the caller's transaction. It knows no action
by name: they live in reviews.workflow.actions."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from reviews import clock
from reviews.audit import record_audit
from reviews.database import db
from reviews.letters import LetterError, LetterKind, LetterText
from reviews.models import OutboxMessage, ReviewRequest, SentLetter, StaffUser, TimelineEntry
from reviews.notifications import notify_requester
from reviews.sent_letters import (
    approve_letter,
    approved_letter,
    checked_text,
    copy_to_mps,
    letter_office,
    send_letter,
)
from reviews.workflow.fields import Field, TransitionRefused
from reviews.workflow.roles import CASEWORK, CASEWORKER, ROLE_PLURALS, Role
from reviews.workflow.statuses import STATUS_LABELS, Status

# The cleaned answers to an action's form, by field name.
Details = dict[str, Any]


@dataclass
class Change:
    """What an action does beyond its field changes, worked out before anything is written."""

    # The banner: what the requester reads about it on their tracker's timeline.
    public_note: str | None = None
    # The new status. None: the one status the action leads to, or, for an action that leads
    # nowhere, the status it has; an action that can lead to more than one says which.
    status: Status | None = None
    timeline: bool = False  # an entry even though the status stays (the requester has news)
    # What staff read on the request page's timeline beside the entry (never the requester).
    staff_note: str | None = None
    # Details some emails add to the reference, dates and link (what the IOPC was sent).
    email_details: dict[str, str] = field(default_factory=dict)
    # Values worth keeping in the audit event that staff did not type (a value replaced, say).
    audit: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Act:
    """One carrying out of an action, as its effect sees it: the request, who is acting, the
    day, and the cleaned answers to the action's form."""

    review_request: ReviewRequest
    staff_user: StaffUser
    today: date
    details: Details


# An action's effect changes the request and says what else happens; it checks what it needs
# first (raising TransitionRefused), so a refusal leaves the request as it was.
Effect = Callable[[Act], Change]
# A guard says why the action is not open to this staff member on this request, or None.
Guard = Callable[[ReviewRequest, StaffUser], str | None]
# What an action's form starts with on this request, by field name (the answers recorded last
# time, say), in the form the field's `clean` accepts.
Initial = Callable[[ReviewRequest], Details]


@dataclass(frozen=True)
class Action:
    """Something staff do to a request. `form` lists the details it needs, in order."""

    name: str
    label: str
    from_statuses: frozenset[Status]
    # Where it can lead: empty for actions that only record something (chasing the MPS, say).
    to_statuses: frozenset[Status]
    roles: frozenset[Role]
    form: tuple[Field, ...] = ()
    # The email it sends whoever gets updates (templates/emails/<email>.txt), if any.
    email: str | None = None
    # Only the request's owner, or a team leader, may do it.
    owner_or_team_leader: bool = False
    effect: Effect = field(kw_only=True, compare=False)
    guard: Guard | None = field(default=None, kw_only=True, compare=False)
    initial: Initial | None = field(default=None, kw_only=True, compare=False)
    # The letter it sends the requester (reviews.letters), written and stored when it is done
    # (reviews.sent_letters); its email carries it.
    letter: LetterKind | None = field(default=None, kw_only=True)
    # The Met's Professional Standards gets its own copy of that letter, by email.
    copy_to_mps: bool = field(default=False, kw_only=True)
    # The letter a team leader approves with this action (they read it, and may change it); the
    # action that sends that letter then sends the words approved (`sends_approved_letter`).
    approves_letter: LetterKind | None = field(default=None, kw_only=True)
    sends_approved_letter: bool = field(default=False, kw_only=True)

    @property
    def checks_letter(self) -> LetterKind | None:
        """The letter staff read before this action is done: the one it sends or approves."""
        return self.letter or self.approves_letter

    @property
    def letter_editable(self) -> bool:
        """Whether staff may change that letter's words here (not once it is approved)."""
        return self.checks_letter is not None and not self.sends_approved_letter

    def initial_values(self, review_request: ReviewRequest) -> Details:
        """What the action's form starts with on this request (empty when it starts blank)."""
        return self.initial(review_request) if self.initial else {}

    @property
    def changes_status(self) -> bool:
        return bool(self.to_statuses)

    def status_after(self, change: Change) -> Status | None:
        """The status `change` leads to (None when it stays): the one it names, or else the only
        one this action leads to."""
        status = change.status
        if status is None and len(self.to_statuses) == 1:
            (status,) = self.to_statuses
        if (status is not None) != self.changes_status or (
            status is not None and status not in self.to_statuses
        ):
            raise RuntimeError(f"{self.name} led to {status}, not {self.to_statuses}")
        return status

    @property
    def field_names(self) -> list[str]:
        return [spec.name for spec in self.form]

    @property
    def verb(self) -> str:
        """The label as it reads inside a sentence: "acknowledge the request"."""
        return self.label[0].lower() + self.label[1:]


class ActionList:
    """The actions of one stage of the workflow, in the order staff see them."""

    def __init__(self) -> None:
        self._actions: list[Action] = []

    def __iter__(self) -> Iterator[Action]:
        return iter(self._actions)

    def declare(
        self,
        label: str,
        *,
        from_statuses: Iterable[Status],
        to_statuses: Iterable[Status] = (),
        roles: Iterable[str] = CASEWORK,
        form: Iterable[Field] = (),
        email: str | None = None,
        owner_or_team_leader: bool = False,
        guard: Guard | None = None,
        initial: Initial | None = None,
        letter: LetterKind | None = None,
        copy_to_mps: bool = False,
        approves_letter: LetterKind | None = None,
        sends_approved_letter: bool = False,
    ) -> Callable[[Effect], Action]:
        """Declare an action whose effect is the decorated function. The function's name is the
        action's (its audit events carry it, staff pages' addresses too); the name it is bound
        to becomes the Action."""

        def declared(effect: Effect) -> Action:
            action = Action(
                effect.__name__,
                label,
                frozenset(from_statuses),
                frozenset(to_statuses),
                frozenset(Role(role) for role in roles),
                tuple(form),
                email,
                owner_or_team_leader,
                effect=effect,
                guard=guard,
                initial=initial,
                letter=letter,
                copy_to_mps=copy_to_mps,
                approves_letter=approves_letter,
                sends_approved_letter=sends_approved_letter,
            )
            if (copy_to_mps or sends_approved_letter) and letter is None:
                raise RuntimeError(f"{action.name} copies to the Met a letter it does not send")
            self._actions.append(action)
            return action

        return declared


def record_status(
    review_request: ReviewRequest,
    status: Status,
    *,
    staff_user: StaffUser | None = None,
    public_note: str | None = None,
    staff_note: str | None = None,
) -> TimelineEntry:
    """Set the status and add its timeline entry to the caller's transaction."""
    review_request.status = status
    entry = TimelineEntry(
        status=status,
        happened_at=clock.now(),
        public_note=public_note,
        staff_note=staff_note,
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


def refusal(action: Action, review_request: ReviewRequest, staff_user: StaffUser) -> str | None:
    """Why `staff_user` cannot do `action` to the request now, or None if they can. The first
    reason that applies, in its own words: staff read it as it is."""
    if not staff_user.active:
        return "Your account is not active."
    if staff_user.role not in action.roles:
        who = " and ".join(sorted(ROLE_PLURALS[role] for role in action.roles))
        return f"Only {who} can {action.verb}."
    status = _status_of(review_request)
    if status not in action.from_statuses:
        current = STATUS_LABELS.get(status, review_request.status) if status else "unknown"
        return f"You cannot {action.verb} at this stage. The request is: {current}."
    if staff_user.role == CASEWORKER and review_request.owner_id != staff_user.id:
        owner = review_request.owner
        if owner is not None:
            return (
                f"This request is allocated to {owner.name}: only they or a team leader can "
                f"{action.verb}."
            )
        if owner is None and action.owner_or_team_leader:
            return f"Nobody has been given this request yet: only a team leader can {action.verb}."
    return action.guard(review_request, staff_user) if action.guard else None


def decision_author_id(review_request: ReviewRequest) -> int | None:
    """Who recorded the decision being checked: the staff member on its latest timeline entry,
    or else the owner."""
    for entry in reversed(review_request.timeline):
        if entry.status == Status.DECISION_QA and entry.staff_user_id is not None:
            return entry.staff_user_id
    return review_request.owner_id


def carry_out(
    action: Action,
    review_request: ReviewRequest,
    staff_user: StaffUser,
    today: date,
    details: dict[str, Any],
    *,
    letter_text: str | None = None,
    letter_version: int | None = None,
) -> TimelineEntry | None:
    """Carry out `action` in the caller's transaction: change the request, add its timeline
    entry (returned; None when the action only records something), its audit event, the letter
    it sends or approves and any email. `letter_text` is that letter's words as staff checked
    them (from version `letter_version` of its wording); without it the letter is the wording
    filled from the facts, or the words approved. Raises TransitionRefused, having changed
    nothing, when it is not allowed."""
    cleaned = _allowed(action, review_request, staff_user, details)
    if letter_text is not None and not action.letter_editable:
        raise TransitionRefused(f"{action.label} does not take a letter's words.")

    from_status = review_request.status
    change = action.effect(Act(review_request, staff_user, today, cleaned))
    status = action.status_after(change)

    entry = None
    if status is not None or change.timeline:
        entry = record_status(
            review_request,
            status or Status(review_request.status),
            staff_user=staff_user,
            public_note=change.public_note,
            staff_note=change.staff_note,
        )
    letter = None
    try:
        text = _checked(action, review_request, letter_text, letter_version)
        if action.approves_letter is not None and text is not None:
            approved = approve_letter(review_request, action.approves_letter, staff_user, text)
            change.audit = {
                **change.audit,
                "approved_letter_id": approved.id,
                "letter_template_version": text.template_version,
                "letter_edited": text.edited,
            }
        if action.letter is not None:
            letter = send_letter(review_request, action.letter, staff_user, text)
            change.audit = {
                **change.audit,
                "letter_id": letter.id,
                "letter_sha256": letter.sha256,
                "letter_template_version": letter.template_version,
                "letter_edited": letter.edited,
            }
    except LetterError as error:
        # Staff read why; the caller rolls back what the effect changed.
        raise TransitionRefused(f"The letter cannot be written: {error}") from error
    record_audit(
        action.name,
        staff_user=staff_user,
        review_request=review_request,
        detail={
            "from": from_status,
            "to": review_request.status,
            **{name: for_audit(value) for name, value in cleaned.items()},
            **change.audit,
        },
    )
    if action.email:
        if entry is None:
            raise RuntimeError(f"{action.name} emails without a timeline entry")
        db.session.flush()  # the entry's id makes the event key unique
        _email(
            review_request, f"{action.name}-{entry.id}", action.email, change.email_details, letter
        )
    if action.copy_to_mps and letter is not None:
        if entry is None:
            raise RuntimeError(f"{action.name} copies a letter without a timeline entry")
        db.session.flush()
        address = copy_to_mps(review_request, letter, f"{action.name}-{entry.id}")
        # Recorded on the case, for staff: the Met was sent its copy.
        copied = f"A copy of the letter was emailed to the Met's Professional Standards: {address}."
        entry.staff_note = f"{entry.staff_note}\n{copied}" if entry.staff_note else copied
    return entry


def _allowed(
    action: Action, review_request: ReviewRequest, staff_user: StaffUser, details: Details
) -> Details:
    """The cleaned details, if `staff_user` may do `action` now with them; else
    TransitionRefused."""
    refused = refusal(action, review_request, staff_user)
    if refused:
        raise TransitionRefused(refused)
    unknown = set(details) - set(action.field_names)
    if unknown:
        raise TransitionRefused(
            f"{action.label} does not take these details: {', '.join(sorted(unknown))}."
        )
    return {spec.name: spec.clean(details.get(spec.name)) for spec in action.form}


def _checked(
    action: Action,
    review_request: ReviewRequest,
    letter_text: str | None,
    letter_version: int | None,
) -> LetterText | None:
    """The words of the letter the action sends or approves, once its effect has recorded the
    facts: as staff checked them, as approved, or (None) the wording filled in when sent."""
    kind = action.checks_letter
    if kind is None:
        return None
    if letter_text is not None:
        return checked_text(review_request, kind, letter_text, letter_version)
    if action.sends_approved_letter:
        return approved_letter(review_request, kind)
    if action.approves_letter is not None:
        return letter_office().draft(review_request, kind)
    return None


def letter_to_check(
    action: Action,
    review_request: ReviewRequest,
    staff_user: StaffUser,
    today: date,
    details: dict[str, Any],
) -> LetterText:
    """The words of the letter `action` would send or approve with these details, for staff to
    check first: its effect is applied, the letter written, and everything rolled back, so call
    it with nothing else waiting in the session. Raises TransitionRefused as `carry_out` does."""
    kind = action.checks_letter
    if kind is None:
        raise ValueError(f"{action.name} sends no letter")
    try:
        cleaned = _allowed(action, review_request, staff_user, details)
        action.effect(Act(review_request, staff_user, today, cleaned))
        text = _checked(action, review_request, None, None)
        return text if text is not None else letter_office().draft(review_request, kind)
    except LetterError as error:
        raise TransitionRefused(f"The letter cannot be written: {error}") from error
    finally:
        db.session.rollback()


def for_audit(value: object) -> object:
    """A detail as JSON: dates as ISO text, a staff member as their id."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, StaffUser):
        return value.id
    return value


def _email(
    review_request: ReviewRequest,
    event: str,
    template: str,
    extra: dict[str, str],
    letter: SentLetter | None,
) -> None:
    notify_requester(review_request, event, template, letter)
    if not extra:
        return
    # notify_requester fills in the reference, dates and link; some emails also say what was
    # done (what the IOPC was sent), so those details join the messages it just queued.
    prefix = f"{event}:{review_request.reference}:"
    for message in db.session.new:
        if isinstance(message, OutboxMessage) and message.event_key.startswith(prefix):
            message.personalisation = {**message.personalisation, **extra}
