"""Staff sign-in with a password and a second factor, setting up the second factor, refusals
and lock-out."""

from __future__ import annotations

import re
from datetime import timedelta

from argon2 import PasswordHasher
from sqlalchemy import select

from reviews import clock
from reviews import staff_accounts as staff_auth
from reviews.database import db
from reviews.models import AuditEvent, SignInAttempt, StaffUser
from reviews.workflow import CASEWORKER, TEAM_LEADER
from tests.forms import csrf_token
from tests.staff_helpers import (
    PASSWORD,
    REFUSED,
    audit_actions,
    make_staff,
    next_code,
    sign_in,
    stored_user,
    submit_code,
    submit_password,
    without_nonces,
)

# Signing in ------------------------------------------------------------------------------------


def test_sign_in_with_password_then_code(app, client, caseworker):
    response = submit_password(client, caseworker)
    assert response.location.endswith("/staff/two-factor")
    # Half-way is not signed in.
    assert "/staff/sign-in" in client.get("/staff/").location
    page = client.get("/staff/two-factor").text
    assert "Enter your security code" in page

    response = submit_code(client, next_code(app, caseworker))
    assert response.location == "/staff/"
    page = client.get("/staff/").text
    assert f"Signed in as <strong>{caseworker.name}</strong>" in page
    assert 'action="/staff/sign-out"' in page

    with app.app_context():
        attempts = db.session.execute(
            select(SignInAttempt.stage, SignInAttempt.succeeded).order_by(SignInAttempt.id)
        ).all()
    assert attempts == [("password", True), ("totp", True)]
    assert ("signed-in", caseworker.id, {"with": "totp"}) in audit_actions(app)


def test_sign_in_replaces_the_session(app, client, caseworker):
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    sign_in(client, caseworker)
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"] == str(caseworker.id)
        # The session itself is kept on the server: the cookie holds its random id.
        assert len(session["staff_session"]) >= 40


def test_a_code_works_once(app, client, caseworker):
    code = next_code(app, caseworker)
    submit_password(client, caseworker)
    assert submit_code(client, code).status_code == 302
    client.post("/staff/sign-out", data={"csrf_token": csrf_token(client, "/staff/account")})

    submit_password(client, caseworker)
    response = submit_code(client, code)
    assert response.status_code == 200
    assert "The code is not right, or it has been used" in response.text
    # An older code than the last one used is refused too, even inside the time window.
    with app.app_context():
        user = db.session.get(StaffUser, caseworker.id)
        older = staff_auth.totp_code(caseworker.totp_secret, user.last_totp_step - 1)
    assert submit_code(client, older).status_code == 200


def test_codes_are_accepted_one_step_either_side_only(app, caseworker, monkeypatch):
    with app.app_context():
        user = db.session.get(StaffUser, caseworker.id)
        step = staff_auth.current_totp_step()
        assert not staff_auth.verify_totp(user, staff_auth.totp_code(user.totp_secret, step - 2))
        assert not staff_auth.verify_totp(user, staff_auth.totp_code(user.totp_secret, step + 2))
        assert staff_auth.verify_totp(user, staff_auth.totp_code(user.totp_secret, step - 1))
        assert staff_auth.verify_totp(user, staff_auth.totp_code(user.totp_secret, step + 1))
        assert user.last_totp_step == step + 1
        assert not staff_auth.verify_totp(user, staff_auth.totp_code(user.totp_secret, step))
        assert not staff_auth.verify_totp(user, "12345")
        assert not staff_auth.verify_totp(user, "abcdef")


def test_a_recovery_code_works_once(app, client, caseworker):
    with app.app_context():
        user = db.session.get(StaffUser, caseworker.id)
        codes = staff_auth.new_recovery_codes(user)
        db.session.commit()
    assert len(codes) == 8 and len(set(codes)) == 8

    submit_password(client, caseworker)
    assert "Recovery code" in client.get("/staff/two-factor?use=recovery-code").text
    # Case and spaces do not matter.
    response = submit_code(client, " " + codes[3].upper() + " ", recovery=True)
    assert response.location == "/staff/"
    client.post("/staff/sign-out", data={"csrf_token": csrf_token(client, "/staff/account")})

    submit_password(client, caseworker)
    response = submit_code(client, codes[3], recovery=True)
    assert "The recovery code is not right, or it has been used" in response.text
    with app.app_context():
        user = db.session.get(StaffUser, caseworker.id)
        assert len(user.recovery_code_hashes) == 7
        assert codes[3] not in str(user.recovery_code_hashes)
    assert ("signed-in", caseworker.id, {"with": "recovery"}) in audit_actions(app)


