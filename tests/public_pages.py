"""Every public page a person can reach, as (path, HTML), for checks that apply to them all:
the pages without arguments in the URL map, each exit page, each question of a complainant's
journey (and its check and confirmation pages), the tracker's pages for that request, the pages
only someone missing a letter's facts sees, and each representative's pages by way of showing
consent (their path carries the route, as their wording differs)."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select

from reviews.database import db
from reviews.journey import EXIT_PAGES
from reviews.models import ReviewRequest
from tests.journey import Journey, look_up
from tests.journey_data import (
    CONSENT_ROUTES,
    complainant_steps,
    representative_steps,
    unknown_facts_steps,
)

TRACKER_PAGES = ("/track/your-request", "/track/receipt")


def _pages_without_arguments(app) -> list[str]:
    return sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("portal.") and "GET" in rule.methods and not rule.arguments
    )


def public_pages(app, client) -> Iterator[tuple[str, str]]:
    for path in _pages_without_arguments(app):
        response = client.get(path)
        if response.status_code == 200 and response.mimetype == "text/html":
            yield path, response.text
    for page in sorted(EXIT_PAGES):
        path = f"/request/cannot-use-this-service/{page}"
        yield path, _page(client, path)
    journey = Journey(client)
    for slug, data in complainant_steps():
        yield f"/request/{slug}", _page(client, f"/request/{slug}")
        journey.answer(slug, data)
    yield "/request/check-answers", _page(client, "/request/check-answers")
    journey.send()
    yield "/request/sent", _page(client, "/request/sent")
    with app.app_context():
        reference = db.session.scalar(select(ReviewRequest.reference))
    assert look_up(client, reference, "Example").status_code == 302
    for path in TRACKER_PAGES:
        yield path, _page(client, path)
    yield from _walk(app.test_client(), unknown_facts_steps(), "")
    for route in CONSENT_ROUTES:
        yield from _walk(app.test_client(), representative_steps(route), f"?as={route}")


def _walk(client, steps, label: str) -> Iterator[tuple[str, str]]:
    """Each question of `steps`, shown before it is answered, up to an upload it cannot make
    (the next page then sends the person back to it)."""
    journey = Journey(client)
    for slug, data in steps:
        response = client.get(f"/request/{slug}")
        if response.status_code != 200:
            return
        yield f"/request/{slug}{label}", response.text
        journey.answer(slug, data, expect_redirect=False)
    yield f"/request/check-answers{label}", _page(client, "/request/check-answers")


def _page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.text
