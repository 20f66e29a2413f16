"""The accessibility proof's own crawl: the page states the other browser tests do not reach.

test_journey.py and test_tracker.py check each journey and tracker page and its error states as
they go; every `assert_no_axe_violations` there runs all the per-page checks (proof.py). This
file adds: every public page and error page (404 and 503 for real), saving a journey for later,
each stage the tracker can show, and every staff page for each role, found from the URL map,
with each staff form sent empty. Last of the whole session, the Nu HTML Checker reads the HTML
of every state kept.
"""

from __future__ import annotations

import importlib
from contextlib import suppress
from itertools import product
from pathlib import Path
from urllib.parse import urlparse

import pytest
from flask import url_for
from playwright.sync_api import expect
from sqlalchemy import select
from werkzeug.exceptions import HTTPException

from reviews import clock
from reviews.accessibility import send_callback_request, send_format_request
from reviews.database import db
from reviews.models import ReviewRequest, StaffUser
from reviews.references import format_reference
from reviews.staff_accounts import current_totp_step, totp_code
from reviews.tracking import current_stage
from reviews.workflow import ROLES, Status, available_actions, record_status
from tests.browser.conftest import DATABASE_DOWN_HEADER, assert_no_axe_violations, sign_in
from tests.browser.proof import PROOF
from tests.browser.proof_checks import PROOF_TESTS
from tests.journey import Journey
from tests.journey_data import complainant_steps
from tests.site_map import (
    PUBLIC_BLUEPRINTS,
    STAFF_PUBLIC_ENDPOINTS,
    public_get_paths,
    public_pages_without_arguments,
)
from tests.staff_helpers import make_staff

# 404 and 503 are reached for real below, 403 on staff pages and 429 in test_tracker.py; each
# is also shown through the real error handler from a test-only address, with these others
# that a browser cannot provoke on demand.
FORCED_ERRORS = [400, 403, 404, 405, 413, 429, 500, 503]
# Addresses that send a file, not a page.
FILES = {
    "portal.receipt_download",
    "staff.download_document",
    "staff.audit_export",
    "staff.sent_letter",
    "staff.letter_print_pack",
    "portal.consent_form_download",
    "portal.tracker_letter",
    "portal.tracker_letter_large_print",
}
# Addresses that only ever send the browser on to another page.
REDIRECTS = {"portal.journey_start"}
SURNAME = "Example"


def path_of(page) -> str:
    return urlparse(page.url).path


def submit(page, button: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=button, exact=True).click()


def pages_a_new_visitor_can_open(live_app) -> list[str]:
    """Every public address without arguments that answers with its own page to someone who
    has sent nothing yet (the rest send them to the start of their journey or the tracker)."""
    return sorted(
        path
        for path in public_get_paths(live_app)
        if live_app.test_client().get(path).status_code == 200
    )


def test_every_public_page_and_error_page(live_app, page, axe):
    pages = pages_a_new_visitor_can_open(live_app)
    assert set(pages) >= {"/", "/request/timed-out", *public_pages_without_arguments(live_app)}
    for path in pages:
        response = page.goto(path)
        assert response.status == 200, path
        assert_no_axe_violations(axe, page)

    assert page.goto("/no-such-page").status == 404
    assert_no_axe_violations(axe, page)
    for status in FORCED_ERRORS:
        assert page.goto(f"/_test/error/{status}").status == status
        assert_no_axe_violations(axe, page, f"status {status}, forced")

    # A 503 from a real page: the tracker's look-up finds the database down.
    page.goto("/track")
    page.get_by_label("Tracking reference").fill("ABCD-EFGH-JKLM-NP")
    page.get_by_label("Last name").fill(SURNAME)
    page.set_extra_http_headers({DATABASE_DOWN_HEADER: "yes"})
    with page.expect_response(lambda response: path_of(response) == "/track") as looked_up:
        page.get_by_role("button", name="Continue").click()
    page.set_extra_http_headers({})
    assert looked_up.value.status == 503
    expect(page.get_by_role("heading", level=1)).to_have_text("Sorry, the service is unavailable")
    assert_no_axe_violations(axe, page, "status 503, database down")
    assert page.console_errors == []


def test_save_for_later_and_an_expired_link(page, axe):
    page.goto("/request/start")
    page.get_by_role("radio").first.check()  # who is asking: the first question
    submit(page, "Continue")
    page.goto("/request/save")
    assert_no_axe_violations(axe, page)
    submit(page, "Send me a link")
    assert_no_axe_violations(axe, page)
    page.get_by_label("Email address").fill("sam@example.com")
    submit(page, "Send me a link")
    assert path_of(page) == "/request/saved"
    assert_no_axe_violations(axe, page)

    page.goto("/request/resume/not-a-real-link")
    assert_no_axe_violations(axe, page)
    submit(page, "Continue")
    expect(page.get_by_role("heading", level=1)).to_contain_text("expired")
    assert_no_axe_violations(axe, page, "link used or expired")
    assert page.console_errors == []


def sent_request(live_app) -> tuple[int, str]:
    journey = Journey(live_app.test_client())
    journey.walk(complainant_steps())
    assert journey.send().status_code == 302
    with live_app.app_context():
        found = db.session.scalars(select(ReviewRequest)).one()
        return found.id, format_reference(found.reference)


