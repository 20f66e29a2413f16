"""The Met's part after an upheld decision: its reply to our recommendations is due a set time
after the decision is sent (reviews.promises), staff chase it once that has passed, and the
dashboard lists what the Met owes us that is overdue: case information and replies."""

from __future__ import annotations

from datetime import timedelta

from reviews import clock
from reviews.database import db
from reviews.models import ReviewRequest
from reviews.promises import MET_RESPONSE_DAYS, MOPAC_STANDARD, PROMISES
from reviews.workflow import Status, can_perform
from tests.action_pages import date_answer, take, text_of, url
from tests.requests_data import TODAY, add_request, request_through
from tests.staff_helpers import references, shown


def _upheld(team) -> int:
    reasons = {"outcome_reasonable": "no", "decision_reasons": "The video was ignored."}
    return request_through(
        team.app,
        *team.main_path("start_review"),
        ("record_decision", team.caseworker, {**reasons, "recommendations": ["apology"]}),
        ("approve_decision", team.team_leader, {}),
        ("issue_decision", team.caseworker, {}),
    )


def test_the_promise_is_mopacs_own_standard():
    assert PROMISES.met_response.value == MET_RESPONSE_DAYS == 56
    assert PROMISES.met_response.source.startswith(MOPAC_STANDARD)


def test_an_upheld_decision_sets_when_the_mets_reply_is_due(team):
    request_id = _upheld(team)
    with team.app.app_context():
        review_request = db.session.get(ReviewRequest, request_id)
        assert review_request.status == Status.UPHELD
        assert review_request.mps_response_due_on == TODAY + timedelta(days=MET_RESPONSE_DAYS)
    page = text_of(team.client(team.caseworker).get(url(request_id)))
    assert "MPS response due" in page


def test_a_not_upheld_decision_asks_nothing_of_the_met(team):
    reasons = {"outcome_reasonable": "yes", "decision_reasons": "It was fine."}
    request_id = request_through(
        team.app,
        *team.main_path("start_review"),
        ("record_decision", team.caseworker, reasons),
        ("approve_decision", team.team_leader, {}),
        ("issue_decision", team.caseworker, {}),
    )
    with team.app.app_context():
        assert db.session.get(ReviewRequest, request_id).mps_response_due_on is None


def test_the_met_is_chased_only_once_its_reply_is_overdue(team):
    request_id = _upheld(team)
    client = team.client(team.caseworker)
    with team.app.test_request_context():
        review_request = db.session.get(ReviewRequest, request_id)
        caseworker = review_request.owner
        assert not can_perform(review_request, "chase_met_response", caseworker)
    page = text_of(client.get(url(request_id)))
    assert "chase_met_response" not in page

    clock.advance(timedelta(days=MET_RESPONSE_DAYS + 1))
    client = team.client(team.caseworker)  # signed in again: the old session has timed out
    banner = take(team, client, request_id, "chase_met_response")
    assert banner == "The Met chased for its reply to the recommendations"
    with team.app.app_context():
        assert db.session.get(ReviewRequest, request_id).mps_response_chased_on == clock.today()
    take(
        team,
        client,
        request_id,
        "record_mps_response",
        mps_response="We have apologised.",
        **date_answer("mps_response_received_on", clock.today()),
    )


def test_the_dashboard_lists_what_the_met_owes_that_is_overdue(app, caseworker, client_as):
    reply_late = add_request(
        app,
        status=Status.UPHELD,
        decision_issued_on=TODAY - timedelta(days=60),
        mps_response_due_on=TODAY - timedelta(days=4),
    )
    reply_in_time = add_request(
        app,
        status=Status.UPHELD,
        decision_issued_on=TODAY - timedelta(days=10),
        mps_response_due_on=TODAY + timedelta(days=46),
    )
    info_late = add_request(
        app, status=Status.AWAITING_MPS_INFO, mps_info_due_on=TODAY - timedelta(days=2)
    )
    page = text_of(client_as(caseworker).get("/staff/"))
    start = page.index("Overdue from the Met (2)")
    section = page[start : page.index("<h2", start + 1)]
    assert references(section) == [shown(reply_late), shown(info_late)]
    assert shown(reply_in_time) not in section
    assert "reply to our recommendations" in section and "case information" in section
