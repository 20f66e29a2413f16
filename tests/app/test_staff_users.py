"""Managing staff users: adding one who sets their own password, roles, deactivation, resets,
recovery codes, and navigation by role."""

from __future__ import annotations

import re

from sqlalchemy import select

from reviews import staff_accounts as staff_auth
from reviews.database import db
from reviews.models import StaffUser
from reviews.workflow import ADMIN, AUDITOR, CASEWORKER, TEAM_LEADER
from tests.forms import csrf_token
from tests.staff_helpers import (
    PASSWORD,
    REFUSED,
    StaffAccount,
    audit_actions,
    stored_user,
    submit_password,
)


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
    assert 'href="/staff/survey-results"' in admin_page
    assert 'href="/staff/survey-results"' not in worker_page
    assert 'aria-current="page"' in admin_page


def test_the_users_list_links_each_name_to_the_user_page(app, admin, caseworker, client_as):
    admin_client = client_as(admin)
    page = admin_client.get("/staff/users").text
    link = f'<a class="govuk-link" href="/staff/users/{caseworker.id}">Casey Worker</a>'
    assert link in page
    assert "&lt;a" not in page
    assert admin_client.get(f"/staff/users/{caseworker.id}").status_code == 200


def test_the_users_list_escapes_names(app, admin, client_as):
    from tests.staff_helpers import make_staff

    odd = make_staff(app, AUDITOR, "odd@example.org", name="<b>Odd</b> & Co")
    page = client_as(admin).get("/staff/users").text
    assert f'href="/staff/users/{odd.id}">&lt;b&gt;Odd&lt;/b&gt; &amp; Co</a>' in page


def test_the_audit_log_links_each_event_to_its_request(app, admin, auditor, client_as):
    from tests.requests_data import add_request

    saved = add_request(app)
    with app.test_request_context():
        from reviews.audit import record_audit
        from reviews.models import ReviewRequest

        record_audit("viewed-request", review_request=db.session.get(ReviewRequest, saved.id))
        db.session.commit()
    page = client_as(auditor).get("/staff/audit").text
    assert f'<a class="govuk-link" href="/staff/requests/{saved.id}">{saved.id}</a>' in page
    assert "&lt;a" not in page
