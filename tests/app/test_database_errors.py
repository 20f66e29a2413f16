"""A database error on a staff page gives the service's own failure page, with the security
headers, and logs neither the SQL's parameters (the text the caseworker typed) nor a stack
trace from the error page itself: the page is drawn without touching the database."""

from __future__ import annotations

import pytest
from sqlalchemy import event
from sqlalchemy.exc import DataError, InterfaceError, OperationalError

from reviews.database import db
from reviews.workflow import CASEWORKER
from tests.app.test_security import assert_security_headers
from tests.conftest import empty_all_tables, make_test_app
from tests.forms import post_form
from tests.requests_data import add_request
from tests.staff_helpers import make_staff, sign_in

TYPED = "typed by the caseworker: Sam's private detail"


@pytest.fixture
def failing_app(migrated_database, tmp_path):
    app = make_test_app(migrated_database, tmp_path, PROPAGATE_EXCEPTIONS=False)
    app.extensions["test_listeners"] = []
    yield app
    with app.app_context():
        for listener in app.extensions["test_listeners"]:
            event.remove(db.engine, "before_cursor_execute", listener)
    empty_all_tables(app)


def break_database_after_note(app, error):
    """From the note's INSERT on, every statement fails, as on a connection PostgreSQL has
    refused or whose transaction it aborted: the error page must need none."""
    broken = []

    def fail(_connection, _cursor, statement, parameters, _context, _many):
        if "INSERT INTO internal_notes" in statement:
            broken.append(True)
        if broken:
            raise error(statement, parameters, Exception("refused"))

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", fail)
    app.extensions["test_listeners"].append(fail)
    return broken


@pytest.mark.parametrize(
    ("error", "status"),
    # InterfaceError: the driver's "connection already closed", as when PostgreSQL ends a
    # connection in the middle of a request (make soak found it answered 500).
    [(DataError, 500), (OperationalError, 503), (InterfaceError, 503)],
)
def test_database_error_on_a_staff_page(failing_app, caplog, capfd, error, status):
    request_id = add_request(failing_app).id
    client = sign_in(failing_app.test_client(), make_staff(failing_app, CASEWORKER))
    broken = break_database_after_note(failing_app, error)
    response = post_form(client, f"/staff/requests/{request_id}", {"body": TYPED})
    assert broken
    assert response.status_code == status
    html = response.get_data(as_text=True)
    assert "Sorry, there is a problem with the service" in html or "unavailable" in html
    # The service's own layout, not the plain fallback: drawing it needed no database.
    assert "contact the Police Complaint Reviews Team" in html
    assert_security_headers(response)
    captured = capfd.readouterr()
    for text in (caplog.text, captured.out, captured.err):
        assert TYPED not in text and "private detail" not in text
        assert "Traceback" not in text
