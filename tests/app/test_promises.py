"""Every promise a page makes comes from reviews.promises: no page states a number of days of
its own, and each page that makes a promise shows the configured value."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from reviews.drafts import DRAFT_LIFETIME, SAVED_DRAFT_LIFETIME
from reviews.promises import PROMISES
from tests.site_map import public_pages_without_arguments

TEMPLATES = Path(__file__).parents[2] / "templates"
# A length of time stated as a number: "5 working days", "28 days", "6 years". Not a countdown
# ("You have 1 day left"), which is worked out from the person's own dates.
LENGTH = re.compile(r"\b(\d+) (working days?|days?|years?)\b(?! left)")
# Phrases a page may use about a promise with no number.
IN_WRITING = re.compile(r"must reply[^.]*in writing")


def _outside_jinja(source: str) -> str:
    return re.sub(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", "", source, flags=re.DOTALL)


def test_no_template_states_a_length_of_its_own():
    found = {}
    for path in sorted(TEMPLATES.rglob("*")):
        if path.suffix not in (".html", ".txt") or path.parts[-2] == "staff":
            continue
        text = _outside_jinja(path.read_text())
        stated = LENGTH.findall(text) + IN_WRITING.findall(text)
        if stated:
            found[str(path.relative_to(TEMPLATES))] = stated
    assert found == {}


def test_every_length_on_a_public_page_is_a_promise(client, app):
    promised = {promise.text for promise in PROMISES.all().values()}
    for page in public_pages_without_arguments(app):
        text = re.sub(r"<[^>]+>", " ", client.get(page).text)
        for number, unit in LENGTH.findall(text):
            assert f"{number} {unit}" in promised, (page, number, unit)


def test_draft_promises_are_the_lifetimes_drafts_are_kept():
    assert PROMISES.unsaved_draft.value == DRAFT_LIFETIME.days == 2
    assert PROMISES.saved_draft.value == SAVED_DRAFT_LIFETIME.days == 30


def test_the_privacy_notice_states_both_draft_lifetimes(client):
    page = client.get("/privacy").text
    assert f"we delete what you entered after {PROMISES.unsaved_draft}" in page
    assert f"we delete them after {PROMISES.saved_draft}" in page


@pytest.mark.parametrize(
    ("path", "promise"),
    [
        ("/what-happens-next", PROMISES.acknowledgement),
        ("/accessibility/ask-for-a-call", PROMISES.callback),
        ("/accessibility/ask-for-another-format", PROMISES.format_reply),
        ("/possible-outcomes", PROMISES.met_replies_in_writing),
        ("/time-limit", PROMISES.review_window),
    ],
)
def test_pages_state_the_configured_promise(client, path, promise):
    assert promise.text in client.get(path).text


def test_every_promise_says_where_it_comes_from():
    for name, promise in PROMISES.all().items():
        assert promise.source.startswith(("review-rules.md", "MOPAC's own standard")), name
        assert promise.wording, name
