"""Casework in real Chromium: staff sign in with their password and a code from their
authenticator app, then carry requests from receipt to the decision letter down every branch
(valid and upheld with recommendations, not upheld, not valid, late accepted, late refused,
forwarded to the IOPC, withdrawn). axe-core checks every page and state on the way, each action's
form with its errors included.

Requests start in the database (tests.requests_data.request_through), already as far along
as the branch needs, so that the browser spends its time on the steps under test.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import select

from reviews.database import db
from reviews.models import OutboxMessage, ReviewRequest
from reviews.references import format_reference
from reviews.workflow import (
    ACTIONS,
    CASEWORKER,
    RECOMMENDATIONS,
    STATUS_LABELS,
    TEAM_LEADER,
    VALIDITY_REASONS,
    Status,
)
from staff.actions import DONE
from tests.browser.conftest import assert_no_axe_violations, keeps_alive, time_out_warning_opens
from tests.browser.conftest import sign_in as sign_in_page
from tests.browser.proof import PROOF
from tests.browser.test_tracker import look_up
from tests.requests_data import TODAY, main_path, request_through, status_of
from tests.staff_helpers import StaffAccount, make_staff


@dataclass
class Staff:
    """A signed-in person's browser tab."""

    page: Page
    account: StaffAccount
    axe: Axe

    def check(self) -> None:
        PROOF.current_role = self.account.role  # the accessibility report says who saw it
        assert_no_axe_violations(self.axe, self.page)

    def open_request(self, request_id: int) -> None:
        self.page.goto(f"/staff/requests/{request_id}")
        expect(self.page.get_by_role("heading", level=1)).to_have_text(re.compile("^Request "))

    def act(
        self,
        action_name: str,
        fill=None,
        errors: tuple[str, ...] = (),
        shows: str | None = None,
    ) -> None:
        """From the request page: open the action (which `shows` this text, if given), send it
        empty first when `errors` are expected, answer with `fill`, send it and see the
        success banner. axe checks each of those states."""
        label = ACTIONS[action_name].label
        page = self.page
        page.locator("#actions + ul").get_by_role("link", name=label, exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(label)
        if shows:
            # (An action that sends a letter shows it too, so the text may be there twice.)
            expect(page.get_by_text(shows).first).to_be_visible()
        self.check()
        if errors:
            self.submit(label)
            summary = page.locator(".govuk-error-summary")
            expect(summary).to_be_focused()
            expect(summary.get_by_role("link")).to_have_text(list(errors))
            assert page.title().startswith(f"Error: {label}")
            self.check()
        if fill:
            fill(page)
        self.submit(label)
        if page.locator("textarea[name=letter_text]").count() and "Check the letter" in (
            page.content()
        ):
            # An action that sends a letter shows it to check first; it goes from there.
            self.check()
            page.get_by_role("button", name=label, exact=True).click()
        banner = page.locator(".govuk-notification-banner--success")
        expect(banner).to_contain_text(DONE[action_name])
        self.check()

    def submit(self, label: str) -> None:
        """Send the action's form: "Continue" where a letter to check comes next, else the
        button that does the action."""
        go_on = self.page.get_by_role("button", name="Continue", exact=True)
        button = self.page.get_by_role("button", name=label, exact=True)
        (go_on if go_on.count() else button).click()

    def write(self, action_name: str, label: str, text: str, error: str) -> None:
        """An action that asks for one piece of writing: sent empty (its `error`), then with
        `text` typed into `label`."""
        self.act(action_name, type_into(label, text), errors=(error,))


@pytest.fixture
def sign_in(browser, live_server, live_app, page, axe):
    """Sign a new account with this role in, with its password and a code from its app."""
    tabs: list[Page] = []

    def signed_in(role: str, *, name: str | None = None) -> Staff:
        account = make_staff(live_app, role, name=name)
        # The first person uses the test's page (which watches the console for errors); each
        # other person gets a browser context, and so a session, of their own.
        tab = browser.new_context(base_url=live_server).new_page() if tabs else page
        tabs.append(tab)
        # Every page here answers in well under a second: don't wait 30 s for a missing one.
        tab.set_default_timeout(5000)
        sign_in_page(tab, live_app, account)
        return Staff(tab, account, axe)

    yield signed_in
    for tab in tabs[1:]:
        tab.context.close()


def fill_date(page: Page, value, parts=("Day", "Month", "Year")) -> None:
    for part in parts:
        page.get_by_label(part, exact=True).fill(str(getattr(value, part.lower())))


def answer(question: str, option: str):
    """Choose an option of a radios or checkboxes question."""
    return lambda page: page.get_by_role("group", name=question).get_by_label(option).check()


def type_into(label: str, text: str):
    return lambda page: page.get_by_label(label, exact=True).fill(text)


def expect_status(live_app: Flask, request_id: int, status: Status, *tabs: Staff) -> None:
    assert status_of(live_app, request_id) == status
    for tab in tabs:
        caption = tab.page.locator(".govuk-caption-l")
        expect(caption).to_contain_text(STATUS_LABELS[status])


def open_decision_letter(tab: Staff) -> None:
    tab.page.get_by_role("link", name="print the decision letter").click()
    expect(tab.page.get_by_role("heading", name="Our decision is final")).to_be_visible()
    tab.check()


# Valid requests from receipt to the decision letter: upheld with recommendations, and (from
# the review on) not upheld.


def upheld(page: Page) -> None:
    answer("Was the outcome reasonable and proportionate?", "No")(page)
    type_into("Reasons", "The MPS did not look at the body-worn video.")(page)
    answer("Recommendations to the MPS (optional)", RECOMMENDATIONS["apology"])(page)
    answer("Recommendations to the MPS (optional)", RECOMMENDATIONS["other"])(page)
    type_into("Describe the other recommendation (optional)", "Meet them")(page)
    answer("Refer it to the IOPC? (optional)", "No")(page)
    type_into("Learning points for the MPS (optional)", "Check the video first")(page)


def not_upheld(page: Page) -> None:
    answer("Was the outcome reasonable and proportionate?", "Yes")(page)
    type_into("Reasons", "The MPS explained its decision well.")(page)


def test_valid_requests_upheld_and_not_upheld_to_the_decision_letter(
    live_app, sign_in, browser, live_server
):
    caseworker = sign_in(CASEWORKER, name="Casey Worker")
    upheld_id = request_through(live_app, adjustments=["callback", "large-print"])
    caseworker.open_request(upheld_id)
    caseworker.check()
    adjustments = caseworker.page.locator(".govuk-notification-banner", has_text="Adjustments")
    expect(adjustments).to_contain_text("Needs: A phone call instead of writing, Large print")

    caseworker.act("acknowledge")
    caseworker.act("decide_valid")
    caseworker.act("notify_parties")
    caseworker.act(
        "request_mps_info",
        lambda page: fill_date(page, TODAY + timedelta(days=20)),
        errors=("Enter when the MPS information is due",),
    )
    caseworker.act("chase_mps_info")
    caseworker.act("mps_info_received")
    caseworker.act(
        "set_allocation_month",
        lambda page: fill_date(page, TODAY + timedelta(days=40), ("Month", "Year")),
        errors=("Enter the month you expect to allocate it",),
    )

    leader = sign_in(TEAM_LEADER, name="Tam Leader")
    leader.open_request(upheld_id)
    leader.act(
        "allocate",
        answer("Who will review it?", "Casey Worker (caseworker)"),
        errors=("Select who will review it",),
    )
    expect_status(live_app, upheld_id, Status.ALLOCATED, leader)

    caseworker.open_request(upheld_id)
    caseworker.act("start_review")
    caseworker.act(
        "record_decision",
        upheld,
        errors=(
            "Select whether the outcome was reasonable and proportionate",
            "Enter the reasons for the decision",
        ),
    )
    # The second request is already with the caseworker, and its outcome was reasonable.
    not_upheld_id = request_through(
        live_app, *main_path("start_review", by=caseworker.account, leader=leader.account)
    )
    caseworker.open_request(not_upheld_id)
    caseworker.act("record_decision", not_upheld)

    # The team leader sees each decision they approve.
    leader.open_request(upheld_id)
    leader.act("approve_decision", shows="The MPS did not look at the body-worn video.")
    leader.open_request(not_upheld_id)
    leader.act("approve_decision", shows="The MPS explained its decision well.")

    caseworker.open_request(not_upheld_id)
    caseworker.act("issue_decision")
    expect_status(live_app, not_upheld_id, Status.NOT_UPHELD, caseworker)
    caseworker.act("close")

    caseworker.open_request(upheld_id)
    caseworker.act("issue_decision")
    expect_status(live_app, upheld_id, Status.UPHELD, caseworker)
    caseworker.act(
        "record_mps_response",
        lambda page: (
            type_into("What did the MPS say?", "We apologised.")(page),
            fill_date(page, TODAY),
        ),
        errors=("Enter the MPS response", "Enter when the MPS response arrived"),
    )
    caseworker.act("close")
    expect_status(live_app, upheld_id, Status.CLOSED, caseworker)
    assert caseworker.page.console_errors == []

    # The requester's tracker shows each letter that went, as stored: the acknowledgement,
    # the decision and the Met's reply, each also in large print, as they asked; and the Met
    # was sent its copy of the decision.
    requester = browser.new_context(base_url=live_server).new_page()
    with live_app.app_context():
        upheld_request = db.session.get(ReviewRequest, upheld_id)
        reference, mps_copies = (
            format_reference(upheld_request.reference),
            [
                message.template
                for message in db.session.scalars(
                    select(OutboxMessage).where(OutboxMessage.review_request_id == upheld_id)
                )
                if message.recipient == live_app.config["MPS_PROFESSIONAL_STANDARDS_EMAIL"]
            ],
        )
    assert mps_copies == ["decision_for_mps"]
    look_up(requester, reference)
    expect(requester.get_by_role("heading", name="Letters we sent you")).to_be_visible()
    letters = requester.locator('a[href^="/track/letters/"]')
    expect(letters).to_have_count(6)
    for index in range(letters.count()):
        download = requester.request.get(letters.nth(index).get_attribute("href"))
        assert download.ok and download.body().startswith(b"%PDF")
    requester.context.close()

    # The letters, in large print for the one who asked for it. (Checked last: a letter page
    # has no icon of its own, so the browser's request for /favicon.ico is a 404.)
    open_decision_letter(caseworker)
    caseworker.open_request(not_upheld_id)
    open_decision_letter(caseworker)
    expect(caseworker.page.get_by_text("reasonable and proportionate").first).to_be_visible()


# Requests whose casework ends before a review, or that go on after a late start.


def test_not_valid_forwarded_to_the_iopc_and_withdrawn(live_app, sign_in):
    caseworker = sign_in(CASEWORKER)
    acknowledged = ("acknowledge", caseworker.account, {})

    not_valid = request_through(live_app, acknowledged)
    caseworker.open_request(not_valid)
    caseworker.write(
        "ask_requester",
        "What information do you need?",
        "A copy of your outcome letter",
        "Enter what information you need from the requester",
    )
    caseworker.act("information_received")

    def before_2020(page: Page) -> None:
        answer("Why can MOPAC not review it?", VALIDITY_REASONS["before-2020"])(page)
        type_into("Give the details", "The letter shows the complaint was made in 2019.")(page)

    caseworker.act(
        "decide_invalid",
        before_2020,
        errors=(
            "Select why MOPAC cannot review it",
            "Enter the details of why MOPAC cannot review it",
        ),
    )
    expect_status(live_app, not_valid, Status.NO_RIGHT_OF_REVIEW, caseworker)

    iopc = request_through(live_app, acknowledged, review_body_named="not-sure")
    caseworker.open_request(iopc)
    caseworker.write(
        "forward_to_iopc",
        "What exactly did you send the IOPC?",
        "The request form and outcome letter",
        "Enter exactly what you sent the IOPC",
    )
    expect_status(live_app, iopc, Status.FORWARDED_TO_IOPC, caseworker)

    withdrawn = request_through(
        live_app,
        acknowledged,
        ("decide_valid", caseworker.account, {}),
        ("notify_parties", caseworker.account, {}),
    )
    caseworker.open_request(withdrawn)
    caseworker.write(
        "withdraw",
        "How and why did they withdraw?",
        "Signed letter received: resolved locally.",
        "Enter how and why the request was withdrawn",
    )
    expect_status(live_app, withdrawn, Status.WITHDRAWN, caseworker)
    # Nothing more can happen to any of them.
    expect(caseworker.page.locator("#actions")).to_have_count(0)
    assert caseworker.page.console_errors == []


def test_late_requests_accepted_and_refused(live_app, sign_in):
    caseworker = sign_in(CASEWORKER)
    acknowledged = ("acknowledge", caseworker.account, {})

    accepted = request_through(
        live_app, acknowledged, is_late=True, late_reason="I was in hospital."
    )
    caseworker.open_request(accepted)
    expect(caseworker.page.get_by_text("Late: the 28 days had ended")).to_be_visible()
    caseworker.act("consider_late")
    caseworker.act(
        "accept_late",
        type_into(
            "What special circumstances make it just to accept it?",
            "In hospital for the whole 28 days.",
        ),
        errors=("Enter why you are accepting the late request",),
    )
    expect_status(live_app, accepted, Status.ACCEPTED, caseworker)

    refused = request_through(
        live_app,
        acknowledged,
        ("consider_late", caseworker.account, {}),
        is_late=True,
        late_reason="I forgot.",
    )
    caseworker.open_request(refused)
    caseworker.write(
        "refuse_late",
        "Why are you refusing it?",
        "No special circumstances: sent a year late.",
        "Enter why you are refusing the late request",
    )
    expect_status(live_app, refused, Status.REFUSED_LATE, caseworker)
    assert caseworker.page.console_errors == []


def test_staff_are_warned_before_being_signed_out(page, sign_in, axe):
    page.clock.install()
    sign_in("caseworker")
    page.wait_for_load_state("load")
    dialog = time_out_warning_opens(page, "27:50", "You will be signed out soon")
    assert_no_axe_violations(axe, page)
    stay = page.get_by_role("button", name="Stay signed in").click
    keeps_alive(page, dialog, "/staff/keep-alive", stay)
