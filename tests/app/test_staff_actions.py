"""Casework actions through the staff pages: each action reached by the role that may take it,
its form's errors, refusals for the wrong role or the wrong stage, Post/Redirect/Get with a
banner, the audit event and email each writes, and a form sent twice doing its work once."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from html import unescape

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from reviews.database import db
from reviews.models import AuditEvent, OutboxMessage, TimelineEntry
from reviews.workflow import ACTIONS, Status
from staff.actions import DONE, STALE
from tests.forms import hidden_fields
from tests.requests_data import TODAY, main_path, request_through, status_of
from tests.staff_helpers import StaffAccount

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


@pytest.fixture
def team(
    app, caseworker, other_caseworker, team_leader, other_team_leader, admin, auditor, client_as
) -> Team:
    return Team(
        app,
        caseworker,
        other_caseworker,
        team_leader,
        other_team_leader,
        admin,
        auditor,
        client_as,
    )


def url(request_id: int, action_name: str | None = None) -> str:
    page = f"/staff/requests/{request_id}"
    return f"{page}/actions/{action_name}" if action_name else page


def text_of(response) -> str:
    return unescape(response.get_data(as_text=True))


def open_form(client: FlaskClient, request_id: int, action_name: str) -> dict[str, str]:
    """Open the action's page; the hidden fields its form sends back."""
    response = client.get(url(request_id, action_name))
    assert response.status_code == 200, response.status_code
    assert f'<h1 class="govuk-heading-l">{ACTIONS[action_name].label}</h1>' in text_of(response)
    return hidden_fields(response.get_data(as_text=True))


def send(client: FlaskClient, request_id: int, action_name: str, **answers):
    """Open the action's page and send its form with these answers, as a browser would."""
    hidden = open_form(client, request_id, action_name)
    return client.post(url(request_id, action_name), data={**hidden, **answers})


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
    # A timeline entry for each new status, and for the allocation month: news that keeps it.
    news = action.changes_status or action_name == "set_allocation_month"
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


def test_every_action_has_a_message_for_when_it_is_done():
    assert set(DONE) == set(ACTIONS)


def test_every_action_can_be_taken_through_its_page_by_a_role_allowed_it(team):
    caseworker, leader = team.client(team.caseworker), team.client(team.team_leader)
    admin = team.client(team.admin)
    taken = set()

    def act(client, request_id, action_name, **answers) -> str:
        taken.add(action_name)
        return take(team, client, request_id, action_name, **answers)

    upheld = request_through(team.app)
    banner = act(caseworker, upheld, "acknowledge")
    assert banner == "Request acknowledged. The requester will get an email."
    act(caseworker, upheld, "ask_requester", information_requested="Your outcome letter")
    act(caseworker, upheld, "information_received")
    act(caseworker, upheld, "decide_valid")
    act(caseworker, upheld, "notify_parties")
    act(caseworker, upheld, "request_mps_info", **date_answer("due_on", TODAY + timedelta(20)))
    act(caseworker, upheld, "chase_mps_info")
    act(caseworker, upheld, "mps_info_received")
    month = (TODAY.replace(day=1) + timedelta(days=40)).replace(day=1)
    act(
        caseworker, upheld, "set_allocation_month", **date_answer("month", month, ("month", "year"))
    )
    banner = act(leader, upheld, "allocate", owner=str(team.caseworker.id))
    act(caseworker, upheld, "start_review")
    act(
        caseworker,
        upheld,
        "record_decision",
        outcome_reasonable="no",
        decision_reasons="The MPS did not look at the video.",
        recommendations=["apology", "other"],
        other_recommendation="Meet the complainant",
        refer_to_iopc="no",
        learning_points="Check video first",
    )
    act(leader, upheld, "return_for_changes")
    act(
        caseworker,
        upheld,
        "record_decision",
        outcome_reasonable="no",
        decision_reasons="The MPS did not look at the video.",
        recommendations=["apology"],
    )
    # The approver sees the decision they are approving.
    page = text_of(leader.get(url(upheld, "approve_decision")))
    assert "The MPS did not look at the video." in page and "Apologise" in page
    act(leader, upheld, "approve_decision")
    act(caseworker, upheld, "issue_decision")
    assert status_of(team.app, upheld) == Status.UPHELD
    act(
        caseworker,
        upheld,
        "record_mps_response",
        mps_response="We have apologised.",
        **date_answer("mps_response_received_on", TODAY),
    )
    act(caseworker, upheld, "close")
    act(admin, upheld, "reopen", reason="Quashed on judicial review")
    assert status_of(team.app, upheld) == Status.UNDER_REVIEW

    late = request_through(team.app, ("acknowledge", team.caseworker, {}), is_late=True)
    act(caseworker, late, "consider_late")
    act(caseworker, late, "accept_late", late_decision_reason="In hospital")
    refused_late = request_through(
        team.app,
        ("acknowledge", team.caseworker, {}),
        ("consider_late", team.caseworker, {}),
        is_late=True,
    )
    act(caseworker, refused_late, "refuse_late", reason="No special circumstances")
    invalid = request_through(team.app, ("acknowledge", team.caseworker, {}))
    act(caseworker, invalid, "decide_invalid", validity="before-2020", validity_reason="2019")
    iopc = request_through(team.app, ("acknowledge", team.caseworker, {}))
    act(leader, iopc, "forward_to_iopc", shared_with_iopc="The request form and letter")
    withdrawn = request_through(team.app)
    act(caseworker, withdrawn, "withdraw", reason="Signed letter received 3 March")

    assert taken == set(ACTIONS)


def test_the_request_page_lists_what_each_person_may_do_now(team):
    request_id = request_through(team.app)
    page = text_of(team.client(team.caseworker).get(url(request_id)))
    listed = re.findall(r'href="/staff/requests/\d+/actions/(\w+)"', page)
    assert listed == ["acknowledge", "withdraw"]
    for account in (team.auditor, team.admin):
        page = text_of(team.client(account).get(url(request_id)))
        assert "What you can do now" not in page and "/actions/" not in page


def test_adjustments_and_who_has_viewed_the_request_are_on_its_page(team):
    request_id = request_through(
        team.app,
        adjustments=["callback", "large-print"],
        callback_times="Weekday mornings",
    )
    caseworker = team.client(team.caseworker)
    caseworker.get(url(request_id))
    team.client(team.team_leader).get(url(request_id))
    html = caseworker.get(url(request_id)).get_data(as_text=True)
    assert (
        '<p class="govuk-notification-banner__heading">'
        "Needs: A phone call instead of writing, Large print</p>"
    ) in html
    assert "Best times to call: Weekday mornings" in html
    viewers = re.search(r"Viewed by</h2>(.*?)</ul>", html, re.S).group(1)
    names = re.findall(r"<li>([^,]+),", viewers)
    assert names == ["Casey Worker", "Tam Leader"]
    assert "(2 times)" in viewers


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
    # Only team leaders allocate; admins only reopen; auditors only read.
    assert caseworker.get(url(awaiting, "allocate")).status_code == 403
    assert caseworker.post(url(awaiting, "allocate"), data=token).status_code == 403
    assert admin.get(url(awaiting, "set_allocation_month")).status_code == 403
    assert auditor.get(url(awaiting, "set_allocation_month")).status_code == 403
    assert team.client(team.team_leader).get(url(awaiting, "reopen")).status_code == 403
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
        "You cannot close the request now. The request is: Received."
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
    assert important_banner(leader.get(url(decided))).startswith("You cannot approve the decision")


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
    assert take(team, caseworker, by_post, "acknowledge") == "Request acknowledged"
    assert counts(team.app, by_post)[2] == 0
