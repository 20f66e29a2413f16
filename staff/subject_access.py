"""Subject access (reviews.subject_access): an admin types the person's email address, phone
number or a reference and downloads one ZIP of everything held about them. The search is sent
by POST, so it is never in an address or a log; each export is audited by the references it
holds, not by the search."""

from __future__ import annotations

import io

from flask import render_template, send_file
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from reviews import clock
from reviews.audit import record_audit
from reviews.database import db
from reviews.references import format_reference
from reviews.subject_access import build_export, find_person
from reviews.workflow import ADMIN
from staff.access import role_required
from staff.blueprint import staff
from web.forms import TextField


class SubjectAccessForm(FlaskForm):
    search = TextField(
        "Email address, phone number or reference",
        description="The person's own details, as they gave them to us.",
        required="Enter an email address, phone number or reference",
        max_length=(320, "Enter 320 characters or fewer"),
    )


@staff.route("/subject-access", methods=["GET", "POST"])
@role_required(ADMIN)
def subject_access() -> Response | str:
    form = SubjectAccessForm()
    nothing_for = None
    if form.validate_on_submit():
        search = (form.search.data or "").strip()
        found = find_person(search)
        if found:
            archive = build_export(found)
            record_audit(
                "subject-access-export",
                staff_user=current_user,
                detail={
                    "requests": len(found.requests),
                    "references": [format_reference(each.reference) for each in found.requests],
                    "call_requests": len(found.callbacks),
                    "format_requests": len(found.formats),
                },
            )
            db.session.commit()
            return send_file(
                io.BytesIO(archive),
                mimetype="application/zip",
                as_attachment=True,
                download_name=f"subject-access-{clock.today().isoformat()}.zip",
            )
        nothing_for = search
    return render_template("staff/subject_access/search.html", form=form, nothing_for=nothing_for)
