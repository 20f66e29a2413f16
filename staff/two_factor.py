"""Setting up two-factor authentication at the first sign-in, and recovery codes: shown once
when made, and made anew from the account page."""

from __future__ import annotations

from flask import redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

from reviews.audit import record_audit
from reviews.database import db
from reviews.models import StaffUser
from reviews.staff_accounts import confirm_two_factor_set_up
from reviews.two_factor import (
    RECOVERY_CODE_COUNT,
    grouped_secret,
    new_recovery_codes,
    provisioning_uri,
    qr_code_svg,
    start_two_factor_set_up,
)
from reviews.workflow import ROLES
from staff.access import role_required
from staff.account import CurrentPasswordForm, with_current_password
from staff.auth import (
    CodeForm,
    add_error,
    complete_sign_in,
    home_url,
    on_second_step,
    safe_next,
    sign_in_limits,
)
from staff.blueprint import staff

NEW_RECOVERY_CODES = "staff_new_recovery_codes"
AFTER_RECOVERY_CODES = "staff_after_recovery_codes"


@staff.route("/set-up-two-factor", methods=["GET", "POST"])
@sign_in_limits
@on_second_step
def set_up_two_factor(user: StaffUser):
    if user.totp_secret is None:
        start_two_factor_set_up(user)
        db.session.commit()
    form = CodeForm()
    if form.validate_on_submit():
        codes = confirm_two_factor_set_up(user, form.code.data, ip_address=request.remote_addr)
        db.session.commit()
        if codes is not None:
            next_url = complete_sign_in(user)
            session[NEW_RECOVERY_CODES] = codes
            session[AFTER_RECOVERY_CODES] = next_url
            return redirect(url_for("staff.recovery_codes"))
        add_error(
            form.code,
            "The code is not right. Check the app shows the account you just added, and enter "
            "the code it shows now",
        )
    secret = user.totp_secret or ""
    return render_template(
        "staff/auth/set_up_two_factor.html",
        form=form,
        qr_code=qr_code_svg(provisioning_uri(user)),
        secret=grouped_secret(secret),
    )


@staff.get("/recovery-codes")
@role_required(*ROLES)
def recovery_codes():
    """The new recovery codes, shown this once."""
    codes = session.pop(NEW_RECOVERY_CODES, None)
    next_url = session.pop(AFTER_RECOVERY_CODES, None)
    if not codes:
        return redirect(url_for("staff.account"))
    return render_template(
        "staff/auth/recovery_codes.html",
        codes=codes,
        next_url=safe_next(next_url) or home_url(),
    )


@staff.route("/account/recovery-codes", methods=["GET", "POST"], endpoint="new_recovery_codes")
@role_required(*ROLES)
def new_recovery_codes_page() -> Response | str:
    def change(user: StaffUser) -> Response:
        codes = new_recovery_codes(user)
        record_audit("new-recovery-codes", staff_user=user)
        db.session.commit()
        session[NEW_RECOVERY_CODES] = codes
        session[AFTER_RECOVERY_CODES] = url_for("staff.account")
        return redirect(url_for("staff.recovery_codes"))

    return with_current_password(
        CurrentPasswordForm(),
        change,
        "staff/auth/new_recovery_codes.html",
        codes_total=RECOVERY_CODE_COUNT,
    )
