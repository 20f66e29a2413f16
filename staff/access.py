"""Who may use which staff page: the signed-in staff user and their role."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort, redirect, request, session, url_for
from flask_login import LoginManager, current_user

from reviews.database import db
from reviews.models import StaffUser

login_manager = LoginManager()
login_manager.session_protection = "strong"


@login_manager.user_loader
def load_staff_user(user_id: str) -> StaffUser | None:
    """The signed-in user, unless deactivated, locked, or their sign-in was made stale by a
    password or two-factor reset (the session carries the version it was made with)."""
    user = db.session.get(StaffUser, int(user_id))
    if (
        user is None
        or not user.active
        or user.locked_at is not None
        or session.get("staff_session_version") != user.session_version
    ):
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
