"""The details an action asks the staff member for (`Field`), how each kind of answer is
checked and kept, and the refusal every check raises."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from reviews.database import db
from reviews.models import StaffUser
from reviews.workflow.roles import CASEWORK


class TransitionRefused(Exception):
    """The action is not allowed now, for this person, or with these details. The message is
    plain English for the staff member; `field` names the answer at fault, when one is."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


# What kind of answer a field takes; a view picks a widget from it.
TEXT: Final = "text"
TEXTAREA: Final = "textarea"
DATE: Final = "date"
MONTH: Final = "month"  # a date; the first of its month is kept
YES_NO: Final = "yes-no"
CHOICE: Final = "choice"
CHOICES: Final = "choices"  # any number of `choices`
STAFF_USER: Final = "staff-user"  # an active caseworker or team leader (a StaffUser or its id)

_MAX_LENGTH = {TEXT: 200, TEXTAREA: 10_000}

# Hints for fields whose answer the requester reads.
SEEN_BY_REQUESTER: Final = "The requester sees this on their tracker."
EMAILED: Final = (
    "This is emailed to the requester: list documents, not what the complaint is about."
)


@dataclass(frozen=True)
class Field:
    """One detail an action needs from the staff member."""

    name: str
    label: str
    kind: str = TEXTAREA
    required: bool = True
    hint: str | None = None
    choices: tuple[tuple[str, str], ...] = ()
    # The error message when a required field is empty, or a choice is not one on offer.
    missing: str = ""

    @classmethod
    def seen_by_requester(cls, name: str, label: str, missing: str, kind: str = TEXTAREA) -> Field:
        """A required answer that the requester reads on their tracker, as its hint says."""
        return cls(name, label, kind, hint=SEEN_BY_REQUESTER, missing=missing)

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
    return str(value)


def _clean_choices(spec: Field, value: Any) -> list[str]:
    values = [value] if isinstance(value, str) else list(value)
    allowed = dict(spec.choices)
    if any(item not in allowed for item in values):
        raise TransitionRefused(f"{spec.label}: choose only from the options")
    # Kept in the order the options are listed, once each.
    return [code for code in allowed if code in values]


def _clean_staff_user(spec: Field, value: Any) -> StaffUser:
    user = value if isinstance(value, StaffUser) else None
    # An id is 1 to 9 ASCII digits (str.isdigit also accepts "²", which int refuses, and a
    # longer number would overflow the database's integer).
    text = str(value) if isinstance(value, int | str) else ""
    if user is None and text.isascii() and text.isdigit() and len(text) <= 9:
        user = db.session.get(StaffUser, int(text))
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
