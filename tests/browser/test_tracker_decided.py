"""The tracker of a request staff have worked to a decision, in real Chromium: the letters
listed and downloadable, the dates done, axe-clean. It also writes reports/tracker.png, the
screenshot the README shows (copied to docs/images/tracker.png when the page changes)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from playwright.sync_api import expect

from reviews.database import db
from reviews.models import StaffUser
from reviews.references import format_reference
from reviews.workflow import Status
from tests.browser.conftest import assert_no_axe_violations
from tests.browser.test_tracker import look_up
from tests.staff_helpers import make_staff
from tests.workflow_steps import decide, request_at, staff_request

SCREENSHOT = Path(__file__).resolve().parents[2] / "reports" / "tracker.png"


def test_a_decided_request_on_the_tracker(live_app, page, axe):
    caseworker = make_staff(live_app, "caseworker", "casey@example.org")
    leader = make_staff(live_app, "team-leader", "terry@example.org")
    with staff_request(live_app):
        people = SimpleNamespace(
            caseworker=db.session.get(StaffUser, caseworker.id),
            team_leader=db.session.get(StaffUser, leader.id),
        )
        review_request = request_at(people, Status.UNDER_REVIEW, adjustments=["large-print"])
        decide(review_request, people, reasonable=False, recommendations=["apology"])
        reference = format_reference(review_request.reference)

    look_up(page, reference)
    letters = page.get_by_role("heading", name="Letters we sent you")
    expect(letters).to_be_visible()
    links = page.locator('a[href^="/track/letters/"]')
    assert links.count() == 4  # the acknowledgement and the decision, each also in large print
    download = page.request.get(links.first.get_attribute("href"))
    assert download.ok and download.body().startswith(b"%PDF")
    expect(page.get_by_text("Done on").first).to_be_visible()
    assert_no_axe_violations(axe, page, "a decided request")
    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)
