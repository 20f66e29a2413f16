"""The casework action pages as a browser uses them: open an action's form, send it, read its
errors and banners, and check what taking an action wrote."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from html import unescape

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from reviews.database import db
from reviews.models import AuditEvent, OutboxMessage, TimelineEntry
from reviews.workflow import ACTIONS
from staff.actions import DONE
from tests.forms import hidden_fields
from tests.requests_data import main_path, status_of
from tests.staff_helpers import StaffAccount

_LETTER_TEXT = re.compile(r'<textarea[^>]*name="letter_text"[^>]*>(.*?)</textarea>', re.S)
_ERROR_SUMMARY = re.compile(r'govuk-error-summary__list">(.*?)</ul>', re.S)


@dataclass
class Team:
    app: Flask
    caseworker: StaffAccount
    other_caseworker: StaffAccount
    team_leader: StaffAccount
    other_team_leader: StaffAccount
    admin: StaffAccount
    auditor: StaffAccount

    client: Callable[[StaffAccount], FlaskClient]

    def main_path(
        self, through: str, *, by: StaffAccount | None = None, owner: StaffAccount | None = None
    ) -> list[tuple[str, StaffAccount, dict]]:
        """The main path up to `through`, done by `by` (the caseworker), allocated by the team
        leader to `owner` (`by`)."""
        by = by or self.caseworker
        return main_path(through, by=by, leader=self.team_leader, owner=owner)


def url(request_id: int, action_name: str | None = None) -> str:
    page = f"/staff/requests/{request_id}"
    return f"{page}/actions/{action_name}" if action_name else page


def text_of(response) -> str:
    return unescape(response.get_data(as_text=True))


def open_form(client: FlaskClient, request_id: int, action_name: str) -> dict[str, str]:
    """Open the action's page; the hidden fields its form sends back (and the letter's words,
    where the page shows a letter to check)."""
    response = client.get(url(request_id, action_name))
    assert response.status_code == 200, response.status_code
    assert f'<h1 class="govuk-heading-l">{ACTIONS[action_name].label}</h1>' in text_of(response)
    return sent_back(response.get_data(as_text=True))


def sent_back(html: str) -> dict[str, str]:
    """What a form on the page sends unless changed: its hidden fields and the letter's words."""
    letter = _LETTER_TEXT.search(html)
    words = {"letter_text": unescape(letter.group(1)).removeprefix("\n")} if letter else {}
    return {**hidden_fields(html), **words}


def send(client: FlaskClient, request_id: int, action_name: str, **answers):
    """Open the action's page and send its form with these answers, as a browser would. An
    action that sends a letter shows it to check first: it is sent from there as written."""
    hidden = open_form(client, request_id, action_name)
    response = client.post(url(request_id, action_name), data={**hidden, **answers})
    if response.status_code == 200 and 'name="letter_step"' in response.text:
        check = sent_back(response.get_data(as_text=True))
        response = client.post(url(request_id, action_name), data=check)
    return response


def date_answer(name: str, value, parts=("day", "month", "year")) -> dict[str, str]:
    return {f"{name}-{part}": str(getattr(value, part)) for part in parts}


def counts(app: Flask, request_id: int) -> tuple[int, int, int]:
    """Casework audit events (not views), timeline entries and emails for the request."""
    with app.app_context():
        return tuple(
            db.session.scalar(select(func.count()).select_from(model).where(*conditions))
            for model, *conditions in (
                (
                    AuditEvent,
                    AuditEvent.review_request_id == request_id,
                    AuditEvent.action.in_(ACTIONS),
                ),
                (TimelineEntry, TimelineEntry.review_request_id == request_id),
                (OutboxMessage, OutboxMessage.review_request_id == request_id),
            )
        )


def errors_shown(response) -> list[str]:
    """The error summary's messages, having checked the GOV.UK error pattern around them."""
    html = text_of(response)
    assert response.status_code == 200
    assert "<title>Error: " in html
    summary = _ERROR_SUMMARY.search(html)
    assert summary, "no error summary"
    messages = [m.strip() for m in re.findall(r"<a [^>]*>(.*?)</a>", summary.group(1), re.S)]
    for message in messages:
        # Each is also shown against its question.
        assert f'<span class="govuk-visually-hidden">Error:</span> {message}' in html
    return messages


def take(team: Team, client: FlaskClient, request_id: int, action_name: str, **answers) -> str:
    """Take an action through its page and check what it wrote; returns the banner's text."""
    audits, entries, _ = counts(team.app, request_id)
    before = status_of(team.app, request_id)
    response = send(client, request_id, action_name, **answers)
    assert response.status_code == 302, errors_shown(response)
    assert response.location == url(request_id)

    action = ACTIONS[action_name]
    after = status_of(team.app, request_id)
    assert (after in action.to_statuses) if action.changes_status else (after == before)
    new_audits, new_entries, _ = counts(team.app, request_id)
    assert new_audits == audits + 1
    # A timeline entry for each new status, for the allocation month (news that keeps it), and
    # for a reassignment (staff read why on the request's timeline).
    news = action.changes_status or action_name in ("set_allocation_month", "reassign")
    assert new_entries - entries == (1 if news else 0)
    with team.app.app_context():
        event = db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.review_request_id == request_id)
            .order_by(AuditEvent.id.desc())
        ).first()
        assert event.action == action_name
        assert (event.detail["from"], event.detail["to"]) == (before, after)

    banner = success_banner(client.get(url(request_id)))
    assert banner.startswith(DONE[action_name])
    # Shown once: a reload does not repeat it.
    assert "govuk-notification-banner--success" not in text_of(client.get(url(request_id)))
    return banner


def success_banner(response) -> str:
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    banner = re.search(r'<h3 class="govuk-notification-banner__heading">(.*?)</h3>', html)
    assert banner, "no success banner"
    return unescape(banner.group(1))


def important_banner(response) -> str:
    """The text of the notification banner that says why nothing was done."""
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    banner = re.search(
        r'id="action-refused-title">.*?govuk-notification-banner__heading">\s*(.*?)\s*</p>',
        html,
        re.S,
    )
    assert banner, "no banner saying why"
    return unescape(banner.group(1))
