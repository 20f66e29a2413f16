"""The review request journey: one question per page, answers kept in a server-side draft,
check answers, send, confirmation. Rules about which page comes next live in reviews.journey."""

from __future__ import annotations

from typing import Any

from flask import (
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from werkzeug.wrappers import Response

from portal.blueprint import portal
from reviews import clock
from reviews.database import db
from reviews.drafts import (
    documents_of_kind,
    find_draft,
    keep_draft,
    new_session_key,
    remove_document,
    resume_draft,
    save_answers,
    start_draft,
)
from reviews.journey import (
    EXIT_PAGES,
    STEPS,
    STEPS_BY_SLUG,
    UPLOAD_PAGES,
    answer,
    deadline,
    first_unanswered,
    furthest_allowed,
    may_visit,
    next_page,
    previous_page,
    wording,
)
from reviews.models import Draft, ReviewRequest
from reviews.notifications import (
    UPDATES_TO_COMPLAINANT,
    UPDATES_TO_REQUESTER,
    update_recipients_of,
)
from reviews.references import format_reference
from reviews.reminders import queue_resume_link
from reviews.rules import deadline_message, format_date
from reviews.submission import DraftIncomplete, submit_draft
from reviews.texts import text_recipient
from web.extensions import limiter
from web.forms import answered
from web.forms.confirmations import date_page, remember_date
from web.forms.timeouts import kept_alive
from web.forms.uploads import upload_limits
from web.journey.answers_summary import summary_sections
from web.journey.forms import FORMS, ContinueForm, SaveForm, UploadForm
from web.journey.uploads import TO_FOLLOW, cannot_continue, store_uploads, upload_answers
from web.query import known_args


def _current_draft() -> Draft | None:
    return find_draft(session.get("draft_id"))


def _draft_for_writing(draft: Draft | None) -> Draft:
    """The draft this request found (None: a new one is started), to write answers to."""
    if draft is None:
        draft = start_draft()
        session["draft_id"] = new_session_key(draft)
    # Rewrite the cookie on every answer, so that its lifetime counts from the last activity.
    session.modified = True
    return draft


def _page_url(page: str, changing: bool = False) -> str:
    """A page's address. While changing an answer from the check page, a question that the
    change opened keeps `change`, so that once it is answered the person goes back there."""
    if page == "check-answers":
        return url_for("portal.check_answers")
    if page in EXIT_PAGES:
        return url_for("portal.journey_exit", page=page)
    if changing:
        return url_for("portal.journey_step", slug=page, change=1)
    return url_for("portal.journey_step", slug=page)


def _back_url(slug: str, answers, today) -> str:
    if request.args.get("change"):
        return url_for("portal.check_answers")
    previous = previous_page(slug, answers, today)
    return _page_url(previous) if previous else url_for("portal.start")


@portal.get("/request/start")
def journey_start() -> Response:
    """Start, or carry on with, a request. After sending one, this starts a new one."""
    draft = _current_draft()
    if draft is not None and draft.review_request is not None:
        session.pop("draft_id")
        draft = None
    first = STEPS[0].slug
    if draft is not None:
        first = furthest_allowed(draft.answers, clock.today())
    return redirect(_page_url(first))


@portal.post("/request/keep-alive")
def journey_keep_alive() -> Response | tuple[str, int]:
    """The time-out warning's 'Continue with my request': keep the session and the draft."""
    draft = _current_draft()
    if draft is None:
        return redirect(url_for("portal.journey_timed_out"))
    keep_draft(draft)
    session.modified = True
    db.session.commit()
    return kept_alive(_page_url(furthest_allowed(draft.answers, clock.today())))


@portal.get("/request/timed-out")
def journey_timed_out() -> str | Response:
    # Another tab may have kept the session going: then nothing was cleared.
    if _current_draft() is not None:
        return redirect(url_for("portal.journey_start"))
    return render_template("portal/journey/timed_out.html")


@portal.context_processor
def journey_session_seconds() -> dict[str, int]:
    return {"journey_session_seconds": int(current_app.permanent_session_lifetime.total_seconds())}


# Files are the costly thing to store: a person sends a few, so this only stops a flood, and
# answers without files are not counted (people on one library connection are not held up).
UPLOAD_LIMIT = "60 per hour"


def sends_no_files() -> bool:
    return not any(upload.filename for upload in request.files.getlist("files"))


@portal.route("/request/<slug>", methods=["GET", "POST"])
@limiter.limit(UPLOAD_LIMIT, methods=["POST"], exempt_when=sends_no_files)
def journey_step(slug: str):
    if slug not in FORMS and slug not in UPLOAD_PAGES:
        abort(404)
    draft = _current_draft()
    if draft is not None and draft.review_request is not None:
        return redirect(url_for("portal.sent"))
    answers = draft.answers if draft else {}
    today = clock.today()
    if not may_visit(slug, answers, today):
        return redirect(_page_url(furthest_allowed(answers, today)))
    changing = bool(request.args.get("change"))
    upload = STEPS_BY_SLUG[slug].upload
    if upload is not None:
        return _upload_step(slug, upload.code, draft, answers, today, changing)

    form_class = FORMS[slug]
    form = form_class.prefilled(form_class.initial_data(answers.get(slug), answers), answers)
    if form.validate_on_submit():
        draft = _draft_for_writing(draft)
        save_answers(draft, slug, form.to_answers())
        db.session.commit()
        return redirect(_page_url(next_page(slug, draft.answers, today, changing), changing))

    context = {
        "form": form,
        "slug": slug,
        "back_url": _back_url(slug, answers, today),
        "deadline": deadline(answers, today),
        "deadline_message": deadline_message,
        "words": wording(answers),
        "answers": answers,
    }
    if STEPS_BY_SLUG[slug].own_page:
        return render_template(f"portal/journey/{slug}.html", **context)
    return render_template("portal/journey/question.html", **context)


def _upload_step(slug: str, kind: str, draft: Draft | None, answers, today, changing: bool):
    form = UploadForm()
    saved = answers.get(slug, {})
    if request.method == "GET":
        form.letter_to_follow.data = bool(saved.get(TO_FOLLOW.get(slug, "")))
    file_errors: list[str] = []
    if form.validate_on_submit():
        if request.form.get("action") == "upload":
            file_errors = store_uploads(_draft_for_writing(draft), kind, form.files.data)
            if not file_errors:
                return redirect(request.full_path.rstrip("?"))
        else:
            has_files = bool(draft and documents_of_kind(draft, kind))
            problem = cannot_continue(slug, has_files, bool(form.letter_to_follow.data))
            if problem:
                file_errors = [problem]
            else:
                draft = _draft_for_writing(draft)
                save_answers(draft, slug, upload_answers(slug, bool(form.letter_to_follow.data)))
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
        documents=documents_of_kind(draft, kind) if draft else [],
        max_files=current_app.config["MAX_UPLOAD_FILES"],
        back_url=_back_url(slug, answers, today),
        words=wording(answers),
        answers=answers,
        **upload_limits(),
    )


