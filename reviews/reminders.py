"""Emails with a link back to a saved draft: when it is saved, and again when its 28 days are
nearly over.

The outbox message holds no link: only the draft's id (not a secret) and the dates. The worker
mints the single-use token as it sends the email (web.outbox, reviews.drafts.issue_resume_token)
and empties the message once delivered, so no usable link is ever stored."""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

from reviews import clock
from reviews.database import db
from reviews.drafts import drafts_to_remind, save_for_later
from reviews.models import Draft
from reviews.notifications import queue_email
from reviews.rules import format_date

# The emails whose link the worker mints as it sends them; `draft` names the draft.
RESUME_LINK_TEMPLATES = ("draft_saved", "draft_reminder")


def _kept_for_later(draft: Draft, email: str) -> dict[str, Any]:
    """Keep the draft for 30 days for a link sent to `email`, and what an email about it says
    (the link is added at sending)."""
    save_for_later(draft, email)
    expires_at = draft.resume_token_expires_at
    assert expires_at is not None  # save_for_later has just set it
    return {"draft": draft.id, "until": format_date(expires_at.date())}


def queue_resume_link(draft: Draft, email: str) -> None:
    """Save the draft for later and queue the email that will carry its link, in the caller's
    transaction."""
    # Each save is its own email; the suffix only keeps the event keys apart.
    queue_email(
        f"draft-saved:{draft.id}:{secrets.token_hex(4)}",
        "draft_saved",
        email,
        _kept_for_later(draft, email),
    )


def queue_deadline_reminders(today: date) -> int:
    """Queue one reminder per saved draft near its deadline, each in its own transaction.
    The reminder gets a fresh single-use link when it is sent: only a hash of the old one was
    kept, so it cannot be sent again. Returns how many were queued."""
    queued = 0
    for draft, deadline in drafts_to_remind(today):
        email = draft.resume_email
        assert email is not None  # drafts_to_remind picks drafts saved with an email only
        queue_email(
            f"draft-reminder:{draft.id}",
            "draft_reminder",
            email,
            {
                **_kept_for_later(draft, email),
                "last_day": format_date(deadline.last_day),
            },
        )
        draft.deadline_reminder_sent_at = clock.now()
        db.session.commit()
        queued += 1
    return queued
