"""The review request journey in real Chromium: by keyboard alone, without JavaScript, with
axe-core on every page and every error state, and with "Accept and send" pressed twice."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlparse

import pytest
from playwright.sync_api import FormData, expect
from sqlalchemy import select

from reviews import clock
from reviews.database import db
from reviews.journey import EXIT_PAGES, STEPS
from reviews.models import ReviewRequest
from reviews.references import format_reference
from tests.browser.conftest import assert_no_axe_violations
from tests.forms import hidden_fields
from tests.journey_data import complainant_steps, pdf_bytes, replace_step, representative_steps

REFERENCE = re.compile(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{2}")
SEND = "Accept and send"
MAX_TABS = 60


@pytest.fixture(autouse=True)
def _fail_fast(request):
    """Every page here answers in well under a second: don't wait 30 s for a missing one."""
    for name in ("page", "no_js_page"):
        if name in request.fixturenames:
            request.getfixturevalue(name).set_default_timeout(5000)


@pytest.fixture
def files(tmp_path) -> SimpleNamespace:
    letter = tmp_path / "outcome-letter.pdf"
    letter.write_bytes(pdf_bytes())
    # Text pretending to be a PDF: the upload check looks at the content, not the name.
    pretend = tmp_path / "pretend" / "letter.pdf"
    pretend.parent.mkdir()
    pretend.write_bytes(b"just some text")
    return SimpleNamespace(letter=str(letter), pretend=str(pretend))


@pytest.fixture
def no_js_page(browser, live_server):
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    page = context.new_page()
    yield page
    context.close()


def path_of(page) -> str:
    return urlparse(page.url).path


def late_steps(days_ago: int = 40) -> list[tuple[str, dict]]:
    steps = complainant_steps(clock.today() - timedelta(days=days_ago))
    return replace_step(
        steps, "late-reason", {"late_reason": "I was in hospital."}, after="letter-received"
    )


def upload_letter_steps(letter: str) -> list[tuple[str, dict]]:
    """A complainant who uploads their letter: choose it, upload it, then continue."""
    steps = complainant_steps()
    index = [slug for slug, _ in steps].index("letter-upload")
    steps[index : index + 1] = [
        ("letter-upload", {"files": letter, "action": "upload"}),
        ("letter-upload", {"action": "continue"}),
    ]
    return steps


def sent_requests(live_app) -> list[SimpleNamespace]:
    with live_app.app_context():
        return [
            SimpleNamespace(
                reference=format_reference(found.reference),
                role=found.requester_role,
                is_late=found.is_late,
                late_reason=found.late_reason,
                letter_to_follow=found.letter_to_follow,
                consent=found.consent,
                documents=[(document.kind, document.filename) for document in found.documents],
            )
            for found in db.session.scalars(select(ReviewRequest))
        ]


def the_one_request(live_app) -> SimpleNamespace:
    found = sent_requests(live_app)
    assert len(found) == 1, found
    return found[0]


def shown_reference(page) -> str:
    assert path_of(page) == "/request/sent"
    assert page.locator("h1").inner_text().strip() == "Review request sent"
    reference = page.locator(".govuk-panel .app-reference").inner_text().strip()
    assert REFERENCE.fullmatch(reference), reference
    return reference


# Keyboard only: focus moves by Tab from where the page puts it, never by script or mouse.


def focused(page, selector: str, text: str | None = None) -> bool:
    return page.evaluate(
        """([selector, text]) => {
            const element = document.activeElement;
            return !!element && element.matches(selector)
                && (text === null || element.textContent.trim() === text);
        }""",
        [selector, text],
    )


def tab_to(page, selector: str, text: str | None = None, limit: int = MAX_TABS) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if focused(page, selector, text):
            return
    pytest.fail(f"{limit} presses of Tab did not reach {selector} {text or ''} on {page.url}")


def key_press_button(page, text: str, selector: str = "button", limit: int = MAX_TABS) -> None:
    tab_to(page, selector, text, limit)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def key_choose(page, name: str, value: str) -> None:
    """Tab into a radio group, arrow to the option, press Space."""
    tab_to(page, f'input[type="radio"][name="{name}"]')
    for _ in range(10):
        if focused(page, f'[value="{value}"]'):
            break
        page.keyboard.press("ArrowDown")
    else:
        pytest.fail(f"no {name} radio with value {value} on {page.url}")
    page.keyboard.press("Space")
    assert page.locator(f'input[name="{name}"][value="{value}"]').is_checked()


