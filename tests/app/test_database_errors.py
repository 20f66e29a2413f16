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


def test_a_connection_lost_while_closing_the_session_still_gives_the_503_page(
    failing_app, monkeypatch
):
    """make soak: PostgreSQL ended the connection mid-request, the page said 503, and then the
    session's closing rollback on the dead connection raised, so gunicorn sent a bare 500."""
    from sqlalchemy.orm import Session

    @failing_app.get("/lost")
    def lost():
        raise OperationalError("SELECT 1", {}, Exception("terminating connection"))

    real_close = Session.close
    closes = []

    def close_on_a_dead_connection(self):
        closes.append(True)
        if len(closes) == 1:
            raise OperationalError("ROLLBACK", {}, Exception("server closed the connection"))
        real_close(self)

    monkeypatch.setattr(Session, "close", close_on_a_dead_connection)
    response = failing_app.test_client().get("/lost")
    assert response.status_code == 503
    assert "unavailable" in response.get_data(as_text=True)
    monkeypatch.undo()
    # The next request gets a fresh session.
    assert failing_app.test_client().get("/").status_code == 200
