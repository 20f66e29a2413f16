"""The casework state machine against the real database: every path from receipt to closure,
what each action writes (timeline, audit, email), and the actions it refuses."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from reviews.database import db
from reviews.models import AuditEvent
from reviews.tracking import can_withdraw, current_stage, public_timeline
from reviews.workflow import ACTIONS, Status, available_actions
from tests.requests_data import TODAY, make_request
from tests.workflow_steps import (
    assert_no_complaint_details,
    decide,
    do,
    emails,
    refused,
    request_at,
)

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
    assert [m.template for m in emails(review_request)] == [
        "request_acknowledged",
        "decision_sent",
        "decision_for_mps",  # the Met's copy of the decision letter
    ]
    for message in emails(review_request):
        assert_no_complaint_details(message)
    assert [item.stage.title for item in public_timeline(review_request)][:3] == [
        "Received",
        "Checking your request",
        "Checking your request",
    ]


def test_upheld_with_recommendations_then_mps_response_then_closed(people):
    review_request = request_at(people, Status.UNDER_REVIEW)
    do(
        review_request,
        "record_decision",
        people.caseworker,
        outcome_reasonable=False,
        decision_reasons="The video was not considered.",
        recommendations=["other", "apology", "handle-again"],
        other_recommendation="Train the team on video evidence.",
    )
    # The team leader sends it back once, saying why, and the caseworker records it again.
    refused(review_request, "return_for_changes", people.team_leader, "Enter what needs to change")
    entry = do(review_request, "return_for_changes", people.team_leader, reason="Weigh the video.")
    assert review_request.status == Status.UNDER_REVIEW
    # Staff read why on the request's timeline; the requester's tracker has no note for it.
    assert entry.staff_note == "Returned for changes: Weigh the video."
    assert entry.public_note is None
    event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert event.detail["reason"] == "Weigh the video."
    # The form comes back with what was recorded, to change rather than retype.
    assert ACTIONS["record_decision"].initial_values(review_request) == {
        "outcome_reasonable": False,
        "decision_reasons": "The video was not considered.",
        "recommendations": ["handle-again", "apology", "other"],
        "other_recommendation": "Train the team on video evidence.",
        "refer_to_iopc": False,
        "learning_points": None,
    }
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
        "decision_for_mps",
        "mps_response_shared",
    ]
    for message in emails(review_request):
        assert_no_complaint_details(message)


def test_not_valid(people):
    review_request = request_at(people, Status.ACKNOWLEDGED)
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
    review_request = request_at(
        people, Status.ACKNOWLEDGED, is_late=True, late_reason="I was in hospital."
    )
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
    review_request = request_at(people, Status.ACKNOWLEDGED, is_late=True, late_reason="I forgot.")
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
    review_request = request_at(people, Status.ACKNOWLEDGED)
    refused(review_request, "consider_late", people.caseworker, "arrived within the 28 days")


def test_forwarded_to_the_iopc_says_exactly_what_was_shared(people):
    review_request = request_at(people, Status.ACKNOWLEDGED, review_body_named="not-sure")
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
    review_request = request_at(people, Status.UNDER_REVIEW)
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
    review_request = request_at(people, Status.UNDER_REVIEW)
    decide(review_request, people, reasonable=False, recommendations=["explanation"])
    assert not can_withdraw(review_request)
    refused(
        review_request,
        "withdraw",
        people.caseworker,
        "cannot record a written withdrawal",
        reason="x",
    )


def test_reopen_after_judicial_review_is_for_admins_and_team_leaders(people):
    review_request = request_at(people, Status.UNDER_REVIEW)
    decide(review_request, people, reasonable=True)
    do(review_request, "close", people.caseworker)
    for user in (people.caseworker, people.auditor):
        refused(
            review_request, "reopen", user, "Only admins and team leaders can reopen", reason="JR"
        )
    refused(review_request, "reopen", people.admin, "Enter why it is reopened")
    assert [a.name for a in available_actions(review_request, people.admin)] == ["reopen"]
    assert "reopen" in [a.name for a in available_actions(review_request, people.team_leader)]

    entry = do(review_request, "reopen", people.admin, reason="Consent order after JR claim.")
    assert review_request.status == Status.UNDER_REVIEW
    assert entry.public_note == "Reopened for a new decision following judicial review"
    # Staff read why on the request's timeline (the requester reads only the note above).
    assert entry.staff_note == "Reopened after judicial review: Consent order after JR claim."
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
    review_request = request_at(people, Status.ACKNOWLEDGED)
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


# Refusals.


@pytest.mark.parametrize("sent", [Status.NOT_UPHELD, Status.UPHELD, Status.RESPONSE_SHARED])
def test_a_sent_decision_can_be_reopened_before_the_request_is_closed(people, sent):
    # A judicial review can be brought within 3 months of the decision (rule A17), closed or not.
    review_request = request_at(people, Status.UNDER_REVIEW)
    decide(
        review_request,
        people,
        reasonable=sent == Status.NOT_UPHELD,
        **({} if sent == Status.NOT_UPHELD else {"recommendations": ["apology"]}),
    )
    if sent == Status.RESPONSE_SHARED:
        do(
            review_request,
            "record_mps_response",
            people.caseworker,
            mps_response="We apologised.",
            mps_response_received_on=TODAY,
        )
    assert review_request.status == sent
    do(review_request, "reopen", people.team_leader, reason="Quashed by the court.")
    assert review_request.status == Status.UNDER_REVIEW
    assert review_request.decision_issued_on is None


@pytest.mark.parametrize(
    "finished",
    [Status.WITHDRAWN, Status.NO_RIGHT_OF_REVIEW, Status.FORWARDED_TO_IOPC, Status.REFUSED_LATE],
)
def test_requests_closed_without_a_decision_are_not_reopened(people, finished):
    review_request = make_request(finished)
    refused(
        review_request,
        "reopen",
        people.team_leader,
        "You cannot reopen for a new decision after judicial review at this stage",
        reason="JR",
    )
