"""Staff accounts, for admins: add someone, change their role, deactivate or reactivate them,
unlock them, reset their two-factor authentication or their password.

A new account has no password. The admin gets a set-password link, shown once, to pass on; the
owner chooses their password with it (so nobody else ever knows it) and sets up two-factor
authentication at their first sign-in. The link works once and for 72 hours. Resetting a
password makes a new link the same way.

Admins cannot deactivate themselves or change their own role, so there is always an admin left.
Every change is written to the audit log.
"""

from __future__ import annotations

from flask import current_app, redirect, render_template, request, session, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from werkzeug.wrappers import Response
from wtforms.validators import ValidationError

from reviews.audit import record_audit
from reviews.database import db
from reviews.models import SignInAttempt, StaffUser
from reviews.staff_accounts import (
    LOCK_AFTER_FAILURES,
    RECOVERY,
    SET_PASSWORD_LINK_MAX_AGE,
    TOTP,
    create_staff_user,
    find_staff_user,
    has_usable_password,
    reset_password,
    set_password_token,
    unlock,
)
from reviews.two_factor import reset_two_factor
from reviews.workflow import ADMIN, ROLES
from staff.access import role_required
from staff.blueprint import staff
from web.forms import RadiosField, TextField, check_email, name_field

NEW_LINK = "staff_new_password_link"
USER_DONE = "staff_user_done"


def _role_field() -> RadiosField:
    return RadiosField("Role", choices=dict(ROLES), required="Select a role")


class AddUserForm(FlaskForm):
    name = name_field("Full name", "Enter their full name")
    email = TextField(
        "Email address",
        description="Their work email address. They sign in with it.",
        required="Enter their email address",
        validators=[check_email],
        render_kw={"autocomplete": "off", "spellcheck": "false", "type": "email"},
    )
    role = _role_field()

    def validate_email(self, field) -> None:
        if field.data and find_staff_user(field.data) is not None:
            raise ValidationError("There is already an account with this email address")


class RoleForm(FlaskForm):
    role = _role_field()


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


def _audit(action: str, user: StaffUser, **detail: object) -> None:
    record_audit(
        action,
        staff_user=current_user._get_current_object(),
        detail={"user": user.id, "email": user.email, **detail},
    )


def _save(action: str, user: StaffUser, **detail: object) -> None:
    """Write the change to the audit log, and commit it."""
    _audit(action, user, **detail)
    db.session.commit()


def _done(user: StaffUser, message: str) -> Response:
    session[USER_DONE] = message
    return redirect(url_for("staff.user_page", user_id=user.id))


def _refuse_for_yourself(user: StaffUser, what: str) -> Response | None:
    if user.id == current_user.id:
        session[USER_DONE] = f"You cannot {what} your own account. Ask another admin."
        return redirect(url_for("staff.user_page", user_id=user.id))
    return None


def _show_new_link(user: StaffUser) -> Response:
    """Keep the link for the next page only: it is shown once."""
    token = set_password_token(user, current_app.config["SECRET_KEY"])
    session[NEW_LINK] = {
        "user": user.id,
        "url": url_for("staff.set_password", token=token, _external=True),
    }
    return redirect(url_for("staff.password_link", user_id=user.id))


def status_of(user: StaffUser) -> str:
    if not user.active:
        return "Deactivated"
    if user.locked_at is not None:
        return "Locked"
    if not has_usable_password(user):
        return "Waiting to set a password"
    if user.totp_enrolled_at is None:
        return "Waiting to set up two-factor"
    return "Active"


@staff.get("/users")
@role_required(ADMIN)
def users():
    rows = db.session.scalars(select(StaffUser).order_by(StaffUser.active.desc(), StaffUser.name))
    return render_template(
        "staff/users/users.html", users=rows.all(), roles=ROLES, status_of=status_of
    )


@staff.route("/users/new", methods=["GET", "POST"])
@role_required(ADMIN)
def add_user():
    form = AddUserForm()
    if form.validate_on_submit():
        # Both required, so given once the form is valid.
        user = create_staff_user(
            email=form.email.data or "",
            name=form.name.data or "",
            role=form.role.data,
            password=None,
        )
        _save("added-user", user, role=user.role)
        return _show_new_link(user)
    return render_template("staff/users/add_user.html", form=form)


