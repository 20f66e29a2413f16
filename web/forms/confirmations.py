"""Pages shown after a form is sent (Post/Redirect/Get). The form's view keeps the date the page
promises in the session; the page shows it, or sends anyone without one back to the form."""

from __future__ import annotations

from datetime import date

from flask import redirect, render_template, session, url_for
from werkzeug.wrappers import Response

from reviews.rules import format_date


def remember_date(key: str, day: date) -> None:
    session[key] = day.isoformat()


def date_page(key: str, template: str, name: str, form_endpoint: str) -> str | Response:
    """`template` with the date kept under `key` as `name`; without one, the form again."""
    kept = session.get(key)
    if kept is None:
        return redirect(url_for(form_endpoint))
    return render_template(template, **{name: format_date(date.fromisoformat(kept))})
