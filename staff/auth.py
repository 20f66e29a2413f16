"""Signing in and out of the back office, with a password then a code from an authenticator app
(or a recovery code), and the session that follows: its time limits, the header it shows.

A sign-in is in two steps. The password step only remembers, in the session, who passed it and
when; nobody is signed in until the second factor passes too. Then the session is replaced
(cleared and written afresh: Flask's cookie session has no server-side id to renew) and
carries the account's session version, the time of sign-in and the time last seen. A session ends
after 30 minutes without a request, or 12 hours after sign-in, whichever comes first.

Setting up two-factor authentication is in staff.two_factor; a person's own account and
password in staff.account.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial, wraps
from urllib.parse import urlsplit

from flask import current_app, redirect, render_template, request, session, url_for
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import Field

from reviews import clock
from reviews.audit import record_audit
from reviews.clock import LONDON
from reviews.database import db
from reviews.models import StaffUser
from reviews.rules import format_date
from reviews.sessions import (
    ENDED,
    STAFF,
    expired,
    staff_account_changed,
)
from reviews.staff_accounts import (
    Outcome,
    can_sign_in,
    check_email_and_password,
    check_second_factor,
)
from reviews.two_factor import start_two_factor_set_up
from reviews.workflow import ROLES
from staff.access import role_required
from staff.blueprint import staff
from web.extensions import limiter
from web.forms import PasswordField, TextField
from web.forms.timeouts import kept_alive
from web.sessions import begin, current, finish, has_cookie, idle_seconds, note_use

# Time allowed between the password and the second factor.
PENDING_SECONDS = 10 * 60
# Sign-in limits, counted two ways, not everyone behind one address together (an office shares
# one). Per account (the email address tried): an account locks after LOCK_AFTER_FAILURES (10)
# wrong passwords, which an admin can undo; this limit sits just above it, so that the lock
# comes first and someone just unlocked can sign in, while guesses at addresses with no account
# (or a locked one) stop too. Per address: a whole office signing in, not a scan.
SIGN_IN_LIMIT_PER_ACCOUNT = "20 per 15 minutes"
SIGN_IN_LIMIT_PER_ADDRESS = "100 per 15 minutes"

PENDING = "staff_pending"
NOTICE = "staff_notice"

NOTICES = {
    "idle": "You were signed out because you did nothing for 30 minutes. Sign in again to carry "
    "on.",
    "limit": "You were signed out because you had been signed in for 12 hours. Sign in again to "
    "carry on.",
    "ended": "You were signed out. This happens when your password or two-factor authentication "
    "is reset, or your account is changed.",
    "signed-out": "You have signed out.",
    "slow": "You took more than 10 minutes to enter your code. Sign in again.",
    "locked": "Your account is locked after too many wrong tries. Ask an admin to unlock it.",
    "password-set": "Your password is set. Sign in with it.",
}

REFUSED = "Enter a correct email address and password"
WRONG_CODE = "The code is not right, or it has been used. Enter the code your app shows now"
WRONG_RECOVERY_CODE = "The recovery code is not right, or it has been used"

# The links in the staff header, each shown to the roles its page allows.
NAVIGATION = (
    ("Dashboard", "staff.dashboard"),
    ("Requests", "staff.requests_queue"),
    ("Team", "staff.team_workload_page"),
    ("Callbacks", "staff.callbacks"),
    ("Formats", "staff.formats"),
    ("Audit", "staff.audit_log"),
    ("Survey", "staff.survey_results"),
    ("Reports", "staff.reports"),
    ("Letters", "staff.letter_kinds"),
    ("Users", "staff.users"),
)


# Forms ----------------------------------------------------------------------------------------


class SignInForm(FlaskForm):
    email = TextField(
        "Email address",
        required="Enter your email address",
        render_kw={"autocomplete": "username", "spellcheck": "false", "type": "email"},
    )
    password = PasswordField("Password", required="Enter your password")


class CodeForm(FlaskForm):
    code = TextField(
        "Security code",
        description="The 6-digit code your authenticator app shows for this service",
        required="Enter the 6-digit code from your authenticator app",
        render_kw={
            "autocomplete": "one-time-code",
            "inputmode": "numeric",
            "spellcheck": "false",
        },
    )


class RecoveryCodeForm(FlaskForm):
    code = TextField(
        "Recovery code",
        description="One of the 8 codes you saved when you set up two-factor authentication, "
        "like abcde-fghjk",
        required="Enter a recovery code",
        render_kw={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "none"},
    )


# Helpers --------------------------------------------------------------------------------------


def home_url() -> str:
    """Where a signed-in person starts: the dashboard."""
    if "staff.dashboard" in current_app.view_functions:
        return url_for("staff.dashboard")
    return "/staff/"


def safe_next(target: str | None) -> str | None:
    """`target` if it is a staff page on this site (a path, nothing else), or None: a sign-in
    link must not send anyone elsewhere."""
    if not target or len(target) > 2000:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or "\\" in target or target.startswith("//"):
        return None
    if any(ord(character) < 32 or ord(character) == 127 for character in target):
        return None
    if not target.startswith("/staff/") or parts.path.rstrip("/") == "/staff/sign-out":
        return None
    return target


def add_error(field: Field, message: str) -> None:
    """Show `message` against a field that passed its own checks (WTForms types `errors` as a
    read-only sequence, so a new list rather than an append)."""
    field.errors = [*field.errors, message]


def end_session(notice: str) -> None:
    """End this browser's staff session, on the server first (so no copy of its cookie works
    again), and leave a `notice` for the sign-in page."""
    finish(STAFF, notice)
    db.session.commit()
    logout_user()
    session.clear()
    session[NOTICE] = notice


def pending_user() -> StaffUser | None:
    """Who passed the password step in this session, if it was recent and nothing about their
    account has changed since."""
    pending = session.get(PENDING)
    if not isinstance(pending, dict):
        return None
    if clock.timestamp() - float(pending.get("at", 0)) > PENDING_SECONDS:
        session.pop(PENDING)
        session[NOTICE] = "slow"
        return None
    user = db.session.get(StaffUser, int(pending.get("user", 0)))
    if user is None or not can_sign_in(user) or user.session_version != pending.get("version"):
        session.pop(PENDING)
        return None
    return user


def second_step(user: StaffUser) -> str:
    """The endpoint of `user`'s second step: their code, or setting up their authenticator."""
    return "staff.two_factor" if user.totp_enrolled_at is not None else "staff.set_up_two_factor"


