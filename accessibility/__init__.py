"""Accessibility: the statement, and asking for a phone call or a document in another format.
Both requests land on the staff queues, with the due dates the confirmation pages promise."""

import json
from datetime import date
from pathlib import Path

from flask import Blueprint, redirect, render_template, url_for

from accessibility.forms import CallbackForm, FormatRequestForm
from reviews import clock
from reviews.accessibility import send_callback_request, send_format_request
from reviews.rules import format_date
from web.extensions import limiter
from web.forms import answered, strip_text
from web.forms.confirmations import date_page, remember_date
from web.templating import render_content_page

accessibility = Blueprint("accessibility", __name__, url_prefix="/accessibility")

# A form can be sent a few times an hour from one address: enough for a shared computer,
# not enough to flood the staff queues.
FORM_LIMIT = "10 per hour"


# Written by `make accessibility` (tests/browser/proof.py) and committed: the statement's
# "How we tested" section shows it, so the statement says what the latest run found.
LATEST_RESULTS = Path(__file__).with_name("latest_results.json")


def latest_results() -> dict:
    return json.loads(LATEST_RESULTS.read_text())


@accessibility.get("")
@limiter.exempt  # sent from memory, like the portal's content pages (portal.pages)
def statement():
    return render_content_page("accessibility/statement.html", _statement_context)


def _statement_context() -> dict[str, object]:
    """What the statement shows of the latest results: read when the page is first drawn."""
    results = latest_results()
    return {
        "results": results,
        "checks": results["checks"],
        "tested_on": format_date(date.fromisoformat(results["date"])),
    }


@accessibility.route("/ask-for-a-call", methods=["GET", "POST"])
@limiter.limit(FORM_LIMIT, methods=["POST"])
def ask_for_a_call():
    form = CallbackForm()
    if form.validate_on_submit():
        safe = form.safe.data or []
        callback = send_callback_request(
            clock.today(),
            form.key(),
            name=answered(form.full_name).strip(),
            phone=answered(form.phone),
            best_times=strip_text(form.best_times.data),
            safe_to_leave_message="leave-message" in safe,
            safe_to_say_who_is_calling="say-who" in safe,
            about=strip_text(form.about.data),
            reference_given=form.reference.data,
        )
        # Every call asked for here is given a due date (reviews.accessibility.request_callback).
        assert callback.due_on is not None
        remember_date("callback_due", callback.due_on)
        return redirect(url_for("accessibility.call_requested"))
    return render_template("accessibility/ask_for_a_call.html", form=form)


@accessibility.get("/ask-for-a-call/sent")
def call_requested():
    return date_page(
        "callback_due", "accessibility/call_requested.html", "due", "accessibility.ask_for_a_call"
    )


@accessibility.route("/ask-for-another-format", methods=["GET", "POST"])
@limiter.limit(FORM_LIMIT, methods=["POST"])
def ask_for_another_format():
    form = FormatRequestForm()
    if form.validate_on_submit():
        contact = form.preferred_contact.data
        format_request = send_format_request(
            clock.today(),
            form.key(),
            document=answered(form.document).strip(),
            format=form.format.data,
            format_detail=(
                answered(form.language).strip() if form.format.data == "language" else None
            ),
            assistive_technology=strip_text(form.assistive_technology.data),
            name=answered(form.full_name).strip(),
            preferred_contact=contact,
            email=form.email.data or None,
            phone=form.phone.data or None,
            address=strip_text(form.address.data),
            reference_given=form.reference.data,
        )
        remember_date("format_due", format_request.due_on)
        return redirect(url_for("accessibility.format_requested"))
    return render_template("accessibility/ask_for_another_format.html", form=form)


@accessibility.get("/ask-for-another-format/sent")
def format_requested():
    return date_page(
        "format_due",
        "accessibility/format_requested.html",
        "due",
        "accessibility.ask_for_another_format",
    )
