"""Staff accounts for tests, and the real two-step sign-in (password, then a code from the app)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from reviews import clock
from reviews import staff_accounts as staff_auth
from reviews.database import db
from reviews.models import AuditEvent, StaffUser
from reviews.references import format_reference
from tests.forms import csrf_token

PASSWORD = "a long staff password for tests"
REFUSED = "Enter a correct email address and password"


@dataclass(frozen=True)
class StaffAccount:
    """What a test needs of an account, usable after its app context has closed."""

    id: int
    email: str
    name: str
    role: str
    totp_secret: str | None
    password: str = PASSWORD


@cache
def _password_hash() -> str:
    # Hashing is slow on purpose; tests share one hash of the one password.
    return staff_auth.hash_password(PASSWORD)


def make_staff(
    app: Flask,
    role: str,
    email: str | None = None,
    *,
    name: str | None = None,
    enrolled: bool = True,
    active: bool = True,
) -> StaffAccount:
    """An account (active unless `active=False`) with the test password and, unless
    `enrolled=False`, an authenticator app already set up."""
    email = email or f"{role}@example.org"
    with app.app_context():
        user = StaffUser(
            email=email,
            name=name or f"{role.replace('-', ' ').capitalize()} Example",
            role=role,
            password_hash=_password_hash(),
            totp_secret=staff_auth.new_totp_secret() if enrolled else None,
            totp_enrolled_at=clock.now() if enrolled else None,
            recovery_code_hashes=[],
            active=active,
            session_version=1,
        )
        db.session.add(user)
        db.session.commit()
        return StaffAccount(user.id, user.email, user.name, user.role, user.totp_secret)


def next_code(app: Flask, user: StaffAccount) -> str:
    """A code the app would show that the service has not seen used: the step now if it is
    free, else the next one (the service allows one step either side, each once)."""
    with app.app_context():
        last = db.session.get(StaffUser, user.id).last_totp_step
    now = staff_auth.current_totp_step()
    for step in (now, now + 1, now - 1):
        if last is None or step > last:
            return staff_auth.totp_code(user.totp_secret, step)
    raise AssertionError("every code in the window is used: move the clock on")


def submit_password(
    client: FlaskClient,
    user: StaffAccount,
    password: str | None = None,
    *,
    email: str | None = None,
    next_url: str | None = None,
):
    """The first step of signing in: email address and password (the account's by default)."""
    return client.post(
        "/staff/sign-in",
        query_string={"next": next_url} if next_url else None,
        data={
            "csrf_token": csrf_token(client, "/staff/sign-in"),
            "email": user.email if email is None else email,
            "password": user.password if password is None else password,
        },
    )


def submit_code(client: FlaskClient, code: str, *, recovery: bool = False):
    """The second step: a code from the app, or a recovery code."""
    path = "/staff/two-factor" + ("?use=recovery-code" if recovery else "")
    return client.post(path, data={"csrf_token": csrf_token(client, path), "code": code})


def sign_in(client: FlaskClient, user: StaffAccount, app: Flask | None = None) -> FlaskClient:
    """Sign in as `user` the way a person does: password, then a code from their app."""
    app = app or client.application
    response = submit_password(client, user)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.location.endswith("/staff/two-factor"), response.location
    response = submit_code(client, next_code(app, user))
    assert response.status_code == 302, response.get_data(as_text=True)
    assert "/staff/sign-in" not in response.location
    return client


def audit_actions(app: Flask) -> list[tuple[str, int | None, dict]]:
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
        return [(event.action, event.staff_user_id, event.detail) for event in events]


def stored_user(app: Flask, user: StaffAccount) -> StaffUser:
    with app.app_context():
        found = db.session.get(StaffUser, user.id)
        db.session.expunge(found)
        return found


def without_nonces(response) -> str:
    return re.sub(r'(nonce|value)="[^"]*"', "", response.get_data(as_text=True))


def references(html: str) -> list[str]:
    """The tracking references linked on a page, in order."""
    return re.findall(r'href="/staff/requests/\d+">([0-9A-Z-]{17})</a>', html)


def shown(review_request) -> str:
    return format_reference(review_request.reference)
