"""Every promise the service makes to the public, in one place: its value, how pages word it
and where it comes from. Pages read these (templates get `promises`, registered in web),
never a number of their own, so a promise changes here or nowhere.

Sources: "review-rules.md" is ../shared/domain/review-rules.md (the law and published
practice); "MOPAC's own standard" is a promise the service makes that no rule requires.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from reviews.accessibility import CALLBACK_WORKING_DAYS, FORMAT_REPLY_WORKING_DAYS
from reviews.drafts import DRAFT_LIFETIME, REMINDER_DAYS_LEFT, SAVED_DRAFT_LIFETIME
from reviews.retention_schedule import RetentionSchedule
from reviews.rules import ACKNOWLEDGEMENT_WORKING_DAYS, REVIEW_WINDOW_DAYS

MOPAC_STANDARD = "MOPAC's own standard"
# Rule 15: no statutory deadline; published practice is to aim to complete within 28 working
# days. Counted from the day we got the request (reviews.tracker_dates).
DECISION_AIM_WORKING_DAYS = 28
# Rule 13: the Met must reply to our recommendations in writing, but no deadline was found
# (the 56 days of para 28B are for the IOPC's learning recommendations). We ask for a reply
# within the same time, counted from the day we send the decision; staff chase it after that.
MET_RESPONSE_DAYS = 56


@dataclass(frozen=True)
class Promise:
    """`value` `unit` ("5 working days"), or a promise with no number (`value` None), said
    as `wording`. `text` is how a page states the length: "5 working days", "1 day"."""

    value: int | None
    unit: str
    wording: str
    source: str

    @property
    def text(self) -> str:
        if self.value is None:
            return self.wording
        unit = self.unit.removesuffix("s") if self.value == 1 else self.unit
        return f"{self.value} {unit}"

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Promises:
    review_window: Promise
    acknowledgement: Promise
    decision: Promise
    callback: Promise
    format_reply: Promise
    met_replies_in_writing: Promise
    met_response: Promise
    unsaved_draft: Promise
    saved_draft: Promise
    draft_reminder: Promise
    records_kept: Promise

    def all(self) -> dict[str, Promise]:
        return dict(vars(self))


def records_kept(schedule: RetentionSchedule) -> Promise:
    """How long review records are kept: the schedule that reviews.retention applies."""
    years = schedule.closed_request_years
    return Promise(
        years,
        "years",
        f"We keep review records for {years} {'year' if years == 1 else 'years'} after the"
        " review ends",
        "review-rules.md 19: GMCA keeps six years; no MOPAC period was found (the setting"
        " RETENTION_CLOSED_REQUEST_YEARS)",
    )


PROMISES = Promises(
    review_window=Promise(
        REVIEW_WINDOW_DAYS,
        "days",
        f"You have {REVIEW_WINDOW_DAYS} days to ask for a review, starting the day after the"
        " date on the letter",
        "review-rules.md 6: PCMR 2020 reg 29(2)",
    ),
    acknowledgement=Promise(
        ACKNOWLEDGEMENT_WORKING_DAYS,
        "working days",
        "We will tell you we have started work on your request within"
        f" {ACKNOWLEDGEMENT_WORKING_DAYS} working days",
        "review-rules.md 15: MOPAC practice, acknowledge within 5 working days",
    ),
    decision=Promise(
        DECISION_AIM_WORKING_DAYS,
        "working days",
        "We aim to send you our decision within"
        f" {DECISION_AIM_WORKING_DAYS} working days of getting your request",
        "review-rules.md 15: published practice, aim to complete within 28 working days"
        " (there is no statutory deadline)",
    ),
    callback=Promise(
        CALLBACK_WORKING_DAYS,
        "working days",
        f"A member of the team will call you within {CALLBACK_WORKING_DAYS} working days",
        MOPAC_STANDARD,
    ),
    format_reply=Promise(
        FORMAT_REPLY_WORKING_DAYS,
        "working days",
        "We will reply to a request for another format within"
        f" {FORMAT_REPLY_WORKING_DAYS} working days",
        MOPAC_STANDARD,
    ),
    met_replies_in_writing=Promise(
        None,
        "",
        "The Met must reply to our recommendations in writing",
        "review-rules.md 13: the MPS must give a written response (PCMR reg 30)",
    ),
    met_response=Promise(
        MET_RESPONSE_DAYS,
        "days",
        f"We ask the Met to reply to our recommendations within {MET_RESPONSE_DAYS} days",
        f"{MOPAC_STANDARD} (review-rules.md 13 sets no deadline; reviews.promises"
        ".MET_RESPONSE_DAYS)",
    ),
    unsaved_draft=Promise(
        DRAFT_LIFETIME.days,
        "days",
        "If you start a request and do not send or save it, we delete it after"
        f" {DRAFT_LIFETIME.days} days",
        f"{MOPAC_STANDARD} (reviews.drafts.DRAFT_LIFETIME)",
    ),
    saved_draft=Promise(
        SAVED_DRAFT_LIFETIME.days,
        "days",
        "If you save your answers to come back to, we keep them for"
        f" {SAVED_DRAFT_LIFETIME.days} days",
        f"{MOPAC_STANDARD} (reviews.drafts.SAVED_DRAFT_LIFETIME)",
    ),
    draft_reminder=Promise(
        REMINDER_DAYS_LEFT,
        "days",
        f"We remind you by email when you have {REMINDER_DAYS_LEFT} days left",
        f"{MOPAC_STANDARD} (reviews.drafts.REMINDER_DAYS_LEFT)",
    ),
    records_kept=records_kept(RetentionSchedule()),
)


def promises_for(schedule: RetentionSchedule) -> Promises:
    """The promises with the configured retention schedule (web registers these for pages)."""
    return replace(PROMISES, records_kept=records_kept(schedule))
