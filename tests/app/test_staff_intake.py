"""Staff entering a request that came by post or email (staff.intake): the public journey's own
questions, forms and checks, in staff pages; judged on the day it arrived, not the day typed in;
a reference, a timeline entry saying who entered it, an audit event and the usual confirmation."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from reviews import clock
from reviews.database import db
from reviews.models import AuditEvent, Document, Draft, OutboxMessage, ReviewRequest
from reviews.rules import acknowledgement_due
from tests.forms import csrf_token, error_messages
from tests.journey import Journey
from tests.journey_data import complainant_steps, date_parts, pdf_bytes, replace_step

START = "/staff/intake/start"


class Intake:
    """A caseworker entering a request, as a browser without JavaScript would."""

    def __init__(self, client):
        self.client = client
        self.token = csrf_token(client, START)

    def post(self, path: str, data: dict | None = None):
        return self.client.post(
            path,
            data={"csrf_token": self.token, **(data or {})},
            content_type="multipart/form-data",
        )

    def start(self, via: str = "post", received_on: date | None = None):
        received_on = received_on or clock.today() - timedelta(days=3)
        return self.post(START, {"received_via": via, **date_parts("received_on", received_on)})

    def answer(self, slug: str, data: dict):
        response = self.post(f"/staff/intake/{slug}", data)
        assert response.status_code == 302, (slug, error_messages(response.text))
        return response

    def walk(self, steps):
        for slug, data in steps:
            self.answer(slug, data)

    def send(self):
        return self.post("/staff/intake/check-answers")


def by_post(steps):
    """The steps for someone who wants letters: no email address."""
    steps = replace_step(steps, "how-to-contact", {"preferred_contact": "post"})
    return replace_step(
        steps,
        "contact-details",
        {"address_line_1": "1 High Street", "town": "London", "postcode": "SE1 0LL"},
    )


def only_request(app) -> ReviewRequest:
    with app.app_context():
        found = db.session.scalars(select(ReviewRequest)).all()
        assert len(found) == 1
        return found[0]


def test_the_dashboard_offers_entering_a_request_to_caseworkers_only(
    client_as, caseworker, team_leader, auditor
):
    link = 'href="/staff/intake/start"'
    assert link in client_as(caseworker).get("/staff/").text
    assert link in client_as(team_leader).get("/staff/").text
    assert link not in client_as(auditor).get("/staff/").text


def test_the_way_it_came_and_the_day_it_arrived_are_asked_first(client_as, caseworker):
    intake = Intake(client_as(caseworker))
    nothing = intake.post(START, {})
    assert nothing.status_code == 200
    assert error_messages(nothing.text) == [
        "Select how the request came to us",
        "Enter the date the request arrived",
    ]
    tomorrow = intake.start(received_on=clock.today() + timedelta(days=1))
    assert error_messages(tomorrow.text) == [
        "The date the request arrived must be today or in the past"
    ]
    # Nobody reaches a question before saying how and when it came.
    assert intake.client.get("/staff/intake/who-is-asking").location == START
    started = intake.start()
    assert started.location == "/staff/intake/who-is-asking"


def test_a_letter_by_post_goes_through_the_same_questions_and_is_dated_the_day_it_arrived(
    app, client_as, caseworker
):
    received_on = clock.today() - timedelta(days=4)
    intake = Intake(client_as(caseworker))
    intake.start("post", received_on)
    page = intake.client.get("/staff/intake/who-is-asking")
    assert page.status_code == 200
    assert "Entering a request that came by post" in page.text
    assert "Save and come back later" not in page.text

    steps = by_post(complainant_steps(letter_date=received_on - timedelta(days=10)))
    index = [slug for slug, _ in steps].index("letter-upload")
    intake.walk(steps[:index])
    # The scanned letter, attached by the caseworker on the same upload page.
    upload = intake.post(
        "/staff/intake/letter-upload",
        {"action": "upload", "files": [(io.BytesIO(pdf_bytes()), "scanned letter.pdf")]},
    )
    assert upload.status_code == 302
    assert "scanned letter.pdf" in intake.client.get("/staff/intake/letter-upload").text
    intake.answer("letter-upload", {"action": "continue"})
    intake.walk(steps[index + 1 :])

    check = intake.client.get("/staff/intake/check-answers")
    assert check.status_code == 200
    assert "scanned letter.pdf" in check.text
    assert 'href="/staff/intake/your-name?change=1"' in check.text
    sent = intake.send()
    assert sent.location == "/staff/intake/entered"
    entered = intake.client.get(sent.location)
    assert entered.status_code == 200

    review_request = only_request(app)
    assert review_request.reference.replace("-", "")[:4] in entered.text.replace("-", "")
    with app.app_context():
        review_request = db.session.get(ReviewRequest, review_request.id)
        assert clock.london_date(review_request.submitted_at) == received_on
        assert review_request.acknowledgement_due == acknowledgement_due(received_on)
        assert review_request.received_via == "post"
        assert review_request.entered_by_id == caseworker.id
        assert [d.filename for d in review_request.documents] == ["scanned letter.pdf"]
        (entry,) = review_request.timeline
        assert entry.staff_user_id == caseworker.id
        assert entry.staff_note.startswith("Received by post on ")
        assert "entered by Casey Worker" in entry.staff_note
        assert clock.london_date(entry.happened_at) == received_on
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "request-entered"))
        assert event.staff_user_id == caseworker.id
        assert event.review_request_id == review_request.id
        assert event.detail == {"received_via": "post", "received_on": received_on.isoformat()}
        # No email address: nothing is emailed; the acknowledgement letter goes by post.
        assert db.session.scalars(select(OutboxMessage)).all() == []
    assert "Acknowledge the request" in entered.text
    # The draft is gone from the session: starting again starts a new one.
    assert intake.client.get("/staff/intake/check-answers").location == START


def test_an_email_address_gets_the_usual_confirmation(app, client_as, team_leader):
    intake = Intake(client_as(team_leader))
    intake.start("email")
    steps = replace_step(
        complainant_steps(), "letter-upload", {"letter_to_follow": "y", "action": "continue"}
    )
    intake.walk(steps)
    intake.send()
    review_request = only_request(app)
    with app.app_context():
        (message,) = db.session.scalars(select(OutboxMessage)).all()
        assert message.template == "request_received"
        assert message.recipient.lower() == "sam@example.com"
        assert message.review_request_id == review_request.id
        assert review_request.received_via == "email"


@pytest.mark.parametrize(
    ("days_before_arrival", "late"),
    [(28, False), (29, True)],
)
def test_lateness_is_judged_on_the_day_it_arrived(
    app, client_as, caseworker, days_before_arrival, late
):
    """A letter that took a week in the post: on time if it arrived within the 28 days, even
    though it is typed in after them."""
    received_on = clock.today() - timedelta(days=7)
    letter_date = received_on - timedelta(days=days_before_arrival)
    intake = Intake(client_as(caseworker))
    intake.start("post", received_on)
    steps = complainant_steps(letter_date=letter_date)
    if late:
        steps = replace_step(
            steps, "late-reason", {"late_reason": "I was in hospital."}, after="letter-received"
        )
    intake.walk(steps)
    intake.send()
    review_request = only_request(app)
    assert review_request.is_late is late
    assert review_request.late_reason == ("I was in hospital." if late else None)


def test_the_same_checks_and_messages_as_the_public_journey(app, client, client_as, caseworker):
    public = Journey(client)
    public_errors = error_messages(public.answer("who-is-asking", {}, expect_redirect=False).text)
    intake = Intake(client_as(caseworker))
    intake.start()
    staff_page = intake.post("/staff/intake/who-is-asking", {})
    assert staff_page.status_code == 200
    assert public_errors and error_messages(staff_page.text) == public_errors


def test_a_draft_is_only_carried_on_by_the_person_entering_it(
    app, client_as, caseworker, other_caseworker
):
    intake = Intake(client_as(caseworker))
    intake.start()
    with app.app_context():
        draft_id = db.session.scalar(select(Draft.id))
    other = client_as(other_caseworker)
    with other.session_transaction() as session:
        session["staff_intake_draft_id"] = draft_id
    assert other.get("/staff/intake/who-is-asking").location == START


def test_changing_the_day_it_arrived_from_check_answers_keeps_the_answers(
    app, client_as, caseworker
):
    intake = Intake(client_as(caseworker))
    intake.start("post", clock.today() - timedelta(days=2))
    intake.walk(complainant_steps())
    check = intake.client.get("/staff/intake/check-answers")
    assert f'href="{START}?change=1"' in check.text
    changed = intake.post(
        f"{START}?change=1",
        {"received_via": "email", **date_parts("received_on", clock.today() - timedelta(days=1))},
    )
    assert changed.location == "/staff/intake/check-answers"
    intake.send()
    review_request = only_request(app)
    assert review_request.received_via == "email"
    assert clock.london_date(review_request.submitted_at) == clock.today() - timedelta(days=1)


def test_an_answer_that_ends_the_journey_ends_the_entry_with_a_way_back(client_as, caseworker):
    intake = Intake(client_as(caseworker))
    intake.start()
    steps = complainant_steps()
    index = [slug for slug, _ in steps].index("about-the-met")
    intake.walk(steps[:index])
    ended = intake.answer("about-the-met", {"about_met": "no"})
    assert ended.location == "/staff/intake/cannot-enter/other-police-force"
    page = intake.client.get(ended.location)
    assert "We can only review complaints about the Metropolitan Police" in page.text
    assert 'href="/staff/intake/about-the-met"' in page.text
    assert "If you need help" not in page.text


def test_a_scanned_file_can_be_removed(app, client_as, caseworker):
    intake = Intake(client_as(caseworker))
    intake.start()
    steps = complainant_steps()
    intake.walk(steps[: [slug for slug, _ in steps].index("letter-upload")])
    intake.post(
        "/staff/intake/letter-upload",
        {"action": "upload", "files": [(io.BytesIO(pdf_bytes()), "scan.pdf")]},
    )
    with app.app_context():
        (document_id,) = db.session.scalars(select(Document.id)).all()
    removed = intake.post(f"/staff/intake/letter-upload/remove/{document_id}")
    assert removed.location == "/staff/intake/letter-upload"
    with app.app_context():
        assert db.session.get(Document, document_id) is None
    nothing = intake.post("/staff/intake/letter-upload", {"action": "continue"})
    assert error_messages(nothing.text) == [
        "Upload your outcome letter, or tell us you will send it later"
    ]