def in_page_order(page, data: dict) -> list[tuple[str, object]]:
    fields = [(name, value) for name, value in data.items() if name != "action"]
    positions = page.evaluate(
        """names => {
            const fields = [...document.querySelectorAll("input, textarea, select")];
            return names.map(name => fields.findIndex(field => field.name === name));
        }""",
        [name for name, _ in fields],
    )
    assert -1 not in positions, (page.url, fields, positions)
    return [field for _, field in sorted(zip(positions, fields, strict=True))]


def key_answer(page, data: dict) -> None:
    """Fill in a page from step data by keyboard, then press its button with Enter."""
    for name, value in in_page_order(page, data):
        kind = page.locator(f'[name="{name}"]').first.get_attribute("type")
        if kind == "radio":
            key_choose(page, name, value)
        elif kind == "checkbox":
            for item in [value] if isinstance(value, str) else value:
                box = f'input[name="{name}"][value="{item}"]'
                tab_to(page, box)
                page.keyboard.press("Space")
                assert page.locator(box).is_checked()
        elif kind == "file":
            # Choosing a file opens the system's file picker, which a test cannot drive.
            page.set_input_files(f'[name="{name}"]', value)
        elif value:
            tab_to(page, f'[name="{name}"]')
            page.keyboard.type(value)
    key_press_button(page, "Upload file" if data.get("action") == "upload" else "Continue")


def key_walk(page, steps) -> None:
    for slug, data in steps:
        assert path_of(page) == f"/request/{slug}"
        key_answer(page, data)


def key_send(page) -> str:
    assert path_of(page) == "/request/check-answers"
    key_press_button(page, SEND)
    return shown_reference(page)


# With the mouse, and straight posts, for what is not about the keyboard.


def press(page, text: str = "Continue") -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=text, exact=True).click()


def answer(page, data: dict) -> None:
    for name, value in data.items():
        if name == "action":
            continue
        field = page.locator(f'[name="{name}"]')
        kind = field.first.get_attribute("type")
        if kind in ("radio", "checkbox"):
            for item in [value] if isinstance(value, str) else value:
                page.check(f'[name="{name}"][value="{item}"]')
        elif kind == "file":
            page.set_input_files(f'[name="{name}"]', value)
        else:
            field.fill(value)
    press(page, "Upload file" if data.get("action") == "upload" else "Continue")


def walk(page, steps) -> None:
    for slug, data in steps:
        assert path_of(page) == f"/request/{slug}"
        answer(page, data)


def post_steps(page, steps) -> None:
    """Answer steps by posting their forms from the page's own context (its cookies), then
    open the page that comes next: quick, for the parts of a journey a test is not about."""
    token = hidden_fields(page.content())["csrf_token"]
    for slug, data in steps:
        form = FormData()
        form.append("csrf_token", token)
        for name, value in data.items():
            if name == "files":
                form.append(
                    name,
                    {
                        "name": Path(value).name,
                        "mimeType": "application/pdf",
                        "buffer": Path(value).read_bytes(),
                    },
                )
                continue
            for item in [value] if isinstance(value, str) else value:
                form.append(name, item)
        response = page.request.post(f"/request/{slug}", multipart=form, max_redirects=0)
        assert response.status == 302, (slug, response.status)
    page.goto(response.headers["location"])


def split_at(steps, slug: str) -> tuple[list, list]:
    index = [name for name, _ in steps].index(slug)
    return steps[:index], steps[index:]


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
    eligibility, rest = split_at(representative_steps(consent="awaited"), "who-is-asking")
    post_steps(page, eligibility)
    key_walk(page, rest)
    reference = key_send(page)
    assert "signed permission" in page.locator("main").inner_text()

    sent = the_one_request(live_app)
    assert sent.reference == reference
    assert (sent.role, sent.consent, sent.is_late) == ("representative", "awaited", False)
    assert page.console_errors == []


def test_late_request_by_keyboard(page, live_app):
    page.goto("/request/start")
    eligibility, rest = split_at(late_steps(), "who-is-asking")
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


