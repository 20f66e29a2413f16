"""Staff accounts, for admins: add someone, change their role, deactivate or reactivate them,
unlock them, reset their two-factor authentication or their password.

A new account has no password. The admin gets a set-password link, shown once, to pass on; the
owner chooses their password with it (so nobody else ever knows it) and sets up two-factor
authentication at their first sign-in. The link works once and for 72 hours. Resetting a
password makes a new link the same way.

Admins cannot deactivate themselves or change their own role, so there is always an admin left.
Someone who has open cases hands them on as they are deactivated: each case is reassigned
through the workflow (with the reason on its staff timeline), then the account is deactivated.
Every change is written to the audit log.
"""

from __future__ import annotations

from flask import current_app, redirect, render_template, request, session, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from werkzeug.wrappers import Response
from wtforms.validators import ValidationError

from reviews import clock
from reviews.audit import record_audit
from reviews.casework import case_handlers
from reviews.database import db
from reviews.models import ReviewRequest, SignInAttempt, StaffUser
from reviews.references import format_reference
from reviews.rules import format_date
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
from reviews.workflow import ADMIN, ROLES, STATUS_LABELS, TransitionRefused, perform
from reviews.workload import open_cases_of
from staff.access import role_required
from staff.auth import add_error as add_form_error
from staff.blueprint import staff
from web.forms import RadiosField, TextAreaField, TextField, check_email, name_field

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


class HandOverForm(FlaskForm):
    """Who gets the open cases of someone being deactivated, and why."""

    owner = RadiosField(
        "Who should have their cases?", required="Select who should have their cases"
    )
    reason = TextAreaField(
        "Why are the cases being reassigned?",
        description="Staff see this on each request's timeline. Requesters do not.",
        required="Enter why the cases are being reassigned",
        max_length=(2000, "The reason must be 2,000 characters or fewer"),
    )

    def __init__(self, leaving: StaffUser) -> None:
        super().__init__()
        # Active caseworkers and team leaders, but not the person leaving.
        self.owner.choices = {
            str(user.id): f"{user.name} ({ROLES.get(user.role, user.role)})"
            for user in case_handlers()
            if user.id != leaving.id
        }


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
        cases=open_cases_of(user),
        status_labels=STATUS_LABELS,
        format_reference=format_reference,
        format_date=format_date,
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


def _reassign_all(form: HandOverForm, cases: list[ReviewRequest]) -> StaffUser | None:
    """Give every case to the person chosen, each through the workflow, in this one
    transaction: all of them, or (refused) none and the reason against the answer at fault."""
    acting: StaffUser = current_user._get_current_object()
    try:
        for review_request in cases:
            perform(
                review_request,
                "reassign",
                acting,
                clock.today(),
                owner=form.owner.data,
                reason=form.reason.data,
            )
    except TransitionRefused as refused:
        db.session.rollback()
        field = form.reason if refused.field == "reason" else form.owner
        add_form_error(field, refused.message)
        return None
    return cases[0].owner


@staff.route("/users/<int:user_id>/deactivate", methods=["GET", "POST"])
@role_required(ADMIN)
def deactivate_user(user_id: int):
    """Deactivate an account. Someone who has open cases hands them on first: the admin
    chooses who gets them and why, every case is reassigned through the workflow, then the
    account is deactivated, all in one transaction, so no case is left with nobody."""
    user = db.get_or_404(StaffUser, user_id)
    if refused := _refuse_for_yourself(user, "deactivate"):
        return refused
    if not user.active:
        return redirect(url_for("staff.user_page", user_id=user.id))
    cases = open_cases_of(user)
    form = HandOverForm(user) if cases else ActionForm()
    if form.validate_on_submit():
        done = f"{user.name} can no longer sign in."
        detail: dict[str, object] = {}
        if isinstance(form, HandOverForm):
            new_owner = _reassign_all(form, cases)
            if new_owner is None:
                return _hand_over_page(user, cases, form)
            count = f"{len(cases)} open {'case' if len(cases) == 1 else 'cases'}"
            done = f"{count} reassigned to {new_owner.name}. {done}"
            detail = {"reassigned": len(cases), "to": new_owner.id}
        user.active = False
        user.session_version += 1
        _save("deactivated-user", user, **detail)
        return _done(user, done)
    return _hand_over_page(user, cases, form)


def _hand_over_page(user: StaffUser, cases: list[ReviewRequest], form: FlaskForm) -> str:
    return render_template(
        "staff/users/deactivate.html",
        user=user,
        cases=cases,
        form=form,
        status_labels=STATUS_LABELS,
        format_reference=format_reference,
        format_date=format_date,
    )


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
