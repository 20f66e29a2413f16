"""The journey's start in Chromium, route by route: who is asking first, the help they need
before anything else, and nobody stopped by a missing letter, date or reference. Each route
ends with a tracking reference; axe checks the pages that make it different, the check page
and the confirmation."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from reviews.database import db
from reviews.models import ReviewRequest
from tests.browser.conftest import assert_no_axe_violations
from tests.browser.journey_steps import (
    SEND,
    answer,
    late_steps,
    path_of,
    press,
    shown_reference,
    the_one_request,
    upload_letter_steps,
)
from tests.journey_data import complainant_steps, replace_step


def walk_checking(page, axe, steps, checking: set[str]) -> None:
    """Answer each step with the mouse; run axe on the pages in `checking` as they are shown."""
    for slug, data in steps:
        assert path_of(page) == f"/request/{slug}", (path_of(page), slug)
        if slug in checking:
            assert_no_axe_violations(axe, page)
        answer(page, data)


def send_and_check(page, axe, live_app) -> ReviewRequest:
    assert path_of(page) == "/request/check-answers"
    assert_no_axe_violations(axe, page)
    press(page, SEND)
    reference = shown_reference(page)
    assert_no_axe_violations(axe, page)
    assert the_one_request(live_app).reference == reference
    assert page.console_errors == []
    with live_app.app_context():
        sent = db.session.scalar(select(ReviewRequest))
        db.session.expunge(sent)
        return sent


def test_complainant_with_their_letter(page, axe, live_app, files):
    page.goto("/request/start")
    expect(page.locator("h1")).to_have_text(
        "Are you the person who made the complaint, or are you helping someone?"
    )
    walk_checking(
        page,
        axe,
        upload_letter_steps(files.letter),
        {"who-is-asking", "adjustments-needed", "review-right", "letter-date", "mps-reference"},
    )
    sent = send_and_check(page, axe, live_app)
    assert (sent.letter_review_right, sent.is_late) == ("yes", False)
    assert the_one_request(live_app).documents == [("outcome-letter", "outcome-letter.pdf")]


def lost_letter_steps(letter_month: str) -> list[tuple[str, dict]]:
    steps = replace_step(complainant_steps(), "review-right", {"review_right": "no-letter"})
    steps = [s for s in steps if s[0] not in ("review-body", "letter-received", "letter-upload")]
    steps = replace_step(steps, "letter-date", {"date_unknown": "y"})
    return replace_step(
        steps, "letter-approximate", {"letter_month": letter_month}, after="letter-date"
    )


def test_lost_letter_and_unknown_date(page, axe, live_app):
    page.goto("/request/start")
    walk_checking(page, axe, lost_letter_steps(""), {"letter-date", "letter-approximate"})
    expect(page.locator("main")).to_contain_text("Not known")
    sent = send_and_check(page, axe, live_app)
    assert (sent.letter_date, sent.is_late, sent.letter_review_right) == (None, False, "no-letter")
    assert the_one_request(live_app).documents == []


def test_unknown_met_reference(page, axe, live_app):
    page.goto("/request/start")
    steps = replace_step(complainant_steps(), "mps-reference", {"reference_unknown": "y"})
    walk_checking(page, axe, steps, {"mps-reference", "complaint-date"})
    sent = send_and_check(page, axe, live_app)
    assert sent.mps_reference is None


def test_late_request(page, axe, live_app):
    page.goto("/request/start")
    walk_checking(page, axe, late_steps(), {"letter-received", "late-reason"})
    sent = send_and_check(page, axe, live_app)
    assert (sent.is_late, sent.late_reason) == (True, "I was in hospital.")


def test_adjustments_first_for_someone_helping(page, axe, live_app):
    page.goto("/request/start")
    answer(page, {"role": "representative"})
    assert path_of(page) == "/request/adjustments-needed"
    expect(page.locator("h1")).to_contain_text(
        "Do you, or the person you are helping, need help or changes to use this service?"
    )
    assert_no_axe_violations(axe, page)
    answer(page, {"needed": "yes"})
    assert path_of(page) == "/request/adjustments"
    assert_no_axe_violations(axe, page)
    answer(page, {"adjustments": ["large-print"]})
    assert path_of(page) == "/request/about-the-met"
    expect(page.locator("h1")).to_contain_text("Is their complaint about")
    # The rest as a complainant would, to the tracking reference.
    page.goto("/request/who-is-asking?change=1")
    answer(page, {"role": "complainant"})
    steps = replace_step(complainant_steps(), "adjustments-needed", {"needed": "yes"})
    start = [slug for slug, _ in steps].index("about-the-met")
    assert path_of(page) == "/request/about-the-met"
    walk_checking(page, axe, steps[start:], set())
    sent = send_and_check(page, axe, live_app)
    assert sent.adjustments == ["large-print"]
