"""The audit log: read, filter and export. Admins and auditors only; nothing here changes it."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime, time

from flask import Response, render_template, request
from flask_login import current_user
from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from reviews.audit import record_audit
from reviews.clock import LONDON
from reviews.database import db
from reviews.models import AuditEvent, StaffUser
from reviews.workflow import ADMIN, AUDITOR
from staff.access import role_required
from staff.blueprint import staff
from web.query import known_args, whole_number

PAGE_SIZE = 50
EXPORT_LIMIT = 50_000
# The query arguments the log is filtered by (kept from page to page and in the export link).
FILTERS = ("action", "user", "request", "from", "to")


def _date(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


def _filtered() -> Select:
    query = select(AuditEvent)
    action = request.args.get("action")
    user = request.args.get("user", "")
    request_id = request.args.get("request", "")
    if action:
        query = query.where(AuditEvent.action == action)
    # Anything but a number a database id can be is no filter (as an empty box is).
    if (user_id := whole_number(user)) is not None:
        query = query.where(AuditEvent.staff_user_id == user_id)
    if (review_request_id := whole_number(request_id)) is not None:
        query = query.where(AuditEvent.review_request_id == review_request_id)
    if start := _date("from"):
        query = query.where(AuditEvent.at >= datetime.combine(start, time(), LONDON))
    if end := _date("to"):
        query = query.where(AuditEvent.at < datetime.combine(end, time.max, LONDON))
    return query


@staff.get("/audit")
@role_required(ADMIN, AUDITOR)
def audit_log():
    # A page number that is not 1 to 9 ASCII digits shows the first page.
    page = whole_number(request.args.get("page"), minimum=1) or 1
    query = _filtered()
    total = db.session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    events = db.session.scalars(
        query.options(joinedload(AuditEvent.staff_user))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    actions = db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action))
    users = db.session.scalars(select(StaffUser).order_by(StaffUser.name)).all()
    return render_template(
        "staff/audit.html",
        events=events,
        total=total,
        page=page,
        pages=max(1, (total + PAGE_SIZE - 1) // PAGE_SIZE),
        actions=[(action, action) for action in actions],
        users=[(str(user.id), user.name) for user in users],
        args=request.args,
        filters=FILTERS,
        export_args=known_args(request.args, FILTERS),
        LONDON=LONDON,
    )


def _cell(value: object) -> str:
    """Spreadsheets run cells that start with these as formulas: make them plain text."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@staff.get("/audit/export.csv")
@role_required(ADMIN, AUDITOR)
def audit_export():
    events = db.session.scalars(
        _filtered()
        .options(joinedload(AuditEvent.staff_user))
        .order_by(AuditEvent.at, AuditEvent.id)
        .limit(EXPORT_LIMIT)
    ).all()
    record_audit("exported-audit-log", staff_user=current_user, detail={"rows": len(events)})
    db.session.commit()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        ["id", "at (UTC)", "staff user", "action", "request id", "detail", "ip address"]
    )
    for event in events:
        writer.writerow(
            [
                _cell(value)
                for value in (
                    event.id,
                    event.at.isoformat(),
                    event.staff_user.email if event.staff_user else "",
                    event.action,
                    event.review_request_id,
                    json.dumps(event.detail, sort_keys=True),
                    event.ip_address,
                )
            ]
        )
    return Response(
        buffer.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="audit-log.csv"'},
    )