def test_each_stage_the_tracker_shows(live_app, page, axe):
    """Every status a request can be in, as its requester sees it: one check per stage shown."""
    request_id, reference = sent_request(live_app)
    page.goto("/track")
    page.get_by_label("Tracking reference").fill(reference)
    page.get_by_label("Last name").fill(SURNAME)
    submit(page, "Continue")
    shown = set()
    for status in Status:
        with live_app.app_context():
            review_request = db.session.get(ReviewRequest, request_id)
            if status != Status.RECEIVED:
                record_status(review_request, status)
                db.session.commit()
            stage = current_stage(review_request).title
        if stage in shown:
            continue
        shown.add(stage)
        page.goto("/track/your-request")
        expect(page.locator("main strong").first).to_have_text(stage)
        assert_no_axe_violations(axe, page, f"stage: {stage}")
    assert len(shown) > 3
    assert page.console_errors == []


# Staff pages. Addresses with ids are filled in from what `staff_arguments` made; a new page
# whose address takes another argument fails here until it has a sample.


@pytest.fixture
def staff_arguments(live_app) -> dict[str, list]:
    request_id, _reference = sent_request(live_app)
    today = clock.today()
    with live_app.app_context():
        callback = send_callback_request(
            today,
            "proof-callback",
            name="Ali Example",
            phone="07700 900982",
            best_times="Mornings",
            safe_to_leave_message=True,
            safe_to_say_who_is_calling=False,
            about=None,
            reference_given=None,
        )
        format_request = send_format_request(
            today,
            "proof-format",
            document="The privacy notice",
            format="large-print",
            format_detail=None,
            assistive_technology=None,
            name="Bo Example",
            preferred_contact="email",
            email="bo@example.com",
            phone=None,
            address=None,
        )
        ids = {"callback_id": callback.id, "format_id": format_request.id}
    colleague = make_staff(live_app, "caseworker", "colleague@example.org")
    return {
        "request_id": [request_id],
        "user_id": [colleague.id],
        "kind": ["acknowledgement"],
        "version": [1],  # the wording each letter shipped with
        "callback_id": [ids["callback_id"]],
        "format_id": [ids["format_id"]],
        # Entering a request by post or email (staff.intake): a question, an upload page and
        # an exit, each sending someone with nothing entered yet to the first page.
        "slug": ["who-is-asking", "letter-upload"],
        "page": ["other-police-force"],
    }


def staff_pages(live_app, role: str, arguments: dict[str, list]) -> list[str]:
    """Every staff page `role` may open, from the URL map: one for each sample of each
    argument its address takes."""
    pages = []
    with live_app.test_request_context():
        for rule in live_app.url_map.iter_rules():
            if (
                not rule.endpoint.startswith("staff.")
                or rule.endpoint in STAFF_PUBLIC_ENDPOINTS | FILES
                or "GET" not in rule.methods
                or role not in getattr(live_app.view_functions[rule.endpoint], "allowed_roles")
            ):
                continue
            missing = rule.arguments - set(arguments)
            assert not missing, f"{rule.rule}: add a sample for {missing} to staff_arguments"
            names = sorted(rule.arguments)
            for values in product(*(arguments[name] for name in names)):
                pages.append(url_for(rule.endpoint, **dict(zip(names, values, strict=True))))
    return sorted(pages)


def actions_open_to(live_app, request_id: int, user) -> list[str]:
    """The workflow actions `user` can take on the request now: each has its own page."""
    with live_app.app_context():
        review_request = db.session.get(ReviewRequest, request_id)
        staff_user = db.session.get(StaffUser, user.id)
        return [action.name for action in available_actions(review_request, staff_user)]


def sign_in_as(page, live_app, role: str):
    """A new account with `role`, signed in on `page`; the proof records pages as theirs."""
    user = make_staff(live_app, role)
    sign_in(page, live_app, user)
    PROOF.current_role = role
    return user


FIELDS = "input:not([type=hidden]):not([type=submit]), textarea, select"


def send_each_form_empty(page, axe, url: str) -> None:
    """Each form on the page that asks for something, sent as it is: its error state."""
    forms = page.locator("main form[method=post]")
    for index in range(forms.count()):
        form = forms.nth(index)
        if form.locator(FIELDS).count() == 0:
            continue  # a button alone (sign out, deactivate): an action, not a question
        for field in form.locator("input[type=text], input[type=email], textarea").all():
            field.fill("")
        with page.expect_navigation():
            form.locator("button:not([type=button]), input[type=submit]").first.click()
        assert_no_axe_violations(axe, page, "sent empty")
        page.goto(url)


