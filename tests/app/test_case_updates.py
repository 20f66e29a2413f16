"""Post, phone and email in, on an existing case (staff.case_updates, reviews.case_updates):
documents staff add, the outcome letter received, contact details corrected, a phone call or an
email recorded, and what the requester sent on the tracker shown as unread until read."""

from __future__ import annotations

import io
from datetime import date, timedelta

from sqlalchemy import select

from reviews.database import db
from reviews.models import AuditEvent, Document, RequesterMessage, ReviewRequest, TimelineEntry
from reviews.rules import format_date
from reviews.tracker_changes import add_documents, add_message
from reviews.tracking import needed_from_you, public_timeline
from reviews.uploads import check_upload
from reviews.workflow import Status
from tests.action_pages import text_of
from tests.forms import csrf_token, error_messages
from tests.journey_data import date_parts, pdf_bytes
from tests.requests_data import TODAY, add_request
from tests.staff_helpers import audit_actions


def _page(request_id: int, path: str = "") -> str:
    return f"/staff/requests/{request_id}{path}"


def _post(client, path: str, data: dict, *, token_from: str | None = None, **kwargs):
    token = csrf_token(client, token_from or path)
    return client.post(path, data={"csrf_token": token, **data}, **kwargs)


def _stored(app, request_id: int) -> ReviewRequest:
    with app.app_context():
        review_request = db.session.get(ReviewRequest, request_id)
        db.session.expunge(review_request)
        return review_request


def _staff_timeline(app, request_id: int) -> list[TimelineEntry]:
    with app.app_context():
        entries = db.session.scalars(
            select(TimelineEntry)
            .where(TimelineEntry.review_request_id == request_id)
            .order_by(TimelineEntry.id)
        ).all()
        for entry in entries:
            db.session.expunge(entry)
        return list(entries)


# 1. Documents that came by post, by email or from the Met.


