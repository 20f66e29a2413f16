"""The journey's start through the Flask client: who is asking first, then the help they need;
pages worded for the person answering; a letter that says no review; and a request that goes
on without the letter, its date or the Met's reference."""

from __future__ import annotations

from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import select

from reviews import clock
from reviews.database import db
from reviews.models import ReviewRequest
from tests.forms import error_messages
from tests.journey_data import complainant_steps, replace_step, representative_steps
from tests.requests_data import make_request


def sent_request(app) -> ReviewRequest:
    with app.app_context():
        found = db.session.scalar(select(ReviewRequest))
        db.session.expunge(found)
        return found


def test_the_first_question_is_who_is_asking(client):
    start = client.get("/request/start")
    assert start.location.endswith("/request/who-is-asking")
    page = unescape(client.get("/request/who-is-asking").text)
    assert "Are you the person who made the complaint, or are you helping someone?" in page


def test_then_the_help_they_need(journey):
    journey.answer("who-is-asking", {"role": "complainant"})
    page = unescape(journey.client.get("/request/adjustments-needed").text)
    assert "Do you need help or changes to use this service?" in page


def test_someone_helping_is_asked_about_their_complaint(journey):
    journey.answer("who-is-asking", {"role": "representative"})
    page = unescape(journey.client.get("/request/adjustments-needed").text)
    assert "Do you, or the person you are helping, need help or changes" in page
    journey.answer("adjustments-needed", {"needed": "no"})
    page = unescape(journey.client.get("/request/about-the-met").text)
    assert "Is their complaint about the Metropolitan Police Service" in page
    assert "your complaint" not in page.split("<main")[1]
    missing = journey.answer("about-the-met", {}, expect_redirect=False)
    assert "Select yes if their complaint is about the Metropolitan Police Service" in (
        error_messages(missing.text)
    )


def test_help_asked_for_first_is_sent(app, journey):
    steps = replace_step(complainant_steps(), "adjustments-needed", {"needed": "yes"})
    rest = journey.walk_to("about-the-met", steps)
    journey.answer("adjustments", {"adjustments": ["large-print"]})
    journey.walk(rest)
    assert journey.send().location.endswith("/request/sent")
    assert sent_request(app).adjustments == ["large-print"]


def test_a_letter_that_says_no_review_gets_help_and_can_go_on(app, journey):
    steps = replace_step(complainant_steps(), "review-right", {"review_right": "no"})
    steps = [step for step in steps if step[0] != "review-body"]
    rest = journey.walk_to("when-complained", steps)
    page = unescape(journey.client.get("/request/no-review-right").text)
    assert "Your letter says you cannot ask for a review" in page
    for route in ("record it as a complaint", "Independent Office for Police Conduct", "appeal"):
        assert route in page
    journey.answer("no-review-right", {})
    journey.walk(rest)
    journey.send()
    sent = sent_request(app)
    assert (sent.letter_review_right, sent.review_body_named) == ("no", "not-sure")


def test_not_sure_goes_on_with_a_note_for_staff(app, journey, caseworker, client_as):
    journey.walk(replace_step(complainant_steps(), "review-right", {"review_right": "not-sure"}))
    journey.send()
    sent = sent_request(app)
    assert sent.letter_review_right == "not-sure"
    page = client_as(caseworker).get(f"/staff/requests/{sent.id}").text
    assert "Letter says they can ask for a review" in page


def lost_letter_steps() -> list[tuple[str, dict]]:
    steps = replace_step(complainant_steps(), "review-right", {"review_right": "no-letter"})
    steps = [s for s in steps if s[0] not in ("review-body", "letter-received", "letter-upload")]
    steps = replace_step(steps, "letter-date", {"date_unknown": "y"})
    steps = replace_step(steps, "letter-approximate", {"letter_month": ""}, after="letter-date")
    return replace_step(steps, "mps-reference", {"reference_unknown": "y"})


