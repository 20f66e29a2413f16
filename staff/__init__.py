"""The back office: sign-in with two-factor authentication, casework from receipt to decision
letter, callback and accessible-format queues, the audit log and user management.

Each module adds its routes to the blueprint (staff.blueprint). Every route here is refused to
the anonymous and to roles not listed for it (staff.access); tests/app/test_staff_access.py
walks the URL map to prove it.
"""

from flask import Flask

from staff import (  # noqa: F401 - imported for the routes they add
    access,
    account,
    actions,
    audit_log,
    auth,
    bulk,
    case_updates,
    casework,
    consent,
    intake,
    legal_hold,
    letter_templates,
    queues,
    reports,
    request_queue,
    subject_access,
    survey_report,
    two_factor,
    users,
    workload,
)
from staff.access import login_manager
from staff.blueprint import staff


def init_staff(app: Flask) -> None:
    login_manager.init_app(app)
    app.register_blueprint(staff)
