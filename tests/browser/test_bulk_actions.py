"""A team leader changes many requests at once in real Chromium, without JavaScript needed:
tick them on the queue, choose what to do, and read the summary (axe-clean at each step)."""

from __future__ import annotations

from playwright.sync_api import expect

from reviews.workflow import Status
from tests.browser.conftest import assert_no_axe_violations, sign_in
from tests.browser.proof import PROOF
from tests.requests_data import main_path, request_through
from tests.staff_helpers import make_staff


def test_a_team_leader_allocates_two_requests_at_once(live_app, page, axe):
    caseworker = make_staff(live_app, "caseworker", name="Casey Worker")
    leader = make_staff(live_app, "team-leader", name="Tam Leader")
    waiting = main_path("mps_info_received", by=caseworker, leader=leader)
    ids = [request_through(live_app, *waiting) for _ in range(2)]
    sign_in(page, live_app, leader)
    PROOF.current_role = "team-leader"

    page.goto(f"/staff/requests?status={Status.AWAITING_ALLOCATION.value}")
    for request_id in ids:
        page.check(f"#select-{request_id}")
    page.get_by_role("button", name="Change the selected requests").click()
    assert_no_axe_violations(axe, page)
    page.get_by_label("Allocate them to one caseworker").check()
    page.get_by_label("Casey Worker").check()
    page.get_by_role("button", name="Change these requests").click()

    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert page.url.endswith("/staff/requests/bulk/done")
    expect(page.locator("main")).to_contain_text("Casey Worker")
    assert_no_axe_violations(axe, page, "after allocating two")
    assert page.console_errors == []
