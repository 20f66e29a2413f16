"""The satisfaction survey: offered after sending a request and in the decision email, answered
once a stage per session, stored with nothing that leads back to the person, and reported to
team leaders and admins only added up, with small figures hidden."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import inspect, select

from reviews import clock
from reviews.database import db
from reviews.models import OutboxMessage, SurveyAnswer
from reviews.survey import record_answer
from reviews.workflow import Status
from tests.forms import csrf_token, error_messages
from tests.journey import look_up, send_a_review_request
from tests.requests_data import make_request
from web.outbox import render_email

AFTER_REQUEST = "/feedback/after-request"
AFTER_DECISION = "/feedback/after-decision"


def answer(client, path=AFTER_REQUEST, **data):
    form = {"csrf_token": csrf_token(client, path), "satisfaction": "satisfied", **data}
    return client.post(path, data=form)


def answers(app) -> list[SurveyAnswer]:
    with app.app_context():
        return list(db.session.scalars(select(SurveyAnswer)))


def test_the_confirmation_page_offers_the_survey(client):
    send_a_review_request(client)
    page = client.get("/request/sent").text
    assert f'href="{AFTER_REQUEST}"' in page


def test_the_decision_email_offers_the_survey(app):
    with app.app_context():
        review_request = make_request()
        message = OutboxMessage(
            event_key="decision",
            template="decision_sent",
            recipient="sam@example.com",
            personalisation={"reference": review_request.reference},
        )
        _subject, body = render_email(message)
    assert f"http://127.0.0.1:5000{AFTER_DECISION}" in body


@pytest.mark.parametrize("path", [AFTER_REQUEST, AFTER_DECISION])
def test_the_question_page(client, path):
    page = client.get(path).text
    assert "Overall, how did you feel about this service?" in page
    for choice in ("Very satisfied", "Neither satisfied nor dissatisfied", "Very dissatisfied"):
        assert choice in page
    assert "How could we improve it?" in page


def test_an_unknown_stage_is_not_found(client):
    assert client.get("/feedback/whenever").status_code == 404
    assert client.get("/feedback/whenever/thank-you").status_code == 404


def test_an_answer_is_kept_with_its_stage_and_month_only(app, client):
    clock.advance(timedelta(days=5))  # 15 June 2026
    response = answer(client, AFTER_DECISION, satisfaction="dissatisfied", comment=" Too slow. ")
    assert response.status_code == 302
    assert response.location == f"{AFTER_DECISION}/thank-you"
    assert "Thank you for your feedback" in client.get(response.location).text
    [kept] = answers(app)
    assert (kept.stage, kept.satisfaction, kept.comment) == (
        "after-decision",
        "dissatisfied",
        "Too slow.",
    )
    assert kept.month.isoformat() == "2026-06-01"
    # Nothing else is stored: no request, reference, draft, session, address or time.
    columns = {column.name for column in inspect(SurveyAnswer).columns}
    assert columns == {"id", "stage", "satisfaction", "comment", "month"}


def test_the_question_must_be_answered_and_the_comment_kept_short(app, client):
    response = answer(client, satisfaction="")
    assert error_messages(response.text) == ["Select how you felt about this service"]
    response = answer(client, satisfaction="delighted", comment="x" * 1201)
    assert error_messages(response.text) == [
        "Select how you felt about this service",
        "Your comment must be 1,200 characters or fewer",
    ]
    assert answers(app) == []


def test_one_answer_a_stage_per_session(app, client):
    answer(client)
    # The form again, or a second post: the thank-you page, and nothing more kept.
    assert client.get(AFTER_REQUEST).location == f"{AFTER_REQUEST}/thank-you"
    token = csrf_token(client, "/track")
    response = client.post(AFTER_REQUEST, data={"csrf_token": token, "satisfaction": "satisfied"})
    assert response.location == f"{AFTER_REQUEST}/thank-you"
    # The other stage is still open to this person.
    assert answer(client, AFTER_DECISION).status_code == 302
    assert sorted(kept.stage for kept in answers(app)) == ["after-decision", "after-request"]


def test_thank_you_needs_an_answer_first(client):
    assert client.get(f"{AFTER_REQUEST}/thank-you").location == AFTER_REQUEST


def test_answers_need_the_form_token(app, client):
    response = client.post(AFTER_REQUEST, data={"satisfaction": "satisfied"})
    assert response.status_code == 400
    assert answers(app) == []


def test_answers_are_rate_limited(app, client):
    statuses = [answer(app.test_client()).status_code for _ in range(11)]
    assert statuses == [302] * 10 + [429]


# The staff report -----------------------------------------------------------------------------


def add_answers(app, stage: str, satisfaction: str, number: int, comment=None) -> None:
    with app.app_context():
        for _ in range(number):
            record_answer(stage, satisfaction, comment, clock.today())
        db.session.commit()


def test_the_report_is_for_team_leaders_and_admins(
    client_as, team_leader, admin, caseworker, auditor
):
    assert client_as(team_leader).get("/staff/survey-results").status_code == 200
    assert client_as(admin).get("/staff/survey-results").status_code == 200
    assert client_as(caseworker).get("/staff/survey-results").status_code == 403
    assert client_as(auditor).get("/staff/survey-results").status_code == 403


def test_the_report_adds_up_and_hides_small_figures(app, client_as, team_leader):
    add_answers(app, "after-request", "very-satisfied", 6)
    add_answers(app, "after-request", "satisfied", 12)
    add_answers(app, "after-request", "neither", 5)
    add_answers(app, "after-request", "dissatisfied", 4, comment="The form was long.")
    add_answers(app, "after-request", "very-dissatisfied", 7)
    add_answers(app, "after-decision", "very-dissatisfied", 3, comment="I disagree.")
    page = client_as(team_leader).get("/staff/survey-results").text
    after_request, after_decision = page.split('id="after-decision"')
    assert "After sending a request: June 2026" in after_request
    # 34 answers: 6 (18%), 12 (35%) and 7 (21%) shown.
    assert ">34</td>" in after_request
    for shown in (">6</td>", ">18%</td>", ">12</td>", ">35%</td>", ">7</td>", ">21%</td>"):
        assert shown in after_request
    # 4 is hidden, and the 5, which with the total would give it away, is not shown either.
    assert ">4</td>" not in after_request and ">5</td>" not in after_request
    assert after_request.count(">fewer than 5</td>") == 1
    assert after_request.count(">not shown</td>") == 3  # the 5, and both percentages
    assert "The form was long." in after_request
    # Three answers in all: every figure hidden, the total too.
    assert ">3</td>" not in after_decision
    assert after_decision.count(">fewer than 5</td>") == 6
    assert "I disagree." in after_decision
    assert "10 June" not in page


def test_the_report_groups_by_month(app, client_as, admin):
    add_answers(app, "after-request", "satisfied", 5)
    clock.advance(timedelta(days=30))  # July
    add_answers(app, "after-request", "satisfied", 7)
    page = client_as(admin).get("/staff/survey-results").text
    assert page.index("July 2026") < page.index("June 2026")
    assert ">5</td>" in page and ">7</td>" in page


@pytest.mark.parametrize(
    ("status", "offered"),
    [
        (Status.UNDER_REVIEW, False),
        (Status.NOT_UPHELD, True),
        (Status.UPHELD, True),
        (Status.CLOSED, True),
    ],
)
def test_the_tracker_offers_the_survey_once_the_decision_is_sent(app, status, offered):
    with app.app_context():
        review_request = make_request(status, decision_issued_on=clock.today() if offered else None)
        reference = review_request.reference
        db.session.commit()
    client = app.test_client()
    assert look_up(client, reference, "Example").status_code == 302
    page = client.get("/track/your-request").text
    assert (f'href="{AFTER_DECISION}"' in page) is offered