def choose_bogus_safety_option(page) -> None:
    """No one can pick a wrong option here by hand: tamper with one to see the error state."""
    page.locator('input[name="safe"]').first.evaluate("box => { box.value = 'bogus' }")
    page.check('input[name="safe"][value="bogus"]')
    press(page)


# How to make each page show its error summary: answers to submit, or a function to call.
# A page left out shows its errors when submitted empty; None means it cannot show errors.
ERROR_STATES = {
    "letter-received": [
        {
            "letter_received_on-day": "31",
            "letter_received_on-month": "2",
            "letter_received_on-year": "2025",
        }
    ],
    "what-we-cannot-do": None,
    "desired-outcome": [{"desired_outcome": "x" * 8001}],
    "letter-upload": [{}, "pretend"],
    "other-documents": ["pretend"],
    "contact-details": [{"email": "not-an-email"}],
    "contact-safety": [choose_bogus_safety_option],
    "adjustments": [{"adjustments": ["callback", "interpreter", "other"]}],
}


def show_each_error_state(page, axe, slug: str, files) -> None:
    states = ERROR_STATES.get(slug, [{}])
    if states is None:
        return
    for state in states:
        if callable(state):
            state(page)
        elif state == "pretend":
            answer(page, {"files": files.pretend, "action": "upload"})
        else:
            answer(page, state)
        assert path_of(page) == f"/request/{slug}", "expected to stay on the page with errors"
        assert page.title().startswith("Error: ")
        assert page.locator(".govuk-error-summary").is_visible()
        assert_no_axe_violations(axe, page)
    if any(isinstance(state, dict) and any(state.values()) for state in states):
        # Start again from what is saved, not from the wrong answers still in the form.
        page.goto(f"/request/{slug}")


def axe_walk(page, axe, steps, files, checking: set[str]) -> set[str]:
    """Walk the steps; on each page in `checking`, run axe as shown and in each error state.
    A page that comes back (an upload page after uploading) is checked again as it then is."""
    checked = set()
    for slug, data in steps:
        assert path_of(page) == f"/request/{slug}"
        if slug in checking:
            assert_no_axe_violations(axe, page)
            if slug not in checked:
                show_each_error_state(page, axe, slug, files)
                checked.add(slug)
        answer(page, data)
    return checked


def complainant_axe_steps(files) -> list[tuple[str, dict]]:
    """A late complainant who uploads their letter and asks for a callback."""
    steps = late_steps()
    letter = [slug for slug, _ in steps].index("letter-upload")
    steps[letter : letter + 1] = [
        ("letter-upload", {"files": files.letter, "action": "upload"}),
        ("letter-upload", {"action": "continue"}),
    ]
    steps = replace_step(steps, "adjustments-needed", {"needed": "yes"})
    steps.append(("adjustments", {"adjustments": ["callback"], "callback_phone": "07700 900982"}))
    return steps


def representative_axe_steps(files) -> list[tuple[str, dict]]:
    """A representative who uploads the complainant's signed permission."""
    steps = representative_steps(consent="uploaded")
    consent = [slug for slug, _ in steps].index("consent") + 1
    steps[consent:consent] = [
        ("consent-upload", {"files": files.letter, "action": "upload"}),
        ("consent-upload", {"action": "continue"}),
    ]
    return steps


REPRESENTATIVE_ONLY = {"about-you", "complainant-details", "updates", "consent", "consent-upload"}


def test_the_axe_walks_cover_every_step():
    files = SimpleNamespace(letter="letter.pdf", pretend="letter.pdf")
    complainant = {slug for slug, _ in complainant_axe_steps(files)}
    representative = {slug for slug, _ in representative_axe_steps(files)} & REPRESENTATIVE_ONLY
    assert complainant | representative == {step.slug for step in STEPS}
    assert set(ERROR_STATES) <= complainant | representative


def test_complainant_pages_and_error_states_are_axe_clean(page, axe, files, live_app):
    page.goto("/request/start")
    steps = complainant_axe_steps(files)
    checked = axe_walk(page, axe, steps, files, checking={slug for slug, _ in steps})
    assert checked == {slug for slug, _ in steps}

    assert path_of(page) == "/request/check-answers"
    assert_no_axe_violations(axe, page)
    press(page, SEND)
    assert shown_reference(page) == the_one_request(live_app).reference
    assert_no_axe_violations(axe, page)
    assert page.console_errors == []


