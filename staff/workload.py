"""The team's workload, for team leaders: each person's open cases per stage, how many in all
and how many are overdue, each number linked to those cases in the queue."""

from __future__ import annotations

from flask import render_template

from reviews import clock
from reviews.workflow import STATUS_LABELS, TEAM_LEADER
from reviews.workload import team_workload
from staff.access import role_required
from staff.blueprint import staff


@staff.get("/team")
@role_required(TEAM_LEADER)
def team_workload_page():
    today = clock.today()
    return render_template(
        "staff/team.html", team=team_workload(today), status_labels=STATUS_LABELS, today=today
    )
