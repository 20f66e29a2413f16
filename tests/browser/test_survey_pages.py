"""The satisfaction survey in real Chromium: the question, its error state and the thank-you
page at both stages, by keyboard, with axe-core on each; then the staff report with figures."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from reviews import clock
from reviews.database import db
from reviews.survey import record_answer
from tests.browser.conftest import assert_no_axe_violations, sign_in
from tests.staff_helpers import make_staff


def path_of(page) -> str:
    return urlparse(page.url).path


@pytest.mark.parametrize("stage", ["after-request", "after-decision"])
def test_the_survey_by_keyboard(page, axe, stage):
    page.goto(f"/feedback/{stage}")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Overall, how did you feel about this service?"
    )
    assert_no_axe_violations(axe, page)
    with page.expect_navigation():
        page.get_by_role("button", name="Send feedback").click()
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    assert_no_axe_violations(axe, page, "nothing chosen")
    page.get_by_role("link", name="Select how you felt about this service").press("Enter")
    page.keyboard.press("Space")
    page.get_by_label("How could we improve it?").fill("Shorter pages, please.")
    with page.expect_navigation():
        page.get_by_role("button", name="Send feedback").press("Enter")
    assert path_of(page) == f"/feedback/{stage}/thank-you"
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for your feedback")
    assert_no_axe_violations(axe, page)
    assert page.console_errors == []


def test_the_staff_report_with_figures(live_app, page, axe):
    with live_app.app_context():
        for satisfaction, number in (("satisfied", 6), ("dissatisfied", 2)):
            for _ in range(number):
                record_answer("after-request", satisfaction, "Clear pages.", clock.today())
        db.session.commit()
    sign_in(page, live_app, make_staff(live_app, "team-leader", "leader@example.org"))
    page.goto("/staff/survey-results")
    expect(page.get_by_role("table").first).to_contain_text("fewer than 5")
    assert_no_axe_violations(axe, page, "with figures")
    assert page.console_errors == []
