"""The tracker in real Chromium: look-up by keyboard alone, axe-core on every page and every
error state, the timeline as the status changes, uploads, contact details, the 429 page, and
the time-out warning with and without JavaScript."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from reviews.database import db
from reviews.models import ReviewRequest
from reviews.references import format_reference
from reviews.sessions import LIFETIMES, TRACKER, Lifetime
from tests.browser.conftest import assert_no_axe_violations, keeps_alive, time_out_warning_opens
from tests.journey import Journey
from tests.journey_data import complainant_steps, pdf_bytes
from tests.requests_data import make_request

SURNAME = "Example"
YOUR_REQUEST = "Your review request"
MAX_TABS = 30


@pytest.fixture
def reference(live_app) -> str:
    """A sent request, made through the Flask client in the live server's database."""
    journey = Journey(live_app.test_client())
    journey.walk(complainant_steps())
    assert journey.send().status_code == 302
    with live_app.app_context():
        return format_reference(db.session.scalar(select(ReviewRequest.reference)))


def path_of(page) -> str:
    return urlparse(page.url).path


def look_up(page, reference: str, surname: str = SURNAME) -> None:
    page.goto("/track")
    page.get_by_label("Tracking reference").fill(reference)
    page.get_by_label("Last name").fill(surname)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(YOUR_REQUEST)
    # Module scripts have run by "load": the time-out warning's timer is set.
    page.wait_for_load_state("load")


def expect_error_state(page, *messages: str) -> None:
    """The GOV.UK error pattern: a focused summary whose links reach a field, the messages,
    and "Error: " at the start of the title."""
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    for message in messages:
        expect(summary).to_contain_text(message)
    for href in summary.locator("a").evaluate_all("links => links.map(a => a.hash)"):
        assert page.locator(href).count() == 1, f"{page.url}: {href} leads nowhere"
    title = page.title()
    assert title.startswith("Error: ") and not title.startswith("Error: Error: "), title


def status_of(live_app) -> str:
    with live_app.app_context():
        return db.session.scalar(select(ReviewRequest.status))


def focused(page) -> dict:
    return page.evaluate(
        "({id: document.activeElement.id, text: document.activeElement.textContent.trim()})"
    )


def test_look_up_by_keyboard_alone(page, reference):
    page.goto("/track")
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if focused(page)["id"] == "reference":
            break
    else:
        pytest.fail("Tab never reached the tracking reference")
    page.keyboard.type(reference.lower().replace("-", " "))
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "surname"
    page.keyboard.type(SURNAME.lower())
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text(YOUR_REQUEST)
    assert path_of(page) == "/track/your-request"
    expect(page.locator(".govuk-caption-l")).to_have_text(f"Tracking reference {reference}")
    expect(page.locator("main strong").first).to_have_text("Received")
    expect(page.locator(".app-timeline__item h3")).to_have_text(["Received"])
    assert page.console_errors == []


def test_every_tracker_page_and_error_state_is_axe_clean(live_app, page, axe, reference):
    page.goto("/track")
    assert_no_axe_violations(axe, page)

    page.get_by_role("button", name="Continue").click()
    expect_error_state(page, "Enter your tracking reference", "Enter the last name")
    assert_no_axe_violations(axe, page)

    page.get_by_label("Tracking reference").fill(reference)
    page.get_by_label("Last name").fill("Nobody")
    page.get_by_role("button", name="Continue").click()
    expect_error_state(page, "We could not find a request with that reference and last name")
    expect(page.locator("#reference-error")).to_contain_text("Check your tracking reference")
    assert_no_axe_violations(axe, page)

    look_up(page, reference)
    assert_no_axe_violations(axe, page)

    def open_from_request_page(link: str, heading: str) -> None:
        page.goto("/track/your-request")
        page.get_by_role("link", name=link).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        assert_no_axe_violations(axe, page)

    open_from_request_page("Send us more information", "What do you want to tell us?")
    page.get_by_role("button", name="Send").click()
    expect_error_state(page, "Enter what you want to tell us")
    assert_no_axe_violations(axe, page)

    open_from_request_page("Send us a document", "Send us a document")
    page.get_by_role("button", name="Send").click()
    expect_error_state(page, "Select what you are sending", "Select a file to upload")
    expect(page.locator("#kind-error")).to_be_visible()
    expect(page.locator("#files-error")).to_be_visible()
    assert_no_axe_violations(axe, page)

    open_from_request_page("Change your contact details", "Change your contact details")
    expect(page.get_by_label("Email address")).to_have_value("Sam@example.com")
    page.get_by_label("Post", exact=True).check()
    page.get_by_label("Email address").fill("")
    page.get_by_role("button", name="Save changes").click()
    expect_error_state(page, "Enter address line 1")
    assert_no_axe_violations(axe, page)

    open_from_request_page(
        "Change the help you need or ask for a phone call", "Change the help you need"
    )
    page.get_by_label("A phone call instead of writing").check()
    page.get_by_role("button", name="Save changes").click()
    expect_error_state(page, "Enter a phone number for us to call")
    assert_no_axe_violations(axe, page)

    open_from_request_page(
        "Withdraw your request", "Are you sure you want to withdraw your request?"
    )
    # An empty reason is allowed (it withdraws): the error is a reason that is too long.
    page.get_by_label("Why are you withdrawing your request?").fill("x" * 1001)
    page.get_by_role("button", name="Withdraw my request").click()
    expect_error_state(page, "Your reason must be 1,000 characters or fewer")
    assert_no_axe_violations(axe, page)

    open_from_request_page("See and print what you sent us", "What you sent us")
    expect(page.locator("main")).to_contain_text("The Met ignored the body-worn video.")

    assert status_of(live_app) == "received"
    assert page.console_errors == []