def test_representative_pages_and_error_states_are_axe_clean(page, axe, files, live_app):
    page.goto("/request/start")
    steps = representative_axe_steps(files)
    slugs = [slug for slug, _ in steps]
    first = slugs.index("about-you")
    after = len(slugs) - slugs[::-1].index("consent-upload")
    post_steps(page, steps[:first])
    checked = axe_walk(page, axe, steps[first:after], files, checking=REPRESENTATIVE_ONLY)
    assert checked == REPRESENTATIVE_ONLY
    post_steps(page, steps[after:])

    assert path_of(page) == "/request/check-answers"
    assert_no_axe_violations(axe, page)
    press(page, SEND)
    assert shown_reference(page) == the_one_request(live_app).reference
    assert ("consent", "outcome-letter.pdf") in the_one_request(live_app).documents
    assert_no_axe_violations(axe, page)
    assert page.console_errors == []


def test_each_exit_page_is_reached_axe_clean_and_links_back(page, axe):
    page.goto("/request/start")
    continuing = dict(complainant_steps())
    seen = set()
    for step in [step for step in STEPS if step.exit]:
        assert path_of(page) == f"/request/{step.slug}"
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
        answer(page, continuing[step.slug])
        seen.add(step.exit.page)
    assert seen == EXIT_PAGES and len(seen) == 5
    assert page.console_errors == []


def summary_is_focused(page) -> bool:
    return focused(page, ".govuk-error-summary")


def test_error_summary_takes_focus_and_its_links_reach_the_field(page):
    page.goto("/request/start")
    # A radio question: Enter on the summary's link focuses the first radio.
    key_press_button(page, "Continue")
    assert summary_is_focused(page)
    page.keyboard.press("Tab")
    assert focused(page, '.govuk-error-summary a[href="#about_met"]')
    page.keyboard.press("Enter")
    assert focused(page, 'input#about_met[type="radio"][value="yes"]')

    steps = complainant_steps()
    post_steps(page, steps[:5])
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
    post_steps(page, steps[5:9])
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


def watch_sends(page) -> list:
    sends = []
    page.on(
        "request",
        lambda request: (
            sends.append(request)
            if request.method == "POST" and request.url.endswith("/request/check-answers")
            else None
        ),
    )
    return sends


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


def send_button_centre(page) -> tuple[float, float]:
    button = page.get_by_role("button", name=SEND)
    button.scroll_into_view_if_needed()
    box = button.bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


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
    dialog = page.locator("dialog.app-timeout-warning")
    page.wait_for_load_state("load")
    page.clock.run_for("23:57:50")
    expect(dialog).to_be_hidden()
    page.clock.run_for("00:00:10")
    expect(dialog).to_be_visible()
    expect(page.get_by_role("heading", name="Do you need more time?")).to_be_focused()
    assert_no_axe_violations(axe, page)
    with page.expect_response(lambda r: urlparse(r.url).path == "/request/keep-alive") as kept:
        page.get_by_role("button", name="Continue with my request").click()
    assert kept.value.status == 204
    expect(dialog).to_be_hidden()
    assert path_of(page) == "/request/about-the-commissioner"


def test_nothing_is_asked_twice(page, live_app):
    """A representative who wants a call: every question once on check answers, and the
    number to call is the one they already gave."""
    steps = replace_step(
        representative_steps(),
        "contact-details",
        {"email": "ria@example.org", "phone": "07700 900982"},
    )
    steps = replace_step(steps, "adjustments-needed", {"needed": "yes"})
    before, after = split_at(steps, "adjustments-needed")
    page.goto("/request/start")
    post_steps(page, before)
    walk(page, after)
    assert path_of(page) == "/request/adjustments"
    expect(page.get_by_label("Phone number to call")).to_have_value("07700 900982")
    page.check('[name="adjustments"][value="callback"]')
    press(page)
    assert path_of(page) == "/request/check-answers"
    questions = page.locator(".govuk-summary-list__key").all_inner_texts()
    repeated = sorted({q for q in questions if questions.count(q) > 1})
    assert questions and not repeated, repeated
