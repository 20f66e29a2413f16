"""Staff sessions (idle and daily limits, signing out everywhere, where sign-in leads), passwords
and their rules, and the staff commands for the first admin, unlocking and resets."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from reviews import clock
from reviews import staff_accounts as staff_auth
from reviews.database import db
from reviews.models import StaffUser
from reviews.workflow import ADMIN
from staff.auth import safe_next
from tests.forms import csrf_token
from tests.staff_helpers import (
    PASSWORD,
    REFUSED,
    StaffAccount,
    audit_actions,
    next_code,
    sign_in,
    stored_user,
    submit_code,
    submit_password,
)


def test_session_ends_after_30_minutes_idle(app, client, caseworker, monkeypatch):
    sign_in(client, caseworker)
    clock.advance(timedelta(minutes=29))
    assert client.get("/staff/requests").status_code == 200
    # 29 minutes after that request, still in; 31 minutes after it, out.
    clock.advance(timedelta(minutes=29))
    assert client.get("/staff/requests").status_code == 200
    clock.advance(timedelta(minutes=31, seconds=30))
    response = client.get("/staff/requests?status=received")
    assert response.location == "/staff/sign-in?next=/staff/requests?status%3Dreceived"
    assert "you did nothing for 30 minutes" in client.get("/staff/sign-in").text
    assert client.get("/staff/").location.startswith("/staff/sign-in")
    assert ("session-ended", caseworker.id, {"reason": "idle"}) in audit_actions(app)


def last_seen(app, client):
    from reviews.models import ServerSession

    with app.app_context():
        return db.session.scalars(
            select(ServerSession.last_seen_at).where(ServerSession.ended_at.is_(None))
        ).one()


def timeout_seconds(page: str) -> int:
    return int(re.search(r'data-timeout-seconds="(\d+)"', page).group(1))


def seconds_left(noted) -> int:
    """Half an hour from the note, as the page counts it: whole seconds, rounded down."""
    return int((timedelta(minutes=30) - (clock.now() - noted)).total_seconds())


def test_pages_note_the_session_used_at_most_once_a_minute(app, client, caseworker):
    """A commit on every page view cost more than the page: a view notes the time only when the
    last note is a minute old, and the time-out warning counts from the note, so the browser
    never promises longer than the server keeps the session."""
    sign_in(client, caseworker)
    noted = last_seen(app, client)
    clock.advance(timedelta(seconds=50))
    page = client.get("/staff/requests").text
    assert last_seen(app, client) == noted
    assert seconds_left(noted) - 1 <= timeout_seconds(page) <= 30 * 60 - 50
    clock.advance(timedelta(seconds=20))
    page = client.get("/staff/requests").text
    # The test clock moves on by the time the test itself takes: well under a second.
    assert timedelta(seconds=70) <= last_seen(app, client) - noted < timedelta(seconds=71)
    assert timeout_seconds(page) >= 30 * 60 - 1
    # "Stay signed in" always notes it.
    clock.advance(timedelta(seconds=5))
    client.post("/staff/keep-alive", data={"csrf_token": csrf_token(client, "/staff/requests")})
    assert timedelta(seconds=75) <= last_seen(app, client) - noted < timedelta(seconds=76)


def test_session_ends_12_hours_after_sign_in(app, client, caseworker, monkeypatch):
    sign_in(client, caseworker)
    twelve_hours = 12 * 60 * 60
    # Busy all day: a page every 20 minutes.
    for _ in range(twelve_hours // 1200 - 1):
        clock.advance(timedelta(minutes=20))
        assert client.get("/staff/").status_code == 200
    clock.advance(timedelta(seconds=1200 - 60))
    assert client.get("/staff/").status_code == 200
    clock.advance(timedelta(seconds=120))
    assert client.get("/staff/").location.startswith("/staff/sign-in")
    assert "signed in for 12 hours" in client.get("/staff/sign-in").text


def test_a_new_session_version_ends_other_sessions(app, caseworker, client_as):
    laptop = client_as(caseworker)
    phone = client_as(caseworker)
    new_password = "another long password for the test"
    response = laptop.post(
        "/staff/account/password",
        data={
            "csrf_token": csrf_token(laptop, "/staff/account/password"),
            "current_password": PASSWORD,
            "password": new_password,
            "confirm": new_password,
        },
    )
    assert response.location.endswith("/staff/account")
    assert "signed out everywhere else" in laptop.get("/staff/account").text
    assert laptop.get("/staff/").status_code == 200
    assert phone.get("/staff/").location.startswith("/staff/sign-in")
    assert "your password or two-factor authentication is reset" in phone.get("/staff/sign-in").text
    assert stored_user(app, caseworker).session_version == 2
    # The old password no longer works; the new one does.
    assert REFUSED in submit_password(app.test_client(), caseworker).text
    assert submit_password(app.test_client(), caseworker, new_password).status_code == 302


def test_change_password_checks_everything(app, caseworker, client_as):
    client = client_as(caseworker)
    csrf = csrf_token(client, "/staff/account/password")

    def change(current, new, confirm):
        data = {"csrf_token": csrf, "current_password": current, "password": new}
        return client.post("/staff/account/password", data={**data, "confirm": confirm}).text

    assert "Enter your current password" in change("", "a good long password", "x")
    assert "Your current password is not right" in change(
        "wrong", "a good new password", "a good new password"
    )
    assert "12 characters or more" in change(PASSWORD, "short", "short")
    assert "The passwords do not match" in change(
        PASSWORD, "a good new password", "a good old password"
    )
    assert "too common" in change(PASSWORD, "Password1234", "Password1234")


def test_sign_out(app, client, caseworker):
    sign_in(client, caseworker)
    assert client.get("/staff/sign-out").status_code == 405
    response = client.post(
        "/staff/sign-out", data={"csrf_token": csrf_token(client, "/staff/account")}
    )
    assert response.location == "/staff/sign-in"
    assert "You have signed out" in client.get("/staff/sign-in").text
    assert client.get("/staff/").location.startswith("/staff/sign-in")
    assert audit_actions(app)[-1] == ("signed-out", caseworker.id, {})


@pytest.mark.parametrize(
    ("target", "safe"),
    [
        ("/staff/requests/5", True),
        ("/staff/requests?status=received", True),
        ("/staff/sign-out", False),
        ("/staff", False),
        ("/track", False),
        ("https://evil.example/staff/", False),
        ("//evil.example/staff/", False),
        ("/\\evil.example/staff/", False),
        ("/staff/\r\nLocation: x", False),
        ("", False),
    ],
)
def test_only_staff_pages_are_followed_after_sign_in(target, safe):
    assert safe_next(target) == (target if safe else None)


def test_sign_in_goes_back_to_the_page_asked_for(app, client, caseworker):
    assert client.get("/staff/requests").location == "/staff/sign-in?next=/staff/requests"
    submit_password(client, caseworker, next_url="/staff/requests")
    assert submit_code(client, next_code(app, caseworker)).location == "/staff/requests"


def test_sign_in_does_not_go_elsewhere(app, client, caseworker):
    submit_password(client, caseworker, next_url="https://evil.example/")
    assert submit_code(client, next_code(app, caseworker)).location == "/staff/"


def test_the_second_step_must_follow_soon(app, client, caseworker, monkeypatch):
    submit_password(client, caseworker)
    clock.advance(timedelta(minutes=11))
    assert client.get("/staff/two-factor").location.endswith("/staff/sign-in")
    assert "more than 10 minutes" in client.get("/staff/sign-in").text


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("", "Enter a password"),
        ("elevenchars", "12 characters or more"),
        ("twelve chars", None),
        ("blue kettle marching", None),
        (("purple tractor whispers beneath quiet harbour lamps " * 5)[:256], None),
        ("abc" * 86, "256 characters or fewer"),
        # A keyboard walk, leaked passwords with a twist, repeats and sequences.
        ("qwertyuiopasdf", "too common"),
        ("PASSWORD1234", "too common"),
        ("Qwertyuiop123", "too common"),
        ("iloveyou2024", "too common"),
        ("P@ssw0rd12345", "too common"),
        ("aaaaaaaaaaaaaaaa", "too common"),
        ("".join(chr(ord("a") + i % 26) for i in range(256)), "too easy"),
    ],
)
def test_password_rules(password, problem):
    found = staff_auth.password_problem(password)
    assert (found is None) if problem is None else (problem in found)


def test_a_password_made_of_the_owners_name_is_refused():
    about = ("sam.caseworker@example.org", "Sam Caseworker")
    assert staff_auth.password_problem("samcaseworker2026", about=about)
    assert staff_auth.password_problem("samcaseworker2026") is None


def test_passwords_are_rehashed_when_the_parameters_change(app, client, caseworker):
    weaker = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)
    with app.app_context():
        db.session.get(StaffUser, caseworker.id).password_hash = weaker.hash(PASSWORD)
        db.session.commit()
    sign_in(client, caseworker)
    stored = stored_user(app, caseworker).password_hash
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert staff_auth.password_hasher.verify(stored, PASSWORD)


def test_staff_create_command(app, client):
    good = "the first admin's long password"
    result = app.test_cli_runner().invoke(
        args=["staff", "create", "--email", "First@Example.org", "--name", "First Admin"],
        input=f"{good}\n{good}\n",
    )
    assert result.exit_code == 0, result.output
    assert good not in result.output
    with app.app_context():
        user = db.session.scalar(select(StaffUser))
        assert (user.email, user.name, user.role) == ("first@example.org", "First Admin", ADMIN)
        assert user.totp_secret is None
    first = StaffAccount(user.id, "first@example.org", "First Admin", ADMIN, None, good)
    assert submit_password(client, first).location.endswith("/staff/set-up-two-factor")
    assert audit_actions(app)[0][0] == "added-user"


def test_staff_create_refuses_weak_passwords_and_duplicates(app):
    runner = app.test_cli_runner()
    args = ["staff", "create", "--email", "a@example.org", "--name", "A", "--password-stdin"]
    weak = runner.invoke(args=args, input="password1234\n")
    assert weak.exit_code != 0 and "too common" in weak.output
    short = runner.invoke(args=args, input="short\n")
    assert short.exit_code != 0 and "12 characters or more" in short.output
    mismatch = runner.invoke(args=args[:-1], input="a long password one\na long password two\n")
    assert mismatch.exit_code != 0
    assert runner.invoke(args=args, input="a fine long password\n").exit_code == 0
    again = runner.invoke(args=args, input="a fine long password\n")
    assert again.exit_code != 0 and "already an account" in again.output
    with app.app_context():
        assert len(db.session.scalars(select(StaffUser)).all()) == 1


def test_staff_unlock_and_reset_commands(app, caseworker):
    with app.app_context():
        db.session.get(StaffUser, caseworker.id).locked_at = clock.now()
        db.session.commit()
    runner = app.test_cli_runner()
    assert runner.invoke(args=["staff", "unlock", "--email", caseworker.email]).exit_code == 0
    assert stored_user(app, caseworker).locked_at is None
    result = runner.invoke(args=["staff", "reset-two-factor", "--email", caseworker.email])
    assert result.exit_code == 0
    assert stored_user(app, caseworker).totp_secret is None
    assert runner.invoke(args=["staff", "unlock", "--email", "no@example.org"]).exit_code != 0