def test_setting_up_two_factor_at_first_sign_in(app, client):
    newcomer = make_staff(app, TEAM_LEADER, enrolled=False)
    response = submit_password(client, newcomer, next_url="/staff/requests")
    assert response.location.endswith("/staff/set-up-two-factor")
    assert client.get("/staff/two-factor").location.endswith("/staff/set-up-two-factor")

    page = client.get("/staff/set-up-two-factor").text
    svg = re.search(r"<svg .*?</svg>", page, re.S).group(0)
    # Inline SVG needs no CSP exception as long as it has no script or style of its own.
    assert "<script" not in svg and "style" not in svg and "on" + "load" not in svg
    assert 'role="img"' in svg and "<title>" in svg
    key = re.search(r'<code translate="no">([A-Z2-7 ]+)</code>', page).group(1)
    assert re.fullmatch(r"([A-Z2-7]{4} ){7}[A-Z2-7]{4}", key)
    secret = key.replace(" ", "")
    assert stored_user(app, newcomer).totp_secret == secret

    csrf = csrf_token(client, "/staff/set-up-two-factor")
    wrong = client.post("/staff/set-up-two-factor", data={"csrf_token": csrf, "code": "000000"})
    assert "The code is not right" in wrong.text
    code = staff_auth.totp_code(secret, staff_auth.current_totp_step())
    response = client.post("/staff/set-up-two-factor", data={"csrf_token": csrf, "code": code})
    assert response.location.endswith("/staff/recovery-codes")

    page = client.get("/staff/recovery-codes").text
    codes = re.findall(
        r'<code class="govuk-!-font-size-24" translate="no">([a-z0-9-]+)</code>', page
    )
    assert len(codes) == 8
    assert 'href="/staff/requests"' in page
    # Shown once.
    assert client.get("/staff/recovery-codes").location.endswith("/staff/account")
    assert client.get("/staff/requests").status_code == 200

    user = stored_user(app, newcomer)
    assert user.totp_enrolled_at is not None and len(user.recovery_code_hashes) == 8
    assert [a for a, _, _ in audit_actions(app)][-3:] == [
        "set-up-two-factor",
        "signed-in",
        "listed-requests",  # the queue just opened
    ]

    # The codes shown are the ones that work.
    other = app.test_client()
    submit_password(other, newcomer)
    assert submit_code(other, codes[0], recovery=True).location == "/staff/"


def test_set_up_shows_a_fresh_secret_at_each_sign_in(app):
    newcomer = make_staff(app, CASEWORKER, enrolled=False)
    submit_password(app.test_client(), newcomer)
    first = stored_user(app, newcomer).totp_secret
    submit_password(app.test_client(), newcomer)
    assert stored_user(app, newcomer).totp_secret not in (None, first)


# Refusals and lock-out -------------------------------------------------------------------------


def test_unknown_email_and_wrong_password_look_the_same(app, caseworker, monkeypatch):
    verified = []

    class CountingHasher(PasswordHasher):
        def verify(self, *args):
            verified.append(1)
            return super().verify(*args)

    monkeypatch.setattr(staff_auth, "password_hasher", CountingHasher())
    wrong_password = submit_password(app.test_client(), caseworker, "not the password at all")
    unknown = submit_password(
        app.test_client(), caseworker, "not the password at all", email="nobody@example.org"
    )
    assert wrong_password.status_code == unknown.status_code == 200
    assert REFUSED in wrong_password.text
    assert without_nonces(wrong_password).replace(caseworker.email, "EMAIL") == without_nonces(
        unknown
    ).replace("nobody@example.org", "EMAIL")
    # The same work each time: one argon2 verification.
    assert len(verified) == 2
    with app.app_context():
        attempts = db.session.scalars(
            select(SignInAttempt.staff_user_id).order_by(SignInAttempt.id)
        ).all()
    assert attempts == [caseworker.id, None]


