"""Rules about dates and references that the public form and the back office share.

Pure functions with no Flask or database. They read the clock (reviews.clock) only where a
default is "today".
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date, timedelta

from holidays.countries.united_kingdom import UnitedKingdom

# PCMR 2020 reg 29(2): 28 days starting with the day after the outcome information was given.
# In practice the date on the outcome letter stands in for that day.
REVIEW_WINDOW_DAYS = 28

# Complaints made before the 2020 reforms go to the appeal scheme, not a review.
COMPLAINTS_SCHEME_START = date(2020, 2, 1)

ACKNOWLEDGEMENT_WORKING_DAYS = 5

MPS_REFERENCE_HINT = "For example, CO/01234/25. It is on your outcome letter."

# Spelled out rather than taken from strftime("%B"), which follows the server's locale.
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

_MPS_REFERENCE = re.compile(r"[A-Za-z0-9/.\-]{4,30}")


def deadline_for(letter_date: date) -> date:
    """The last day to ask for a review: the window begins the day after the letter date."""
    return letter_date + timedelta(days=REVIEW_WINDOW_DAYS)


@dataclass(frozen=True)
class Deadline:
    """Where a request stands against the review time limit on a given day."""

    letter_date: date
    window_starts: date
    last_day: date
    today: date

    @property
    def days_left(self) -> int:
        """Days until the last day: 0 on the last day, negative once it has passed."""
        return (self.last_day - self.today).days

    @property
    def is_late(self) -> bool:
        return self.today > self.last_day


def deadline_on(letter_date: date, today: date) -> Deadline:
    """The review deadline for a letter, as it stands on `today`."""
    if letter_date > today:
        raise ValueError(f"letter date {letter_date} is after today ({today})")
    return Deadline(
        letter_date=letter_date,
        window_starts=letter_date + timedelta(days=1),
        last_day=deadline_for(letter_date),
        today=today,
    )


def format_date(d: date) -> str:
    """A date in GOV.UK style, for example "3 March 2026"."""
    return f"{d.day} {MONTH_NAMES[d.month - 1]} {d.year}"


def format_month(d: date) -> str:
    """A month in GOV.UK style, for example "November 2025"."""
    return f"{MONTH_NAMES[d.month - 1]} {d.year}"


NOT_KNOWN = "Not known: we will ask the Met"


def letter_date_wording(letter_date: date | None, approximate: bool) -> str:
    """The date on a letter as the person gave it: exact, a month, or not known."""
    if letter_date is None:
        return NOT_KNOWN
    if approximate:
        return f"{format_month(letter_date)} (roughly)"
    return format_date(letter_date)


def deadline_message(deadline: Deadline) -> str:
    """Explain the deadline in plain English."""
    dated = f"Your letter is dated {format_date(deadline.letter_date)}."
    # A letter dated today: its 28 days have not begun yet.
    tense = "start" if deadline.window_starts > deadline.today else "started"
    started = f"Your {REVIEW_WINDOW_DAYS} days {tense} on {format_date(deadline.window_starts)}"
    last_day = format_date(deadline.last_day)
    if deadline.is_late:
        return f"{dated} {started} and ended on {last_day}, so your request is late."
    if deadline.days_left == 0:
        time_left = "Today is the last day."
    elif deadline.days_left == 1:
        time_left = "You have 1 day left."
    else:
        time_left = f"You have {deadline.days_left} days left."
    return f"{dated} {started} and end on {last_day}. {time_left}"


# England and Wales bank holidays as gov.uk/bank-holidays publishes them, substitute days
# included. The `holidays` package computes the same list for any year; these are written out
# so that the years the service plans for stay right whatever version of it is installed
# (tests/unit/test_deadlines.py checks them). Add a year when gov.uk publishes it.
PUBLISHED_BANK_HOLIDAYS: frozenset[date] = frozenset(
    date.fromisoformat(day)
    for day in (
        "2026-01-01", "2026-04-03", "2026-04-06", "2026-05-04",
        "2026-05-25", "2026-08-31", "2026-12-25", "2026-12-28",
        "2027-01-01", "2027-03-26", "2027-03-29", "2027-05-03",
        "2027-05-31", "2027-08-30", "2027-12-27", "2027-12-28",
        "2028-01-03", "2028-04-14", "2028-04-17", "2028-05-01",
        "2028-05-29", "2028-08-28", "2028-12-25", "2028-12-26",
    )
)  # fmt: skip


@functools.cache
def _bank_holidays(year: int) -> frozenset[date]:
    # England and Wales share one list ("GB", subdivision England); it includes substitute days
    # and one-off holidays. The published list is added in case the package lags behind. The
    # country's own class: holidays.country_holidays() would load every country's (memory).
    computed = frozenset(UnitedKingdom(subdiv="ENG", years=year))  # type: ignore[no-untyped-call]
    return computed | {day for day in PUBLISHED_BANK_HOLIDAYS if day.year == year}


def is_working_day(d: date) -> bool:
    """Monday to Friday, and not a bank holiday in England and Wales."""
    return d.weekday() < 5 and d not in _bank_holidays(d.year)


def add_working_days(start: date, days: int) -> date:
    """The date `days` working days after `start`, not counting `start` itself."""
    if days < 1:
        raise ValueError(f"days must be at least 1, not {days}")
    current = start
    remaining = days
    while remaining:
        current += timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def acknowledgement_due(received: date) -> date:
    """The date by which a request received on `received` must be acknowledged."""
    return add_working_days(received, ACKNOWLEDGEMENT_WORKING_DAYS)


def made_before_scheme(complaint_date: date) -> bool:
    """True when the complaint predates the review scheme, so the appeal route applies."""
    return complaint_date < COMPLAINTS_SCHEME_START


def normalise_mps_reference(text: str) -> str | None:
    """An MPS complaint reference in one canonical form, or None if it cannot be one.

    MPS references have no fixed format ("CO/01234/25", "PC-2025-001234"), so this only tidies
    what people type: spaces are dropped and letters upper-cased, so "co / 01234 / 25" and
    "CO/01234/25" match when staff search for them.
    """
    compact = "".join(text.split())
    if not _MPS_REFERENCE.fullmatch(compact) or not any(c.isdigit() for c in compact):
        return None
    return compact.upper()
