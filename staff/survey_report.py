"""The satisfaction survey's results (reviews.survey), added up by stage and month for team
leaders and admins. No single answer is shown: small figures are hidden, and comments carry no
date finer than their month."""

from __future__ import annotations

from flask import render_template

from reviews.rules import format_month
from reviews.survey import SMALLEST_FIGURE, survey_report
from reviews.workflow import ADMIN, TEAM_LEADER
from staff.access import role_required
from staff.blueprint import staff


@staff.get("/survey-results")
@role_required(TEAM_LEADER, ADMIN)
def survey_results():
    return render_template(
        "staff/survey_report.html",
        stages=survey_report(),
        smallest=SMALLEST_FIGURE,
        format_month=format_month,
    )
