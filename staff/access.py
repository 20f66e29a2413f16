"""Who may use which staff page: the signed-in staff user and their role."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort, redirect, request, url_for
from flask_login import LoginManager, current_user

from reviews.casework import can_view
from reviews.database import db
from reviews.models import AccessibleFormatRequest, CallbackRequest, ReviewRequest, StaffUser
from reviews.sessions import STAFF, expired, staff_account_changed
from staff.blueprint import staff
from web.sessions import current

login_manager = LoginManager()
login_manager.session_protection = "strong"


@login_manager.user_loader
def load_staff_user(user_id: str) -> StaffUser | None:
    """The signed-in user, from the session kept on the server (reviews.sessions): none if that
    session has ended or is past its limits, or the account has changed since sign-in
    (deactivated, locked, its password or two-factor reset, another role)."""
    record = current(STAFF)
    if record is None or record.ended_at is not None or expired(record) is not None:
        return None
    if str(record.staff_user_id) != user_id:
        return None
    user = db.session.get(StaffUser, record.staff_user_id)
    if user is None or staff_account_changed(record, user):
        return None
    return user


def role_required(*roles: str) -> Callable:
    """Refuse the anonymous (to the sign-in page) and any role not in `roles` (403)."""
    allowed = frozenset(roles)

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return redirect(url_for("staff.sign_in", next=request.path))
            if current_user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        wrapper.allowed_roles = allowed  # type: ignore[attr-defined]
        return wrapper

    return decorator


# A call or format request linked to a review request is part of that case: whoever may not see
# the case may not open, act on or close them either. Keyed by the URL argument that names one,
# so every staff address taking such an argument is covered, whichever module declares it.
def _case_of_callback(callback_id: int) -> ReviewRequest | None:
    callback = db.session.get(CallbackRequest, callback_id)
    return callback.review_request if callback is not None else None


def _case_of_format_request(format_id: int) -> ReviewRequest | None:
    format_request = db.session.get(AccessibleFormatRequest, format_id)
    return format_request.review_request if format_request is not None else None


CASE_LINKED_ARGUMENTS: dict[str, Callable[[int], ReviewRequest | None]] = {
    "callback_id": _case_of_callback,
    "format_id": _case_of_format_request,
}


@staff.before_request
def refuse_items_of_refused_cases() -> None:
    """403 for a call or format request whose linked case this person may not see (the case
    page's own rule, reviews.casework.can_view). The anonymous are left to role_required."""
    if not current_user.is_authenticated:
        return
    arguments = request.view_args or {}
    for name, case_of in CASE_LINKED_ARGUMENTS.items():
        case = case_of(arguments[name]) if name in arguments else None
        if case is not None and not can_view(current_user, case):
            abort(403)
