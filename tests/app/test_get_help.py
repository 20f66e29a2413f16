"""Every public page of the journey and the tracker ends with the same short "Get help"
section: the phone number, asking for a call, asking for another format, and what the team
can do. Staff pages do not have it."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from reviews.database import db
from reviews.models import ReviewRequest
from tests.journey import Journey, look_up
from tests.journey_data import complainant_steps

CALL_LINK = 'href="/accessibility/ask-for-a-call"'
FORMAT_LINK = 'href="/accessibility/ask-for-another-format"'


def help_section(html: str) -> str | None:
    found = re.search(r'<div class="app-get-help[^"]*">(.*?)</div>', html, re.S)
    return found.group(1) if found else None


def assert_has_help(response) -> None:
    assert response.status_code == 200, response.status_code
    section = help_section(response.text)
    assert section is not None, "no Get help section"
    assert ">Get help</h2>" in section
    assert CALL_LINK in section
    assert FORMAT_LINK in section
    assert "020 7983 4000" in section


def _portal_pages_without_arguments(app) -> list[str]:
    return sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("portal.")
        and "GET" in rule.methods
        and not rule.arguments
        and rule.endpoint != "portal.contact"
    )


def test_every_portal_page_that_answers_has_help(app, client):
    checked = 0
    for path in _portal_pages_without_arguments(app):
        response = client.get(path)
        if response.status_code == 200 and response.mimetype == "text/html":
            assert_has_help(response)
            checked += 1
    assert checked >= 8


def test_every_journey_question_has_help(client):
    journey = Journey(client)
    for slug, data in complainant_steps():
        assert_has_help(client.get(f"/request/{slug}"))
        journey.answer(slug, data)
    assert_has_help(client.get("/request/check-answers"))
    journey.send()
    assert_has_help(client.get("/request/sent"))


def test_an_error_state_keeps_help(client):
    journey = Journey(client)
    first_slug = complainant_steps()[0][0]
    response = journey.answer(first_slug, {}, expect_redirect=False)
    assert 'class="govuk-error-summary' in response.text
    assert help_section(response.text) is not None


@pytest.fixture
def tracking_client(app, client):
    journey = Journey(client)
    journey.walk(complainant_steps())
    journey.send()
    with app.app_context():
        reference = db.session.scalar(select(ReviewRequest.reference))
    assert look_up(client, reference, "Example").status_code == 302
    return client


def test_tracker_pages_have_help(tracking_client):
    for path in ("/track/your-request", "/track/receipt"):
        assert_has_help(tracking_client.get(path))


def test_staff_pages_do_not(client):
    assert help_section(client.get("/staff/sign-in").text) is None
