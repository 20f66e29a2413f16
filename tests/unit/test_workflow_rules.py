"""The casework state machine's shape and the checks on details, without a database."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import reviews.tracking as tracking
from reviews.workflow import (
    ACTIONS,
    ADMIN,
    AUDITOR,
    CASEWORKER,
    CHOICES,
    DATE,
    FINISHED,
    MONTH,
    RECOMMENDATIONS,
    ROLES,
    STATUS_LABELS,
    TEAM_LEADER,
    TEXT,
    TEXTAREA,
    VALIDITY_REASONS,
    WITHDRAWABLE,
    YES_NO,
    Field,
    Status,
    TransitionRefused,
)

EMAILS = Path(__file__).resolve().parents[2] / "templates" / "emails"
# What notify_requester puts in every email, and what an action may add (what the IOPC got).
EMAIL_PLACEHOLDERS = {
    "reference",
    "acknowledgement_due",
    "link",
    # The satisfaction survey's address, added when sent (web.outbox.render_email).
    "feedback_link",
    "shared",
    "forwarded_on",
    "review_window",
}


def test_statuses_keep_the_values_already_stored():
    assert Status.RECEIVED == "received"
    assert Status.WITHDRAWN == "withdrawn"
    assert len(Status) == 20
    assert set(STATUS_LABELS) == set(Status)


def test_every_action_names_roles_staff_can_have():
    # One source of role names now (reviews.workflow); what could still drift is an action
    # naming a role no account can hold, which would make it unreachable.
    for action in ACTIONS.values():
        assert action.roles and set(action.roles) <= set(ROLES), action.name


def test_every_action_is_well_formed():
    for name, action in ACTIONS.items():
        assert action.name == name and re.fullmatch(r"[a-z_]+", name)
        assert action.label[0].isupper() and not action.label.endswith(".")
        assert action.from_statuses and action.from_statuses <= set(Status)
        assert action.roles <= {CASEWORKER, TEAM_LEADER, ADMIN}
        assert len(set(action.field_names)) == len(action.form)
        for spec in action.form:
            assert spec.label and (spec.missing or not spec.required), (name, spec.name)
        if action.email:
            assert (EMAILS / f"{action.email}.txt").is_file(), action.email
            assert action.changes_status, "an email goes with a timeline entry"


def test_roles():
    team_leader_only = {name for name, a in ACTIONS.items() if a.roles == {TEAM_LEADER}}
    assert team_leader_only == {"allocate", "return_for_changes", "approve_decision"}
    # Admins reopen after judicial review, and hand on the cases of someone who leaves.
    assert {name for name, a in ACTIONS.items() if ADMIN in a.roles} == {"reopen", "reassign"}
    assert ACTIONS["reopen"].roles == ACTIONS["reassign"].roles == {ADMIN, TEAM_LEADER}
    assert not [name for name, a in ACTIONS.items() if AUDITOR in a.roles]
    others = set(ACTIONS) - team_leader_only - {"reopen", "reassign"}
    assert all(ACTIONS[name].roles == {CASEWORKER, TEAM_LEADER} for name in others)


def test_only_recording_actions_keep_the_status():
    keep = {name for name, action in ACTIONS.items() if not action.changes_status}
    assert keep == {"chase_mps_info", "set_allocation_month", "chase_met_response", "reassign"}


def test_issuing_the_decision_leads_to_upheld_or_not_upheld():
    assert ACTIONS["issue_decision"].to_statuses == {Status.NOT_UPHELD, Status.UPHELD}


def _graph() -> dict[Status, set[Status]]:
    graph: dict[Status, set[Status]] = {status: set() for status in Status}
    for action in ACTIONS.values():
        for status in action.from_statuses:
            graph[status] |= action.to_statuses
    return graph


def _reachable(start: Status, graph, avoiding=frozenset()) -> set[Status]:
    seen, todo = {start}, [start]
    while todo:
        for following in graph[todo.pop()] - seen - avoiding:
            seen.add(following)
            todo.append(following)
    return seen


def test_every_status_can_be_reached_from_received():
    assert _reachable(Status.RECEIVED, _graph()) == set(Status)


def test_finished_statuses_lead_nowhere_except_a_reopened_closed_one():
    graph = _graph()
    for status in FINISHED - {Status.CLOSED}:
        assert graph[status] == set(), status
    assert graph[Status.CLOSED] == {Status.UNDER_REVIEW}
    # Reopening (rule D: "Re-decision following JR") is only for a decision that was sent.
    assert ACTIONS["reopen"].from_statuses == {
        Status.NOT_UPHELD,
        Status.UPHELD,
        Status.RESPONSE_SHARED,
        Status.CLOSED,
    }


def test_withdrawal_is_open_exactly_until_the_decision_is_sent():
    graph = _graph()
    decided = {Status.NOT_UPHELD, Status.UPHELD}
    # Statuses on the way to a decision: reachable from received without passing one.
    before = _reachable(Status.RECEIVED, graph, avoiding=frozenset(decided | FINISHED))
    assert before == WITHDRAWABLE
    assert ACTIONS["withdraw"].from_statuses == WITHDRAWABLE
    assert tracking.WITHDRAWABLE == WITHDRAWABLE
    assert not WITHDRAWABLE & (decided | FINISHED | {Status.RESPONSE_SHARED})


def test_every_status_has_a_tracker_stage():
    assert set(tracking.STAGES) == set(Status)
    titles = {status: stage.title for status, stage in tracking.STAGES.items()}
    assert set(titles.values()) == {
        "Received",
        "Checking your request",
        "Waiting for information",
        "In the queue",
        "Being reviewed",
        "Decision sent",
        "Closed",
        "Transferred to the IOPC",
        "Withdrawn",
    }
    assert titles[Status.NO_RIGHT_OF_REVIEW] == titles[Status.REFUSED_LATE] == "Closed"
    waiting_for_you = tracking.STAGES[Status.AWAITING_APPLICANT_INFO]
    waiting_for_mps = tracking.STAGES[Status.AWAITING_MPS_INFO]
    assert waiting_for_you.title == waiting_for_mps.title
    assert waiting_for_you.what_happens_next != waiting_for_mps.what_happens_next
    assert "Send us" in waiting_for_you.needed_from_you
    for stage in tracking.STAGES.values():
        assert stage.what_happens_next.endswith(".") and stage.needed_from_you


def test_email_templates_hold_only_the_reference_dates_and_a_link():
    for action in ACTIONS.values():
        if not action.email:
            continue
        text = (EMAILS / f"{action.email}.txt").read_text()
        subject = text.splitlines()[0]
        assert "{{ reference }}" in subject
        assert set(re.findall(r"{{\s*(\w+)", text)) <= EMAIL_PLACEHOLDERS
        assert "{{ link }}" in text
        assert "{%" not in text


def test_choices_are_the_codes_the_rules_name():
    assert set(VALIDITY_REASONS) == {
        "no-right-of-review",
        "not-mps",
        "before-2020",
        "no-final-outcome",
        "withdrawn",
        "duplicate",
    }
    assert set(RECOMMENDATIONS) == {
        "handle-again",
        "explanation",
        "apology",
        "return-property",
        "review-policy",
        "other",
    }
    form = {spec.name: spec for spec in ACTIONS["record_decision"].form}
    assert dict(form["recommendations"].choices) == RECOMMENDATIONS
    assert [spec.name for spec in form.values() if spec.required] == [
        "outcome_reasonable",
        "decision_reasons",
    ]


# Checking the details staff give.


def test_a_required_detail_must_be_given():
    spec = Field("reason", "Why?", TEXTAREA, missing="Enter why")
    for empty in (None, "", "   ", []):
        with pytest.raises(TransitionRefused, match="Enter why"):
            spec.clean(empty)
    assert spec.clean("  Because.  ") == "Because."


def test_optional_details_have_empty_values():
    assert Field("a", "A", TEXTAREA, required=False).clean(None) is None
    assert Field("b", "B", YES_NO, required=False).clean(None) is False
    assert Field("c", "C", CHOICES, required=False, choices=(("x", "X"),)).clean(None) == []


def test_text_has_a_length_limit():
    with pytest.raises(TransitionRefused, match="200 characters or fewer"):
        Field("name", "Name", TEXT).clean("x" * 201)
    assert Field("body", "Body", TEXTAREA).clean("x" * 10_000) == "x" * 10_000
    with pytest.raises(TransitionRefused, match="must be text"):
        Field("body", "Body", TEXTAREA).clean(12)


def test_dates():
    spec = Field("due_on", "Due", DATE)
    assert spec.clean(date(2026, 3, 4)) == date(2026, 3, 4)
    assert spec.clean("2026-03-04") == date(2026, 3, 4)
    for wrong in ("4 March", "2026-02-30", datetime(2026, 3, 4, tzinfo=UTC), 3):
        with pytest.raises(TransitionRefused, match="must be a real date"):
            spec.clean(wrong)


def test_a_month_keeps_its_first_day():
    assert Field("month", "Month", MONTH).clean(date(2026, 11, 17)) == date(2026, 11, 1)


def test_yes_or_no():
    spec = Field("ok", "OK?", YES_NO)
    assert spec.clean(True) is True and spec.clean(False) is False
    assert spec.clean("yes") is True and spec.clean("No") is False
    with pytest.raises(TransitionRefused, match="select yes or no"):
        spec.clean("maybe")


@given(st.lists(st.sampled_from([*RECOMMENDATIONS, "compensation"])))
def test_several_choices_come_back_once_each_in_listed_order(chosen):
    spec = Field(
        "recommendations", "Recommendations", CHOICES, choices=tuple(RECOMMENDATIONS.items())
    )
    if "compensation" in chosen:
        with pytest.raises(TransitionRefused):
            spec.clean(chosen)
        return
    cleaned = spec.clean(chosen) if chosen else []
    assert cleaned == [code for code in RECOMMENDATIONS if code in chosen]


def test_one_choice_must_be_an_option():
    spec = ACTIONS["decide_invalid"].form[0]
    assert spec.clean("not-mps") == "not-mps"
    with pytest.raises(TransitionRefused, match="Select why MOPAC cannot review it"):
        spec.clean("bored")