def test_nothing_typed_is_stored(app, client, caseworker):
    submit_password(client, caseworker, "a wrong password 12345")
    with app.app_context():
        stored = str(db.session.execute(select(SignInAttempt.__table__)).all())
        stored += str(db.session.execute(select(AuditEvent.__table__)).all())
    assert "a wrong password" not in stored and PASSWORD not in stored


def test_ten_failures_lock_the_account(app, caseworker, admin, client_as):
    admin_client = client_as(admin)
    client = app.test_client()
    for _ in range(10):
        response = submit_password(client, caseworker, "wrong password, wrong")
        assert response.status_code == 200 and REFUSED in response.text
    assert stored_user(app, caseworker).locked_at is not None
    assert ("locked-account", caseworker.id, {"failures": 10}) in audit_actions(app)

    # Now even the right password is refused, with the same message.
    response = submit_password(client, caseworker)
    assert response.status_code == 200 and REFUSED in response.text

    # An admin unlocks it; the count starts again.
    assert "Locked" in admin_client.get(f"/staff/users/{caseworker.id}").text
    response = admin_client.post(
        f"/staff/users/{caseworker.id}/unlock",
        data={"csrf_token": csrf_token(admin_client, "/staff/account")},
    )
    assert response.location.endswith(f"/staff/users/{caseworker.id}")
    assert stored_user(app, caseworker).locked_at is None
    assert audit_actions(app)[-1][:2] == ("unlocked-user", admin.id)
    submit_password(client, caseworker, "one more wrong password")
    assert stored_user(app, caseworker).locked_at is None
    sign_in(client, caseworker)


def test_wrong_codes_count_towards_the_lock(app, caseworker):
    client = app.test_client()
    for _ in range(5):
        submit_password(client, caseworker, "wrong password, wrong")
    submit_password(client, caseworker)
    for _ in range(5):
        response = submit_code(client, "000000")
    assert response.location.endswith("/staff/sign-in")
    assert "locked after too many wrong tries" in client.get("/staff/sign-in").text
    assert stored_user(app, caseworker).locked_at is not None


def test_failures_older_than_an_hour_do_not_count(app, caseworker, monkeypatch):
    client = app.test_client()
    for _ in range(9):
        submit_password(client, caseworker, "wrong password, wrong")
    clock.advance(timedelta(minutes=61))
    submit_password(client, caseworker, "wrong password, wrong")
    assert stored_user(app, caseworker).locked_at is None


def test_deactivated_accounts_are_refused_like_wrong_passwords(app, caseworker):
    with app.app_context():
        db.session.get(StaffUser, caseworker.id).active = False
        db.session.commit()
    response = submit_password(app.test_client(), caseworker)
    assert response.status_code == 200 and REFUSED in response.text


def test_an_office_behind_one_address_can_all_sign_in(app):
    # 25 people, one address (the test client's), each signing in with both steps.
    for number in range(25):
        person = make_staff(app, CASEWORKER, f"person{number}@example.org")
        sign_in(app.test_client(), person, app)


def test_sign_in_is_rate_limited_per_account(app, client, caseworker):
    # Guesses at one account stop after 20 in 15 minutes (it locks after 10), whatever the
    # address, and however the email address is typed...
    guesses = [
        submit_password(client, caseworker, "wrong", email="Caseworker@Example.org ").status_code
        for _ in range(21)
    ]
    assert guesses == [200] * 20 + [429]
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "192.0.2.7"
    assert submit_password(other, caseworker, "wrong").status_code == 429
    # An address with no account behind it is limited the same way.
    nobody = [
        submit_password(other, caseworker, "x", email="nobody@example.org") for _ in range(21)
    ]
    assert [response.status_code for response in nobody] == [200] * 20 + [429]
    # ...but not the next person's, from the same address.
    colleague = make_staff(app, CASEWORKER, "colleague@example.org")
    assert submit_password(client, colleague).status_code == 302


def test_sign_in_is_rate_limited_per_address(client):
    csrf = csrf_token(client, "/staff/sign-in")
    statuses = [
        client.post(
            "/staff/sign-in",
            data={"csrf_token": csrf, "email": f"guess{n}@example.org", "password": "x"},
        ).status_code
        for n in range(101)
    ]
    assert statuses == [200] * 100 + [429]


# Sessions --------------------------------------------------------------------------------------


# Passwords -------------------------------------------------------------------------------------


# The first admin, on the command line ----------------------------------------------------------


# Managing users --------------------------------------------------------------------------------
