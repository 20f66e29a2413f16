"""Casework actions on a request: one page per action in reviews.workflow.ACTIONS.

The page's form is built from the action's `Field`s, one GOV.UK component per kind of answer,
and each answer is checked by the workflow's own `Field.clean`, so the page and `perform` agree
on what is allowed and say it in the same words. A sent form is one transaction: `perform`, then
one commit, then Post/Redirect/Get back to the request page with a notification banner.

A form remembers the latest casework event on the request when it was shown. If the request has
moved on since (a colleague acted, or the same form arrived twice), nothing is saved.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from flask import abort, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from werkzeug.wrappers import Response
from wtforms import Field as FormField
from wtforms import HiddenField
from wtforms.validators import StopValidation

from reviews import clock, workflow
from reviews.casework import case_handlers
from reviews.database import db
from reviews.letter_templates import MAX_LENGTH, blocks
from reviews.letters import LETTER_HEADINGS, LetterText
from reviews.models import AuditEvent, ReviewRequest, StaffUser
from reviews.models.letters import BY_EMAIL
from reviews.notifications import update_recipients
from reviews.references import format_reference
from reviews.rules import format_date
from reviews.sent_letters import delivery_for
from reviews.workflow import (
    ACTIONS,
    RECOMMENDATIONS,
    STATUS_LABELS,
    Action,
    Status,
    TransitionRefused,
    letter_to_check,
    perform,
    refusal,
)
from staff.access import role_required
from staff.auth import add_error
from staff.blueprint import staff
from staff.casework import back_to_request, request_for_current_user
from web.forms import (
    CheckboxesField,
    DateParts,
    RadiosField,
    TextAreaField,
    TextField,
    YesNoField,
)

# Anyone who may take at least one action; each action then checks its own roles.
ACTING_ROLES = frozenset().union(*(action.roles for action in ACTIONS.values()))

# What the banner says when an action is done.
DONE: dict[str, str] = {
    "acknowledge": "Request acknowledged",
    "ask_requester": "Requester asked for information",
    "information_received": "Requester's information recorded",
    "consider_late": "Late request being considered",
    "accept_late": "Late request accepted",
    "refuse_late": "Late request refused",
    "decide_invalid": "Request closed: no right of review",
    "forward_to_iopc": "Request forwarded to the IOPC",
    "decide_valid": "Request decided valid",
    "notify_parties": "Parties recorded as told",
    "request_mps_info": "MPS asked for the case information",
    "chase_mps_info": "MPS chased for the case information",
    "mps_info_received": "MPS information recorded",
    "set_allocation_month": "Allocation month set",
    "allocate": "Request allocated",
    "start_review": "Review started",
    "record_decision": "Decision recorded: a team leader will check it",
    "return_for_changes": "Decision returned for changes",
    "approve_decision": "Decision approved",
    "issue_decision": "Decision sent",
    "chase_met_response": "The Met chased for its reply to the recommendations",
    "record_mps_response": "MPS response recorded and shared",
    "close": "Request closed",
    "withdraw": "Withdrawal recorded",
    "reopen": "Request reopened for a new decision",
    "reassign": "Request reassigned",
}

_MONTH_PARTS = ("month", "year")

STALE = (
    "Nothing was saved: the request changed after you opened that page, or the form was sent "
    "twice. Check the request below before you try again."
)

# Actions taken on a recorded decision: their page shows the decision being checked or sent.
_ON_A_DECISION = frozenset({"return_for_changes", "approve_decision", "issue_decision"})


class ActionForm(FlaskForm):
    # The latest casework event on the request when the form was shown (see the module's doc).
    seen = HiddenField()


class LetterCheckForm(FlaskForm):
    """The "Check the letter" step of an action that sends or approves a letter: its words, to
    change if need be. Sent with the action's own form, whose token covers both."""

    class Meta:
        csrf = False

    letter_text = TextAreaField(
        "The letter",
        required="Enter the letter's words",
        max_length=(MAX_LENGTH, f"The letter must be {MAX_LENGTH:,} characters or fewer"),
    )
    letter_version = HiddenField()


