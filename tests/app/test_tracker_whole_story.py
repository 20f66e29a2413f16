"""The tracker tells the whole story of a request worked by staff to a decision: every letter
sent (as stored), what the person did beside what MOPAC did, and the dates to expect, each
done."""

from __future__ import annotations

import re

from reviews.database import db
from reviews.models import ReviewRequest
from reviews.references import format_reference
from reviews.rules import format_date
from reviews.workflow import Status
from tests.forms import post_form
from tests.journey import look_up
from tests.workflow_steps import decide, make_people, request_at, staff_request, walk_to


def _timeline_titles(page: str) -> list[str]:
    return re.findall(r'<h3 class="govuk-heading-s[^"]*">([^<]+)</h3>', page)


def test_a_decided_request_shows_its_letters_the_persons_actions_and_its_dates(app, accounts):
    # Staff work in a staff request's context; the person uses the tracker in between.
    with staff_request(app):
        review_request = request_at(make_people(accounts), Status.RECEIVED)
        request_id, reference = review_request.id, format_reference(review_request.reference)
    tracker = app.test_client()
    assert look_up(tracker, reference, "Example").status_code == 302
    sent = post_form(tracker, "/track/send-information", {"body": "A witness saw it."})
    assert sent.status_code == 302
    with staff_request(app):
        people = make_people(accounts)
        review_request = db.session.get(ReviewRequest, request_id)
        walk_to(review_request, people, Status.UNDER_REVIEW)
        decide(review_request, people, reasonable=True)
        acknowledged_on = review_request.acknowledged_on

    page = tracker.get("/track/your-request").text
    titles = _timeline_titles(page)
    # What the person did, beside what MOPAC did, newest first.
    assert "You sent us a message" in titles, titles
    assert titles.index("Decision sent") < titles.index("You sent us a message")
    # The letters, as stored: the acknowledgement and the decision.
    letters = re.findall(r'href="/track/letters/(\d+)"', page)
    assert len(letters) == 2
    for letter_id in letters:
        download = tracker.get(f"/track/letters/{letter_id}")
        assert download.status_code == 200 and download.data.startswith(b"%PDF")
    # The dates to expect, each done, with its plain date.
    assert f"Done on {format_date(acknowledged_on)}" in page
    assert page.count("Done on ") >= 2
    # And the one question about the service, now the decision is sent.
    assert 'href="/feedback/after-decision"' in page