def test_withdrawing_changes_the_timeline(live_app, page, axe, reference):
    look_up(page, reference)
    expect(page.locator(".app-timeline__item h3")).to_have_text(["Received"])

    page.get_by_role("link", name="Withdraw your request").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Are you sure you want to withdraw your request?"
    )
    expect(page.locator("main")).to_contain_text(reference)
    page.get_by_label("Why are you withdrawing your request?").fill("Sorted out with the Met")
    page.get_by_role("button", name="Withdraw my request").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(YOUR_REQUEST)
    banner = page.locator(".govuk-notification-banner--success")
    expect(banner).to_contain_text("You have withdrawn your request.")
    expect(page.locator("main strong").first).to_have_text("Withdrawn")
    # Newest first.
    expect(page.locator(".app-timeline__item h3")).to_have_text(
        ["You withdrew your request", "Received"]
    )
    expect(page.get_by_role("link", name="Withdraw your request")).to_have_count(0)
    assert_no_axe_violations(axe, page)

    # The banner is said once; the withdraw page now says why it cannot be done.
    page.reload()
    expect(banner).to_have_count(0)
    page.goto("/track/withdraw")
    expect(page.get_by_role("heading", level=1)).to_have_text("You cannot withdraw your request")
    assert_no_axe_violations(axe, page, "refused: the request is withdrawn")
    assert status_of(live_app) == "withdrawn"


def test_two_parties_with_one_surname_and_permission_awaited(live_app, page, axe):
    """A representative sharing the complainant's surname says who they are, then, with the
    signed permission awaited, follows the request but cannot act on it."""
    with live_app.app_context():
        review_request = make_request(
            requester_role="representative",
            requester_name="Ria Example",
            complainant_email="sam@example.com",
            updates_to="both",
            consent="awaited",
        )
        reference = format_reference(review_request.reference)
    page.goto("/track")
    page.get_by_label("Tracking reference").fill(reference)
    page.get_by_label("Last name").fill(SURNAME)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Who are you?")
    assert_no_axe_violations(axe, page)
    page.get_by_role("button", name="Continue").click()
    expect_error_state(page, "Select who you are")
    assert_no_axe_violations(axe, page)
    page.get_by_label("Ria Example, who sent the request").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(YOUR_REQUEST)
    expect(page.locator(".govuk-notification-banner")).to_contain_text("signed permission")
    expect(page.get_by_role("link", name="Withdraw your request")).to_have_count(0)
    assert_no_axe_violations(axe, page, "signed permission awaited")
    page.goto("/track/withdraw")
    expect(page.get_by_role("heading", level=1)).to_have_text("You cannot withdraw your request")
    assert_no_axe_violations(axe, page, "refused: signed permission awaited")
    assert page.console_errors == []


def test_upload_the_outcome_letter_later(page, axe, reference, tmp_path):
    letter = tmp_path / "outcome-letter.pdf"
    letter.write_bytes(pdf_bytes())
    look_up(page, reference)
    waiting = page.get_by_text("Your outcome letter from the Met.")
    expect(waiting).to_be_visible()

    page.get_by_role("link", name="Send us a document").click()
    page.get_by_label("The outcome letter from the Met").check()
    page.get_by_label("Choose files").set_input_files(str(letter))
    page.get_by_role("button", name="Send").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(YOUR_REQUEST)
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "We have your file."
    )
    expect(waiting).to_have_count(0)
    assert_no_axe_violations(axe, page)

    page.goto("/track/receipt")
    expect(page.locator("main li")).to_contain_text(["outcome-letter.pdf"])


