"""Emails with a link back to a saved draft: when it is saved, and again when its 28 days are
nearly over."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from reviews import clock
from reviews.database import db
from reviews.drafts import drafts_to_remind, save_for_later
from reviews.models import Draft
from reviews.notifications import queue_email
from reviews.rules import format_date


def _fresh_link(draft: Draft, email: str, link_for: Callable[[str], str]) -> dict[str, Any]:
    """Keep the draft for 30 days with a new single-use link (`link_for(token)`), and what an
    email about it says."""
    token = save_for_later(draft, email)
    expires_at = draft.resume_token_expires_at
    assert expires_at is not None  # save_for_later has just set it
    return {"link": link_for(token), "until": format_date(expires_at.date())}


def queue_resume_link(draft: Draft, email: str, link_for: Callable[[str], str]) -> None:
    """Save the draft for later and queue the email with its link, in the caller's
    transaction."""
    personalisation = _fresh_link(draft, email, link_for)
    queue_email(f"draft-saved:{draft.resume_token_hash}", "draft_saved", email, personalisation)


def queue_deadline_reminders(today: date, link_for: Callable[[str], str]) -> int:
    """Queue one reminder per saved draft near its deadline, each in its own transaction.
    The reminder carries a fresh single-use link (`link_for(token)`): only a hash of the old
    one was kept, so it cannot be sent again. Returns how many were queued."""
    queued = 0
    for draft, deadline in drafts_to_remind(today):
        email = draft.resume_email
        assert email is not None  # drafts_to_remind picks drafts saved with an email only
        queue_email(
            f"draft-reminder:{draft.id}",
            "draft_reminder",
            email,
            {
                **_fresh_link(draft, email, link_for),
                "last_day": format_date(deadline.last_day),
            },
        )
        draft.deadline_reminder_sent_at = clock.now()
        db.session.commit()
        queued += 1
    return queued
