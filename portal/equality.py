"""The optional equality monitoring questions (reviews.equality), offered on the confirmation
page after sending a request: a start page, then one question a page, each skippable.

The answers wait in the session (codes only, no free text) until the last page, are then
written as one row with the month only, and leave the session: the row names no request,
session or address. The session then remembers only that it has answered, so a person
answers once.
"""

from __future__ import annotations

from flask import redirect, render_template, session, url_for
from flask_wtf import FlaskForm
from wtforms import ValidationError

from portal.blueprint import portal
from reviews import clock
from reviews.database import db
from reviews.equality import QUESTIONS, Question, record_answers
from web.extensions import limiter
from web.forms import RadiosField

ANSWER_LIMIT = "60 per hour"
# The session's answers so far, and its note that it has answered.
ANSWERS = "equality_answers"
ANSWERED = "equality_answered"
NOT_A_CHOICE = "Select an answer, or continue without one"


class EqualityForm(FlaskForm):
    answer = RadiosField("")
    # The question's answers (its codes), set with its choices.
    codes: frozenset[str] = frozenset()

    def validate_answer(self, field: RadiosField) -> None:
        if field.data and field.data not in self.codes:
            raise ValidationError(NOT_A_CHOICE)


def _form(question: Question) -> EqualityForm:
    form = EqualityForm()
    form.answer.label.text = question.title
    form.answer.choices = list(question.choices.items())
    form.codes = frozenset(question.choices)
    if question.hint:
        form.answer.description = question.hint
    return form


@portal.get("/equality")
def equality_start():
    if session.get(ANSWERED):
        return redirect(url_for("portal.equality_thanks"))
    return render_template("portal/equality/start.html", first=QUESTIONS[0].slug)


def _question_view(position: int):
    question = QUESTIONS[position]

    def view():
        if session.get(ANSWERED):
            return redirect(url_for("portal.equality_thanks"))
        form = _form(question)
        if form.validate_on_submit():
            answers = {**session.get(ANSWERS, {}), question.slug: form.answer.data or None}
            if position + 1 < len(QUESTIONS):
                session[ANSWERS] = answers
                return redirect(f"/equality/{QUESTIONS[position + 1].slug}")
            record_answers(answers, clock.today())
            db.session.commit()
            session.pop(ANSWERS, None)
            session[ANSWERED] = True
            return redirect(url_for("portal.equality_thanks"))
        if not form.is_submitted():
            form.answer.data = session.get(ANSWERS, {}).get(question.slug)
        back = f"/equality/{QUESTIONS[position - 1].slug}" if position else "/equality"
        return render_template(
            "portal/equality/question.html",
            form=form,
            back=back,
            number=position + 1,
            of=len(QUESTIONS),
        )

    return view


for _position, _question in enumerate(QUESTIONS):
    portal.add_url_rule(
        f"/equality/{_question.slug}",
        f"equality_{_question.column}",
        limiter.limit(ANSWER_LIMIT, methods=["POST"])(_question_view(_position)),
        methods=["GET", "POST"],
    )


@portal.get("/equality/thank-you")
def equality_thanks():
    return render_template("portal/equality/thanks.html")
