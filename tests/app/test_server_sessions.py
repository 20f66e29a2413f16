"""Sessions kept on the server (reviews.sessions): the signed cookie carries only a random id,
whose hash is all the database keeps. Signing out, a lock, a deactivation or a role change ends
a session for good, wherever its cookie was copied to; each kind has an idle and an absolute
limit that activity cannot stretch."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from sqlalchemy import select

from reviews import clock
from reviews.database import db
from reviews.models import ServerSession, StaffUser
from reviews.staff_accounts import unlock
from tests.forms import csrf_token
from tests.journey import look_up
from tests.requests_data import make_request
from tests.staff_helpers import sign_in


def cookie_of(app, client) -> str:
    return client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value


def replayed(app, value: str):
    """Another browser holding a copy of the cookie."""
    thief = app.test_client()
    thief.set_cookie(app.config["SESSION_COOKIE_NAME"], value)
    return thief


def cookie_contents(app, value: str) -> dict:
    return app.session_interface.get_signing_serializer(app).loads(value)


def test_a_copied_staff_cookie_is_refused_after_sign_out(app, client, caseworker):
    sign_in(client, caseworker)
    copy = cookie_of(app, client)
    assert replayed(app, copy).get("/staff/").status_code == 200
    client.post("/staff/sign-out", data={"csrf_token": csrf_token(client, "/staff/")})
    assert replayed(app, copy).get("/staff/").location.startswith("/staff/sign-in")


def test_the_database_keeps_only_the_hash_of_the_session_id(app, client, caseworker):
    sign_in(client, caseworker)
    contents = cookie_contents(app, cookie_of(app, client))
    token = contents["staff_session"]
    for old in ("staff_session_version", "staff_signed_in_at", "staff_last_seen"):
        assert old not in contents
    with app.app_context():
        record = db.session.scalars(select(ServerSession)).one()
        assert record.token_hash == hashlib.sha256(token.encode()).hexdigest()
        assert token not in repr(
            [getattr(record, column.key) for column in ServerSession.__table__.columns]
        )
        assert record.staff_user_id == caseworker.id


def test_staff_sessions_have_an_absolute_limit_activity_cannot_stretch(app, client, caseworker):
    sign_in(client, caseworker)
    copy = cookie_of(app, client)
    for _ in range(35):  # busy all day: a page every 20 minutes for 11 hours 40 minutes
        clock.advance(timedelta(minutes=20))
        assert replayed(app, copy).get("/staff/").status_code == 200
    clock.advance(timedelta(minutes=21))
    assert replayed(app, copy).get("/staff/").location.startswith("/staff/sign-in")
    assert client.get("/staff/").location.startswith("/staff/sign-in")


def test_a_role_change_ends_the_session(app, client, caseworker):
    sign_in(client, caseworker)
    with app.app_context():
        db.session.get(StaffUser, caseworker.id).role = "team-leader"
        db.session.commit()
    assert client.get("/staff/").location.startswith("/staff/sign-in")
    with app.app_context():
        db.session.get(StaffUser, caseworker.id).role = "caseworker"
        db.session.commit()
    # Changing it back does not bring the old session back.
    assert client.get("/staff/").location.startswith("/staff/sign-in")


def test_a_lock_ends_the_session_for_good(app, client, caseworker):
    sign_in(client, caseworker)
    copy = cookie_of(app, client)
    with app.app_context():
        db.session.get(StaffUser, caseworker.id).locked_at = clock.now()
        db.session.commit()
    assert replayed(app, copy).get("/staff/").location.startswith("/staff/sign-in")
    with app.app_context():
        unlock(db.session.get(StaffUser, caseworker.id), ip_address=None)
        db.session.commit()
    assert replayed(app, copy).get("/staff/").location.startswith("/staff/sign-in")


def _tracked(app):
    with app.app_context():
        reference = make_request(requester_name="Sam Example").reference
    client = app.test_client()
    response = look_up(client, reference, "Example")
    assert response.location.endswith("/track/your-request")
    return client, reference


def test_a_copied_tracker_cookie_is_refused_after_sign_out(app):
    client, _ = _tracked(app)
    copy = cookie_of(app, client)
    assert replayed(app, copy).get("/track/your-request").status_code == 200
    client.post("/track/sign-out", data={"csrf_token": csrf_token(client, "/track/your-request")})
    assert replayed(app, copy).get("/track/your-request").location.endswith("/track")


def test_tracker_sessions_end_2_hours_after_the_look_up(app):
    client, _ = _tracked(app)
    for _ in range(5):
        clock.advance(timedelta(minutes=20))
        assert client.get("/track/your-request").status_code == 200
    clock.advance(timedelta(minutes=21))
    assert client.get("/track/your-request").location.endswith("/track")


def test_the_tracker_cookie_holds_no_request_details(app):
    client, reference = _tracked(app)
    client.get("/track/your-request")
    contents = cookie_contents(app, cookie_of(app, client))
    assert "tracking" not in contents
    assert set(contents) <= {"tracker_session", "csrf_token", "tracker_done"}
    with app.app_context():
        record = db.session.scalars(select(ServerSession)).one()
        assert record.kind == "tracker"
    assert reference not in str(contents)