def test_staff_upload_a_letter_that_came_by_post(app, caseworker, client_as):
    saved = add_request(app, status=Status.ACKNOWLEDGED, letter_to_follow=True)
    client = client_as(caseworker)
    add = _page(saved.id, "/documents/add")
    response = _post(
        client,
        add,
        {
            "kind": "outcome-letter",
            "source": "post",
            "files": [(io.BytesIO(pdf_bytes()), "scan of letter.pdf")],
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302 and response.location == _page(saved.id)

    with app.app_context():
        document = db.session.scalar(select(Document))
        assert document.review_request_id == saved.id
        assert (document.kind, document.source) == ("outcome-letter", "post")
        assert document.uploaded_by_id == caseworker.id
        # Staff added it: nobody needs to be told it is new.
        assert document.read_at is not None
    assert _stored(app, saved.id).letter_to_follow is False
    action, who, detail = audit_actions(app)[-1]
    assert (action, who) == ("added-documents", caseworker.id)
    assert detail["kind"] == "outcome-letter" and detail["source"] == "post"

    page = text_of(client.get(_page(saved.id)))
    assert "Download scan of letter.pdf" in page
    assert "sent by post" in page
    assert "The outcome letter is to follow." not in page


def test_an_upload_needs_a_kind_a_source_and_a_good_file(app, caseworker, client_as):
    saved = add_request(app)
    client = client_as(caseworker)
    add = _page(saved.id, "/documents/add")
    response = _post(client, add, {}, content_type="multipart/form-data")
    assert error_messages(text_of(response)) == [
        "Select what the document is",
        "Select where it came from",
        "Select a file to upload",
    ]
    bad = _post(
        client,
        add,
        {"kind": "supporting", "source": "email", "files": [(io.BytesIO(b"MZ..."), "a.exe")]},
        content_type="multipart/form-data",
    )
    assert "a.exe: The selected file must be a PDF, JPG, PNG or HEIC" in text_of(bad)
    with app.app_context():
        assert db.session.scalar(select(Document)) is None


def test_the_mets_case_information_can_record_its_arrival(app, caseworker, client_as):
    saved = add_request(
        app,
        status=Status.AWAITING_MPS_INFO,
        mps_info_requested_on=TODAY - timedelta(days=10),
        mps_info_due_on=TODAY + timedelta(days=5),
    )
    response = _post(
        client_as(caseworker),
        _page(saved.id, "/documents/add"),
        {
            "kind": "mps-case-info",
            "source": "met",
            "mps_info_arrived": "y",
            "files": [(io.BytesIO(pdf_bytes()), "case file.pdf")],
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    stored = _stored(app, saved.id)
    assert stored.status == Status.AWAITING_ALLOCATION
    assert stored.mps_info_received_on == TODAY
    actions = [action for action, _, _ in audit_actions(app)]
    assert actions[-2:] == ["added-documents", "mps_info_received"]
    page = text_of(client_as(caseworker).get(_page(saved.id)))
    assert "from the Met" in page


def test_auditors_read_but_do_not_add(app, auditor, client_as):
    saved = add_request(app)
    client = client_as(auditor)
    assert client.get(_page(saved.id, "/documents/add")).status_code == 403
    page = text_of(client.get(_page(saved.id)))
    assert "/documents/add" not in page and "/contact-details" not in page


# 2. The outcome letter received.


def test_marking_the_outcome_letter_received_records_what_was_unknown(app, caseworker, client_as):
    saved = add_request(
        app,
        status=Status.ACKNOWLEDGED,
        letter_to_follow=True,
        letter_date=date(2026, 5, 1),
        letter_date_is_approximate=True,
        mps_reference=None,
    )
    client = client_as(caseworker)
    received = _page(saved.id, "/outcome-letter-received")
    letter_date = TODAY - timedelta(days=12)
    response = _post(
        client, received, {**date_parts("letter_date", letter_date), "mps_reference": "co/9/26 "}
    )
    assert response.status_code == 302 and response.location == _page(saved.id)

    stored = _stored(app, saved.id)
    assert stored.letter_to_follow is False
    assert (stored.letter_date, stored.letter_date_is_approximate) == (letter_date, False)
    assert stored.mps_reference == "CO/9/26"
    action, _, detail = audit_actions(app)[-1]
    assert action == "outcome-letter-received"
    assert detail["previous"] == {
        "letter_date": "2026-05-01",
        "letter_date_is_approximate": True,
        "mps_reference": None,
    }
    with app.app_context():
        review_request = db.session.get(ReviewRequest, saved.id)
        # The tracker no longer asks for it, and the requester reads that it came.
        assert not any("outcome letter" in need for need in needed_from_you(review_request))
        latest = public_timeline(review_request)[-1]
        assert latest.title == "Outcome letter received"
        assert format_date(letter_date) in latest.note
    assert "The outcome letter is to follow." not in text_of(client.get(_page(saved.id)))


def test_a_letter_date_makes_a_request_late_only_when_it_is(app, caseworker, client_as):
    saved = add_request(app, letter_to_follow=True, letter_date=None)
    _post(
        client_as(caseworker),
        _page(saved.id, "/outcome-letter-received"),
        date_parts("letter_date", TODAY - timedelta(days=40)),
    )
    assert _stored(app, saved.id).is_late is True


def test_nothing_to_record_about_the_letter_is_refused(app, caseworker, client_as):
    saved = add_request(app)  # letter date and reference known, nothing to follow
    client = client_as(caseworker)
    response = client.get(_page(saved.id, "/outcome-letter-received"))
    assert response.status_code == 302
    assert "Nothing to record: we have the outcome letter" in text_of(client.get(_page(saved.id)))


def test_a_letter_date_in_the_future_is_refused(app, caseworker, client_as):
    saved = add_request(app, letter_to_follow=True, letter_date=None)
    response = _post(
        client_as(caseworker),
        _page(saved.id, "/outcome-letter-received"),
        date_parts("letter_date", TODAY + timedelta(days=1)),
    )
    assert error_messages(text_of(response)) == ["The date on the letter must be today or earlier"]
    assert _stored(app, saved.id).letter_to_follow is True


# 3. Contact details corrected.


def test_correcting_contact_details_keeps_the_old_ones_in_the_audit_log(app, caseworker, client_as):
    saved = add_request(
        app,
        requester_role="representative",
        requester_name="Rep Resent",
        complainant_name="Sam Example",
        complainant_email="old@example.com",
        complainant_phone="020 7946 0000",
    )
    client = client_as(caseworker)
    path = _page(saved.id, "/contact-details?party=complainant")
    form = text_of(client.get(path))
    assert 'value="old@example.com"' in form
    response = _post(
        client,
        path,
        {"email": "new@example.com", "phone": "020 7946 0000", "address": "1 New Road\nLondon"},
    )
    assert response.status_code == 302

    stored = _stored(app, saved.id)
    assert stored.complainant_email == "new@example.com"
    assert stored.complainant_address == "1 New Road\nLondon"
    assert stored.requester_email == "Sam@example.com"  # the other party's are untouched
    action, who, detail = audit_actions(app)[-1]
    assert (action, who) == ("corrected-contact-details", caseworker.id)
    assert detail == {
        "party": "complainant",
        "previous": {"email": "old@example.com", "address": None},
    }
    entry = _staff_timeline(app, saved.id)[-1]
    assert entry.public_note is None
    assert "old@example.com" not in (entry.staff_note or "")
    assert "complainant's email address and address" in entry.staff_note
    with app.app_context():
        review_request = db.session.get(ReviewRequest, saved.id)
        # Staff-only: the requester's timeline does not show it.
        assert len(public_timeline(review_request)) == 1
    page = text_of(client.get(_page(saved.id)))
    assert "Contact details corrected" in page


def test_a_bad_email_address_is_refused(app, caseworker, client_as):
    saved = add_request(app)
    response = _post(client_as(caseworker), _page(saved.id, "/contact-details"), {"email": "nope"})
    assert response.status_code == 200 and error_messages(text_of(response))
    assert _stored(app, saved.id).requester_email == "Sam@example.com"


# 4. A phone call or an email.


def test_record_a_phone_call(app, caseworker, client_as):
    saved = add_request(app, status=Status.ACKNOWLEDGED)
    client = client_as(caseworker)
    called = TODAY - timedelta(days=1)
    response = _post(
        client,
        _page(saved.id, "/contacts/add"),
        {
            "channel": "phone",
            "direction": "in",
            **date_parts("happened_on", called),
            "summary": "Asked when the review starts. Told them about the queue.",
        },
    )
    assert response.status_code == 302
    entry = _staff_timeline(app, saved.id)[-1]
    assert entry.public_note is None and entry.staff_user_id == caseworker.id
    assert entry.event == "phone-call"
    assert format_date(called) in entry.staff_note
    assert "Told them about the queue." in entry.staff_note
    action, _, detail = audit_actions(app)[-1]
    assert action == "recorded-contact"
    assert detail == {"channel": "phone", "direction": "in", "happened_on": called.isoformat()}
    page = text_of(client.get(_page(saved.id)))
    assert "Phone call from them" in page
    with app.app_context():
        review_request = db.session.get(ReviewRequest, saved.id)
        assert all(item.note != entry.staff_note for item in public_timeline(review_request))
        assert len(public_timeline(review_request)) == 2


def test_a_contact_needs_what_was_said_and_a_past_date(app, caseworker, client_as):
    saved = add_request(app)
    response = _post(
        client_as(caseworker),
        _page(saved.id, "/contacts/add"),
        {"channel": "email", "direction": "out", **date_parts("happened_on", TODAY + timedelta(2))},
    )
    assert error_messages(text_of(response)) == [
        "The date must be today or earlier",
        "Enter what was said",
    ]


# 5. What the requester sent, unread until a member of staff reads it.


def _send_on_the_tracker(app, request_id: int) -> None:
    with app.app_context():
        review_request = db.session.get(ReviewRequest, request_id)
        add_message(review_request, "requester", "I found the letter.")
        upload = check_upload("letter.pdf", pdf_bytes(), 10_000_000)
        add_documents(review_request, "requester", "outcome-letter", [upload])
        db.session.commit()


def test_what_the_requester_sends_is_unread_until_marked_read(
    app, caseworker, team_leader, auditor, client_as
):
    saved = add_request(app, status=Status.ACKNOWLEDGED)
    quiet = add_request(app, status=Status.ACKNOWLEDGED)
    _send_on_the_tracker(app, saved.id)
    client = client_as(caseworker)

    dashboard = text_of(client.get("/staff/"))
    start = dashboard.index("New from requesters (1)")
    section = dashboard[start : dashboard.index("<h2", start)]
    assert f"/staff/requests/{saved.id}" in section and f"/staff/requests/{quiet.id}" not in section
    assert "1 message and 1 document" in section

    page = text_of(client.get(_page(saved.id)))
    assert "New from the requester" in page and "I found the letter." in page
    # Opening the page is not reading it for the team: an auditor may look without clearing it.
    text_of(client_as(auditor).get(_page(saved.id)))
    assert "Mark as read" not in text_of(client_as(auditor).get(_page(saved.id)))

    response = _post(client, _page(saved.id, "/mark-read"), {}, token_from=_page(saved.id))
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(RequesterMessage.read_at)) is not None
        assert db.session.scalar(select(Document.read_at)) is not None
        event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert event.action == "marked-read" and event.staff_user_id == caseworker.id
    assert "New from requesters (0)" in text_of(client_as(team_leader).get("/staff/"))
    assert "New from the requester" not in text_of(client.get(_page(saved.id)))


def test_documents_sent_with_the_request_are_not_new(app, caseworker, client_as, journey):
    from tests.journey_data import complainant_steps

    journey.walk(complainant_steps())
    journey.send()
    assert "New from requesters (0)" in text_of(client_as(caseworker).get("/staff/"))


def test_every_staff_only_event_has_a_title_on_the_staff_timeline():
    from reviews.case_updates import LETTER_RECEIVED, STAFF_EVENT_TITLES
    from reviews.tracking import STAFF_EVENTS, STAFF_ONLY_EVENTS

    assert set(STAFF_EVENT_TITLES) == STAFF_ONLY_EVENTS | {LETTER_RECEIVED}
    # The one the requester reads has a title on the tracker too.
    assert LETTER_RECEIVED in STAFF_EVENTS
