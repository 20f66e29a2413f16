"""The one clock: every part of the service asks here what time it is and what day it is.

"Today" is the date in London (domain/review-rules.md: deadlines run on London dates), whatever
the server's own time zone. Tests set the clock to a fixed instant (tests/conftest.py) and move it
with `advance`; from that instant it runs on with real elapsed time, so events in one test keep
their order, and no test depends on the date it happens to run on.
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")

# While set: the instant the clock was set to, and the monotonic reading at that moment.
_set_to: tuple[datetime, float] | None = None


def now() -> datetime:
    """The current instant, timezone-aware, in UTC."""
    if _set_to is None:
        return datetime.now(UTC)
    instant, started = _set_to
    return instant + timedelta(seconds=time.monotonic() - started)


def timestamp() -> float:
    """Seconds since the epoch: for session times and two-factor codes."""
    return now().timestamp()


def today() -> date:
    """Today's date in London."""
    return london_date(now())


def london_date(instant: datetime) -> date:
    """The date in London at a timezone-aware instant."""
    if instant.utcoffset() is None:
        raise ValueError("the instant must be timezone-aware")
    return instant.astimezone(LONDON).date()


def set_to(instant: datetime) -> None:
    """Run the clock from `instant` (timezone-aware) on. For tests and benchmarks."""
    global _set_to
    if instant.utcoffset() is None:
        raise ValueError("the instant must be timezone-aware")
    _set_to = (instant.astimezone(UTC), time.monotonic())


def advance(by: timedelta) -> None:
    """Move a set clock forward (or back, with a negative `by`)."""
    if _set_to is None:
        raise RuntimeError("set the clock before moving it")
    set_to(now() + by)


def reset() -> None:
    """Back to the real time."""
    global _set_to
    _set_to = None
