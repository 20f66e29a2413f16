"""A live server on 127.0.0.1 and Debian's Chromium driven by Playwright, with axe-core, and the
accessibility proof (tests/browser/proof.py) that records every page state checked."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlparse

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import abort, g, has_request_context, request
from playwright.sync_api import expect, sync_playwright
from sqlalchemy import event
from sqlalchemy.exc import OperationalError
from werkzeug.serving import WSGIRequestHandler, make_server

from reviews.database import db
from tests.browser.proof import PROOF
from tests.browser.proof_checks import ROOT
from tests.browser.proof_report import versions
from tests.conftest import empty_all_tables, make_test_app
from tests.journey_data import pdf_bytes
from tests.staff_helpers import StaffAccount, next_code

CHROMIUM = Path("/usr/bin/chromium")
# Quiet, offline Chromium: the machine has no network beyond 127.0.0.1.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Set by `make accessibility`: where the report goes, and that accessibility/latest_results.json
# (which the statement shows) is rewritten.
REPORT_DIRECTORY = os.environ.get("ACCESSIBILITY_REPORT")
LATEST_RESULTS = ROOT / "accessibility" / "latest_results.json"
# Run last, over every page state the session kept: that no page was left unchecked, and the
# Nu HTML Checker once over them all.
COVERAGE_CHECK = "tests/browser/test_wcag_proof.py::test_every_page_was_checked"
HTML_CHECK = "tests/browser/test_wcag_proof.py::test_every_page_state_is_valid_html"
LAST = [COVERAGE_CHECK, HTML_CHECK]
# A request carrying this header finds the database unreachable (the real 503 page).
DATABASE_DOWN_HEADER = "X-Test-Database-Down"


def pytest_configure(config):
    # Chromium sometimes drops a connection while the test server is still sending a static file
    # (it had the file cached, or the page moved on); werkzeug's development server then leaves
    # the file for the garbage collector, whose ResourceWarning would fail whichever test runs
    # next. Only that: an unclosed file under static/, in the browser tests.
    config.addinivalue_line(
        "filterwarnings",
        r"ignore:Exception ignored in. <_io.BufferedReader name='[^']*/static/"
        ":pytest.PytestUnraisableExceptionWarning",
    )


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
    items.sort(key=lambda item: LAST.index(item.nodeid) + 1 if item.nodeid in LAST else 0)


def pytest_runtest_logreport(report):
    if report.when == "call" or report.outcome != "passed":
        PROOF.record_test(report.nodeid, report.outcome)


def pytest_sessionfinish(session):
    if not (REPORT_DIRECTORY and PROOF.html_checked):
        return
    summary = PROOF.write_report(versions(PROOF.chromium))
    LATEST_RESULTS.write_text(json.dumps(summary, indent=2) + "\n")


@pytest.fixture(scope="session", autouse=True)
def _proof(tmp_path_factory):
    report = Path(REPORT_DIRECTORY).resolve() if REPORT_DIRECTORY else None
    PROOF.start(tmp_path_factory.mktemp("proof"), report)


@pytest.fixture(autouse=True)
def _proof_knows_the_test(request):
    PROOF.current_test = request.node.nodeid
    PROOF.current_role = None


@pytest.fixture(scope="session")
def live_app(migrated_database, tmp_path_factory):
    app = make_test_app(migrated_database, tmp_path_factory.mktemp("live-instance"))

    # Error pages cannot all be reached on demand (a real 503 needs a broken database), so
    # the browser checks reach each one through the real error handlers.
    @app.get("/_test/error/<int:status>")
    def error_page(status):
        abort(status)

    # The real 503: a page whose database query fails. Per request (flask.g), so the other
    # requests the threaded server is answering at the time are not touched.
    @app.before_request
    def database_down_on_request():
        g.database_down = DATABASE_DOWN_HEADER in request.headers

    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "before_cursor_execute")
    def refuse_when_down(connection, cursor, statement, *args):
        if has_request_context() and g.get("database_down"):
            raise OperationalError(statement, {}, ConnectionRefusedError("database down"))

    yield app
    with app.app_context():
        db.engine.dispose()


class QuietHandler(WSGIRequestHandler):
    """The app writes its own request log; werkzeug's would repeat every line."""

    def log_request(self, *args, **kwargs) -> None:
        pass