def test_change_contact_details_to_post(page, reference):
    look_up(page, reference)
    page.get_by_role("link", name="Change your contact details").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change your contact details")
    page.get_by_label("Post", exact=True).check()
    page.get_by_label("Address line 1").fill("1 High Street")
    page.get_by_label("Town or city").fill("London")
    page.get_by_label("Postcode").fill("SE1 0LL")
    page.get_by_role("button", name="Save changes").click()

    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "We have updated your contact details."
    )
    page.goto("/track/contact-details")
    expect(page.get_by_label("Post", exact=True)).to_be_checked()
    expect(page.get_by_label("Address line 1")).to_have_value("1 High Street")
    expect(page.get_by_label("Address line 2 (optional)")).to_have_value("")
    expect(page.get_by_label("Town or city")).to_have_value("London")
    expect(page.get_by_label("Postcode")).to_have_value("SE1 0LL")
    expect(page.get_by_label("Email address")).to_have_value("Sam@example.com")


def test_too_many_failed_look_ups_give_a_plain_429_page(page, axe, reference):
    page.goto("/track")
    for attempt in range(1, 7):
        page.get_by_label("Tracking reference").fill(reference)
        page.get_by_label("Last name").fill("Wrong")
        with page.expect_response(
            lambda response: response.request.method == "POST" and path_of(response) == "/track"
        ) as posted:
            page.get_by_role("button", name="Continue").click()
        status = posted.value.status
        if attempt < 6:
            assert status == 200, attempt
            expect(page.locator(".govuk-error-summary")).to_contain_text("We could not find")
        else:
            assert status == 429
    expect(page.get_by_role("heading", level=1)).to_have_text("Too many attempts")
    expect(page.locator("form")).to_have_count(0)
    assert page.title().startswith("Too many attempts")
    assert_no_axe_violations(axe, page)


def test_time_out_warning_opens_after_28_minutes_and_stay_signed_in_works(page, axe, reference):
    page.clock.install()
    look_up(page, reference)
    expect(page.locator("dialog.app-timeout-warning")).to_be_hidden()
    dialog = time_out_warning_opens(page, "27:50", "You will be signed out soon")
    expect(dialog.locator("[data-countdown]")).to_have_text("2 minutes")
    assert page.evaluate("document.querySelector('dialog').matches(':modal')")
    assert_no_axe_violations(axe, page)

    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Stay signed in"
    keeps_alive(page, dialog, "/track/keep-alive", lambda: page.keyboard.press("Enter"))
    assert path_of(page) == "/track/your-request"

    # The clock restarted: no warning until 28 minutes after "Stay signed in".
    page.clock.run_for("27:50")
    expect(dialog).to_be_hidden()
    page.clock.run_for("00:10")
    expect(dialog).to_be_visible()
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text(YOUR_REQUEST)
    assert page.console_errors == []


def test_without_javascript_there_is_no_warning_and_the_tracker_works(
    browser, live_server, reference
):
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(5000)
    try:
        look_up(page, reference)
        dialog = page.locator("dialog.app-timeout-warning")
        expect(dialog).to_have_count(1)
        expect(dialog).to_be_hidden()
        expect(page.get_by_role("button", name="Stay signed in")).to_be_hidden()

        page.get_by_role("link", name="Send us more information").click()
        expect(dialog).to_be_hidden()
        page.get_by_label("What do you want to tell us?").fill("I forgot: a witness.")
        page.get_by_role("button", name="Send").click()
        expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
            "We have your message."
        )
        expect(dialog).to_be_hidden()
        assert path_of(page) == "/track/your-request"
    finally:
        context.close()


def test_escape_closes_the_time_out_warning_and_keeps_you_signed_in(page, reference):
    page.clock.install()
    look_up(page, reference)
    dialog = page.locator("dialog.app-timeout-warning")
    page.clock.run_for("28:00")
    expect(dialog).to_be_visible()

    keeps_alive(page, dialog, "/track/keep-alive", lambda: page.keyboard.press("Escape"))
    # Closing the warning is choosing to stay: two minutes on, the page is still there.
    page.clock.run_for("05:00")
    expect(dialog).to_be_hidden()
    # A round trip to the server gives a sign-out redirect time to start, if there were one.
    still_here = "async () => { await fetch('/track/your-request'); return location.pathname; }"
    assert page.evaluate(still_here) == "/track/your-request"


def test_stay_signed_in_after_the_session_has_ended_says_so(page, reference, monkeypatch):
    page.clock.install()
    look_up(page, reference)
    dialog = page.locator("dialog.app-timeout-warning")
    page.clock.run_for("28:00")
    expect(dialog).to_be_visible()
    # The server has ended the session meanwhile, so the keep-alive is redirected: that must
    # not read as "still signed in".
    monkeypatch.setitem(
        LIFETIMES, TRACKER, Lifetime(idle=timedelta(seconds=-1), absolute=timedelta(hours=2))
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Stay signed in").click()
    expect(page.get_by_text("we closed your request's page after 30 minutes")).to_be_visible()
    assert path_of(page) == "/track"
