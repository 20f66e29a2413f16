"""Emails that carry a stored letter: a request worked to a decision, then the outbox sent
through a real SMTP exchange on 127.0.0.1, the GOV.UK Notify client's file mechanism, or the
log. The requester's email and the Met's copy carry the very bytes that were stored."""

from __future__ import annotations

import base64
import logging

from sqlalchemy import select

from reviews.database import db
from reviews.models import SentLetter
from reviews.workflow import CASEWORKER, TEAM_LEADER
from tests.outbox_support import notify_app, queue, smtp_app
from tests.requests_data import main_path, request_through
from tests.staff_helpers import make_staff
from web.outbox import send_queued

MET = "standards@met.example"


def _decided(app, large_print: bool = False) -> int:
    """A request taken through the real workflow to a sent decision (upheld): its id."""
    caseworker = make_staff(app, CASEWORKER)
    leader = make_staff(app, TEAM_LEADER)
    decision = {
        "outcome_reasonable": "no",
        "decision_reasons": "The Met did not look at the video.",
        "recommendations": ["apology"],
    }
    steps = [
        *main_path("start_review", by=caseworker, leader=leader),
        ("record_decision", caseworker, decision),
        ("approve_decision", leader, {}),
        ("issue_decision", caseworker, {}),
    ]
    fields = {"adjustments": ["large-print"]} if large_print else {}
    return request_through(app, *steps, **fields)


def _decision_letter(app, request_id: int) -> tuple[str, bytes, str | None, bytes | None]:
    with app.app_context():
        letter = db.session.scalars(
            select(SentLetter).where(
                SentLetter.review_request_id == request_id, SentLetter.kind == "decision"
            )
        ).one()
        return (
            letter.filename,
            letter.content,
            letter.large_print_filename,
            letter.large_print_content,
        )


def _attachments(message) -> list[tuple[str, bytes]]:
    return [
        (part.get_filename(), part.get_content())
        for part in message.iter_attachments()
        if part.get_content_type() == "application/pdf"
    ]


def test_the_decision_email_and_the_mets_copy_carry_the_stored_pdf(make_app, smtp_server):
    app = make_app(
        EMAIL_BACKEND="smtp",
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=smtp_server.port,
        SMTP_USE_TLS=False,
        MPS_PROFESSIONAL_STANDARDS_EMAIL=MET,
    )
    request_id = _decided(app)
    filename, content, _, _ = _decision_letter(app, request_id)
    with app.app_context():
        assert send_queued() == 3  # acknowledgement, decision, the Met's copy
    by_subject = {
        message["Subject"]: (recipients, message) for _, recipients, message in smtp_server.messages
    }
    [decision_subject] = [s for s in by_subject if s.startswith("We have made a decision")]
    recipients, decision_email = by_subject[decision_subject]
    assert recipients == ["Sam@example.com"]
    assert _attachments(decision_email) == [(filename, content)]
    assert "comes with this email" in decision_email.get_body(("plain",)).get_content()

    [met_subject] = [s for s in by_subject if s.startswith("MOPAC review decision")]
    recipients, met_email = by_subject[met_subject]
    assert recipients == [MET]
    assert _attachments(met_email) == [(filename, content)]


def test_large_print_goes_with_the_email_too(make_app, smtp_server):
    app = smtp_app(make_app, smtp_server.port)
    request_id = _decided(app, large_print=True)
    filename, content, large_name, large_content = _decision_letter(app, request_id)
    with app.app_context():
        send_queued()
    decision_emails = [
        message
        for _, recipients, message in smtp_server.messages
        if message["Subject"].startswith("We have made a decision")
    ]
    assert _attachments(decision_emails[0]) == [(filename, content), (large_name, large_content)]


def test_notify_gets_the_letter_through_its_file_mechanism(make_app, fake_notify):
    app = notify_app(make_app)
    request_id = _decided(app)
    filename, content, _, _ = _decision_letter(app, request_id)
    with app.app_context():
        send_queued()
    [call] = [
        c
        for c in fake_notify.calls
        if c["reference"].startswith("issue_decision") and not c["reference"].endswith(":mps")
    ]
    upload = call["personalisation"]["letter"]
    assert base64.b64decode(upload["file"]) == content
    assert upload["filename"] == filename
    assert call["personalisation"]["large_print_letter"] == ""
    [mps_copy] = [c for c in fake_notify.calls if c["reference"].endswith(":mps")]
    assert base64.b64decode(mps_copy["personalisation"]["letter"]["file"]) == content


def test_notify_fills_the_letter_placeholders_with_nothing_when_there_is_no_letter(
    make_app, fake_notify
):
    app = notify_app(make_app)
    with app.app_context():
        queue()
        send_queued()
    [call] = fake_notify.calls
    assert call["personalisation"]["letter"] == call["personalisation"]["large_print_letter"] == ""


def test_the_log_backend_notes_the_attachment(make_app, caplog):
    app = make_app(EMAIL_BACKEND="log")
    request_id = _decided(app)
    filename, content, _, _ = _decision_letter(app, request_id)
    with caplog.at_level(logging.INFO, logger="reviews.notifications"), app.app_context():
        send_queued()
    assert f"[attached: {filename}, {len(content)} bytes]" in caplog.text
