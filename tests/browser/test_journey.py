"""The review request journey in real Chromium: by keyboard alone, without JavaScript, with
axe-core on every page and every error state, and with "Accept and send" pressed twice."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from reviews.journey import EXIT_PAGES, STEPS_BY_SLUG
from tests.browser.conftest import assert_no_axe_violations, keeps_alive, time_out_warning_opens
from tests.browser.journey_steps import (
    SEND,
    answer,
    focused,
    key_press_button,
    key_send,
    key_walk,
    late_steps,
    path_of,
    post_steps,
    press,
    send_button_centre,
    shown_reference,
    split_at,
    summary_is_focused,
    the_one_request,
    upload_letter_steps,
    walk,
    watch_sends,
)
from tests.journey_data import complainant_steps, replace_step, representative_steps

# Keyboard only: focus moves by Tab from where the page puts it, never by script or mouse.


# With the mouse, and straight posts, for what is not about the keyboard.


def test_complainant_by_keyboard_with_letter_to_follow(page, live_app):
    page.goto("/")
    key_press_button(page, "Start now", selector="a")
    key_walk(page, complainant_steps())
    reference = key_send(page)

    sent = the_one_request(live_app)
    assert sent.reference == reference
    assert (sent.role, sent.is_late, sent.letter_to_follow) == ("complainant", False, True)
    assert sent.documents == []
    assert page.console_errors == []


# The next three go by keyboard through the pages that make them different, and post the
# pages the first one has already been through by keyboard, to keep the suite quick.


def test_representative_by_keyboard_with_consent_to_follow(page, live_app):
    page.goto("/request/start")
    eligibility, rest = split_at(representative_steps(route="form-later"), "about-you")
    post_steps(page, eligibility)
    key_walk(page, rest)
    reference = key_send(page)
    assert "consent form" in page.locator("main").inner_text()

    sent = the_one_request(live_app)
    assert sent.reference == reference
    assert (sent.role, sent.consent, sent.is_late) == ("representative", "awaited", False)
    assert page.console_errors == []


def test_late_request_by_keyboard(page, live_app):
    page.goto("/request/start")
    eligibility, rest = split_at(late_steps(), "your-name")
    key_walk(page, eligibility)
    post_steps(page, rest)
    reference = key_send(page)

    sent = the_one_request(live_app)
    assert sent.reference == reference
    assert (sent.is_late, sent.late_reason) == (True, "I was in hospital.")
    assert page.console_errors == []


def test_complainant_uploads_their_letter_by_keyboard(page, live_app, files):
    page.goto("/request/start")
    before, rest = split_at(upload_letter_steps(files.letter), "letter-upload")
    post_steps(page, before)
    key_walk(page, rest[:1])
    assert page.locator(".govuk-summary-list").inner_text().startswith("outcome-letter.pdf")
    key_walk(page, rest[1:2])
    post_steps(page, rest[2:])
    reference = key_send(page)

    sent = the_one_request(live_app)
    assert sent.reference == reference
    assert sent.letter_to_follow is False
    assert sent.documents == [("outcome-letter", "outcome-letter.pdf")]
    assert page.console_errors == []


# How to make each page show its error summary: answers to submit, or a function to call.
# A page left out shows its errors when submitted empty; None means it cannot show errors.


def test_each_exit_page_is_reached_axe_clean_and_links_back(page, axe):
    page.goto("/request/start")
    seen = set()
    for slug, continuing in complainant_steps():
        step = STEPS_BY_SLUG[slug]
        assert path_of(page) == f"/request/{step.slug}"
        if not step.exit:
            answer(page, continuing)
            continue
        answer(page, {step.exit.field: step.exit.value})
        assert path_of(page) == f"/request/cannot-use-this-service/{step.exit.page}"
        assert page.locator("h1").count() == 1
        assert_no_axe_violations(axe, page)
        back = page.locator("a.govuk-back-link")
        assert back.get_attribute("href") == f"/request/{step.slug}"
        with page.expect_navigation():
            back.click()
        assert path_of(page) == f"/request/{step.slug}"
        # The answer is kept, so the person sees what they said and can change it.
        assert page.is_checked(f'[name="{step.exit.field}"][value="{step.exit.value}"]')
        answer(page, continuing)
        seen.add(step.exit.page)
        if seen == EXIT_PAGES:
            break
    assert seen == EXIT_PAGES and len(seen) == 5
    assert page.console_errors == []


def test_error_summary_takes_focus_and_its_links_reach_the_field(page):
    page.goto("/request/start")
    # A radio question: Enter on the summary's link focuses the first radio.
    key_press_button(page, "Continue")
    assert summary_is_focused(page)
    page.keyboard.press("Tab")
    assert focused(page, '.govuk-error-summary a[href="#role"]')
    page.keyboard.press("Enter")
    assert focused(page, 'input#role[type="radio"][value="complainant"]')

    before_date, from_date = split_at(complainant_steps(), "letter-date")
    post_steps(page, before_date)
    # A date with one part missing: the link goes to that part.
    answer(page, {"letter_date-day": "3", "letter_date-year": "2026"})
    assert summary_is_focused(page)
    page.click('.govuk-error-summary a[href="#letter_date-month"]')
    assert focused(page, "input#letter_date-month")
    assert "govuk-input--error" in page.locator("#letter_date-month").get_attribute("class")
    assert "govuk-input--error" not in page.locator("#letter_date-day").get_attribute("class")
    # A date with nothing in it: the link goes to the day.
    answer(page, {"letter_date-day": "", "letter_date-year": ""})
    assert summary_is_focused(page)
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert focused(page, "input#letter_date-day")

    # A text input, reached after the date is put right.
    post_steps(page, split_at(from_date, "your-name")[0])
    key_press_button(page, "Continue")
    assert summary_is_focused(page)
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert focused(page, "input#full_name")
    assert page.console_errors == []


def test_the_journey_works_without_javascript(no_js_page, live_app):
    page = no_js_page
    page.goto("/request/start")
    assert "govuk-frontend-supported" not in (page.locator("body").get_attribute("class") or "")
    walk(page, complainant_steps())
    press(page, SEND)
    reference = shown_reference(page)

    sent = the_one_request(live_app)
    assert sent.reference == reference
    assert (sent.role, sent.letter_to_follow) == ("complainant", True)


def test_double_click_on_send_sends_once(page, live_app):
    page.goto("/request/start")
    post_steps(page, complainant_steps())
    sends = watch_sends(page)
    with page.expect_navigation(url="**/request/sent"):
        page.get_by_role("button", name=SEND).dblclick()
    reference = shown_reference(page)
    # GOV.UK Frontend's preventDoubleClick drops the second click.
    assert len(sends) == 1
    assert the_one_request(live_app).reference == reference

    # Back: the check page is not kept (no-store), and asking for it again shows the
    # confirmation of the request already sent.
    page.go_back()
    assert shown_reference(page) == reference
    assert len(sends) == 1
    assert the_one_request(live_app).reference == reference
    assert page.console_errors == []


def test_sending_twice_without_javascript_makes_one_request(no_js_page, live_app):
    page = no_js_page
    page.goto("/request/start")
    post_steps(page, complainant_steps())
    # The same request open in a second tab, to send it again from a page already shown.
    other_tab = page.context.new_page()
    other_tab.goto("/request/check-answers")

    sends = watch_sends(page)
    x, y = send_button_centre(page)
    # Raw clicks: a locator's click would wait for the first send's page before the second.
    page.mouse.click(x, y)
    page.mouse.click(x, y)
    # Whether the browser sends the first click's form before the second replaces it
    # depends on timing; whichever lands, there is one request.
    # Polls the address: waiting on a navigation fails when the second click aborts the first.
    expect(page).to_have_url(re.compile(r"/request/sent$"))
    page.wait_for_load_state()
    assert 1 <= len(sends) <= 2
    reference = shown_reference(page)
    assert the_one_request(live_app).reference == reference

    other_sends = watch_sends(other_tab)
    with other_tab.expect_navigation():
        other_tab.get_by_role("button", name=SEND).click()
    assert len(other_sends) == 1
    assert shown_reference(other_tab) == reference
    assert the_one_request(live_app).reference == reference


def test_journey_time_out_warning_keeps_the_answers(page, axe, live_app):
    page.clock.install()
    page.goto("/request/start")
    walk(page, complainant_steps()[:1])
    page.wait_for_load_state("load")
    dialog = time_out_warning_opens(page, "23:57:50", "Do you need more time?")
    assert_no_axe_violations(axe, page)
    carry_on = page.get_by_role("button", name="Continue with my request").click
    keeps_alive(page, dialog, "/request/keep-alive", carry_on)
    assert path_of(page) == "/request/adjustments-needed"


def test_nothing_is_asked_twice(page, live_app):
    """A representative who asks for a call from the check page: every question once on
    check answers, and the number to call is the one they already gave."""
    steps = replace_step(
        representative_steps(),
        "contact-details",
        {"email": "ria@example.org", "phone": "07700 900982"},
    )
    page.goto("/request/start")
    post_steps(page, steps)
    page.goto("/request/adjustments-needed?change=1")
    answer(page, {"needed": "yes"})
    assert path_of(page) == "/request/adjustments"
    expect(page.get_by_label("Phone number to call")).to_have_value("07700 900982")
    page.check('[name="adjustments"][value="callback"]')
    press(page)
    assert path_of(page) == "/request/check-answers"
    questions = page.locator(".govuk-summary-list__key").all_inner_texts()
    repeated = sorted({q for q in questions if questions.count(q) > 1})
    assert questions and not repeated, repeated
