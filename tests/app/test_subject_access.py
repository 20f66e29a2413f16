"""Subject access: an admin builds one ZIP of everything held about a person, found by email,
phone or reference: every request they are a party to, with its answers, files, letters,
messages, timeline and audit entries, as a page to read and as JSON; audited. Nothing of
anyone else's request is in it."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from sqlalchemy import select

from reviews.database import db
from reviews.models import AuditEvent, Document, RequesterMessage
from reviews.references import format_reference
from reviews.workflow import Status
from tests.app.test_sent_letters import pdf_text
from tests.conftest import make_test_app
from tests.forms import post_form
from tests.journey import look_up
from tests.requests_data import make_request

PAGE = "/staff/subject-access"


def a_request(app, marker: str, **fields) -> str:
    """A request whose every free-text part carries `marker`; its reference."""
    with app.app_context():
        review_request = make_request(
            Status.RECEIVED,
            complaint_summary=f"Summary {marker}-summary",
            why_unhappy=f"Unhappy {marker}-why",
            **fields,
        )
        db.session.add(
            RequesterMessage(review_request_id=review_request.id, body=f"More {marker}-message")
        )
        content = f"%PDF-1.4 {marker}-document".encode()
        db.session.add(
            Document(
                review_request_id=review_request.id,
                kind="supporting",
                filename=f"{marker}-file.pdf",
                content_type="application/pdf",
                size=len(content),
                sha256="0" * 64,
                content=content,
            )
        )
        db.session.commit()
        return review_request.reference


def export_text(response) -> str:
    """Every file in the ZIP, as text."""
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    return "\n".join(archive.read(name).decode("latin-1") for name in archive.namelist())


def test_the_export_holds_both_of_a_persons_requests_and_nothing_of_anyone_elses(
    app, admin, client_as
):
    first = a_request(
        app, "alpha", requester_email="pat@example.com", requester_phone="07700900123"
    )
    second = a_request(
        app, "bravo", requester_email="someone@example.org", complainant_email="PAT@example.com"
    )
    a_request(app, "zulu", requester_email="other@example.net", requester_phone="07700900999")

    client = client_as(admin)
    response = post_form(client, PAGE, {"search": "pat@example.com"})
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    text = export_text(response)
    for marker in ("alpha", "bravo"):
        for part in ("summary", "why", "message", "document", "file"):
            assert f"{marker}-{part}" in text
    assert format_reference(first) in text and format_reference(second) in text
    assert "zulu" not in text

    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert "index.html" in archive.namelist()
    data = json.loads(archive.read("data.json"))
    assert {item["reference"] for item in data["requests"]} == {
        format_reference(first),
        format_reference(second),
    }

    with app.app_context():
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "subject-access-export")
        ).one()
        assert "pat@example.com" not in json.dumps(event.detail)  # the search is not logged
        assert event.detail["requests"] == 2


def test_found_by_phone_or_reference_too(app, admin, client_as):
    reference = a_request(app, "alpha", requester_phone="07700 900123")
    a_request(app, "zulu")
    client = client_as(admin)
    by_phone = export_text(post_form(client, PAGE, {"search": "+44 7700 900123"}))
    assert "alpha-summary" in by_phone and "zulu" not in by_phone
    by_reference = export_text(post_form(client, PAGE, {"search": format_reference(reference)}))
    assert "alpha-summary" in by_reference and "zulu" not in by_reference


def test_nothing_found_says_so(app, admin, client_as):
    page = post_form(client_as(admin), PAGE, {"search": "nobody@example.com"})
    assert page.status_code == 200
    assert "We hold no request for nobody@example.com" in page.text


def test_only_admins_may_export(app, caseworker, client_as):
    assert client_as(caseworker).get(PAGE).status_code == 403


# The requester's own copy of what they sent, from the tracker, at any time.


def test_the_requester_downloads_what_they_sent_as_a_pdf(app):
    reference = a_request(app, "alpha")
    client = app.test_client()
    assert look_up(client, format_reference(reference), "Example").status_code == 302
    receipt = client.get("/track/receipt")
    assert 'href="/track/receipt.pdf"' in receipt.text
    response = client.get("/track/receipt.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    text = pdf_text(response.data)
    assert "alpha-summary" in text and "alpha-why" in text
    assert format_reference(reference) in text
    assert "alpha-file.pdf" in text


def test_the_receipt_pdf_needs_a_looked_up_request(app):
    assert app.test_client().get("/track/receipt.pdf").status_code == 302


def test_the_privacy_notice_says_how_to_use_each_right_from_the_settings(make_privacy_app):
    app = make_privacy_app(
        DATA_PROTECTION_EMAIL="dpo@example.org",
        DATA_PROTECTION_ADDRESS="Data Protection Officer, 1 Test Street, London",
        ICO_COMPLAINT_URL="https://ico.example/complain",
    )
    page = app.test_client().get("/privacy").text
    for words in (
        "dpo@example.org",
        "1 Test Street",
        "https://ico.example/complain",
        "Download a copy of what you sent",
        "correct",
        "delete",
        "Information Commissioner",
    ):
        assert words in page


@pytest.fixture
def make_privacy_app(migrated_database, tmp_path):
    def make(**settings):
        return make_test_app(migrated_database, tmp_path / "instance", **settings)

    return make
