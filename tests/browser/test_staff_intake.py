"""A caseworker enters a request that came by post, in real Chromium: from the dashboard,
through the public journey's questions in the staff layout, with axe on every page, a scanned
letter uploaded, to the confirmation with its reference."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from reviews import clock
from reviews.database import db
from reviews.models import ReviewRequest
from reviews.references import format_reference
from tests.browser.conftest import assert_no_axe_violations, sign_in
from tests.browser.journey_steps import answer, path_of, press
from tests.browser.proof import PROOF
from tests.journey_data import complainant_steps, replace_step
from tests.staff_helpers import make_staff


def test_a_caseworker_enters_a_letter_that_came_by_post(live_app, page, axe, files):
    caseworker = make_staff(live_app, "caseworker", name="Casey Worker")
    sign_in(page, live_app, caseworker)
    PROOF.current_role = "caseworker"
    with page.expect_navigation():
        page.get_by_role("button", name="Enter a request that came by post or email").click()
    assert path_of(page) == "/staff/intake/start"
    assert_no_axe_violations(axe, page)
    press(page)
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_no_axe_violations(axe, page, "sent empty")

    received_on = clock.today() - timedelta(days=6)
    page.check('[name="received_via"][value="post"]')
    page.fill('[name="received_on-day"]', str(received_on.day))
    page.fill('[name="received_on-month"]', str(received_on.month))
    page.fill('[name="received_on-year"]', str(received_on.year))
    press(page)

    steps = complainant_steps(letter_date=received_on - timedelta(days=20))
    steps = replace_step(steps, "how-to-contact", {"preferred_contact": "post"})
    steps = replace_step(
        steps,
        "contact-details",
        {"address_line_1": "1 High Street", "town": "London", "postcode": "SE1 0LL"},
    )
    index = [slug for slug, _ in steps].index("letter-upload")
    steps[index : index + 1] = [
        ("letter-upload", {"files": files.letter, "action": "upload"}),
        ("letter-upload", {"action": "continue"}),
    ]
    for slug, data in steps:
        assert path_of(page) == f"/staff/intake/{slug}"
        expect(page.get_by_text("Entering a request that came by post")).to_be_visible()
        assert_no_axe_violations(axe, page)
        if slug == "about-the-met":
            # An answer that ends the journey ends the entry too, with a way back.
            answer(page, {"about_met": "no"})
            assert path_of(page).startswith("/staff/intake/cannot-enter/")
            assert_no_axe_violations(axe, page)
            page.locator(".govuk-back-link").click()
            assert path_of(page) == f"/staff/intake/{slug}"
        answer(page, data)

    assert path_of(page) == "/staff/intake/check-answers"
    assert_no_axe_violations(axe, page)
    expect(page.get_by_text("outcome-letter.pdf")).to_be_visible()
    press(page, "Send the request")

    assert path_of(page) == "/staff/intake/entered"
    assert_no_axe_violations(axe, page)
    with live_app.app_context():
        review_request = db.session.scalars(select(ReviewRequest)).one()
        reference = format_reference(review_request.reference)
        assert clock.london_date(review_request.submitted_at) == received_on
        assert review_request.entered_by_id == caseworker.id
    expect(page.locator(".govuk-panel")).to_contain_text(reference)
    assert page.console_errors == []