def test_the_staff_sign_in_pages(live_app, page, axe):
    page.goto("/staff/sign-in")
    assert_no_axe_violations(axe, page)
    submit(page, "Continue")
    assert_no_axe_violations(axe, page)

    # The second step, with a code from the app or a recovery code, each sent empty too.
    enrolled = make_staff(live_app, "caseworker", "enrolled@example.org")
    page.get_by_label("Email address").fill(enrolled.email)
    page.locator("#password").fill(enrolled.password)
    submit(page, "Continue")
    assert path_of(page) == "/staff/two-factor"
    for address in ("/staff/two-factor", "/staff/two-factor?use=recovery-code"):
        page.goto(address)
        assert_no_axe_violations(axe, page)
        submit(page, "Sign in")
        expect(page.locator(".govuk-error-summary")).to_be_visible()
        assert_no_axe_violations(axe, page)
    page.context.clear_cookies()
    page.goto("/staff/sign-in")

    user = make_staff(live_app, "caseworker", enrolled=False)
    page.get_by_label("Email address").fill(user.email)
    page.locator("#password").fill(user.password)
    submit(page, "Continue")
    assert path_of(page) == "/staff/set-up-two-factor"
    assert_no_axe_violations(axe, page)
    submit(page, "Continue")
    assert_no_axe_violations(axe, page)

    # Enrolled with the key the page shows, as someone typing it into their app would.
    key = page.locator("code").inner_text().replace(" ", "")
    page.locator("#code").fill(totp_code(key, current_totp_step()))
    submit(page, "Continue")
    expect(page.get_by_role("heading", level=1)).to_have_text("Save your recovery codes")
    assert_no_axe_violations(axe, page)
    assert page.console_errors == []


@pytest.mark.parametrize("role", list(ROLES))
def test_every_staff_page_for_each_role(live_app, page, axe, staff_arguments, role):
    user = sign_in_as(page, live_app, role)
    (request_id,) = staff_arguments["request_id"]
    actions = actions_open_to(live_app, request_id, user)
    pages = staff_pages(live_app, role, {**staff_arguments, "action_name": actions})
    assert "/staff/account" in pages
    for url in pages:
        response = page.goto(url)
        assert response.status == 200, url
        assert response.headers["content-type"].startswith("text/html"), (
            f"{url} is not a page: add its endpoint to FILES"
        )
        assert_no_axe_violations(axe, page)
        send_each_form_empty(page, axe, url)
    if "/staff/users" not in pages:
        assert page.goto("/staff/users").status == 403
        assert_no_axe_violations(axe, page, "status 403, not for this role")


def test_a_password_set_from_a_link(live_app, live_server, browser, page, axe):
    """An admin resets a password and sees the link; the colleague opens it in a browser of
    their own and sends the form empty; a spoilt link shows that it has expired."""
    colleague = make_staff(live_app, "caseworker", "colleague@example.org")
    sign_in_as(page, live_app, "admin")
    page.goto(f"/staff/users/{colleague.id}")
    submit(page, "Reset password")
    assert path_of(page) == f"/staff/users/{colleague.id}/set-password-link"
    assert_no_axe_violations(axe, page)
    link = page.locator("main code").inner_text()

    PROOF.current_role = None
    theirs = browser.new_context(base_url=live_server).new_page()
    theirs.set_default_timeout(5000)
    theirs.console_errors = []
    try:
        theirs.goto(link)
        assert path_of(theirs) == "/staff/set-password"
        assert_no_axe_violations(axe, theirs)
        submit(theirs, "Set password")
        expect(theirs.locator(".govuk-error-summary")).to_be_visible()
        assert_no_axe_violations(axe, theirs)
        theirs.context.clear_cookies()
        assert theirs.goto(link + "spoilt").status == 404
        assert_no_axe_violations(axe, theirs, "link used or expired")
    finally:
        theirs.context.close()
    assert page.console_errors == []


def test_every_page_was_checked(request, live_app):
    """Runs after every other browser test (conftest): each page of the URL map, public and
    staff, was checked in at least one state. Only a run of the whole browser suite can tell."""
    collected = {item.nodeid.split("::")[0] for item in request.session.items}
    every_file = {f"tests/browser/{path.name}" for path in Path(__file__).parent.glob("test_*.py")}
    if not every_file <= collected:
        pytest.skip("only a run of every browser test reaches every page")
    adapter = live_app.url_map.bind("localhost")
    checked = set()
    for record in PROOF.states.values():
        # An address that is not a page (the 404 and forced error pages) matches nothing.
        with suppress(HTTPException):
            checked.add(adapter.match(record.path, method="GET")[0])
    pages = {
        rule.endpoint
        for rule in live_app.url_map.iter_rules()
        if rule.endpoint.split(".")[0] in {*PUBLIC_BLUEPRINTS, "staff"} and "GET" in rule.methods
    }
    assert pages - checked == FILES | REDIRECTS, f"never checked: {pages - checked - FILES}"


def test_the_proof_tests_are_still_there():
    """The report counts these tests by name: a renamed one must be renamed in PROOF_TESTS."""
    for tests in PROOF_TESTS.values():
        for nodeid in tests:
            path, name = nodeid.split("::")
            module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
            assert callable(getattr(module, name, None)), f"{nodeid} is gone"


def test_every_page_state_is_valid_html():
    """Runs last (conftest): the Nu HTML Checker once over every state the session kept."""
    assert PROOF.states, "no page states were checked in this run"
    errors = PROOF.check_html()
    assert not errors, "\n".join(errors)
