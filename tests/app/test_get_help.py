"""Every public page of the journey and the tracker ends with the same short "Get help"
section: the phone number, asking for a call, asking for another format, and what the team
can do. Staff pages do not have it."""

from __future__ import annotations

import re

from tests.journey import Journey
from tests.journey_data import complainant_steps
from tests.public_pages import public_pages

CALL_LINK = 'href="/accessibility/ask-for-a-call"'
FORMAT_LINK = 'href="/accessibility/ask-for-another-format"'
# The contact page is all about getting help, so it does not repeat it.
WITHOUT_THE_SECTION = {"/contact"}


def help_section(html: str) -> str | None:
    found = re.search(r'<div class="app-get-help[^"]*">(.*?)</div>', html, re.S)
    return found.group(1) if found else None


def test_every_public_page_ends_with_help(app, client):
    checked = 0
    for path, html in public_pages(app, client):
        if path in WITHOUT_THE_SECTION:
            continue
        section = help_section(html)
        assert section is not None, f"{path} has no Get help section"
        assert ">Get help</h2>" in section, path
        for needed in (CALL_LINK, FORMAT_LINK, "020 7983 4000", "mailto:"):
            assert needed in section, (path, needed)
        checked += 1
    assert checked >= 40


def test_an_error_state_keeps_help(client):
    journey = Journey(client)
    first_slug = complainant_steps()[0][0]
    response = journey.answer(first_slug, {}, expect_redirect=False)
    assert 'class="govuk-error-summary' in response.text
    assert help_section(response.text) is not None


def test_staff_pages_do_not(client):
    assert help_section(client.get("/staff/sign-in").text) is None