@portal.post("/request/<slug>/remove/<int:document_id>")
def remove_upload(slug: str, document_id: int) -> Response:
    if slug not in UPLOAD_PAGES:
        abort(404)
    draft = _current_draft()
    if draft is None or draft.review_request is not None:
        return redirect(url_for("portal.journey_start"))
    # The CSRF check (run for every POST) protects this form too.
    if remove_document(draft, document_id):
        db.session.commit()
    # Back to the page as it was asked for (a change from check answers stays one).
    query: dict[str, Any] = known_args(request.args, ("change",))
    return redirect(url_for("portal.journey_step", slug=slug, **query))


@portal.get("/request/cannot-use-this-service/<page>")
def journey_exit(page: str):
    if page not in EXIT_PAGES:
        abort(404)
    draft = _current_draft()
    return render_template(
        f"portal/exits/{page}.html", words=wording(draft.answers if draft else {})
    )


@portal.route("/request/check-answers", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
def check_answers():
    draft = _current_draft()
    if draft is not None and draft.review_request is not None:
        return redirect(url_for("portal.sent"))
    answers = draft.answers if draft else {}
    today = clock.today()
    unanswered = first_unanswered(answers, today)
    if draft is None or unanswered is not None:
        return redirect(_page_url(furthest_allowed(answers, today)))
    form = ContinueForm()
    if form.validate_on_submit():
        try:
            # The confirmation is queued with the request, in its transaction; the worker
            # sends it. No network call here: a slow mail server must not hold anyone up.
            submit_draft(draft, today)
        except DraftIncomplete:
            return redirect(_page_url(furthest_allowed(draft.answers, today)))
        return redirect(url_for("portal.sent"))
    return render_template(
        "portal/journey/check-answers.html",
        form=form,
        sections=summary_sections(
            draft, today, lambda slug: url_for("portal.journey_step", slug=slug, change=1)
        ),
        words=wording(answers),
    )


@portal.get("/request/sent")
def sent():
    draft = _current_draft()
    if draft is None or draft.review_request is None:
        return redirect(url_for("portal.journey_start"))
    review_request = draft.review_request
    return render_template(
        "portal/journey/sent.html",
        reference=format_reference(review_request.reference),
        acknowledgement_due=format_date(review_request.acknowledgement_due),
        review_request=review_request,
        **who_we_contact(review_request),
    )


_CONTACT_BY = {"email": "by email", "phone": "by phone", "post": "by post"}


def who_we_contact(review_request: ReviewRequest) -> dict[str, Any]:
    """What the confirmation says about who hears from us and how: from the rule that decides
    who gets email (update_recipients_of), so it never claims an email that is not sent."""
    recipients = update_recipients_of(review_request)
    emailed = [
        f"you ({recipient.email})"
        if recipient.who == "requester"
        else f"{review_request.complainant_name} ({recipient.email})"
        for recipient in recipients
    ]
    emailed_who = {recipient.who for recipient in recipients}
    # Those who get updates but no email: the requester, by the way they asked to be
    # contacted; the complainant, by the details given for them.
    requester_not_emailed = (
        review_request.updates_to in UPDATES_TO_REQUESTER and "requester" not in emailed_who
    )
    complainant_not_emailed = (
        review_request.updates_to in UPDATES_TO_COMPLAINANT and "complainant" not in emailed_who
    )
    texted = text_recipient(review_request)
    return {
        "emailed": " and ".join(emailed),
        # As the person typed it, not the international form the text goes to.
        "texted": review_request.requester_phone if texted else "",
        "contact_you_by": (
            _CONTACT_BY.get(review_request.preferred_contact, "using the details you gave us")
            if requester_not_emailed
            else ""
        ),
        "contact_complainant": complainant_not_emailed,
    }


@portal.route("/request/save", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def save_for_later():
    draft = _current_draft()
    if draft is None or draft.review_request is not None:
        return redirect(url_for("portal.journey_start"))
    form = SaveForm()
    if request.method == "GET":
        form.email.data = draft.resume_email or answer(draft.answers, "contact-details", "email")
    if form.validate_on_submit():
        queue_resume_link(draft, answered(form.email))
        # The email was queued in this transaction; the worker adds the link as it sends it.
        db.session.commit()
        expires_at = draft.resume_token_expires_at
        assert expires_at is not None  # queue_resume_link has just set it
        remember_date("saved_until", expires_at.date())
        return redirect(url_for("portal.saved"))
    return render_template(
        "portal/journey/save.html", form=form, back_url=url_for("portal.journey_start")
    )


@portal.get("/request/saved")
def saved():
    return date_page("saved_until", "portal/journey/saved.html", "until", "portal.journey_start")


@portal.route("/request/resume/<token>", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
def resume(token: str):
    """GET only shows a button: email scanners that open links must not use up the link."""
    form = ContinueForm()
    if form.validate_on_submit():
        draft = resume_draft(token)
        if draft is None:
            return render_template("portal/journey/link_expired.html"), 410
        key = new_session_key(draft)
        db.session.commit()
        session.clear()
        session["draft_id"] = key
        return redirect(_page_url(furthest_allowed(draft.answers, clock.today())))
    return render_template("portal/journey/resume.html", form=form)
