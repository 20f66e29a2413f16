"""A signed-in person's own account (its page, changing the password, proving it is them with
the current password) and setting a password with a set-password link."""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app, redirect, render_template, request, session, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import Field
from wtforms.validators import StopValidation, ValidationError

from reviews.audit import record_audit
from reviews.database import db
from reviews.models import StaffUser
from reviews.staff_accounts import (
    Outcome,
    confirm_password,
    password_problem,
    set_password,
    user_for_set_password_token,
)
from reviews.two_factor import RECOVERY_CODE_COUNT
from reviews.workflow import ROLES
from staff.access import role_required
from staff.auth import (
    NOTICE,
    SIGN_IN_LIMIT_PER_ADDRESS,
    add_error,
    end_session,
    keep_this_session,
)
from staff.blueprint import staff
from web.extensions import limiter
from web.forms import PasswordField

# A session key, not a password (ruff S105, bandit B105).
PASSWORD_TOKEN = "staff_password_token"  # noqa: S105  # nosec B105
ACCOUNT_DONE = "staff_account_done"


# Forms ----------------------------------------------------------------------------------------


def _good_password(form, field: Field) -> None:
    problem = password_problem(field.data, about=form.about)
    if problem:
        raise StopValidation(problem)


def _same_as_password(form, field: Field) -> None:
    if field.data != form.password.data:
        raise ValidationError("The passwords do not match")


# The GOV.UK password input sets `autocomplete` itself: "current-password" unless the template
# asks for "new-password".
class NewPasswordForm(FlaskForm):
    # The owner's name and email: a password made of them is easy to guess.
    about: tuple[str, ...] = ()

    password = PasswordField(
        "New password",
        description="At least 12 characters. A few unrelated words together make a good one. "
        "You can paste it from a password manager.",
        validators=[_good_password],
    )
    confirm = PasswordField(
        "Enter the new password again",
        required="Enter the new password again",
        validators=[_same_as_password],
    )


class CurrentPasswordForm(FlaskForm):
    current_password = PasswordField(
        "Your current password", required="Enter your current password"
    )


class ChangePasswordForm(CurrentPasswordForm, NewPasswordForm):
    pass


# Set a password with a link -------------------------------------------------------------------


# Named apart from reviews.staff_accounts.set_password, which it calls; the endpoint keeps the name.
@staff.route("/set-password", methods=["GET", "POST"], endpoint="set_password")
@limiter.limit(SIGN_IN_LIMIT_PER_ADDRESS, methods=["POST"])
def set_password_page():
    """Where a set-password link leads. The token moves from the address into the session
    straight away, so that it stays out of the browser's history and any Referer header."""
    if "token" in request.args:
        session[PASSWORD_TOKEN] = request.args["token"]
        return redirect(url_for("staff.set_password"))
    token = session.get(PASSWORD_TOKEN)
    user = (
        user_for_set_password_token(token, current_app.config["SECRET_KEY"])
        if isinstance(token, str)
        else None
    )
    if user is None:
        session.pop(PASSWORD_TOKEN, None)
        return render_template("staff/auth/link_expired.html"), 404
    form = NewPasswordForm()
    form.about = (user.email, user.name)
    if form.validate_on_submit():
        set_password(user, form.password.data or "")
        record_audit("set-password", staff_user=user)
        db.session.commit()
        session.clear()
        session[NOTICE] = "password-set"
        return redirect(url_for("staff.sign_in"))
    return render_template("staff/auth/set_password.html", form=form, user=user)


# Your account ---------------------------------------------------------------------------------


def _you() -> StaffUser:
    return current_user._get_current_object()


@staff.get("/account")
@role_required(*ROLES)
def account():
    user = _you()
    return render_template(
        "staff/auth/account.html",
        user=user,
        roles=ROLES,
        codes_left=len(user.recovery_code_hashes or []),
        codes_total=RECOVERY_CODE_COUNT,
        done=session.pop(ACCOUNT_DONE, None),
    )


def with_current_password(
    form: CurrentPasswordForm,
    change: Callable[[StaffUser], Response],
    template: str,
    **context: object,
) -> Response | str:
    """An account page that asks for the current password before it makes `change`. A wrong
    one is kept as a failure, and a lock ends this session; otherwise the field says so."""
    user = _you()
    if form.validate_on_submit():
        outcome = confirm_password(user, form.current_password.data, ip_address=request.remote_addr)
        if outcome is Outcome.PASSED:
            return change(user)
        db.session.commit()
        if outcome is Outcome.LOCKED:
            end_session("locked")
            return redirect(url_for("staff.sign_in"))
        add_error(form.current_password, "Your current password is not right")
    return render_template(template, form=form, **context)


@staff.route("/account/password", methods=["GET", "POST"])
@role_required(*ROLES)
def change_password() -> Response | str:
    form = ChangePasswordForm()
    form.about = (_you().email, _you().name)

    def change(user: StaffUser) -> Response:
        set_password(user, form.password.data or "")
        keep_this_session(user)  # every other session ends; this one carries on
        record_audit("changed-password", staff_user=user)
        db.session.commit()
        session[ACCOUNT_DONE] = (
            "Your password has been changed. You are signed out everywhere else."
        )
        return redirect(url_for("staff.account"))

    return with_current_password(form, change, "staff/auth/change_password.html")
