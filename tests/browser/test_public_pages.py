"""Public pages in real Chromium: no CSP or script errors, the look we intend, the accessibility
forms in each state. Every public page and error page is checked in test_wcag_proof.py."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_no_axe_violations


def test_gov_uk_frontend_javascript_runs_under_the_csp(page):
    page.goto("/")
    assert page.evaluate("document.body.classList.contains('govuk-frontend-supported')")
    # initAll() marks each component it starts; the skip link is on every page.
    page.wait_for_function(
        "document.querySelector('.govuk-skip-link').hasAttribute('data-govuk-skip-link-init')"
    )
    assert page.console_errors == []


def test_every_script_and_style_is_fetched_by_its_fingerprinted_address(page):
    """The page's assets and the modules app.js imports (through the page's import map) are
    all asked for by their `?v=` address, cached for good: a repeat view asks for none again."""
    assets = []
    page.on("request", lambda request: assets.append(request.url))
    page.goto("/")
    page.wait_for_load_state("networkidle")
    fetched = [url for url in assets if "/static/" in url]
    modules = {
        url.split("?")[0].rsplit("/", 1)[1]
        for url in fetched
        if url.endswith("js") or ".js?" in url
    }
    assert {"app.js", "govuk-frontend.min.js", "timeout-warning.js"} <= modules
    assert [url for url in fetched if "?v=" not in url] == []
    assert page.console_errors == []


def test_system_fonts_and_no_crown(page):
    page.goto("/")
    font = page.evaluate("getComputedStyle(document.querySelector('h1')).fontFamily")
    assert "GDS Transport" not in font
    assert "system-ui" in font
    assert (
        page.locator("svg.govuk-logo, .govuk-header__logotype, .govuk-footer__crown").count() == 0
    )
    assert page.locator(".govuk-generic-header").inner_text().strip() == "MOPAC"


def test_skip_link_is_the_first_stop_and_reaches_main(page):
    page.goto("/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main-content"


@pytest.mark.parametrize(
    ("path", "fill", "button"),
    [
        (
            "/accessibility/ask-for-a-call",
            {"#full_name": "Ali Example", "#phone": "07700 900982"},
            "Ask for a call",
        ),
        (
            "/accessibility/ask-for-another-format",
            {"#document": "Privacy notice", "#full_name": "Bo Example", "#email": "bo@example.com"},
            "Send request",
        ),
    ],
)
def test_accessibility_forms_in_every_state(page, axe, path, fill, button):
    page.goto(path)
    page.get_by_role("button", name=button).click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert page.title().startswith("Error: ")
    assert_no_axe_violations(axe, page)

    for selector, value in fill.items():
        page.fill(selector, value)
    if "format" in path:
        page.check("#format")
        page.check("#preferred_contact")
    page.get_by_role("button", name=button).click()
    expect(page.locator(".govuk-panel")).to_be_visible()
    assert page.url.endswith("/sent")
    assert_no_axe_violations(axe, page)