# What the check step sends beside the action's own answers, which it carries on unchanged.
_LETTER_STEP = "letter_step"
_NOT_CARRIED = frozenset({"csrf_token", "seen", "letter_text", "letter_version", _LETTER_STEP})


class WorkflowCheck:
    """Checks an answer with the workflow's own rule for it."""

    def __init__(self, spec: workflow.Field) -> None:
        self.spec = spec

    def __call__(self, form, field: FormField) -> None:
        try:
            self.spec.clean(field.data)
        except TransitionRefused as refused:
            raise StopValidation(refused.message) from refused


def _form_field(spec: workflow.Field) -> FormField:
    """The WTForms field, and so the GOV.UK component, for one kind of answer."""
    options: dict[str, Any] = {
        "label": spec.label if spec.required else f"{spec.label} (optional)",
        "description": spec.hint or "",
        "validators": [WorkflowCheck(spec)],
    }
    if spec.kind == workflow.TEXT:
        return TextField(**options)
    if spec.kind == workflow.TEXTAREA:
        return TextAreaField(**options)
    if spec.kind == workflow.DATE:
        # An empty date is left to WorkflowCheck, so that it says what the action is missing.
        return DateParts(describe="The date", optional=True, **options)
    if spec.kind == workflow.MONTH:
        return DateParts(describe="The month", optional=True, parts=_MONTH_PARTS, **options)
    if spec.kind == workflow.CHOICES:
        return CheckboxesField(choices=dict(spec.choices), **options)
    if spec.kind == workflow.YES_NO:
        return YesNoField(**options)
    choices = {
        workflow.CHOICE: dict(spec.choices),
        workflow.STAFF_USER: {},  # filled in when the form is made: staff come and go
    }[spec.kind]
    return RadiosField(choices=choices, **options)


@cache
def _form_class(action_name: str) -> type[ActionForm]:
    action = ACTIONS[action_name]
    fields = {spec.name: _form_field(spec) for spec in action.form}
    return type(f"{action_name.title().replace('_', '')}Form", (ActionForm,), fields)


def _caseworkers() -> dict[str, str]:
    """Who a request can go to: active caseworkers and team leaders."""
    return {
        str(user.id): f"{user.name} ({user.role.replace('-', ' ')})" for user in case_handlers()
    }


def _initial_data(action: Action, review_request: ReviewRequest) -> dict[str, Any]:
    """The action's initial values as its form's fields hold them (yes or no, an id)."""
    data: dict[str, Any] = {}
    for spec in action.form:
        value = action.initial_values(review_request).get(spec.name)
        if value is None:
            continue
        if spec.kind == workflow.YES_NO and isinstance(value, bool):
            value = "yes" if value else "no"
        elif spec.kind == workflow.STAFF_USER:
            value = str(value.id if isinstance(value, StaffUser) else value)
        data[spec.name] = value
    return data


def action_form(action: Action, data: dict[str, Any] | None = None) -> ActionForm:
    """The action's form: the answers sent, or else `data` to start with."""
    form = _form_class(action.name)(data=data)
    for spec in action.form:
        if spec.kind == workflow.STAFF_USER:
            form[spec.name].choices = _caseworkers()
    return form


def _latest_event_id(review_request: ReviewRequest) -> int:
    """The id of the latest casework action's audit event on the request (0 if none yet)."""
    return db.session.execute(
        select(func.coalesce(func.max(AuditEvent.id), 0)).where(
            AuditEvent.review_request_id == review_request.id,
            AuditEvent.action.in_(ACTIONS),
        )
    ).scalar_one()


def _status_label(review_request: ReviewRequest) -> str:
    """How staff name the request's status (the stored value itself if it is not a Status)."""
    try:
        return STATUS_LABELS[Status(review_request.status)]
    except ValueError:
        return review_request.status


