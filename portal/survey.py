"""The satisfaction survey's public pages: one question and an optional comment, offered on
the confirmation page after sending a request and in the decision email (reviews.survey).

Nothing links an answer to the person: it is stored with its stage and month only. The session
remembers which stages it has answered (and nothing else), so a person answers once a stage.
"""

from __future__ import annotations

from flask import abort, redirect, render_template, session, url_for
from flask_wtf import FlaskForm

from portal.blueprint import portal
from reviews import clock
from reviews.database import db
from reviews.survey import COMMENT_LIMIT, SATISFACTION, STAGES, record_answer
from web.extensions import limiter
from web.forms import CharacterCountField, RadiosField

# Enough for a shared computer, not enough to stuff the figures.
ANSWER_LIMIT = "10 per hour"
# The session's note of the stages answered.
ANSWERED = "survey_answered"


class SurveyForm(FlaskForm):
    satisfaction = RadiosField(
        "Overall, how did you feel about this service?",
        choices=SATISFACTION,
        required="Select how you felt about this service",
    )
    comment = CharacterCountField(
        "How could we improve it? (optional)",
        description=(
            "Do not include personal information, like your name, contact details or "
            "tracking reference. We read every comment but cannot reply."
        ),
        max_length=(COMMENT_LIMIT, f"Your comment must be {COMMENT_LIMIT:,} characters or fewer"),
    )


def _answered(stage: str) -> bool:
    return stage in session.get(ANSWERED, [])


@portal.route("/feedback/<stage>", methods=["GET", "POST"])
@limiter.limit(ANSWER_LIMIT, methods=["POST"])
def survey(stage: str):
    if stage not in STAGES:
        abort(404)
    if _answered(stage):
        return redirect(url_for("portal.survey_thanks", stage=stage))
    form = SurveyForm()
    if form.validate_on_submit():
        record_answer(stage, str(form.satisfaction.data), form.comment.data, clock.today())
        db.session.commit()
        session[ANSWERED] = [*session.get(ANSWERED, []), stage]
        return redirect(url_for("portal.survey_thanks", stage=stage))
    return render_template("portal/survey/question.html", form=form)


@portal.get("/feedback/<stage>/thank-you")
def survey_thanks(stage: str):
    if stage not in STAGES:
        abort(404)
    if not _answered(stage):
        return redirect(url_for("portal.survey", stage=stage))
    return render_template("portal/survey/thanks.html")
