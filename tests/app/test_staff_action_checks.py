"""Casework action pages that check and refuse: each question's own error, dates and choices,
the wrong role or stage, a form sent twice; and the email an action queues with it."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from reviews.database import db
from reviews.models import OutboxMessage
from reviews.workflow import Status
from staff.actions import STALE
from tests.action_pages import (
    counts,
    date_answer,
    errors_shown,
    important_banner,
    open_form,
    send,
    take,
    text_of,
    url,
)
from tests.requests_data import TODAY, make_request, request_through, status_of


def test_each_question_shows_its_own_error_and_nothing_is_saved(team):
    caseworker = team.client(team.caseworker)
    under_review = request_through(
        team.app,
        *team.main_path("start_review"),
    )
    before = counts(team.app, under_review)

    response = send(caseworker, under_review, "record_decision", other_recommendation="x" * 10_001)
    assert errors_shown(response) == [
        "Select whether the outcome was reasonable and proportionate",
        "Enter the reasons for the decision",
        "Describe the other recommendation must be 10,000 characters or fewer",
    ]
    # What was typed is kept.
    assert "x" * 10_001 in text_of(response)

    # A rule across answers comes from the workflow, shown against the answer at fault.
    response = send(
        caseworker,
        under_review,
        "record_decision",
        outcome_reasonable="yes",
        decision_reasons="Fine",
        recommendations=["apology"],
    )
    assert errors_shown(response) == [
        "When the outcome was reasonable and proportionate, make no recommendations and do not "
        "refer it to the IOPC"
    ]
    assert 'href="#recommendations"' in response.get_data(as_text=True)
    assert counts(team.app, under_review) == before
    assert status_of(team.app, under_review) == Status.UNDER_REVIEW


def test_dates_months_and_choices_are_checked(team):
    caseworker, leader = team.client(team.caseworker), team.client(team.team_leader)
    notified = request_through(
        team.app,
        *team.main_path("notify_parties"),
    )
    assert errors_shown(send(caseworker, notified, "request_mps_info")) == [
        "Enter when the MPS information is due"
    ]
    response = send(caseworker, notified, "request_mps_info", **{"due_on-day": "3"})
    assert errors_shown(response) == ["The date must include a month and year"]
    assert 'href="#due_on-month"' in response.get_data(as_text=True)
    response = send(
        caseworker, notified, "request_mps_info", **date_answer("due_on", TODAY - timedelta(1))
    )
    assert errors_shown(response) == ["The date the MPS information is due must be today or later"]

    awaiting = request_through(
        team.app,
        *team.main_path("mps_info_received"),
    )
    last_month = TODAY.replace(day=1) - timedelta(days=1)
    response = send(
        caseworker,
        awaiting,
        "set_allocation_month",
        **date_answer("month", last_month, ("month", "year")),
    )
    assert errors_shown(response) == ["The month must be this month or later"]
    response = send(caseworker, awaiting, "set_allocation_month", **{"month-month": "13"})
    assert errors_shown(response) == ["The month must include a year"]

    assert errors_shown(send(leader, awaiting, "allocate")) == ["Select who will review it"]
    # Only active caseworkers and team leaders are offered, and only they are accepted.
    page = text_of(leader.get(url(awaiting, "allocate")))
    assert "Casey Worker (caseworker)" in page and "Tam Leader (team leader)" in page
    assert "Admin Example" not in page
    response = send(leader, awaiting, "allocate", owner=str(team.admin.id))
    assert errors_shown(response) == [
        "Who will review it?: select an active caseworker or team leader"
    ]

    acknowledged = request_through(team.app, ("acknowledge", team.caseworker, {}))
    response = send(caseworker, acknowledged, "decide_invalid", validity="made-up")
    assert errors_shown(response) == [
        "Select why MOPAC cannot review it",
        "Enter the details of why MOPAC cannot review it",
    ]
    assert status_of(team.app, acknowledged) == Status.ACKNOWLEDGED


def test_actions_are_refused_to_roles_not_allowed_them(team):
    awaiting = request_through(
        team.app,
        *team.main_path("mps_info_received"),
    )
    caseworker, admin = team.client(team.caseworker), team.client(team.admin)
    auditor = team.client(team.auditor)
    before = counts(team.app, awaiting)
    token = open_form(caseworker, awaiting, "set_allocation_month")
    # Only team leaders allocate; admins only reopen (with team leaders); auditors only read.
    assert caseworker.get(url(awaiting, "allocate")).status_code == 403
    assert caseworker.post(url(awaiting, "allocate"), data=token).status_code == 403
    assert admin.get(url(awaiting, "set_allocation_month")).status_code == 403
    assert auditor.get(url(awaiting, "set_allocation_month")).status_code == 403
    assert caseworker.get(url(awaiting, "reopen")).status_code == 403
    # An action that does not exist, and a request that does not.
    assert caseworker.get(url(awaiting, "approve_everything")).status_code == 404
    assert caseworker.get(url(awaiting + 100, "set_allocation_month")).status_code == 404
    assert counts(team.app, awaiting) == before

    # A caseworker cannot reach a request another caseworker has by its address.
    allocated = request_through(
        team.app,
        *team.main_path("allocate", owner=team.other_caseworker),
    )
    assert caseworker.get(url(allocated, "start_review")).status_code == 403
    assert caseworker.get(url(allocated, "withdraw")).status_code == 403


def test_an_action_not_open_at_this_stage_is_refused_with_a_reason(team):
    request_id = request_through(team.app)
    caseworker, leader = team.client(team.caseworker), team.client(team.team_leader)
    before = counts(team.app, request_id)
    response = caseworker.get(url(request_id, "close"))
    assert response.status_code == 302 and response.location == url(request_id)
    assert important_banner(caseworker.get(url(request_id))) == (
        "You cannot close the request at this stage. The request is: Received."
    )
    hidden = {"csrf_token": open_form(caseworker, request_id, "acknowledge")["csrf_token"]}
    response = caseworker.post(url(request_id, "close"), data={**hidden, "seen": "0"})
    assert response.status_code == 302
    assert counts(team.app, request_id) == before

    # Approving your own decision is not open to you either.
    decided = request_through(
        team.app,
        *team.main_path("start_review", by=team.team_leader),
        (
            "record_decision",
            team.team_leader,
            {"outcome_reasonable": "yes", "decision_reasons": "Reasonable"},
        ),
    )
    page = text_of(leader.get(url(decided)))
    assert "/actions/approve_decision" not in page
    assert leader.get(url(decided, "approve_decision")).status_code == 302
    assert important_banner(leader.get(url(decided))) == (
        "You wrote this decision, so another team leader must approve it."
    )

    # A caseworker on a request nobody has been given yet is told so, not that it is too late.
    with team.app.app_context():
        unallocated = make_request(Status.UNDER_REVIEW).id
    caseworker.get(url(unallocated, "record_decision"))
    assert important_banner(caseworker.get(url(unallocated))) == (
        "Nobody has been given this request yet: only a team leader can record the decision."
    )


def test_a_form_sent_twice_does_its_work_once(team):
    request_id = request_through(team.app)
    caseworker = team.client(team.caseworker)
    hidden = open_form(caseworker, request_id, "acknowledge")
    first = caseworker.post(url(request_id, "acknowledge"), data=hidden)
    assert first.status_code == 302
    after_first = counts(team.app, request_id)
    second = caseworker.post(url(request_id, "acknowledge"), data=hidden)
    assert second.status_code == 302 and second.location == url(request_id)
    assert important_banner(caseworker.get(url(request_id))) == STALE
    assert counts(team.app, request_id) == after_first
    assert status_of(team.app, request_id) == Status.ACKNOWLEDGED

    # An action that keeps the status (chasing the MPS) is not repeated either.
    awaiting = request_through(
        team.app,
        *team.main_path("request_mps_info"),
    )
    hidden = open_form(caseworker, awaiting, "chase_mps_info")
    assert caseworker.post(url(awaiting, "chase_mps_info"), data=hidden).status_code == 302
    audits = counts(team.app, awaiting)[0]
    assert caseworker.post(url(awaiting, "chase_mps_info"), data=hidden).status_code == 302
    assert counts(team.app, awaiting)[0] == audits

    # So is a form opened before a colleague acted on the request.
    leader = team.client(team.team_leader)
    acknowledged = request_through(team.app, ("acknowledge", team.caseworker, {}))
    hidden = open_form(caseworker, acknowledged, "withdraw")
    take(team, leader, acknowledged, "decide_valid")
    response = caseworker.post(url(acknowledged, "withdraw"), data={**hidden, "reason": "Letter"})
    assert response.status_code == 302
    assert important_banner(caseworker.get(url(acknowledged))) == STALE
    assert status_of(team.app, acknowledged) == Status.ACCEPTED


def test_actions_that_email_queue_the_message_in_the_same_transaction(team):
    caseworker = team.client(team.caseworker)
    by_email = request_through(team.app)
    take(team, caseworker, by_email, "acknowledge")
    with team.app.app_context():
        messages = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.review_request_id == by_email)
        ).all()
        assert [(m.template, m.recipient) for m in messages] == [
            ("request_acknowledged", "Sam@example.com")
        ]

    iopc = request_through(team.app, ("acknowledge", team.caseworker, {}))
    emails_before = counts(team.app, iopc)[2]
    page = text_of(caseworker.get(url(iopc, "forward_to_iopc")))
    assert "This emails whoever gets updates about the request." in page
    take(team, caseworker, iopc, "forward_to_iopc", shared_with_iopc="The form and the letter")
    with team.app.app_context():
        message = db.session.scalars(
            select(OutboxMessage).order_by(OutboxMessage.id.desc())
        ).first()
        assert counts(team.app, iopc)[2] == emails_before + 1
        assert message.template == "forwarded_to_iopc"
        assert message.personalisation["shared"] == "The form and the letter"

    # Someone who asked for post gets no email, and the page says so.
    by_post = request_through(
        team.app,
        preferred_contact="post",
        requester_email=None,
        requester_address="1 High Street",
    )
    page = text_of(caseworker.get(url(by_post, "acknowledge")))
    assert "Nobody gets updates about this request by email" in page
    assert take(team, caseworker, by_post, "acknowledge") == (
        "Request acknowledged. Print the letter from this page and post it."
    )
    assert counts(team.app, by_post)[2] == 0