@pytest.fixture(scope="session")
def live_server(live_app):
    server = make_server("127.0.0.1", 0, live_app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture(autouse=True)
def _empty_tables_after_each_browser_test(live_app):
    yield
    empty_all_tables(live_app)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: apt-get install --no-install-recommends chromium"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        PROOF.chromium = browser.version
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server)
    page = context.new_page()
    # Every page here answers in well under a second: don't wait 30 s for a missing one.
    page.set_default_timeout(5000)
    console_errors: list[str] = []
    # The document as served, for the HTML checker and the page weight.
    page.document_response = None

    def keep_document(response) -> None:
        if response.request.resource_type == "document" and response.frame == page.main_frame:
            page.document_response = response

    page.on("response", keep_document)

    def record(message) -> None:
        # An error page's own status shows as a failed load of the document: that is expected.
        if message.type == "error" and message.location.get("url") != page.url:
            console_errors.append(message.text)

    page.on("console", record)
    page.console_errors = console_errors
    yield page
    context.close()


@pytest.fixture
def no_js_page(browser, live_server):
    """A tab with JavaScript off."""
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(5000)
    yield page
    context.close()


@pytest.fixture
def files(tmp_path) -> SimpleNamespace:
    letter = tmp_path / "outcome-letter.pdf"
    letter.write_bytes(pdf_bytes())
    # Text pretending to be a PDF: the upload check looks at the content, not the name.
    pretend = tmp_path / "pretend" / "letter.pdf"
    pretend.parent.mkdir()
    pretend.write_bytes(b"just some text")
    return SimpleNamespace(letter=str(letter), pretend=str(pretend))


@pytest.fixture(scope="session")
def axe():
    return Axe()


def assert_no_axe_violations(axe: Axe, page, state: str | None = None) -> None:
    """Zero axe-core violations, and every other per-page check of the accessibility proof,
    on the page as it is now. `state` names it in the report when the page alone cannot."""
    PROOF.check(axe, page, state)


def sign_in(page, live_app, account: StaffAccount) -> None:
    """Sign in on `page` as a person does: email address and password, then a code from their
    authenticator app. The one way browser tests sign in."""
    page.goto("/staff/sign-in")
    page.get_by_label("Email address").fill(account.email)
    page.get_by_label("Password", exact=True).fill(account.password)
    with page.expect_navigation():
        page.get_by_role("button", name="Continue", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your security code")
    page.get_by_label("Security code").fill(next_code(live_app, account))
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in", exact=True).click()
    path = urlparse(page.url).path
    assert not path.startswith(("/staff/sign-in", "/staff/two-factor")), page.url


def time_out_warning_opens(page, quiet_for: str, heading: str):
    """With the page's clock installed: no time-out warning for `quiet_for`, then ten seconds on
    the warning opens with its heading (`heading`) focused. The warning's dialog."""
    dialog = page.locator("dialog.app-timeout-warning")
    page.clock.run_for(quiet_for)
    expect(dialog).to_be_hidden()
    page.clock.run_for("00:10")
    expect(dialog).to_be_visible()
    expect(page.get_by_role("heading", name=heading)).to_be_focused()
    return dialog


def keeps_alive(page, dialog, path: str, press) -> None:
    """`press` (a button, a key) asks `path` to keep the session alive; the warning closes."""
    with page.expect_response(lambda response: urlparse(response.url).path == path) as kept:
        press()
    assert kept.value.status == 204
    expect(dialog).to_be_hidden()
