"""The casework state machine against the real database: the actions it refuses, and why, with
nothing written."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from reviews.database import db
from reviews.models import AuditEvent, OutboxMessage, ReviewRequest, TimelineEntry
from reviews.workflow import Status, available_actions, perform
from tests.requests_data import TODAY, make_request
from tests.staff_helpers import make_staff
from tests.workflow_steps import count, do, refused, request_at, staff_user, walk_to


def test_wrong_status(people):
    review_request = request_at(people, Status.ACKNOWLEDGED)
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
    review_request = request_at(people, Status.AWAITING_ALLOCATION)
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
    review_request = request_at(people, Status.ALLOCATED)
    refused(
        review_request,
        "start_review",
        people.other_caseworker,
        "This request is allocated to Casey Worker: only they or a team leader can start the "
        "review.",
    )
    refused(
        review_request,
        "withdraw",
        people.other_caseworker,
        "This request is allocated to Casey Worker: only they or a team leader can record",
        reason="x",
    )
    assert available_actions(review_request, people.other_caseworker) == []
    do(review_request, "start_review", people.team_leader)


def test_missing_and_invalid_details(people):
    review_request = request_at(people, Status.ACKNOWLEDGED)
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
    review_request = request_at(people, Status.UNDER_REVIEW)
    refused(review_request, "record_decision", people.caseworker, message, **details)
    assert review_request.outcome_reasonable is None and review_request.recommendations == []


# A decision that the outcome was reasonable, as a team leader writes it in the tests below.
REASONABLE = {"outcome_reasonable": True, "decision_reasons": "Reasonable."}


def test_approval_needs_a_team_leader_who_did_not_write_the_decision(people):
    review_request = request_at(people, Status.ALLOCATED)
    do(review_request, "start_review", people.team_leader)
    do(review_request, "record_decision", people.team_leader, **REASONABLE)
    refused(review_request, "approve_decision", people.caseworker, "Only team leaders can approve")
    refused(
        review_request,
        "approve_decision",
        people.team_leader,
        "You wrote this decision, so another team leader must approve it.",
    )
    assert "approve_decision" not in [
        a.name for a in available_actions(review_request, people.team_leader)
    ]
    do(review_request, "approve_decision", people.other_team_leader)
    assert review_request.decision_approved_by_id == people.other_team_leader.id


def test_a_team_leader_who_owns_the_request_does_not_approve_it(people):
    review_request = request_at(people, Status.AWAITING_ALLOCATION)
    do(review_request, "allocate", people.team_leader, owner=people.other_team_leader)
    do(review_request, "start_review", people.other_team_leader)
    do(review_request, "record_decision", people.team_leader, **REASONABLE)
    refused(
        review_request,
        "approve_decision",
        people.other_team_leader,
        "You have this request, so another team leader must approve its decision.",
    )
    refused(review_request, "approve_decision", people.team_leader, "You wrote this decision")


def test_a_request_nobody_has_yet_is_for_a_team_leader_to_work_on(people):
    review_request = make_request(Status.UNDER_REVIEW)
    refused(
        review_request,
        "record_decision",
        people.caseworker,
        "Nobody has been given this request yet: only a team leader can record the decision.",
        **REASONABLE,
    )


def test_a_refused_action_changes_nothing_even_after_its_checks_start(people):
    review_request = request_at(people, Status.UNDER_REVIEW)
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
    request_at(people, Status.ACKNOWLEDGED)
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
    review_request = request_at(people, Status.PARTIES_NOTIFIED)
    due = date(TODAY.year + 1, 1, 31)
    do(review_request, "request_mps_info", people.caseworker, due_on=due)
    event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert event.detail == {
        "from": "parties-notified",
        "to": "awaiting-mps-info",
        "due_on": due.isoformat(),
    }
