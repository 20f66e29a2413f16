"""Steps of the casework workflow for tests that take a request along it: each action done the
way a view does it and checked for what it writes, or refused and checked for what it does not."""

from __future__ import annotations

from contextlib import contextmanager
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from reviews.audit import reset_origin, set_origin
from reviews.database import db
from reviews.models import AuditEvent, OutboxMessage, ReviewRequest, StaffUser, TimelineEntry
from reviews.references import format_reference
from reviews.workflow import ACTIONS, Status, TransitionRefused, perform
from tests.requests_data import TODAY, main_path, make_request
from tests.staff_helpers import StaffAccount
from web.outbox import render_email

PRIVATE = ("Sam Example", "Officers were rude", "body-worn", "CO/01234/25", "Sam@example.com")


@contextmanager
def staff_request(app):
    """What a staff request gives the domain: a request context, and the client's address for
    audit events (which web.audit_origin sets before each request; here, by hand)."""
    with app.test_request_context(environ_base={"REMOTE_ADDR": "192.0.2.10"}):
        token = set_origin("192.0.2.10")
        try:
            yield
        finally:
            reset_origin(token)


STAFF_PARTS = (
    "caseworker",
    "other_caseworker",
    "team_leader",
    "other_team_leader",
    "admin",
    "auditor",
)


def staff_user(account: StaffAccount) -> StaffUser:
    """The account's user in this request's session, as the staff pages would load it."""
    return db.session.get(StaffUser, account.id)


def make_people(accounts: dict[str, StaffAccount]) -> SimpleNamespace:
    return SimpleNamespace(**{name: staff_user(account) for name, account in accounts.items()})


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def do(review_request, action_name, user, **details) -> TimelineEntry | None:
    """perform, then commit as a view would; checks that it wrote one audit event, and a timeline
    entry exactly when the status changed (or the requester has news)."""
    audits, entries = count(AuditEvent), count(TimelineEntry)
    before = review_request.status
    entry = perform(review_request, action_name, user, TODAY, **details)
    db.session.commit()
    assert count(AuditEvent) == audits + 1
    event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert (event.action, event.staff_user_id, event.review_request_id) == (
        action_name,
        user.id,
        review_request.id,
    )
    assert event.detail["from"] == before and event.detail["to"] == review_request.status
    assert event.ip_address == "192.0.2.10"
    if ACTIONS[action_name].changes_status:
        assert review_request.status != before
        assert count(TimelineEntry) == entries + 1
        assert entry.status == review_request.status and entry.staff_user_id == user.id
    elif action_name == "set_allocation_month":
        assert review_request.status == before and count(TimelineEntry) == entries + 1
    else:
        assert review_request.status == before and count(TimelineEntry) == entries
        assert entry is None
    return entry


def refused(review_request, action_name, user, match: str, **details) -> None:
    """The action is refused with a message for staff, and nothing is written."""
    audits, entries, messages = count(AuditEvent), count(TimelineEntry), count(OutboxMessage)
    status = review_request.status
    with pytest.raises(TransitionRefused, match=match):
        perform(review_request, action_name, user, TODAY, **details)
    db.session.commit()
    assert review_request.status == status
    assert (count(AuditEvent), count(TimelineEntry), count(OutboxMessage)) == (
        audits,
        entries,
        messages,
    )


def emails(review_request) -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.review_request_id == review_request.id)
            .order_by(OutboxMessage.id)
        )
    )


def assert_no_complaint_details(message: OutboxMessage) -> tuple[str, str]:
    subject, body = render_email(message)
    for private in PRIVATE:
        assert private.lower() not in (subject + body).lower(), (message.template, private)
    assert message.personalisation["reference"] in subject
    return subject, body


def walk_to(review_request, people, status: Status) -> None:
    """Take an in-time request along the main path until it reaches `status`."""
    steps = main_path("start_review", by=people.caseworker, leader=people.team_leader)
    for name, by, details in steps:
        if review_request.status == status:
            return
        do(review_request, name, by, **details)
    assert review_request.status == status


def request_at(people, status: Status, **fields) -> ReviewRequest:
    """A new in-time request, taken along the main path by `people` until it reaches `status`."""
    review_request = make_request(**fields)
    walk_to(review_request, people, status)
    return review_request


def decide(review_request, people, reasonable: bool, **details) -> None:
    do(
        review_request,
        "record_decision",
        people.caseworker,
        outcome_reasonable=reasonable,
        decision_reasons="The MPS looked at the video and explained its decision.",
        **details,
    )
    do(review_request, "approve_decision", people.team_leader)
    do(review_request, "issue_decision", people.caseworker)


def reference_of_the_request(app) -> str:
    with app.app_context():
        return format_reference(db.session.scalar(select(ReviewRequest.reference)))
