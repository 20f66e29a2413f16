"""Entering a request that came by post or email: a caseworker or team leader says how it came
and the day it arrived, then types in the person's answers through the public journey's own
steps (reviews.journey), forms and checks (web.journey), page by page in the staff layout, and
sends it as any request is sent (reviews.submission.submit_draft).

The draft is the caseworker's own: it records who is entering it (only they may carry on with
it; this session holds its id) and the day the request arrived, which is the day every rule
counts from (reviews.drafts.rules_date): lateness, the acknowledgement's due date, and the date
the request counts as sent. The pages are the public journey's templates, given the staff
layout (`frame`) and a line saying whose answers they are (`entering`): same questions, same
"you" wording, which here means the person who wrote to us."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import abort, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from reviews import clock
from reviews.database import db
from reviews.drafts import (
    RECEIVED_VIA,
    documents_of_kind,
    find_entered_draft,
    new_session_key,
    remove_document,
    rules_date,
    save_answers,
    set_received,
    start_entered_draft,
)
from reviews.journey import (
    EXIT_PAGES,
    STEPS,
    STEPS_BY_SLUG,
    UPLOAD_PAGES,
    deadline,
    first_unanswered,
    furthest_allowed,
    may_visit,
    next_page,
    previous_page,
    wording,
)
from reviews.models import Draft, ReviewRequest, StaffUser
from reviews.notifications import update_recipients_of
from reviews.references import format_reference
from reviews.rules import deadline_message, format_date
from reviews.submission import DraftIncomplete, build_request, submit_draft
from reviews.workflow import CASEWORK
from staff.access import role_required
from staff.blueprint import staff
from web.forms import DateParts, RadiosField
from web.forms.uploads import upload_limits
from web.journey.answers_summary import summary_sections
from web.journey.forms import FORMS, ContinueForm, UploadForm
from web.journey.uploads import TO_FOLLOW, cannot_continue, store_uploads, upload_answers
from web.query import known_args

# The session keys: the draft being entered, and the request it became (for its confirmation).
DRAFT_KEY = "staff_intake_draft_id"
ENTERED_KEY = "staff_intake_entered_id"

# What the journey's pages get to show in the staff layout (templates/portal/journey/_page.html).
STAFF_FRAME = {
    "frame": "staff/layout.html",
    "entering": "staff/intake/_entering.html",
    "remove_endpoint": "staff.intake_remove_upload",
    "step_endpoint": "staff.intake_step",
}


def _not_in_future(found: date) -> str | None:
    if found > clock.today():
        return "The date the request arrived must be today or in the past"
    return None


class ReceivedForm(FlaskForm):
    received_via = RadiosField(
        "How did the request come to us?",
        choices=RECEIVED_VIA,
        required="Select how the request came to us",
    )
    received_on = DateParts(
        "When did it arrive?",
        describe="The date the request arrived",
        check=_not_in_future,
        description=(
            "The day it reached MOPAC: the date stamp on the letter, or the day the email came. "
            "A letter held up in the post is judged on this day. For example, 3 6 2026"
        ),
    )


def _staff_user() -> StaffUser:
    user: StaffUser = current_user._get_current_object()
    return user


def _current_draft() -> Draft | None:
    return find_entered_draft(session.get(DRAFT_KEY), _staff_user())


def _page_url(page: str, changing: bool = False) -> str:
    if page == "check-answers":
        return url_for("staff.intake_check")
    if page in EXIT_PAGES:
        return url_for("staff.intake_exit", page=page)
    if changing:
        return url_for("staff.intake_step", slug=page, change=1)
    return url_for("staff.intake_step", slug=page)


def _back_url(slug: str, draft: Draft, today: date) -> str:
    if request.args.get("change"):
        return url_for("staff.intake_check")
    previous = previous_page(slug, draft.answers, today)
    return _page_url(previous) if previous else url_for("staff.intake_start", change=1)


def _frame(draft: Draft) -> dict[str, Any]:
    """The staff layout for a journey page, and what the line above each question says."""
    received_on = draft.received_on
    return {
        **STAFF_FRAME,
        "received_via": (RECEIVED_VIA.get(draft.received_via or "") or "").lower(),
        "received_on": format_date(received_on) if received_on else "",
    }


@staff.route("/intake/start", methods=["GET", "POST"])
@role_required(*CASEWORK)
def intake_start() -> Response | str:
    """How the request came and the day it arrived: a new entry, or (`change`) the one being
    entered, keeping its answers."""
    draft = _current_draft()
    if draft is not None and draft.review_request is not None:
        draft = None
    changing = bool(request.args.get("change")) and draft is not None
    form = ReceivedForm(
        data={"received_via": draft.received_via, "received_on": draft.received_on}
        if changing and draft is not None and request.method == "GET"
        else None
    )
    if form.validate_on_submit():
        if changing and draft is not None:
            set_received(draft, form.received_via.data, form.received_on.data)
        else:
            draft = start_entered_draft(
                _staff_user(), form.received_via.data, form.received_on.data
            )
        key = new_session_key(draft)  # its hash is saved with the draft
        db.session.commit()
        session[DRAFT_KEY] = key
        session.pop(ENTERED_KEY, None)
        today = rules_date(draft, clock.today())
        if changing:
            return redirect(_page_url(furthest_allowed(draft.answers, today)))
        return redirect(_page_url(STEPS[0].slug))
    return render_template(
        "staff/intake/start.html",
        form=form,
        changing=changing,
        unfinished=draft if draft is not None and not changing else None,
        back_url=url_for("staff.intake_check") if changing else url_for("staff.dashboard"),
    )


@staff.route("/intake/<slug>", methods=["GET", "POST"])
@role_required(*CASEWORK)
def intake_step(slug: str) -> Response | str:
    if slug not in FORMS and slug not in UPLOAD_PAGES:
        abort(404)
    draft = _current_draft()
    if draft is None or draft.review_request is not None:
        return redirect(url_for("staff.intake_start"))
    answers = draft.answers
    today = rules_date(draft, clock.today())
    if not may_visit(slug, answers, today):
        return redirect(_page_url(furthest_allowed(answers, today)))
    changing = bool(request.args.get("change"))
    upload = STEPS_BY_SLUG[slug].upload
    if upload is not None:
        return _upload_step(slug, upload.code, draft, today, changing)

    form_class = FORMS[slug]
    form = form_class.prefilled(form_class.initial_data(answers.get(slug), answers), answers)
    if form.validate_on_submit():
        save_answers(draft, slug, form.to_answers())
        db.session.commit()
        return redirect(_page_url(next_page(slug, draft.answers, today, changing), changing))
    template = "question.html" if not STEPS_BY_SLUG[slug].own_page else f"{slug}.html"
    return render_template(
        f"portal/journey/{template}",
        form=form,
        slug=slug,
        back_url=_back_url(slug, draft, today),
        deadline=deadline(answers, today),
        deadline_message=deadline_message,
        words=wording(answers),
        answers=answers,
        **_frame(draft),
    )


def _upload_step(slug: str, kind: str, draft: Draft, today: date, changing: bool):
    """The scanned letter and documents, on the journey's own upload pages."""
    form = UploadForm()
    if request.method == "GET":
        saved = draft.answers.get(slug, {})
        form.letter_to_follow.data = bool(saved.get(TO_FOLLOW.get(slug, "")))
    file_errors: list[str] = []
    if form.validate_on_submit():
        to_follow = bool(form.letter_to_follow.data)
        if request.form.get("action") == "upload":
            file_errors = store_uploads(draft, kind, form.files.data)
            if not file_errors:
                return redirect(request.full_path.rstrip("?"))
        else:
            problem = cannot_continue(slug, bool(documents_of_kind(draft, kind)), to_follow)
            if problem:
                file_errors = [problem]
            else:
                save_answers(draft, slug, upload_answers(slug, to_follow))
                db.session.commit()
                return redirect(
                    _page_url(next_page(slug, draft.answers, today, changing), changing)
                )
    if file_errors:
        form.files.errors = file_errors
    return render_template(
        f"portal/journey/{slug}.html",
        form=form,
        slug=slug,
        documents=documents_of_kind(draft, kind),
        max_files=current_app.config["MAX_UPLOAD_FILES"],
        back_url=_back_url(slug, draft, today),
        words=wording(draft.answers),
        answers=draft.answers,
        **upload_limits(),
        **_frame(draft),
    )


