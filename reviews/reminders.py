"""Reminding people who saved a draft that their 28 days are nearly over."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from reviews.drafts import drafts_to_remind, save_for_later
from reviews.extensions import db
from reviews.models import utc_now
from reviews.notifications import queue_email
from reviews.rules import format_date


def queue_deadline_reminders(today: date, link_for: Callable[[str], str]) -> int:
    """Queue one reminder per saved draft near its deadline, each in its own transaction.
    The reminder carries a fresh single-use link (`link_for(token)`): only a hash of the old
    one was kept, so it cannot be sent again. Returns how many were queued."""
    queued = 0
    for draft, deadline in drafts_to_remind(today):
        token = save_for_later(draft, draft.resume_email)
        queue_email(
            f"draft-reminder:{draft.id}",
            "draft_reminder",
            draft.resume_email,
            {
                "link": link_for(token),
                "until": format_date(draft.resume_token_expires_at.date()),
                "last_day": format_date(deadline.last_day),
            },
        )
        draft.deadline_reminder_sent_at = utc_now()
        db.session.commit()
        queued += 1
    return queued
