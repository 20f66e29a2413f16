"""Every public page a person can reach, as (path, HTML), for checks that apply to them all:
the pages without arguments in the URL map, each exit page, each question of a complainant's
journey (and its check and confirmation pages), and the tracker's pages for that request."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select

from reviews.database import db
from reviews.journey import EXIT_PAGES
from reviews.models import ReviewRequest
from tests.journey import Journey, look_up
from tests.journey_data import complainant_steps

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


def _page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.text
