"""Staff sign-in with a password and a second factor, sessions, lock-out, and user management."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from flask import Flask
from sqlalchemy import select

from reviews import clock
from reviews import staff_accounts as staff_auth
from reviews.database import db
from reviews.models import AuditEvent, SignInAttempt, StaffUser
from staff.access import ADMIN, AUDITOR, CASEWORKER, TEAM_LEADER
from staff.auth import safe_next
from tests.forms import csrf_token
from tests.staff_helpers import (
    PASSWORD,
    StaffAccount,
    make_staff,
    next_code,
    sign_in,
    submit_code,
    submit_password,
)

REFUSED = "Enter a correct email address and password"


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
        assert session["staff_session_version"] == 1
        assert session["staff_signed_in_at"] == session["staff_last_seen"]


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
    assert [a for a, _, _ in audit_actions(app)][-2:] == ["set-up-two-factor", "signed-in"]

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


def test_sign_in_is_rate_limited_per_address(client):
    csrf = csrf_token(client, "/staff/sign-in")
    statuses = [
        client.post("/staff/sign-in", data={"csrf_token": csrf}).status_code for _ in range(21)
    ]
    assert statuses == [200] * 20 + [429]


# Sessions --------------------------------------------------------------------------------------


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


def test_session_ends_12_hours_after_sign_in(app, client, caseworker, monkeypatch):
    sign_in(client, caseworker)
    twelve_hours = 12 * 60 * 60
    clock.advance(timedelta(seconds=twelve_hours - 60))
    with client.session_transaction() as session:
        # Busy all day: seen a minute ago.
        session["staff_last_seen"] = clock.timestamp() - 60
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


# Passwords -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("", "Enter a password"),
        ("elevenchars", "12 characters or more"),
        ("twelve chars", None),
        ("x" * 200 + "different words" * 3 + "y" * 11, None),
        ("".join(chr(ord("a") + i % 26) for i in range(256)), None),
        ("abc" * 86, "256 characters or fewer"),
        ("PASSWORD1234", "too common"),
        ("Qwertyuiop123", "too common"),
        ("iloveyou2024", "too common"),
        ("aaaaaaaaaaaaaaaa", "too common"),
        ("correct horse battery staple", "too common"),
    ],
)
def test_password_rules(password, problem):
    found = staff_auth.password_problem(password)
    assert (found is None) if problem is None else (problem in found)


def test_common_password_list_is_modest_and_lower_case():
    passwords = staff_auth.common_passwords()
    assert 1000 < len(passwords) < 5000
    assert all(p == p.lower() and len(p) >= 12 for p in passwords)


def test_passwords_are_rehashed_when_the_parameters_change(app, client, caseworker):
    weaker = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)
    with app.app_context():
        db.session.get(StaffUser, caseworker.id).password_hash = weaker.hash(PASSWORD)
        db.session.commit()
    sign_in(client, caseworker)
    stored = stored_user(app, caseworker).password_hash
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert staff_auth.password_hasher.verify(stored, PASSWORD)


# The first admin, on the command line ----------------------------------------------------------


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


# Managing users --------------------------------------------------------------------------------


def post(client, path, **data):
    return client.post(path, data={"csrf_token": csrf_token(client, "/staff/account"), **data})


def test_add_a_user_who_sets_their_own_password(app, admin, client_as):
    admin_client = client_as(admin)
    page = admin_client.get("/staff/users").text
    assert "Admin Example" in page
    csrf = csrf_token(admin_client, "/staff/users/new")
    missing = admin_client.post("/staff/users/new", data={"csrf_token": csrf})
    assert "Enter their full name" in missing.text and "Select a role" in missing.text
    response = admin_client.post(
        "/staff/users/new",
        data={"csrf_token": csrf, "name": "Sam New", "email": "Sam@Example.org", "role": AUDITOR},
    )
    assert "/set-password-link" in response.location
    page = admin_client.get(response.location).text
    link = re.search(
        r'<code translate="no">(http://localhost/staff/set-password\?token=[^<]+)</code>', page
    ).group(1)
    assert admin_client.get(response.location).status_code == 302  # shown once
    with app.app_context():
        sam = db.session.scalar(select(StaffUser).where(StaffUser.email == "sam@example.org"))
        assert sam.role == AUDITOR and not staff_auth.has_usable_password(sam)
    assert audit_actions(app)[-1] == (
        "added-user",
        admin.id,
        {"user": sam.id, "email": "sam@example.org", "role": AUDITOR},
    )
    duplicate = admin_client.post(
        "/staff/users/new",
        data={"csrf_token": csrf, "name": "Sam", "email": "sam@example.org", "role": AUDITOR},
    )
    assert "There is already an account with this email address" in duplicate.text

    # Sam opens the link: the token leaves the address at once.
    sam_client = app.test_client()
    response = sam_client.get(link.removeprefix("http://localhost"))
    assert response.location == "/staff/set-password"
    assert "Choose your password" in sam_client.get("/staff/set-password").text
    csrf = csrf_token(sam_client, "/staff/set-password")
    weak = sam_client.post(
        "/staff/set-password",
        data={"csrf_token": csrf, "password": "password1234", "confirm": "password1234"},
    )
    assert "too common" in weak.text
    chosen = "sam's own long password"
    response = sam_client.post(
        "/staff/set-password", data={"csrf_token": csrf, "password": chosen, "confirm": chosen}
    )
    assert response.location == "/staff/sign-in"
    assert "Your password is set" in sam_client.get("/staff/sign-in").text
    account = StaffAccount(sam.id, "sam@example.org", "Sam New", AUDITOR, None, chosen)
    assert submit_password(sam_client, account).location.endswith("/staff/set-up-two-factor")

    # The link worked once.
    used = app.test_client()
    used.get(link.removeprefix("http://localhost"))
    assert used.get("/staff/set-password").status_code == 404
    assert "set-password" in [action for action, _, _ in audit_actions(app)]


def test_change_role_deactivate_and_reactivate(app, admin, client_as, caseworker):
    admin_client = client_as(admin)
    worker = client_as(caseworker)
    path = f"/staff/users/{caseworker.id}"
    response = post(admin_client, f"{path}/role", role=TEAM_LEADER)
    assert response.location.endswith(path)
    assert "is now: Team leader" in admin_client.get(path).text
    assert stored_user(app, caseworker).role == TEAM_LEADER
    assert audit_actions(app)[-1] == (
        "changed-role",
        admin.id,
        {"user": caseworker.id, "email": caseworker.email, "from": CASEWORKER, "to": TEAM_LEADER},
    )

    post(admin_client, f"{path}/deactivate")
    assert stored_user(app, caseworker).active is False
    assert worker.get("/staff/").location.startswith("/staff/sign-in")
    assert REFUSED in submit_password(app.test_client(), caseworker).text
    assert "Deactivated" in admin_client.get("/staff/users").text

    post(admin_client, f"{path}/reactivate")
    assert stored_user(app, caseworker).active is True
    client_as(caseworker)
    actions = [action for action, _, _ in audit_actions(app)]
    assert "deactivated-user" in actions and "reactivated-user" in actions


def test_admins_cannot_lock_themselves_out(app, admin, client_as):
    admin_client = client_as(admin)
    path = f"/staff/users/{admin.id}"
    post(admin_client, f"{path}/deactivate")
    assert "You cannot deactivate your own account" in admin_client.get(path).text
    post(admin_client, f"{path}/role", role=CASEWORKER)
    assert "You cannot change the role of your own account" in admin_client.get(path).text
    post(admin_client, f"{path}/reset-password")
    user = stored_user(app, admin)
    assert (user.active, user.role, staff_auth.has_usable_password(user)) == (True, ADMIN, True)
    assert admin_client.get("/staff/users").status_code == 200


def test_reset_two_factor(app, admin, client_as, caseworker):
    admin_client = client_as(admin)
    worker = client_as(caseworker)
    post(admin_client, f"/staff/users/{caseworker.id}/reset-two-factor")
    user = stored_user(app, caseworker)
    assert (user.totp_secret, user.totp_enrolled_at, user.recovery_code_hashes) == (None, None, [])
    assert user.session_version == 2
    assert worker.get("/staff/").location.startswith("/staff/sign-in")
    assert submit_password(app.test_client(), caseworker).location.endswith(
        "/staff/set-up-two-factor"
    )
    assert "reset-two-factor" in [action for action, _, _ in audit_actions(app)]


def test_reset_password_gives_a_new_link(app, admin, client_as, caseworker):
    admin_client = client_as(admin)
    response = post(admin_client, f"/staff/users/{caseworker.id}/reset-password")
    assert "/set-password-link" in response.location
    assert f"Give {caseworker.name} this link" in admin_client.get(response.location).text
    assert REFUSED in submit_password(app.test_client(), caseworker).text


def test_new_recovery_codes(app, caseworker, client_as):
    client = client_as(caseworker)
    assert "Recovery codes left" in client.get("/staff/account").text
    csrf = csrf_token(client, "/staff/account/recovery-codes")
    wrong = client.post(
        "/staff/account/recovery-codes", data={"csrf_token": csrf, "current_password": "nope"}
    )
    assert "Your current password is not right" in wrong.text
    response = client.post(
        "/staff/account/recovery-codes", data={"csrf_token": csrf, "current_password": PASSWORD}
    )
    assert response.location.endswith("/staff/recovery-codes")
    page = client.get("/staff/recovery-codes").text
    assert len(re.findall(r"<li><code", page)) == 8
    assert len(stored_user(app, caseworker).recovery_code_hashes) == 8


def test_navigation_follows_the_role(app, caseworker, admin, client_as):
    admin_page = client_as(admin).get("/staff/users").text
    worker_page = client_as(caseworker).get("/staff/").text
    assert 'href="/staff/users"' in admin_page and 'href="/staff/audit"' in admin_page
    assert 'href="/staff/users"' not in worker_page and 'href="/staff/audit"' not in worker_page
    assert 'href="/staff/callbacks"' in worker_page
    assert 'aria-current="page"' in admin_page