@staff.post("/intake/<slug>/remove/<int:document_id>")
@role_required(*CASEWORK)
def intake_remove_upload(slug: str, document_id: int) -> Response:
    if slug not in UPLOAD_PAGES:
        abort(404)
    draft = _current_draft()
    if draft is None or draft.review_request is not None:
        return redirect(url_for("staff.intake_start"))
    if remove_document(draft, document_id):
        db.session.commit()
    query: dict[str, Any] = known_args(request.args, ("change",))
    return redirect(url_for("staff.intake_step", slug=slug, **query))


@staff.get("/intake/cannot-enter/<page>")
@role_required(*CASEWORK)
def intake_exit(page: str) -> Response | str:
    """An answer that ends the public journey ends this one too: the page says why, and what
    the person can do instead (for the reply to them)."""
    if page not in EXIT_PAGES:
        abort(404)
    draft = _current_draft()
    if draft is None or draft.review_request is not None:
        return redirect(url_for("staff.intake_start"))
    return render_template(
        f"portal/exits/{page}.html", words=wording(draft.answers), **_frame(draft)
    )


@staff.route("/intake/check-answers", methods=["GET", "POST"])
@role_required(*CASEWORK)
def intake_check() -> Response | str:
    draft = _current_draft()
    if draft is None or draft.review_request is not None:
        return redirect(url_for("staff.intake_start"))
    today = rules_date(draft, clock.today())
    if first_unanswered(draft.answers, today) is not None:
        return redirect(_page_url(furthest_allowed(draft.answers, today)))
    form = ContinueForm()
    if form.validate_on_submit():
        try:
            # The domain dates it the day it arrived, notes and audits who entered it, and
            # queues the usual confirmation, all in one transaction.
            review_request = submit_draft(draft, clock.today())
        except DraftIncomplete:
            return redirect(_page_url(furthest_allowed(draft.answers, today)))
        session.pop(DRAFT_KEY, None)
        session[ENTERED_KEY] = review_request.id
        return redirect(url_for("staff.intake_entered"))
    return render_template(
        "staff/intake/check-answers.html",
        form=form,
        sections=summary_sections(
            draft, today, lambda slug: url_for("staff.intake_step", slug=slug, change=1)
        ),
        received_via=RECEIVED_VIA.get(draft.received_via or "", ""),
        received_on_date=format_date(draft.received_on) if draft.received_on else "",
        # The request the answers make (not saved): who the confirmation will go to.
        emailed=_emailed_to(build_request(draft.answers, today)),
    )


def _emailed_to(review_request: ReviewRequest) -> list[str]:
    return [recipient.email for recipient in update_recipients_of(review_request)]


@staff.get("/intake/entered")
@role_required(*CASEWORK)
def intake_entered() -> Response | str:
    entered_id = session.get(ENTERED_KEY)
    review_request = db.session.get(ReviewRequest, entered_id) if entered_id else None
    if review_request is None or review_request.entered_by_id != _staff_user().id:
        return redirect(url_for("staff.intake_start"))
    return render_template(
        "staff/intake/entered.html",
        review_request=review_request,
        reference=format_reference(review_request.reference),
        acknowledgement_due=format_date(review_request.acknowledgement_due),
        emailed=_emailed_to(review_request),
        received_via=RECEIVED_VIA.get(review_request.received_via or "", "").lower(),
    )
