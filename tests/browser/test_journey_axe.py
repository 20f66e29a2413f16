"""axe-core on every page of the review request journey and each of its error states, for a
complainant and a representative, and the walks cover every step."""

from __future__ import annotations

from types import SimpleNamespace

from reviews.journey import STEPS
from tests.browser.conftest import assert_no_axe_violations
from tests.browser.journey_steps import (
    SEND,
    answer,
    late_steps,
    path_of,
    post_steps,
    press,
    shown_reference,
    the_one_request,
)
from tests.journey_data import (
    CONSENT_ROUTES,
    REPRESENTATIVE_KINDS,
    replace_step,
    representative_steps,
    unknown_facts_steps,
)


def choose_bogus_safety_option(page) -> None:
    """No one can pick a wrong option here by hand: tamper with one to see the error state."""
    page.locator('input[name="safe"]').first.evaluate("box => { box.value = 'bogus' }")
    page.check('input[name="safe"][value="bogus"]')
    press(page)


ERROR_STATES = {
    "letter-received": [
        {
            "letter_received_on-day": "31",
            "letter_received_on-month": "2",
            "letter_received_on-year": "2025",
        }
    ],
    "what-we-cannot-do": None,
    "no-review-right": None,
    "letter-approximate": [{"letter_month": "Marchember"}],
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
    return replace_step(
        steps,
        "adjustments",
        {"adjustments": ["callback"], "callback_phone": "07700 900982"},
        after="adjustments-needed",
    )


UNKNOWN_FACTS_ONLY = {"no-review-right", "letter-approximate"}


def representative_axe_steps(files) -> list[tuple[str, dict]]:
    """A representative who uploads the complainant's signed permission."""
    steps = representative_steps(route="upload-now")
    consent = [slug for slug, _ in steps].index("complainant-details") + 1
    steps[consent:consent] = [
        ("consent-upload", {"files": files.letter, "action": "upload"}),
        ("consent-upload", {"action": "continue"}),
    ]
    return steps


REPRESENTATIVE_ONLY = {
    "about-you",
    "your-organisation",
    "consent",
    "complainant-details",
    "consent-upload",
    "updates",
}


def test_the_axe_walks_cover_every_step():
    files = SimpleNamespace(letter="letter.pdf", pretend="letter.pdf")
    complainant = {slug for slug, _ in complainant_axe_steps(files)}
    representative = {slug for slug, _ in representative_axe_steps(files)} & REPRESENTATIVE_ONLY
    unknown = {slug for slug, _ in unknown_facts_steps()} & UNKNOWN_FACTS_ONLY
    # Each kind of representative and each way of showing consent: test_routes_reps.py.
    routes = {
        slug
        for route, kind in zip(CONSENT_ROUTES, REPRESENTATIVE_KINDS, strict=True)
        for slug, _ in representative_steps(route, kind)
    }
    assert complainant | representative | unknown | routes == {step.slug for step in STEPS}
    assert set(ERROR_STATES) <= complainant | representative | unknown


def test_pages_for_unknown_facts_are_axe_clean(page, axe, files, live_app):
    page.goto("/request/start")
    steps = unknown_facts_steps()
    checked = axe_walk(page, axe, steps, files, checking=UNKNOWN_FACTS_ONLY)
    assert checked == UNKNOWN_FACTS_ONLY
    assert path_of(page) == "/request/check-answers"
    assert_no_axe_violations(axe, page)
    press(page, SEND)
    assert shown_reference(page) == the_one_request(live_app).reference
    assert page.console_errors == []


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
    after = slugs.index("mps-reference")
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
