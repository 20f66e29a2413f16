"""The review request journey in a browser: by keyboard alone (focus moves by Tab, never by
script or mouse), with the mouse, or by posting forms from the page's own context; and what
was sent."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlparse

import pytest
from playwright.sync_api import FormData
from sqlalchemy import select

from reviews import clock
from reviews.database import db
from reviews.models import ReviewRequest
from reviews.references import format_reference
from tests.forms import hidden_fields
from tests.journey_data import complainant_steps, replace_step

REFERENCE = re.compile(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{2}")


SEND = "Accept and send"


MAX_TABS = 60


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


def summary_is_focused(page) -> bool:
    return focused(page, ".govuk-error-summary")


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


def send_button_centre(page) -> tuple[float, float]:
    button = page.get_by_role("button", name=SEND)
    button.scroll_into_view_if_needed()
    box = button.bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