def test_lost_letter_unknown_date_and_reference_still_send(app, journey, caseworker, client_as):
    steps = lost_letter_steps()
    rest = journey.walk_to("letter-date", steps)
    page = unescape(journey.client.get("/request/letter-date").text)
    assert "Directorate of Professional Standards" in page
    missing = journey.answer("letter-date", {}, expect_redirect=False)
    assert "Enter the date on your outcome letter" in error_messages(missing.text)
    journey.walk(rest)
    check = unescape(journey.client.get("/request/check-answers").text)
    assert "Not known" in check
    journey.send()
    sent = sent_request(app)
    assert (sent.letter_date, sent.mps_reference, sent.is_late) == (None, None, False)
    assert sent.letter_review_right == "no-letter"
    staff_page = client_as(caseworker).get(f"/staff/requests/{sent.id}").text
    assert staff_page.count("Not known: ask the Met") >= 2
    tracker_rows = unescape(staff_page)
    assert "Date on outcome letter" in tracker_rows


def test_a_rough_month_is_kept_as_approximate_and_never_late(app, journey):
    steps = replace_step(lost_letter_steps(), "letter-approximate", {"letter_month": "jan 2025"})
    journey.walk(steps)
    journey.send()
    sent = sent_request(app)
    assert (sent.letter_date.isoformat(), sent.letter_date_is_approximate) == ("2025-01-01", True)
    assert sent.is_late is False


def test_a_date_given_wins_over_the_unknown_box(app, journey):
    letter_date = clock.today() - timedelta(days=3)
    steps = complainant_steps(letter_date)
    data = {**dict(steps)["letter-date"], "date_unknown": "y"}
    journey.walk(replace_step(steps, "letter-date", data))
    journey.send()
    sent = sent_request(app)
    assert (sent.letter_date, sent.letter_date_is_approximate) == (letter_date, False)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter the date you made your complaint"),
        ("Marchember 2025", "The date you made your complaint must be a real month and year"),
        ("3/25", "Year must include 4 numbers"),
        (
            "\u0663/\u0662\u0660\u0662\u0665",
            "The date you made your complaint must be a real month and year",
        ),
        (f"{clock.today().month % 12 + 1}/{clock.today().year + 1}", "must be in the past"),
    ],
)
def test_complaint_month_errors_use_gov_uk_wording(journey, typed, message):
    journey.walk_to("complaint-date")
    response = journey.answer("complaint-date", {"complaint_date": typed}, expect_redirect=False)
    assert response.status_code == 200
    [error] = error_messages(response.text)
    assert message in error


@pytest.mark.parametrize("typed", ["March 2025", "mar 2025", "3/2025", "03/2025", "2025-03"])
def test_complaint_month_as_people_type_it(app, journey, typed):
    journey.walk(replace_step(complainant_steps(), "complaint-date", {"complaint_date": typed}))
    journey.send()
    sent = sent_request(app)
    assert (sent.complaint_made_year, sent.complaint_made_month) == (2025, 3)


def test_check_answers_fits_in_a_head(journey):
    steps = replace_step(
        complainant_steps(),
        "how-to-contact",
        {"preferred_contact": "post"},
    )
    steps = replace_step(
        steps,
        "contact-details",
        {"address_line_1": "1 High Street", "town": "London", "postcode": "E1 1AA"},
    )
    steps = replace_step(steps, "contact-safety", {})
    journey.walk(steps)
    page = unescape(journey.client.get("/request/check-answers").text)
    assert "1 High Street, London, E1 1AA" in page
    assert "No: do not leave a voicemail or message" in page
    assert "No: do not say we are calling or writing from MOPAC" in page
    assert "Not given" not in page.split("Help you need")[1].split("</dl>")[0]
    headings = [line.strip() for line in page.splitlines() if 'class="govuk-heading-m"' in line]
    assert len(headings) >= 5


def test_a_representative_checks_their_answers_in_their_words(journey):
    journey.walk(representative_steps())
    page = unescape(journey.client.get("/request/check-answers").text)
    assert "Is their complaint about the Metropolitan Police Service" in page


def test_staff_see_unknown_facts_of_an_older_request_plainly(app, caseworker, client_as):
    with app.app_context():
        found = make_request(letter_date=None, mps_reference=None)
        request_id = found.id
    page = client_as(caseworker).get(f"/staff/requests/{request_id}").text
    assert page.count("Not known: ask the Met") == 2


def test_a_question_opened_by_a_change_goes_back_to_check_answers(journey):
    journey.walk(complainant_steps())
    opened = journey.answer("adjustments-needed?change=1", {"needed": "yes"})
    assert opened.location.endswith("/request/adjustments?change=1")
    done = journey.answer("adjustments?change=1", {"adjustments": ["large-print"]})
    assert done.location.endswith("/request/check-answers")