@staff.get("/users/<int:user_id>")
@role_required(ADMIN)
def user_page(user_id: int):
    user = db.get_or_404(StaffUser, user_id)
    last_sign_in = db.session.scalar(
        select(func.max(SignInAttempt.at)).where(
            SignInAttempt.staff_user_id == user.id,
            SignInAttempt.succeeded.is_(True),
            SignInAttempt.stage.in_((TOTP, RECOVERY)),
        )
    )
    return render_template(
        "staff/users/user.html",
        user=user,
        roles=ROLES,
        status=status_of(user),
        last_sign_in=last_sign_in,
        has_password=has_usable_password(user),
        yourself=user.id == current_user.id,
        form=ActionForm(),
        done=session.pop(USER_DONE, None),
        lock_after=LOCK_AFTER_FAILURES,
    )


@staff.get("/users/<int:user_id>/set-password-link")
@role_required(ADMIN)
def password_link(user_id: int):
    user = db.get_or_404(StaffUser, user_id)
    link = session.pop(NEW_LINK, None)
    if not isinstance(link, dict) or link.get("user") != user.id:
        return redirect(url_for("staff.user_page", user_id=user.id))
    return render_template(
        "staff/users/password_link.html",
        user=user,
        link=link["url"],
        hours=int(SET_PASSWORD_LINK_MAX_AGE.total_seconds() // 3600),
    )


@staff.route("/users/<int:user_id>/role", methods=["GET", "POST"])
@role_required(ADMIN)
def change_role(user_id: int):
    user = db.get_or_404(StaffUser, user_id)
    if refused := _refuse_for_yourself(user, "change the role of"):
        return refused
    form = RoleForm(data={"role": user.role} if request.method == "GET" else None)
    if form.validate_on_submit():
        if form.role.data != user.role:
            _audit("changed-role", user, **{"from": user.role, "to": form.role.data})
            user.role = form.role.data
            db.session.commit()
        return _done(user, f"{user.name} is now: {ROLES[user.role]}.")
    return render_template("staff/users/role.html", form=form, user=user)


@staff.post("/users/<int:user_id>/deactivate")
@role_required(ADMIN)
def deactivate_user(user_id: int):
    user = db.get_or_404(StaffUser, user_id)
    if refused := _refuse_for_yourself(user, "deactivate"):
        return refused
    if user.active:
        user.active = False
        user.session_version += 1
        _save("deactivated-user", user)
    return _done(user, f"{user.name} can no longer sign in.")


@staff.post("/users/<int:user_id>/reactivate")
@role_required(ADMIN)
def reactivate_user(user_id: int):
    user = db.get_or_404(StaffUser, user_id)
    if not user.active:
        user.active = True
        _save("reactivated-user", user)
    return _done(user, f"{user.name} can sign in again.")


@staff.post("/users/<int:user_id>/unlock")
@role_required(ADMIN)
def unlock_user(user_id: int):
    user = db.get_or_404(StaffUser, user_id)
    if user.locked_at is not None:
        unlock(user, ip_address=request.remote_addr)
        _save("unlocked-user", user)
    return _done(user, f"{user.name} is unlocked and can sign in again.")


@staff.post("/users/<int:user_id>/reset-two-factor")
@role_required(ADMIN)
def reset_user_two_factor(user_id: int):
    user = db.get_or_404(StaffUser, user_id)
    reset_two_factor(user)
    _save("reset-two-factor", user)
    return _done(
        user,
        f"{user.name} is signed out and sets up two-factor authentication again when they next "
        "sign in.",
    )


@staff.post("/users/<int:user_id>/reset-password")
@role_required(ADMIN)
def reset_user_password(user_id: int):
    user = db.get_or_404(StaffUser, user_id)
    if user.id == current_user.id:
        session[USER_DONE] = "To change your own password, go to your account."
        return redirect(url_for("staff.user_page", user_id=user.id))
    reset_password(user)
    _save("reset-password", user)
    return _show_new_link(user)