def on_second_step(view: Callable) -> Callable:
    """For the second step's pages: the view gets who passed the password step. Without one, the
    sign-in page; on the other second step's page, the way to their own."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        user = pending_user()
        if user is None:
            return redirect(url_for("staff.sign_in"))
        if request.endpoint != second_step(user):
            return redirect(url_for(second_step(user)))
        return view(user, *args, **kwargs)

    return wrapper


def complete_sign_in(user: StaffUser) -> str:
    """Sign in with a new session, kept on the server; returns where the person was going."""
    next_url = session.get(PENDING, {}).get("next") or home_url()
    session.clear()
    login_user(user)
    begin(STAFF, staff_user=user)
    db.session.commit()
    return next_url


def keep_this_session(user: StaffUser) -> None:
    """After the signed-in person changes their own password: this session carries on with the
    account as it now is; every other one has ended. The caller commits."""
    record = current(STAFF)
    if record is not None and record.ended_at is None:
        record.session_version = user.session_version


def _why_ended() -> str | None:
    """Why this browser's staff session is over (a notice's name), or None while it is not."""
    record = current(STAFF)
    if record is None or record.ended_at is not None:
        return ENDED
    reason = expired(record)
    if reason is not None:
        return reason
    user = db.session.get(StaffUser, record.staff_user_id)
    if staff_account_changed(record, user) or not current_user.is_authenticated:
        return ENDED
    return None


@staff.before_request
def end_stale_sessions() -> Response | None:
    """End a session idle for 30 minutes or 12 hours old (measured on the server, so activity
    cannot stretch it), signed out, or made stale by a change to the account; otherwise note
    that it was seen now."""
    if "_user_id" not in session and not has_cookie(STAFF):
        return None
    reason = _why_ended()
    record = current(STAFF)
    if reason is None and record is not None:
        note_use(record)
        return None
    if record is not None and record.ended_at is None and record.staff_user_id is not None:
        user = db.session.get(StaffUser, record.staff_user_id)
        record_audit("session-ended", staff_user=user, detail={"reason": reason})
    end_session(reason or ENDED)
    next_url = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("staff.sign_in", next=safe_next(next_url)))


@staff.context_processor
def staff_header() -> dict[str, object]:
    signed_in = current_user.is_authenticated
    return {
        "staff_navigation": staff_navigation(),
        "staff_home": home_url() if signed_in else url_for("staff.sign_in"),
        "london_time": london_time,
    }


def london_time(moment: datetime | None) -> str:
    """A time in GOV.UK style, in London: "3 March 2026 at 2:05pm"."""
    if moment is None:
        return ""
    local = moment.astimezone(LONDON)
    hour = local.hour % 12 or 12
    noon = "am" if local.hour < 12 else "pm"
    return f"{format_date(local.date())} at {hour}:{local.minute:02d}{noon}"


def staff_navigation() -> list[dict[str, object]]:
    """The header's links for the signed-in person's role, leaving out pages not built yet."""
    if not current_user.is_authenticated:
        return []
    items = []
    for text, endpoint in NAVIGATION:
        view = current_app.view_functions.get(endpoint)
        if view is None or current_user.role not in getattr(view, "allowed_roles", ()):
            continue
        href = url_for(endpoint)
        current = request.endpoint == endpoint
        within = href != home_url() and request.path.startswith(href.rstrip("/") + "/")
        items.append({"text": text, "href": href, "current": current, "active": within})
    return items


# The way in -----------------------------------------------------------------------------------


def _account_tried() -> str:
    """The rate limit's key for the account a sign-in step is about: the email address typed on
    the password step, the account that passed it on the second steps; else the address."""
    if request.endpoint == "staff.sign_in":
        email = request.form.get("email", "").strip().lower()
        return f"staff-email:{email}" if email else get_remote_address()
    pending = session.get(PENDING)
    if isinstance(pending, dict) and pending.get("user") is not None:
        return f"staff-account:{pending['user']}"
    return get_remote_address()


def sign_in_limits(view: Callable) -> Callable:
    """A sign-in step's limits on what is sent: per account and, apart, per address."""
    per_account = limiter.limit(
        SIGN_IN_LIMIT_PER_ACCOUNT, methods=["POST"], key_func=_account_tried
    )
    per_address = limiter.limit(SIGN_IN_LIMIT_PER_ADDRESS, methods=["POST"])
    return per_address(per_account(view))


