"""Failure pages: the layout, plain words, a next step, the headers, no stack trace."""

import pytest
from flask import abort, request
from sqlalchemy.exc import OperationalError

from tests.app.test_security import assert_security_headers
from tests.conftest import make_test_app
from web.extensions import csrf


@pytest.fixture
def failing_app(migrated_database, tmp_path):
    app = make_test_app(migrated_database, tmp_path, PROPAGATE_EXCEPTIONS=False)

    @app.get("/_test/abort/<int:status>")
    def abort_with(status):
        abort(status)

    @app.get("/_test/crash")
    def crash():
        raise RuntimeError("secret personal detail")

    @app.get("/_test/database-down")
    def database_down():
        raise OperationalError("SELECT 1", {}, ConnectionRefusedError("down"))

    @app.post("/_test/upload")
    @csrf.exempt
    def upload():
        return str(len(request.form))

    return app


@pytest.mark.parametrize(
    ("status", "heading"),
    [
        (400, "Sorry, there is a problem with that request"),
        (403, "You cannot see this page"),
        (404, "Page not found"),
        (405, "Sorry, that did not work"),
        (413, "The file you chose is too big"),
        (429, "Too many attempts"),
        (500, "Sorry, there is a problem with the service"),
        (503, "Sorry, the service is unavailable"),
    ],
)
def test_each_error_page(failing_app, status, heading):
    response = failing_app.test_client().get(f"/_test/abort/{status}")
    assert response.status_code == status
    html = response.get_data(as_text=True)
    assert f'<h1 class="govuk-heading-l">{heading}</h1>' in html
    assert "contact the Police Complaint Reviews Team" in html
    assert_security_headers(response)


def test_unexpected_exception_shows_no_stack_trace_and_logs_no_message(failing_app, caplog):
    response = failing_app.test_client().get("/_test/crash")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "Traceback" not in html and "secret personal detail" not in html
    assert "RuntimeError at crash" in caplog.text
    assert "secret personal detail" not in caplog.text
    assert_security_headers(response)


def test_database_down_gives_service_unavailable(failing_app):
    response = failing_app.test_client().get("/_test/database-down")
    assert response.status_code == 503
    assert "Sorry, the service is unavailable" in response.get_data(as_text=True)


def test_wrong_method_says_which_are_allowed(client):
    response = client.post("/healthz")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]


def test_request_larger_than_the_limit(failing_app):
    limit = failing_app.config["MAX_CONTENT_LENGTH"]
    response = failing_app.test_client().post("/_test/upload", data={"field": "x" * (limit + 1)})
    assert response.status_code == 413
    assert "too big" in response.get_data(as_text=True)
