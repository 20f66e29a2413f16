"""Equality monitoring: optional questions offered after sending a request, one a page, each
with "Prefer not to say" and each skippable; the answers kept in a table of their own with the
month only, never linked to a request or a session, and reported only added up, with small
numbers hidden."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import inspect, select

from reviews import clock
from reviews.database import db
from reviews.equality import QUESTIONS, equality_report, record_answers
from reviews.models import EqualityAnswer
from reviews.reports import Period
from reviews.retention import apply_retention
from reviews.retention_schedule import RetentionSchedule
from tests.forms import csrf_token, error_messages
from tests.journey import send_a_review_request

START = "/equality"
FIRST = f"/equality/{QUESTIONS[0].slug}"


def stored(app) -> list[EqualityAnswer]:
    with app.app_context():
        return list(db.session.scalars(select(EqualityAnswer)))


def answer(client, slug: str, value: str | None, token_from: str | None = None):
    data = {"csrf_token": csrf_token(client, token_from or f"/equality/{slug}")}
    if value is not None:
        data["answer"] = value
    return client.post(f"/equality/{slug}", data=data)


def test_the_confirmation_page_offers_the_questions(client):
    send_a_review_request(client)
    page = client.get("/request/sent").text
    assert "Help us check we treat everyone fairly (optional)" in page
    assert f'href="{START}"' in page


def test_the_start_page_says_what_the_answers_are_for(client):
    page = client.get(START).text
    assert "Help us check we treat everyone fairly" in page
    assert f'href="{FIRST}"' in page
    assert "not linked to your request" in page


def test_every_question_can_be_skipped_or_declined(client):
    for question in QUESTIONS:
        page = client.get(f"/equality/{question.slug}").text
        assert question.title in page
        assert "Prefer not to say" in page
        assert "prefer-not-to-say" in question.choices


def test_answers_are_kept_together_once_with_the_month_only(app, client):
    clock.advance(timedelta(days=5))  # 15 June 2026
    chosen = {
        "age-band": "35-44",
        "sex": "prefer-not-to-say",
        "gender-identity": None,  # skipped
        "ethnic-group": "black",
    }
    for position, question in enumerate(QUESTIONS):
        response = answer(client, question.slug, chosen.get(question.slug))
        assert response.status_code == 302
        if position < len(QUESTIONS) - 1:
            assert response.location == f"/equality/{QUESTIONS[position + 1].slug}"
            assert stored(app) == []  # nothing is written until the last question
    assert response.location == "/equality/thank-you"
    assert "Thank you" in client.get(response.location).text
    [kept] = stored(app)
    assert (kept.age_band, kept.sex, kept.gender_identity, kept.ethnic_group) == (
        "35-44",
        "prefer-not-to-say",
        None,
        "black",
    )
    assert kept.month.isoformat() == "2026-06-01"
    columns = {column.name for column in inspect(EqualityAnswer).columns}
    assert columns == {"id", "month", *(question.column for question in QUESTIONS)}
    # Answered once a session: the questions again lead to the thank-you page.
    assert client.get(FIRST).location == "/equality/thank-you"
    again = answer(client, QUESTIONS[-1].slug, None, token_from="/track")
    assert again.location == "/equality/thank-you"
    assert len(stored(app)) == 1


def test_an_answer_that_is_not_a_choice_is_refused(app, client):
    response = answer(client, "sex", "sometimes")
    assert error_messages(response.text) == ["Select an answer, or continue without one"]


def test_the_answers_are_never_on_a_case(app, client_as, caseworker):
    with app.app_context():
        record_answers({"ethnic-group": "asian"}, clock.today())
        db.session.commit()
    send_a_review_request(app.test_client())
    page = client_as(caseworker).get("/staff/requests/1").text
    assert "Asian or Asian British" not in page


def test_the_report_hides_small_numbers(app):
    with app.app_context():
        for _ in range(6):
            record_answers({"sex": "female"}, clock.today())
        for _ in range(2):
            record_answers({"sex": "male"}, clock.today())
        db.session.commit()
        report = equality_report(Period.of_months(clock.today(), clock.today()))
    sex = next(question for question in report.questions if question.key == "sex")
    counts = dict(sex.rows)
    assert counts["Female"] == 6
    assert counts["Male"] == "fewer than 5"
    assert counts["Prefer not to say"] == "fewer than 5"
    assert counts["Not answered"] == "fewer than 5"
    assert report.total == 8


def test_the_report_is_on_the_reports_page(app, client_as, team_leader):
    with app.app_context():
        for _ in range(5):
            record_answers({"religion": "no-religion"}, clock.today())
        db.session.commit()
    page = client_as(team_leader).get("/staff/reports").text
    assert "Equality monitoring" in page
    assert "No religion" in page


def test_answers_go_once_their_month_is_past_the_period(app):
    schedule = RetentionSchedule()
    with app.app_context():
        record_answers({"sex": "female"}, clock.today())
        db.session.commit()
    clock.advance(timedelta(days=schedule.equality_answer_days))
    with app.app_context():
        assert apply_retention(schedule, dry_run=True).counts["equality answers"] == 0
    clock.advance(timedelta(days=31))
    with app.app_context():
        assert apply_retention(schedule).counts["equality answers"] == 1
        db.session.commit()
    assert stored(app) == []
