"""A live server on 127.0.0.1 and Debian's Chromium driven by Playwright, with axe-core."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import abort
from playwright.sync_api import sync_playwright
from werkzeug.serving import WSGIRequestHandler, make_server

from reviews.extensions import db
from tests.conftest import empty_all_tables, make_test_app

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
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def live_app(migrated_database, tmp_path_factory):
    app = make_test_app(migrated_database, tmp_path_factory.mktemp("live-instance"))

    # Error pages cannot all be reached on demand (a real 503 needs a broken database), so
    # the browser checks reach each one through the real error handlers.
    @app.get("/_test/error/<int:status>")
    def error_page(status):
        abort(status)

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
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server)
    page = context.new_page()
    console_errors: list[str] = []

    def record(message) -> None:
        # An error page's own status shows as a failed load of the document: that is expected.
        if message.type == "error" and message.location.get("url") != page.url:
            console_errors.append(message.text)

    page.on("console", record)
    page.console_errors = console_errors
    yield page
    context.close()


@pytest.fixture(scope="session")
def axe():
    return Axe()


def assert_no_axe_violations(axe: Axe, page) -> None:
    # Only violations come back: the passes would double the time each run takes.
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    results = axe.run(page, options=options)
    violations = results.response["violations"]
    assert not violations, f"{page.url}\n{results.generate_report()}"
