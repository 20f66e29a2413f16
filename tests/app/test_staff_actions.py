"""Casework actions through the staff pages: each action reached by the role that may take it,
its form's errors, refusals for the wrong role or the wrong stage, Post/Redirect/Get with a
banner, the audit event and email each writes, and a form sent twice doing its work once."""

from __future__ import annotations

import re
from datetime import timedelta

from reviews.database import db
from reviews.models import ReviewRequest
from reviews.workflow import ACTIONS, Status
from staff.actions import DONE
from tests.action_pages import date_answer, errors_shown, send, take, text_of, url
from tests.requests_data import TODAY, request_through, status_of


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
    assert banner == "Request acknowledged. The requester will get an email with the letter."
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
    act(leader, upheld, "reassign", owner=str(team.other_caseworker.id), reason="Balancing work")
    act(leader, upheld, "reassign", owner=str(team.caseworker.id), reason="Back from leave")
    unreasonable = {
        "outcome_reasonable": "no",
        "decision_reasons": "The MPS did not look at the video.",
    }
    act(
        caseworker,
        upheld,
        "record_decision",
        **unreasonable,
        recommendations=["apology", "other"],
        other_recommendation="Meet the complainant",
        refer_to_iopc="no",
        learning_points="Check video first",
    )
    act(leader, upheld, "return_for_changes", reason="Say which video")
    act(caseworker, upheld, "record_decision", **unreasonable, recommendations=["apology"])
    # The approver sees the decision they are approving.
    page = text_of(leader.get(url(upheld, "approve_decision")))
    assert "The MPS did not look at the video." in page and "Apologise" in page
    act(leader, upheld, "approve_decision")
    act(caseworker, upheld, "issue_decision")
    assert status_of(team.app, upheld) == Status.UPHELD
    with team.app.app_context():  # the Met's reply is late: it may be chased
        db.session.get(ReviewRequest, upheld).mps_response_due_on = TODAY - timedelta(days=1)
        db.session.commit()
    act(caseworker, upheld, "chase_met_response")
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
    # Why it was reopened is on the request page's timeline, for staff.
    page = text_of(caseworker.get(url(upheld)))
    assert "Reopened after judicial review: Quashed on judicial review" in page

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


def test_a_decision_returned_for_changes_says_why_and_comes_back_filled_in(team):
    caseworker, leader = team.client(team.caseworker), team.client(team.team_leader)
    decided = request_through(
        team.app,
        *team.main_path("start_review"),
        (
            "record_decision",
            team.caseworker,
            {
                "outcome_reasonable": "no",
                "decision_reasons": "The MPS did not look at the video.",
                "recommendations": ["apology", "other"],
                "other_recommendation": "Meet the complainant",
                "refer_to_iopc": "no",
                "learning_points": "Check video first",
            },
        ),
    )
    assert errors_shown(send(leader, decided, "return_for_changes")) == [
        "Enter what needs to change"
    ]
    take(team, leader, decided, "return_for_changes", reason="Name the officer's video.")

    # The author reads why on the request page's timeline, and on the form they fill in again.
    assert "Returned for changes: Name the officer's video." in text_of(
        caseworker.get(url(decided))
    )
    form = text_of(caseworker.get(url(decided, "record_decision")))
    assert "Name the officer's video." in form
    assert ">The MPS did not look at the video.</textarea>" in form
    assert ">Check video first</textarea>" in form
    assert re.search(r'value="apology"\s+checked', form)
    assert re.search(r'value="other"\s+checked', form)
    assert not re.search(r'value="explanation"\s+checked', form)
    assert re.search(r'value="no"\s+checked', form)
