"""The retention schedule: how long each kind of record is kept. A plain value, read from the
settings by web.config and stated by reviews.promises; reviews.retention applies it. It imports
nothing of the service, so the promises and the configuration can read it without a cycle."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class RetentionSchedule:
    """How long each kind of record is kept. Defaults: "MOPAC to confirm" (README)."""

    # A finished request, from the day it finished (closed, decided invalid or late,
    # forwarded, withdrawn) until it becomes a stub. GMCA keeps six years (review-rules.md 19).
    closed_request_years: int = 6
    # An email's recipient and content, from delivery (or a failure being dealt with).
    message_content_days: int = 0
    # Staff sign-in attempts: long enough to look into a break-in, no longer.
    sign_in_attempt_days: int = 90
    # Audit events: longer than the requests they are about, to answer a complaint about how
    # a request was handled after it has gone.
    audit_event_years: int = 7
    # Answers to the satisfaction survey (the step in reviews.retention.EXTRA_STEPS).
    survey_answer_days: int = 365
    # Answers to the equality monitoring questions, kept the same way (reviews.equality).
    equality_answer_days: int = 365

    def __post_init__(self) -> None:
        for name, value in vars(self).items():
            if not isinstance(value, int) or value < 0:
                raise ValueError(f"{name} must be a whole number, 0 or more")
        if self.closed_request_years < 1:
            raise ValueError("closed_request_years must be 1 or more")
        if self.audit_event_years < self.closed_request_years:
            raise ValueError("audit_event_years must be no fewer than closed_request_years")


def years_before(day: date, years: int) -> date:
    """The same date `years` earlier (29 February becomes the 28th)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)
