"""The journey's uploads (checked by content, removed, at most five, rate limited) and its
drafts over time: purged, kept alive, timed out."""

from __future__ import annotations

import io
import time
from datetime import timedelta

from sqlalchemy import func, select

from reviews import clock
from reviews.database import db
from reviews.drafts import purge_expired_drafts
from reviews.models import Document, Draft, ReviewRequest
from tests.journey import Journey
from tests.journey_data import complainant_steps, pdf_bytes


def test_outcome_letter_upload_checked_by_content(app, journey):
    rest = journey.walk_to("letter-upload")
    pretend = journey.upload("letter-upload", [(io.BytesIO(b"just text"), "letter.pdf")])
    assert pretend.status_code == 200
    assert "letter.pdf: The selected file must be a PDF, JPG, PNG or HEIC" in pretend.text
    nothing = journey.answer("letter-upload", {"action": "continue"}, expect_redirect=False)
    assert "Upload your outcome letter, or tell us you will send it later" in nothing.text

    good = journey.upload(
        "letter-upload",
        [(io.BytesIO(pdf_bytes()), "page 1.pdf"), (io.BytesIO(b""), "empty.pdf")],
    )
    assert good.status_code == 200
    assert "empty.pdf: The selected file is empty" in good.text
    assert "page 1.pdf" in good.text
    journey.answer("letter-upload", {"action": "continue"})
    journey.walk(rest[1:])
    journey.send()
    with app.app_context():
        review_request = db.session.scalar(select(ReviewRequest))
        assert [d.filename for d in review_request.documents] == ["page 1.pdf"]
        assert review_request.documents[0].content.startswith(b"%PDF")
        assert review_request.letter_to_follow is False


def test_a_file_can_be_removed_and_only_from_your_own_draft(app, journey, client):
    journey.walk_to("letter-upload")
    journey.upload("letter-upload", [(io.BytesIO(pdf_bytes()), "letter.pdf")])
    with app.app_context():
        document_id = db.session.scalar(select(Document.id))

    stranger = Journey(app.test_client())
    stranger.post(f"/request/letter-upload/remove/{document_id}")
    with app.app_context():
        assert db.session.get(Document, document_id) is not None

    journey.post(f"/request/letter-upload/remove/{document_id}")
    with app.app_context():
        assert db.session.get(Document, document_id) is None


def test_at_most_five_files(app, journey):
    journey.walk_to("letter-upload")
    files = [(io.BytesIO(pdf_bytes()), f"page {n}.pdf") for n in range(6)]
    response = journey.upload("letter-upload", files)
    assert "You can upload up to 5 files here" in response.text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Document)) == 5


def test_expired_drafts_are_purged_with_their_files(app, journey):
    journey.walk_to("letter-upload")
    journey.upload("letter-upload", [(io.BytesIO(pdf_bytes()), "letter.pdf")])
    with app.app_context():
        assert purge_expired_drafts() == 0
        assert purge_expired_drafts(clock.now() + timedelta(hours=49)) == 1
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(Document)) == 0
        assert db.session.scalar(select(func.count()).select_from(Draft)) == 0


def test_a_journey_survives_a_long_pause(journey, monkeypatch):
    """Someone who stops for a few hours to find their letter keeps their answers."""
    journey.walk_to("when-complained")
    three_hours_later = time.time() + 3 * 3600
    monkeypatch.setattr(time, "time", lambda: three_hours_later)
    assert journey.client.get("/request/when-complained").status_code == 200


def test_time_out_warning_appears_once_there_are_answers(journey):
    assert "app-timeout-warning" not in journey.client.get("/request/who-is-asking").text
    journey.walk(complainant_steps()[:1])
    page = journey.client.get("/request/adjustments-needed").text
    assert 'data-timeout-seconds="86400"' in page
    assert "Do you need more time?" in page


def test_keep_alive_keeps_the_draft(app, journey):
    journey.walk(complainant_steps()[:1])
    with app.app_context():
        draft = db.session.scalar(select(Draft))
        draft.expires_at = clock.now() + timedelta(minutes=5)
        db.session.commit()
    kept = journey.post("/request/keep-alive", headers={"Accept": "*/*"})
    assert kept.status_code == 204
    assert "Set-Cookie" in kept.headers  # the session cookie's 24 hours start again
    with app.app_context():
        assert db.session.scalar(select(Draft.expires_at)) > clock.now() + timedelta(hours=47)
    # Without JavaScript the button is an ordinary form: back to where they were.
    back = journey.post("/request/keep-alive", headers={"Accept": "text/html"})
    assert back.location.endswith("/request/adjustments-needed")


def test_timed_out_page_explains_or_sends_back_to_the_draft(journey, client):
    timed_out = client.get("/request/timed-out")
    assert timed_out.status_code == 200 and "We cleared your answers" in timed_out.text
    journey.walk(complainant_steps()[:1])
    still_here = journey.client.get("/request/timed-out")
    assert still_here.location.endswith("/request/start")


def test_uploads_are_rate_limited_but_answers_are_not(app, journey):
    journey.walk_to("letter-upload")
    statuses = [
        journey.upload("letter-upload", [(io.BytesIO(b""), "empty.pdf")]).status_code
        for _ in range(61)
    ]
    assert statuses[:60] == [200] * 60 and statuses[60] == 429
    # Answers without files are not counted.
    journey.answer("letter-upload", {"action": "continue", "letter_to_follow": "y"})
