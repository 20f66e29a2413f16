"""Staff casework pages: the queries each page costs, who may see which request, how documents
are downloaded, and bounced emails dealt with."""

from __future__ import annotations

import secrets

import pytest
from flask import Flask
from sqlalchemy import event, select

from reviews.accessibility import request_callback
from reviews.database import db
from reviews.models import AuditEvent, InternalNote, OutboxMessage, StaffUser
from reviews.workflow import CASEWORKER
from tests.forms import csrf_token
from tests.requests_data import TODAY, add_document, add_request, bounced_email
from tests.staff_helpers import make_staff

# The dashboard ---------------------------------------------------------------------------------


# The queue: filters -----------------------------------------------------------------------------


# Search ---------------------------------------------------------------------------------------


# Sorting and pages ------------------------------------------------------------------------------


def count_queries(app: Flask, client, path: str) -> int:
    statements: list[str] = []

    def record(connection, cursor, statement, *args) -> None:
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return len(statements)


def assert_queries_do_not_grow(app: Flask, client, path: str, add_rows, first: int, more: int):
    """The page at `path` costs as many queries with `first` rows (added by `add_rows`) as
    after `more` are added."""
    add_rows(first)
    client.get(path)  # the first page of a session may do one-off work
    before = count_queries(app, client, path)
    add_rows(more)
    assert count_queries(app, client, path) == before


@pytest.mark.parametrize("path", ["/staff/requests?sort=due", "/staff/"])
def test_queries_per_page_do_not_grow_with_the_rows(app, path, team_leader, client_as):
    client = client_as(team_leader)

    def add_requests(how_many: int) -> None:
        for _ in range(how_many):
            # Each with its own owner, so that loading owners one by one would show; owners
            # who have left, so that the queue's list of caseworkers does not load them first.
            owner = make_staff(app, CASEWORKER, f"{secrets.token_hex(4)}@example.org")
            add_request(app, owner_id=owner.id, consent="awaited", adjustments=["callback"])
            with app.app_context():
                db.session.get(StaffUser, owner.id).active = False
                request_callback(TODAY, source="accessibility", name="Ali", phone="07700 900982")
                db.session.commit()

    assert_queries_do_not_grow(app, client, path, add_requests, 3, 27)


def test_a_request_page_loads_its_notes_authors_together(app, team_leader, client_as):
    client = client_as(team_leader)
    review_request = add_request(app)
    path = f"/staff/requests/{review_request.id}"

    def add_notes(how_many: int) -> None:
        # Each by its own author, so that loading authors one by one would show.
        for _ in range(how_many):
            author = make_staff(app, CASEWORKER, f"{secrets.token_hex(4)}@example.org")
            with app.app_context():
                db.session.add(
                    InternalNote(
                        review_request_id=review_request.id, author_id=author.id, body="A note"
                    )
                )
                db.session.commit()

    assert_queries_do_not_grow(app, client, path, add_notes, 2, 5)


# Who may see a request, and its documents -------------------------------------------------------


def test_a_caseworker_cannot_reach_another_caseworkers_request(
    app, caseworker, other_caseworker, client_as
):
    theirs = add_request(app, owner_id=other_caseworker.id)
    document_id = add_document(app, theirs)
    client = client_as(caseworker)
    assert client.get(f"/staff/requests/{theirs.id}").status_code in (403, 404)
    download = client.get(f"/staff/requests/{theirs.id}/documents/{document_id}")
    assert download.status_code in (403, 404)
    mine = add_request(app, owner_id=caseworker.id)
    # Nor by pairing their document with a request this caseworker may see.
    assert client.get(f"/staff/requests/{mine.id}/documents/{document_id}").status_code == 404
    assert client.get(f"/staff/requests/{mine.id}").status_code == 200


def test_documents_download_sandboxed_and_never_inline(app, caseworker, client_as):
    review_request = add_request(app, owner_id=caseworker.id)
    document_id = add_document(app, review_request)
    client = client_as(caseworker)
    response = client.get(f"/staff/requests/{review_request.id}/documents/{document_id}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "outcome-letter.pdf" in response.headers["Content-Disposition"]
    assert response.headers["Content-Security-Policy"].startswith("sandbox")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.data == b"%PDF-1.4 not really a letter"
    with app.app_context():
        downloaded = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "downloaded-document")
        )
        assert downloaded.staff_user_id == caseworker.id
        assert downloaded.review_request_id == review_request.id


def test_a_bounced_email_leaves_the_dashboard_once_dealt_with(
    app, caseworker, other_caseworker, client_as
):
    mine = add_request(app)
    theirs = add_request(app, owner_id=other_caseworker.id)
    with app.app_context():
        messages = [bounced_email(saved.id, saved.id) for saved in (mine, theirs)]
        db.session.add_all(messages)
        db.session.commit()
        mine_id, theirs_id = (message.id for message in messages)
    client = client_as(caseworker)
    assert "Emails and texts that failed (1)" in client.get("/staff/").text

    token = csrf_token(client, "/staff/")
    refused = client.post(f"/staff/bounced/{theirs_id}/dealt-with", data={"csrf_token": token})
    assert refused.status_code == 404
    assert client.post(f"/staff/bounced/{mine_id}/dealt-with").status_code == 400  # no token
    done = client.post(f"/staff/bounced/{mine_id}/dealt-with", data={"csrf_token": token})
    assert done.status_code == 302 and done.location.endswith("/staff/#bounced")
    assert "Emails and texts that failed (0)" in client.get("/staff/").text
    with app.app_context():
        message = db.session.get(OutboxMessage, mine_id)
        assert message.dealt_with_by_id == caseworker.id
        audit = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "bounce-dealt-with")
        )
        assert audit.review_request_id == mine.id


def test_a_failed_text_is_named_as_a_text(app, caseworker, client_as):
    mine = add_request(app, owner_id=caseworker.id)
    with app.app_context():
        text = bounced_email(mine.id, "text")
        text.channel, text.recipient = "sms", "+447700900982"
        db.session.add(text)
        db.session.commit()
    page = client_as(caseworker).get("/staff/").text
    assert "text message failed" in page and "request received text" in page
    assert "email bounced" not in page


def test_signed_permission_marked_received_is_shown_as_such(app, caseworker, client_as):
    saved = add_request(
        app,
        owner_id=caseworker.id,
        requester_role="representative",
        requester_name="Ria Advocate",
        consent="received",
    )
    page = client_as(caseworker).get(f"/staff/requests/{saved.id}").text
    assert "Received and checked" in page
