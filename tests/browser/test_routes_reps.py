"""Representatives in real Chromium: each kind of representative once and each way of showing
they may act once, from "About you" to a tracking reference, with axe-core on every page of the
who section (and the error state of the pages only these walks reach), the check page and the
confirmation."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from reviews.database import db
from reviews.models import ReviewRequest
from tests.browser.conftest import assert_no_axe_violations
from tests.browser.journey_steps import (
    SEND,
    answer,
    path_of,
    post_steps,
    press,
    shown_reference,
    split_at,
    the_one_request,
)
from tests.journey_data import CONSENT_ROUTES, REPRESENTATIVE_KINDS, representative_steps

# Each route walked once with a different kind, so six walks cover both lists.
WALKS = list(zip(CONSENT_ROUTES, REPRESENTATIVE_KINDS, strict=True))
# Pages first met in these walks, whose error state is checked here too.
ERROR_STATES = {"your-organisation", "your-connection", "consent-authority"}


def route_steps(route: str, kind: str, letter: str) -> list[tuple[str, dict]]:
    steps = representative_steps(route=route, kind=kind)
    if route == "upload-now":
        index = [slug for slug, _ in steps].index("complainant-details") + 1
        steps[index:index] = [
            ("consent-upload", {"files": letter, "action": "upload"}),
            ("consent-upload", {"action": "continue"}),
        ]
    return steps


def show_error_state(page, axe, slug: str) -> None:
    press(page)
    assert path_of(page) == f"/request/{slug}"
    assert page.title().startswith("Error: ")
    assert page.locator(".govuk-error-summary").is_visible()
    assert_no_axe_violations(axe, page)


@pytest.mark.parametrize(("route", "kind"), WALKS, ids=[f"{r}-{k}" for r, k in WALKS])
def test_each_kind_and_route_reaches_a_tracking_reference(page, axe, files, live_app, route, kind):
    page.goto("/request/start")
    before, rest = split_at(route_steps(route, kind, files.letter), "about-you")
    who, after = split_at(rest, "mps-reference")
    post_steps(page, before)
    for slug, data in who:
        assert path_of(page) == f"/request/{slug}"
        assert_no_axe_violations(axe, page)
        if slug in ERROR_STATES:
            show_error_state(page, axe, slug)
        answer(page, data)
    post_steps(page, after)

    assert path_of(page) == "/request/check-answers"
    assert_no_axe_violations(axe, page)
    press(page, SEND)
    reference = shown_reference(page)
    assert_no_axe_violations(axe, page)
    assert reference == the_one_request(live_app).reference
    with live_app.app_context():
        sent = db.session.scalar(select(ReviewRequest))
        assert (sent.consent_route, sent.representative_kind) == (route, kind)
        assert sent.updates_to == ("requester" if route == "died" else "both")
        kinds = [document.kind for document in sent.documents]
        assert kinds == (["consent"] if route == "upload-now" else [])
    assert page.console_errors == []
