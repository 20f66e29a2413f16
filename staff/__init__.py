"""The back office: sign-in with two-factor authentication, casework from receipt to decision
letter, callback and accessible-format queues, the audit log and user management.

Every route here is refused to the anonymous and to roles not listed for it (staff.access);
tests/app/test_staff_access.py walks the URL map to prove it.
"""

from flask import Blueprint, Flask, request, url_for

staff = Blueprint("staff", __name__, url_prefix="/staff")


@staff.app_template_global()
def page_url(page: int) -> str:
    """This page's URL with its filters kept and another page number."""
    if request.endpoint is None:  # only a request that matched no route has none
        raise RuntimeError("page_url needs the request's own page")
    values = {**(request.view_args or {}), **request.args.to_dict(), "page": page}
    return url_for(request.endpoint, **values)


def init_staff(app: Flask) -> None:
    from staff.access import login_manager

    login_manager.init_app(app)
    app.register_blueprint(staff)


# Each module adds its routes to the blueprint.
from staff import (  # noqa: E402, F401
    access,
    account,
    actions,
    audit_log,
    auth,
    casework,
    queues,
    two_factor,
    users,
)
