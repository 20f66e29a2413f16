"""The casework state machine against the real database: every path from receipt to closure,
what each action writes (timeline, audit, email), and the actions it refuses."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from reviews.audit import reset_origin, set_origin
from reviews.database import db
from reviews.models import AuditEvent, OutboxMessage, ReviewRequest, StaffUser, TimelineEntry
from reviews.references import format_reference
from reviews.tracking import can_withdraw, current_stage, public_timeline
from reviews.workflow import (
    ACTIONS,
    Status,
    TransitionRefused,
    available_actions,
    perform,
)
from tests.forms import csrf_token
from tests.journey import Journey, look_up
from tests.journey_data import complainant_steps
from tests.requests_data import TODAY, main_path, make_request
from tests.staff_helpers import StaffAccount, make_staff
from web.outbox import render_email

# Words from the request that no email may contain.
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


@pytest.fixture
def ctx(app):
    with staff_request(app):
        yield


ROLES = ("caseworker", "other_caseworker", "team_leader", "other_team_leader", "admin", "auditor")


@pytest.fixture
def accounts(request) -> dict[str, StaffAccount]:
    """The shared staff accounts (tests/app/conftest.py), one for each part people play."""
    return {name: request.getfixturevalue(name) for name in ROLES}


def staff_user(account: StaffAccount) -> StaffUser:
    """The account's user in this request's session, as the staff pages would load it."""
    return db.session.get(StaffUser, account.id)


def make_people(accounts: dict[str, StaffAccount]) -> SimpleNamespace:
    return SimpleNamespace(**{name: staff_user(account) for name, account in accounts.items()})


@pytest.fixture
def people(accounts, ctx):
    return make_people(accounts)


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


# The paths a request can take.


def test_valid_request_not_upheld_then_closed(people):
    review_request = make_request()
    do(review_request, "acknowledge", people.caseworker)
    assert review_request.acknowledged_on == TODAY
    assert current_stage(review_request).title == "Checking your request"

    do(review_request, "decide_valid", people.caseworker)
    assert review_request.validity == "valid"
    do(review_request, "notify_parties", people.caseworker)
    due = TODAY + timedelta(days=20)
    do(review_request, "request_mps_info", people.caseworker, due_on=due)
    assert (review_request.mps_info_requested_on, review_request.mps_info_due_on) == (TODAY, due)
    stage = current_stage(review_request)
    assert stage.title == "Waiting for information" and "Metropolitan Police" in (
        stage.what_happens_next
    )

    do(review_request, "chase_mps_info", people.caseworker)
    assert review_request.mps_info_chased_on == TODAY
    do(review_request, "mps_info_received", people.caseworker)
    assert review_request.mps_info_received_on == TODAY
    assert current_stage(review_request).title == "In the queue"

    month = (TODAY.replace(day=1) + timedelta(days=62)).replace(day=17)
    entry = do(review_request, "set_allocation_month", people.caseworker, month=month)
    assert review_request.estimated_allocation_month == month.replace(day=1)
    named = f"{month:%B} {month.year}"
    assert entry.public_note == f"We expect to give your request to a caseworker in {named}."
    assert named in current_stage(review_request).what_happens_next

    do(review_request, "allocate", people.team_leader, owner=people.caseworker)
    assert review_request.owner_id == people.caseworker.id
    do(review_request, "start_review", people.caseworker)
    assert current_stage(review_request).title == "Being reviewed"
    decide(review_request, people, reasonable=True, learning_points="Log video requests.")
    assert review_request.status == Status.NOT_UPHELD
    assert review_request.decision_approved_by_id == people.team_leader.id
    assert review_request.decision_issued_on == TODAY
    assert review_request.learning_points == "Log video requests."
    assert current_stage(review_request).title == "Decision sent"

    do(review_request, "close", people.caseworker)
    assert (review_request.status, review_request.closed_on) == (Status.CLOSED, TODAY)
    assert current_stage(review_request).title == "Closed"
    assert [m.template for m in emails(review_request)] == ["request_acknowledged", "decision_sent"]
    for message in emails(review_request):
        assert_no_complaint_details(message)
    assert [item.stage.title for item in public_timeline(review_request)][:3] == [
        "Received",
        "Checking your request",
        "Checking your request",
    ]


def test_upheld_with_recommendations_then_mps_response_then_closed(people):
    review_request = make_request()
    walk_to(review_request, people, Status.UNDER_REVIEW)
    do(
        review_request,
        "record_decision",
        people.caseworker,
        outcome_reasonable=False,
        decision_reasons="The video was not considered.",
        recommendations=["other", "apology", "handle-again"],
        other_recommendation="Train the team on video evidence.",
    )
    # The team leader sends it back once, and the caseworker records it again.
    do(review_request, "return_for_changes", people.team_leader)
    assert review_request.status == Status.UNDER_REVIEW
    decide(
        review_request,
        people,
        reasonable=False,
        recommendations=["apology", "handle-again"],
        refer_to_iopc=True,
    )
    assert review_request.status == Status.UPHELD
    assert review_request.recommendations == ["handle-again", "apology"]
    assert review_request.other_recommendation is None and review_request.refer_to_iopc is True
    assert "recommendations" in current_stage(review_request).what_happens_next

    refused(review_request, "close", people.caseworker, "cannot close the request at this stage")
    refused(
        review_request,
        "record_mps_response",
        people.caseworker,
        "today or earlier",
        mps_response="We will apologise.",
        mps_response_received_on=TODAY + timedelta(days=1),
    )
    do(
        review_request,
        "record_mps_response",
        people.caseworker,
        mps_response="We will apologise and look at the complaint again.",
        mps_response_received_on=TODAY - timedelta(days=1),
    )
    assert review_request.mps_response_received_on == TODAY - timedelta(days=1)
    do(review_request, "close", people.caseworker)
    assert review_request.status == Status.CLOSED
    assert [m.template for m in emails(review_request)] == [
        "request_acknowledged",
        "decision_sent",
        "mps_response_shared",
    ]
    for message in emails(review_request):
        assert_no_complaint_details(message)


def test_not_valid(people):
    review_request = make_request()
    do(review_request, "acknowledge", people.caseworker)
    refused(
        review_request,
        "decide_invalid",
        people.caseworker,
        "Enter the details",
        validity="before-2020",
    )
    refused(
        review_request,
        "decide_invalid",
        people.caseworker,
        "Select why MOPAC cannot review it",
        validity="boring",
        validity_reason="x",
    )
    entry = do(
        review_request,
        "decide_invalid",
        people.caseworker,
        validity="before-2020",
        validity_reason="Complaint made in 2019, per the MPS.",
    )
    assert review_request.status == Status.NO_RIGHT_OF_REVIEW
    assert (review_request.validity, review_request.closed_on) == ("before-2020", TODAY)
    assert "1 February 2020" in entry.public_note
    assert current_stage(review_request).title == "Closed"
    assert not can_withdraw(review_request)
    assert emails(review_request)[-1].template == "no_right_of_review"
    assert available_actions(review_request, people.team_leader) == []


def test_late_request_accepted(people):
    review_request = make_request(is_late=True, late_reason="I was in hospital.")
    do(review_request, "acknowledge", people.caseworker)
    refused(
        review_request, "decide_valid", people.caseworker, "Consider the late request and accept"
    )
    assert "decide_valid" not in [
        a.name for a in available_actions(review_request, people.caseworker)
    ]
    do(review_request, "consider_late", people.caseworker)
    assert current_stage(review_request).title == "Checking your request"
    refused(review_request, "accept_late", people.caseworker, "Enter why you are accepting")
    do(
        review_request,
        "accept_late",
        people.caseworker,
        late_decision_reason="In hospital for the whole 28 days.",
    )
    assert review_request.status == Status.ACCEPTED
    assert review_request.late_decision == "accepted" and review_request.validity == "valid"
    assert review_request.late_decision_reason == "In hospital for the whole 28 days."


def test_late_request_refused(people):
    review_request = make_request(is_late=True, late_reason="I forgot.")
    do(review_request, "acknowledge", people.caseworker)
    do(review_request, "consider_late", people.caseworker)
    entry = do(review_request, "refuse_late", people.caseworker, reason="No special circumstances.")
    assert review_request.status == Status.REFUSED_LATE
    assert review_request.late_decision == "refused"
    assert review_request.late_decision_reason == "No special circumstances."
    assert review_request.closed_on == TODAY
    assert "No special circumstances." in entry.public_note
    assert current_stage(review_request).title == "Closed"
    message = emails(review_request)[-1]
    assert message.template == "late_request_refused"
    assert_no_complaint_details(message)


def test_lateness_is_only_considered_for_late_requests(people):
    review_request = make_request()
    do(review_request, "acknowledge", people.caseworker)
    refused(review_request, "consider_late", people.caseworker, "arrived within the 28 days")


def test_forwarded_to_the_iopc_says_exactly_what_was_shared(people):
    review_request = make_request(review_body_named="not-sure")
    do(review_request, "acknowledge", people.caseworker)
    shared = "Your request form and the outcome letter dated 2 March 2026."
    entry = do(review_request, "forward_to_iopc", people.team_leader, shared_with_iopc=shared)
    assert review_request.status == Status.FORWARDED_TO_IOPC
    assert review_request.shared_with_iopc == shared
    assert review_request.forwarded_to_iopc_on == review_request.closed_on == TODAY
    assert shared in entry.public_note
    stage = current_stage(review_request)
    assert stage.title == "Transferred to the IOPC" and shared in stage.what_happens_next

    message = emails(review_request)[-1]
    assert message.template == "forwarded_to_iopc"
    subject, body = assert_no_complaint_details(message)
    assert subject.startswith("We have sent your review request to the IOPC")
    assert shared in body
    assert "/track" in body


def test_staff_record_a_written_withdrawal_before_the_decision(people):
    review_request = make_request()
    walk_to(review_request, people, Status.UNDER_REVIEW)
    assert can_withdraw(review_request)
    refused(review_request, "withdraw", people.caseworker, "Enter how and why")
    do(review_request, "withdraw", people.caseworker, reason="Signed letter: sorted with the Met.")
    assert review_request.status == Status.WITHDRAWN
    assert current_stage(review_request).title == "Withdrawn"
    assert not can_withdraw(review_request)
    message = emails(review_request)[-1]
    assert message.template == "request_withdrawn"
    assert_no_complaint_details(message)
    event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert event.detail["reason"] == "Signed letter: sorted with the Met."


def test_no_withdrawal_once_the_decision_is_sent(people):
    review_request = make_request()
    walk_to(review_request, people, Status.UNDER_REVIEW)
    decide(review_request, people, reasonable=False, recommendations=["explanation"])
    assert not can_withdraw(review_request)
    refused(
        review_request,
        "withdraw",
        people.caseworker,
        "cannot record a written withdrawal",
        reason="x",
    )


def test_reopen_after_judicial_review_is_for_admins_only(people):
    review_request = make_request()
    walk_to(review_request, people, Status.UNDER_REVIEW)
    decide(review_request, people, reasonable=True)
    do(review_request, "close", people.caseworker)
    for user in (people.caseworker, people.team_leader, people.auditor):
        refused(review_request, "reopen", user, "Only admins can reopen", reason="JR")
    refused(review_request, "reopen", people.admin, "Enter why it is reopened")
    assert [a.name for a in available_actions(review_request, people.admin)] == ["reopen"]

    entry = do(review_request, "reopen", people.admin, reason="Consent order after JR claim.")
    assert review_request.status == Status.UNDER_REVIEW
    assert entry.public_note == "Reopened for a new decision following judicial review"
    assert review_request.closed_on is None and review_request.decision_issued_on is None
    assert review_request.decision_approved_by_id is None
    event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert event.detail["reason"] == "Consent order after JR claim."
    assert event.detail["previous"]["closed_on"] == TODAY.isoformat()
    assert event.detail["previous"]["decision_approved_by_id"] == people.team_leader.id

    # The new decision goes through the checks again.
    decide(review_request, people, reasonable=False, recommendations=["apology"])
    assert review_request.status == Status.UPHELD
    assert [m.template for m in emails(review_request)].count("decision_sent") == 2


def test_asking_the_requester_for_information_twice_emails_twice(people):
    review_request = make_request()
    do(review_request, "acknowledge", people.caseworker)
    for question in ("The date you complained.", "The letter's second page."):
        entry = do(
            review_request, "ask_requester", people.caseworker, information_requested=question
        )
        assert review_request.information_requested == question
        assert question in entry.public_note
        stage = current_stage(review_request)
        assert stage.title == "Waiting for information"
        assert question in stage.needed_from_you
        do(review_request, "information_received", people.caseworker)
        assert review_request.status == Status.ACKNOWLEDGED
    messages = [m for m in emails(review_request) if m.template == "information_needed"]
    assert len(messages) == 2
    assert len({m.event_key for m in emails(review_request)}) == len(emails(review_request))
    for message in messages:
        _subject, body = assert_no_complaint_details(message)
        assert "The date you complained" not in body


def test_every_email_goes_once_to_each_person_getting_updates(people):
    review_request = make_request(
        requester_role="representative",
        requester_name="Ria Advocate",
        requester_email="ria@example.org",
        complainant_email="sam.private@example.com",
        updates_to="both",
    )
    do(review_request, "acknowledge", people.caseworker)
    messages = emails(review_request)
    assert sorted(m.recipient for m in messages) == ["ria@example.org", "sam.private@example.com"]
    assert {m.template for m in messages} == {"request_acknowledged"}
    assert len({m.event_key for m in messages}) == 2
    for message in messages:
        assert_no_complaint_details(message)


def send_through_the_journey(client) -> None:
    journey = Journey(client)
    journey.walk(complainant_steps())
    journey.send()


def test_a_request_sent_through_the_journey_shows_casework_on_the_tracker(app, client, accounts):
    send_through_the_journey(client)
    # Staff work in their own request context: the tracker's requests below must not share it.
    with staff_request(app):
        people = make_people(accounts)
        review_request = db.session.scalar(select(ReviewRequest))
        do(review_request, "acknowledge", people.caseworker)
        do(
            review_request,
            "ask_requester",
            people.caseworker,
            information_requested="A copy of your original complaint.",
        )
        reference = format_reference(review_request.reference)
        templates = [m.template for m in emails(review_request)]
    assert templates == ["request_received", "request_acknowledged", "information_needed"]
    tracker = app.test_client()
    look_up(tracker, reference, "Example")
    page = tracker.get("/track/your-request").text
    assert "Waiting for information" in page
    assert "Checking your request" in page
    assert "A copy of your original complaint." in page
    assert "Withdraw your request" in page


def test_public_withdrawal_is_open_while_staff_work_on_the_request(app, client, accounts):
    send_through_the_journey(client)
    with staff_request(app):
        people = make_people(accounts)
        review_request = db.session.scalar(select(ReviewRequest))
        walk_to(review_request, people, Status.UNDER_REVIEW)
        assert can_withdraw(review_request)
    tracker = app.test_client()
    look_up(tracker, reference_of_the_request(app), "Example")
    response = tracker.post(
        "/track/withdraw",
        data={"csrf_token": csrf_token(tracker, "/track/withdraw"), "reason": ""},
    )
    assert response.location.endswith("/track/your-request")
    with app.app_context():
        review_request = db.session.scalar(select(ReviewRequest))
        assert review_request.status == Status.WITHDRAWN
        assert [m.template for m in emails(review_request)][-1] == "request_withdrawn"


def reference_of_the_request(app) -> str:
    with app.app_context():
        return format_reference(db.session.scalar(select(ReviewRequest.reference)))


# Refusals.


def test_wrong_status(people):
    review_request = make_request()
    do(review_request, "acknowledge", people.caseworker)
    refused(
        review_request,
        "acknowledge",
        people.caseworker,
        "You cannot acknowledge the request at this stage. The request is: Acknowledged.",
    )
    refused(review_request, "issue_decision", people.team_leader, "cannot send the decision")
    refused(review_request, "no_such_action", people.team_leader, "no action called")


def test_wrong_role(app, people):
    review_request = make_request()
    refused(review_request, "acknowledge", people.auditor, "Only caseworkers and team leaders")
    refused(review_request, "acknowledge", people.admin, "Only caseworkers and team leaders")
    assert available_actions(review_request, people.auditor) == []
    assert [a.name for a in available_actions(review_request, people.caseworker)] == [
        "acknowledge",
        "withdraw",
    ]
    walk_to(review_request, people, Status.AWAITING_ALLOCATION)
    refused(
        review_request,
        "allocate",
        people.caseworker,
        "Only team leaders can allocate",
        owner=people.caseworker,
    )
    inactive = staff_user(make_staff(app, "team-leader", "gone@example.org", active=False))
    refused(review_request, "allocate", inactive, "not active", owner=people.caseworker)


def test_allocation_is_to_an_active_caseworker_or_team_leader(app, people):
    review_request = make_request()
    walk_to(review_request, people, Status.AWAITING_ALLOCATION)
    left = staff_user(make_staff(app, "caseworker", "left@example.org", active=False))
    for owner in (people.auditor, people.admin, left, 999_999, "nobody"):
        refused(
            review_request,
            "allocate",
            people.team_leader,
            "select an active caseworker or team leader",
            owner=owner,
        )
    do(review_request, "allocate", people.team_leader, owner=str(people.other_caseworker.id))
    assert review_request.owner_id == people.other_caseworker.id


def test_only_the_owner_or_a_team_leader_works_on_an_allocated_request(people):
    review_request = make_request()
    walk_to(review_request, people, Status.ALLOCATED)
    refused(
        review_request,
        "start_review",
        people.other_caseworker,
        "Only the caseworker who has this request, or a team leader",
    )
    refused(
        review_request,
        "withdraw",
        people.other_caseworker,
        "Only the caseworker who has this request",
        reason="x",
    )
    assert available_actions(review_request, people.other_caseworker) == []
    do(review_request, "start_review", people.team_leader)


def test_missing_and_invalid_details(people):
    review_request = make_request()
    do(review_request, "acknowledge", people.caseworker)
    refused(review_request, "ask_requester", people.caseworker, "Enter what information")
    refused(
        review_request,
        "ask_requester",
        people.caseworker,
        "does not take these details: colour",
        information_requested="x",
        colour="red",
    )
    do(review_request, "decide_valid", people.caseworker)
    do(review_request, "notify_parties", people.caseworker)
    refused(review_request, "request_mps_info", people.caseworker, "Enter when the MPS")
    refused(review_request, "request_mps_info", people.caseworker, "real date", due_on="next week")
    refused(
        review_request,
        "request_mps_info",
        people.caseworker,
        "today or later",
        due_on=TODAY - timedelta(days=1),
    )
    do(review_request, "request_mps_info", people.caseworker, due_on=TODAY.isoformat())
    do(review_request, "mps_info_received", people.caseworker)
    refused(
        review_request,
        "set_allocation_month",
        people.caseworker,
        "this month or later",
        month=TODAY.replace(day=1) - timedelta(days=1),
    )


@pytest.mark.parametrize(
    ("details", "message"),
    [
        ({}, "Select whether the outcome was reasonable"),
        ({"outcome_reasonable": True}, "Enter the reasons"),
        (
            {"outcome_reasonable": False, "decision_reasons": "r"},
            "choose at least one recommendation or refer it to the IOPC",
        ),
        (
            {"outcome_reasonable": True, "decision_reasons": "r", "recommendations": ["apology"]},
            "make no recommendations",
        ),
        (
            {"outcome_reasonable": True, "decision_reasons": "r", "refer_to_iopc": True},
            "do not refer it to the IOPC",
        ),
        (
            {"outcome_reasonable": False, "decision_reasons": "r", "recommendations": ["other"]},
            "Describe the other recommendation",
        ),
        (
            {
                "outcome_reasonable": False,
                "decision_reasons": "r",
                "recommendations": ["apology"],
                "other_recommendation": "Something",
            },
            "Select 'Something else'",
        ),
        (
            {"outcome_reasonable": False, "decision_reasons": "r", "recommendations": ["money"]},
            "choose only from the options",
        ),
    ],
)
def test_decision_details_are_checked(people, details, message):
    review_request = make_request()
    walk_to(review_request, people, Status.UNDER_REVIEW)
    refused(review_request, "record_decision", people.caseworker, message, **details)
    assert review_request.outcome_reasonable is None and review_request.recommendations == []


def test_approval_needs_a_team_leader_who_did_not_write_the_decision(people):
    review_request = make_request()
    walk_to(review_request, people, Status.ALLOCATED)
    do(review_request, "start_review", people.team_leader)
    do(
        review_request,
        "record_decision",
        people.team_leader,
        outcome_reasonable=True,
        decision_reasons="Reasonable.",
    )
    refused(review_request, "approve_decision", people.caseworker, "Only team leaders can approve")
    refused(review_request, "approve_decision", people.team_leader, "Another team leader must")
    assert "approve_decision" not in [
        a.name for a in available_actions(review_request, people.team_leader)
    ]
    do(review_request, "approve_decision", people.other_team_leader)
    assert review_request.decision_approved_by_id == people.other_team_leader.id


def test_a_team_leader_who_owns_the_request_does_not_approve_it(people):
    review_request = make_request()
    walk_to(review_request, people, Status.AWAITING_ALLOCATION)
    do(review_request, "allocate", people.team_leader, owner=people.other_team_leader)
    do(review_request, "start_review", people.other_team_leader)
    do(
        review_request,
        "record_decision",
        people.team_leader,
        outcome_reasonable=True,
        decision_reasons="Reasonable.",
    )
    refused(review_request, "approve_decision", people.other_team_leader, "Another team leader")
    refused(review_request, "approve_decision", people.team_leader, "Another team leader")


def test_a_refused_action_changes_nothing_even_after_its_checks_start(people):
    review_request = make_request()
    walk_to(review_request, people, Status.UNDER_REVIEW)
    refused(
        review_request,
        "record_decision",
        people.caseworker,
        "choose at least one",
        outcome_reasonable=False,
        decision_reasons="Unreasonable.",
    )
    db.session.refresh(review_request)
    assert review_request.decision_reasons is None


def test_status_values_are_stored_as_plain_strings(people):
    review_request = make_request()
    do(review_request, "acknowledge", people.caseworker)
    stored = db.session.scalars(select(TimelineEntry.status).order_by(TimelineEntry.id)).all()
    assert stored == ["received", "acknowledged"]
    assert db.session.scalar(select(ReviewRequest.status)) == "acknowledged"


def test_perform_adds_to_the_callers_transaction(people):
    review_request = make_request()
    perform(review_request, "acknowledge", people.caseworker, TODAY)
    db.session.rollback()
    db.session.refresh(review_request)
    assert review_request.status == "received" and review_request.acknowledged_on is None
    assert count(AuditEvent) == count(OutboxMessage) == 0


def test_dates_in_the_audit_detail_are_text(people):
    review_request = make_request()
    walk_to(review_request, people, Status.PARTIES_NOTIFIED)
    due = date(TODAY.year + 1, 1, 31)
    do(review_request, "request_mps_info", people.caseworker, due_on=due)
    event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert event.detail == {
        "from": "parties-notified",
        "to": "awaiting-mps-info",
        "due_on": due.isoformat(),
    }