def _done(action: Action, review_request: ReviewRequest) -> str:
    done = DONE[action.name]
    if action.email and update_recipients(review_request):
        done += ". The requester will get an email"
        if action.letter is not None:
            done += " with the letter"
    if action.letter is not None and delivery_for(review_request) != BY_EMAIL:
        done += ". Print the letter from this page and post it"
    if action.copy_to_mps:
        done += ". The Met will get a copy"
    return done + "." if done != DONE[action.name] else done


def _request_and_actor(
    request_id: int, action: Action, *, sent: bool
) -> tuple[ReviewRequest, StaffUser]:
    """The request (404 or 403 if this person may not see it) and the person acting on it, who
    must hold one of the action's roles (403 if not)."""
    if sent:
        # Held until this action commits: a copy of the form sent at the same moment waits,
        # then finds the request changed. (SQLite has no row locks and writes one at a time.)
        db.session.get(ReviewRequest, request_id, with_for_update=True, populate_existing=True)
    review_request = request_for_current_user(request_id)
    staff_user: StaffUser = current_user._get_current_object()  # the model, not Flask's proxy
    if staff_user.role not in action.roles:
        abort(403)
    return review_request, staff_user


def _refused(
    form: ActionForm, action: Action, review_request: ReviewRequest, staff_user: StaffUser
) -> Response | None:
    """Back to the request page if the form is stale or the action cannot be taken now."""
    if form.is_submitted() and form.seen.data != str(_latest_event_id(review_request)):
        return back_to_request(review_request, STALE, success=False)
    # The engine's own reason (the stage, whose request it is, who wrote the decision...).
    if why_not := refusal(action, review_request, staff_user):
        return back_to_request(review_request, why_not, success=False)
    return None


def _details(form: ActionForm, action: Action) -> dict[str, Any]:
    return {spec.name: form[spec.name].data for spec in action.form}


def _perform(
    form: ActionForm,
    action: Action,
    review_request: ReviewRequest,
    staff_user: StaffUser,
    letter: LetterCheckForm | None = None,
) -> Response | None:
    """Take the action with the form's answers (and the letter's words as checked) and commit,
    then back to the request page; or, if a rule across the answers refuses it, None with the
    form showing why."""
    details = _details(form, action)
    words: dict[str, Any] = {}
    if letter is not None and action.letter_editable:
        version = letter.letter_version.data or ""
        words = {
            "letter_text": letter.letter_text.data,
            "letter_version": int(version) if version.isdigit() and len(version) < 10 else None,
        }
    try:
        perform(review_request, action.name, staff_user, clock.today(), **words, **details)
    except TransitionRefused as refused:
        # A rule across answers (a recommendation for a reasonable outcome, say). Nothing
        # was written; the message goes against the answer at fault, else the first one.
        db.session.rollback()
        if not action.form:
            return back_to_request(review_request, refused.message, success=False)
        add_error(form[refused.field or action.form[0].name], refused.message)
        return None
    db.session.commit()
    return back_to_request(review_request, _done(action, review_request), success=True)


def _latest_staff_note(review_request: ReviewRequest) -> str | None:
    """What staff were told with the request's latest change (why it came back), if anything."""
    timeline = review_request.timeline
    return timeline[-1].staff_note if timeline else None


def _show_form(action: Action, form: ActionForm, review_request: ReviewRequest) -> str:
    return render_template(
        "staff/action.html",
        action=action,
        form=form,
        answers=[(form[spec.name], spec.kind == workflow.YES_NO) for spec in action.form],
        review_request=review_request,
        reference=format_reference(review_request.reference),
        request_url=url_for("staff.request_page", request_id=review_request.id),
        status=_status_label(review_request),
        moves_to=[STATUS_LABELS[status] for status in Status if status in action.to_statuses],
        emails=bool(update_recipients(review_request)),
        posted=delivery_for(review_request) != BY_EMAIL,
        show_decision=action.name in _ON_A_DECISION,
        latest_staff_note=_latest_staff_note(review_request),
        recommendations=RECOMMENDATIONS,
        format_date=format_date,
    )