@staff.route("/sign-in", methods=["GET", "POST"])
@sign_in_limits
def sign_in():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")) or home_url())
    form = SignInForm()
    if form.validate_on_submit():
        result = check_email_and_password(
            form.email.data, form.password.data or "", ip_address=request.remote_addr
        )
        if result.passed and result.user is not None:
            user = result.user
            enrolled = user.totp_enrolled_at is not None
            if not enrolled:
                start_two_factor_set_up(user)
            db.session.commit()
            session.clear()
            session[PENDING] = {
                "user": user.id,
                "version": user.session_version,
                "at": clock.timestamp(),
                "next": safe_next(request.args.get("next")),
            }
            return redirect(url_for(second_step(user)))
        db.session.commit()
        add_error(form.email, REFUSED)
    notice = session.pop(NOTICE, None) if request.method == "GET" else None
    return render_template("staff/auth/sign_in.html", form=form, notice=NOTICES.get(notice or ""))


@staff.route("/two-factor", methods=["GET", "POST"])
@sign_in_limits
@on_second_step
def two_factor(user: StaffUser):
    recovery = request.args.get("use") == "recovery-code"
    form = RecoveryCodeForm() if recovery else CodeForm()
    if form.validate_on_submit():
        outcome = check_second_factor(
            user, form.code.data, recovery=recovery, ip_address=request.remote_addr
        )
        db.session.commit()
        if outcome is Outcome.PASSED:
            return redirect(complete_sign_in(user))
        if outcome is Outcome.LOCKED or not can_sign_in(user):
            session.clear()
            session[NOTICE] = "locked"
            return redirect(url_for("staff.sign_in"))
        add_error(form.code, WRONG_RECOVERY_CODE if recovery else WRONG_CODE)
    return render_template("staff/auth/two_factor.html", form=form, recovery=recovery)


@staff.post("/sign-out")
def sign_out():
    if current_user.is_authenticated:
        record_audit("signed-out", staff_user=current_user._get_current_object())
    end_session("signed-out")
    return redirect(url_for("staff.sign_in"))


@staff.post("/keep-alive")
@role_required(*ROLES)
def keep_alive() -> Response | tuple[str, int]:
    """The time-out warning's 'Stay signed in': end_stale_sessions has restarted the clock."""
    return kept_alive(home_url())


@staff.context_processor
def staff_idle_seconds() -> dict[str, object]:
    return {"staff_idle_seconds": partial(idle_seconds, STAFF)}
