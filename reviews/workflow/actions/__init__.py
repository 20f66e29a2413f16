"""Every casework action, by stage. `ACTIONS` keeps workflow order: staff pages list a
request's actions in it."""

from __future__ import annotations

from reviews.workflow.actions import closing, preparation, review, staffing, triage
from reviews.workflow.engine import Action

STAGES = (triage, preparation, review, closing, staffing)


def _in_workflow_order() -> dict[str, Action]:
    actions: dict[str, Action] = {}
    for stage in STAGES:
        for action in stage.actions:
            if action.name in actions:
                raise RuntimeError(f"two actions called {action.name!r}")
            actions[action.name] = action
    return actions


ACTIONS: dict[str, Action] = _in_workflow_order()