def _check_letter(
    action: Action, form: ActionForm, review_request: ReviewRequest, staff_user: StaffUser
) -> Response | str:
    """The "Check the letter" step: the letter the action would send (or approve) with the
    answers given, written from the wording in use; nothing is saved."""
    try:
        text = letter_to_check(
            action, review_request, staff_user, clock.today(), _details(form, action)
        )
    except TransitionRefused as refused:
        if not action.form:
            return back_to_request(review_request, refused.message, success=False)
        add_error(form[refused.field or action.form[0].name], refused.message)
        return _show_form(action, form, review_request)
    letter = LetterCheckForm(
        data={"letter_text": text.text, "letter_version": text.template_version or ""}
    )
    return _show_letter(action, form, letter, review_request, text)


def _show_letter(
    action: Action,
    form: ActionForm,
    letter: LetterCheckForm,
    review_request: ReviewRequest,
    text: LetterText | None = None,
) -> str:
    kind = action.checks_letter
    assert kind is not None
    words = text.text if text is not None else letter.letter_text.data or ""
    carried = [
        (name, value)
        for name, value in request.form.items(multi=True)
        if name not in _NOT_CARRIED and name != "change"
    ]
    return render_template(
        "staff/action_letter.html",
        action=action,
        action_form=form,
        form=letter,
        carried=carried,
        letter_step=_LETTER_STEP,
        heading=LETTER_HEADINGS[kind],
        approved_body={"body": blocks(words), "track_url": ""},
        review_request=review_request,
        reference=format_reference(review_request.reference),
        request_url=url_for("staff.request_page", request_id=review_request.id),
        status=_status_label(review_request),
        moves_to=[STATUS_LABELS[status] for status in Status if status in action.to_statuses],
        emails=bool(update_recipients(review_request)),
        posted=delivery_for(review_request) != BY_EMAIL,
        show_decision=action.name in _ON_A_DECISION,
        recommendations=RECOMMENDATIONS,
        format_date=format_date,
    )


@staff.route("/requests/<int:request_id>/actions/<action_name>", methods=["GET", "POST"])
@role_required(*ACTING_ROLES)
def action_page(request_id: int, action_name: str) -> Response | str:
    action = ACTIONS.get(action_name)
    if action is None:
        abort(404)
    form = action_form(action)
    review_request, staff_user = _request_and_actor(request_id, action, sent=form.is_submitted())
    if refused := _refused(form, action, review_request, staff_user):
        return refused
    if not form.is_submitted():
        # Not on a sent form: a field left empty there (no box ticked) must stay empty.
        form = action_form(action, _initial_data(action, review_request))
        form.seen.data = str(_latest_event_id(review_request))
        if action.checks_letter and not action.form:
            return _check_letter(action, form, review_request, staff_user)
    elif form.validate():
        if action.checks_letter:
            return _letter_step(action, form, review_request, staff_user)
        if done := _perform(form, action, review_request, staff_user):
            return done
    return _show_form(action, form, review_request)


def _letter_step(
    action: Action, form: ActionForm, review_request: ReviewRequest, staff_user: StaffUser
) -> Response | str:
    """An action that sends or approves a letter, its answers given: first the letter to check;
    then, sent from there, the action with the letter's words (or back to the answers)."""
    if _LETTER_STEP not in request.form:
        return _check_letter(action, form, review_request, staff_user)
    if "change" in request.form and action.form:
        return _show_form(action, form, review_request)
    letter = LetterCheckForm()
    if action.letter_editable and not letter.validate():
        return _show_letter(action, form, letter, review_request)
    if done := _perform(form, action, review_request, staff_user, letter):
        return done
    return _show_form(action, form, review_request)
