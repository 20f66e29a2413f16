"""Retention: a finished request past its period is cut down to a stub with no personal data,
what belonged to it is deleted, and the audit log loses the personal details it held; held
requests are untouched; a dry run changes nothing. Rows are aged by moving the clock."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

import pytest
from sqlalchemy import LargeBinary, String, Text, func, select, text
from sqlalchemy.exc import DatabaseError
from sqlalchemy.types import JSON

from reviews import clock
from reviews.database import db
from reviews.legal_hold import (
    RetentionRefused,
    erase_request,
    lift_legal_hold,
    place_legal_hold,
)
from reviews.models import (
    AccessibleFormatRequest,
    AuditEvent,
    CallbackRequest,
    Document,
    InternalNote,
    OutboxMessage,
    RequesterMessage,
    ReviewRequest,
    SignInAttempt,
    StaffUser,
)
from reviews.notifications import queue_email
from reviews.retention import RetentionSchedule, apply_retention
from reviews.workflow import Status, perform
from tests.requests_data import make_request
from tests.workflow_steps import staff_request

SCHEDULE = RetentionSchedule()
# Typed into the request, its messages and staff's notes: none may be left anywhere after.
MARKERS = {
    "requester_name": "Quillon Marksworth",
    "requester_email": "quillon.marksworth@example.com",
    "requester_phone": "07700 900123",
    "requester_address": "12 Markerstreet Road",
    "complainant_name": "Quillon Marksworth",
    "mps_reference": "CO/98765/25",
    "complaint_summary": "Zebrafinch officers searched my flat.",
    "why_unhappy": "Nobody read my Zebrafinch statement.",
    "desired_outcome": "An apology about the Zebrafinch search.",
    "other_adjustment": "Zebrafinch hearing loop",
    "callback_times": "Mornings, Zebrafinch",
}
MARKER_WORDS = ("Quillon", "Marksworth", "Zebrafinch", "Markerstreet", "98765", "900123")


def years_after(day: date, years: int) -> date:
    return day.replace(year=day.year + years)


def move_to(day: date) -> None:
    """Move the clock forward to the same time of day on `day`."""
    clock.advance(timedelta(days=(day - clock.today()).days))


def past_the_period(years: int = SCHEDULE.closed_request_years) -> None:
    """The first day retention may take a request that finished today."""
    move_to(years_after(clock.today(), years))


def staff(app, role: str, email: str) -> int:
    with app.app_context():
        user = StaffUser(email=email, name=f"A {role}", role=role, password_hash="x")
        db.session.add(user)
        db.session.commit()
        return user.id


def a_full_request(app, caseworker_id: int, status_after: str = "withdraw") -> int:
    """A request with every kind of thing that belongs to it, each holding the markers, viewed
    by staff (audit rows) and then withdrawn (a finished status) with a reason."""
    with staff_request(app):
        review_request = make_request(**MARKERS, adjustments=["other"])
        worker = db.session.get(StaffUser, caseworker_id)
        content = b"%PDF-1.4 Zebrafinch letter"
        db.session.add_all(
            [
                Document(
                    review_request=review_request,
                    kind="outcome-letter",
                    filename="zebrafinch-letter.pdf",
                    content_type="application/pdf",
                    size=len(content),
                    sha256=hashlib.sha256(content).hexdigest(),
                    content=content,
                ),
                RequesterMessage(review_request=review_request, body="More Zebrafinch detail"),
                InternalNote(
                    review_request=review_request, author_id=caseworker_id, body="Zebrafinch call"
                ),
                CallbackRequest(
                    review_request=review_request,
                    source="review-request",
                    name="Quillon Marksworth",
                    phone="07700 900123",
                    best_times="Zebrafinch mornings",
                ),
                AccessibleFormatRequest(
                    review_request=review_request,
                    submission_key="zebra-key",
                    document="The Zebrafinch letter",
                    format="large-print",
                    name="Quillon Marksworth",
                    preferred_contact="post",
                    address="12 Markerstreet Road",
                    due_on=clock.today(),
                ),
            ]
        )
        queue_email(
            "event:zebra",
            "request_received",
            "quillon.marksworth@example.com",
            {"reference": review_request.reference, "name": "Quillon Marksworth"},
            review_request=review_request,
        )
        from reviews.audit import record_audit

        record_audit("viewed-request", staff_user=worker, review_request=review_request)
        db.session.commit()
        perform(
            review_request,
            status_after,
            worker,
            clock.today(),
            reason="Letter from Quillon Marksworth: Zebrafinch settled it",
        )
        db.session.commit()
        return review_request.id


def text_columns_holding(words: tuple[str, ...]) -> list[tuple[str, str, str]]:
    """Every text, JSON and binary column of every table, searched for `words`."""
    found = []
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if not isinstance(column.type, String | Text | JSON | LargeBinary):
                continue
            for value in db.session.execute(select(column)).scalars():
                if value is None:
                    continue
                shown = value.decode("latin-1") if isinstance(value, bytes) else str(value)
                found += [
                    (table.name, column.name, word)
                    for word in words
                    if word.lower() in shown.lower()
                ]
    return found


def count(model, **where) -> int:
    query = select(func.count()).select_from(model)
    for name, value in where.items():
        query = query.where(getattr(model, name) == value)
    return db.session.scalar(query)


@pytest.fixture
def caseworker_id(app) -> int:
    return staff(app, "caseworker", "casey@example.org")


def test_a_finished_request_past_its_period_becomes_a_stub_with_nothing_personal(
    app, caseworker_id
):
    request_id = a_full_request(app, caseworker_id)
    past_the_period()
    with app.app_context():
        reference = db.session.get(ReviewRequest, request_id).reference
        views_before = count(AuditEvent, review_request_id=request_id)
        assert text_columns_holding(MARKER_WORDS), "the markers were never stored"

        report = apply_retention(SCHEDULE)
        db.session.commit()

        assert report.references == [reference]
        assert report.counts["requests anonymised"] == 1
        assert report.counts["documents"] == 1
        stub = db.session.get(ReviewRequest, request_id)
        assert stub.reference == reference and stub.status == Status.WITHDRAWN
        assert stub.anonymised_at is not None and stub.is_late is False
        assert stub.adjustments == []
        for model in (
            Document,
            RequesterMessage,
            InternalNote,
            CallbackRequest,
            AccessibleFormatRequest,
            OutboxMessage,
        ):
            assert count(model, review_request_id=request_id) == 0, model.__name__
        # The timeline and the audit trail stay, as figures: kinds, times and who.
        assert [entry.status for entry in stub.timeline] == ["received", "withdrawn"]
        assert count(AuditEvent, review_request_id=request_id) == views_before
        withdrawal = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "withdraw"))
        assert withdrawal.staff_user_id == caseworker_id
        assert withdrawal.detail["from"] == "received" and withdrawal.detail["to"] == "withdrawn"
        assert "reason" not in withdrawal.detail
        assert text_columns_holding(MARKER_WORDS) == []
        # The run itself is audited: kinds and counts, never whose.
        run = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "applied-retention"))
        assert run.detail["counts"]["requests anonymised"] == 1
        assert reference not in str(run.detail) and run.review_request_id is None


def test_a_request_still_in_its_period_or_still_open_is_kept(app, caseworker_id):
    request_id = a_full_request(app, caseworker_id)
    with app.app_context():
        open_id = make_request(**MARKERS).id
    finished = clock.today()
    move_to(years_after(finished, SCHEDULE.closed_request_years) - timedelta(days=1))
    with app.app_context():
        report = apply_retention(SCHEDULE)
        db.session.commit()
        assert report.references == []
        assert db.session.get(ReviewRequest, request_id).requester_name == "Quillon Marksworth"
        assert count(Document, review_request_id=request_id) == 1
    move_to(years_after(finished, SCHEDULE.closed_request_years))
    with app.app_context():
        apply_retention(SCHEDULE)
        db.session.commit()
        assert db.session.get(ReviewRequest, request_id).anonymised_at is not None
        # Open for years, but not finished: nothing starts its period.
        assert db.session.get(ReviewRequest, open_id).requester_name == "Quillon Marksworth"


def test_the_period_of_a_closed_request_runs_from_its_closing_date(app):
    with app.app_context():
        closed = make_request(Status.CLOSED, **MARKERS, closed_on=clock.today())
        # Closed long ago: already due, whatever the timeline says.
        old = make_request(
            Status.CLOSED,
            **MARKERS,
            closed_on=years_after(clock.today(), -SCHEDULE.closed_request_years),
            submitted_at=clock.now() - timedelta(days=366 * (SCHEDULE.closed_request_years + 1)),
        )
        report = apply_retention(SCHEDULE)
        db.session.commit()
        assert report.references == [old.reference]
        assert closed.anonymised_at is None


def test_a_held_request_is_untouched_until_the_hold_is_lifted(app, caseworker_id):
    leader_id = staff(app, "team-leader", "tam@example.org")
    request_id = a_full_request(app, caseworker_id)
    with staff_request(app):
        leader = db.session.get(StaffUser, leader_id)
        place_legal_hold(
            db.session.get(ReviewRequest, request_id), leader, "Claim for judicial review"
        )
        db.session.commit()
    past_the_period()
    with app.app_context():
        report = apply_retention(SCHEDULE)
        db.session.commit()
        held = db.session.get(ReviewRequest, request_id)
        assert report.references == [] and report.held == 1
        assert held.requester_name == "Quillon Marksworth" and held.anonymised_at is None
        assert count(Document, review_request_id=request_id) == 1
        with pytest.raises(RetentionRefused):
            erase_request(held, db.session.get(StaffUser, leader_id), "asked to")
    with staff_request(app):
        leader = db.session.get(StaffUser, leader_id)
        lift_legal_hold(db.session.get(ReviewRequest, request_id), leader, "Claim settled")
        db.session.commit()
        actions = [
            (event.action, event.staff_user_id)
            for event in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))
        ]
        assert ("placed-legal-hold", leader_id) in actions
        assert ("lifted-legal-hold", leader_id) in actions
        assert apply_retention(SCHEDULE).references == [held_reference(request_id)]
        db.session.commit()


def held_reference(request_id: int) -> str:
    return db.session.get(ReviewRequest, request_id).reference


def test_a_dry_run_lists_what_would_go_and_changes_nothing(app, caseworker_id):
    request_id = a_full_request(app, caseworker_id)
    past_the_period()
    with app.app_context():
        audit_rows = count(AuditEvent)
        report = apply_retention(SCHEDULE, dry_run=True)
        db.session.commit()
        assert report.dry_run and report.references == [held_reference(request_id)]
        assert report.counts["requests anonymised"] == 1 and report.counts["documents"] == 1
        assert db.session.get(ReviewRequest, request_id).anonymised_at is None
        assert count(Document, review_request_id=request_id) == 1
        assert count(AuditEvent) == audit_rows + 1  # the dry run itself, and nothing else
        assert len(text_columns_holding(MARKER_WORDS)) > 5


def test_erasure_deletes_a_request_staff_viewed_now(app, caseworker_id):
    """Erasure on request goes the same way, at once, whatever the schedule; audit rows that
    point at the request (it was viewed) do not stand in the way."""
    admin_id = staff(app, "admin", "ada@example.org")
    request_id = a_full_request(app, caseworker_id)
    with staff_request(app):
        review_request = db.session.get(ReviewRequest, request_id)
        counts = erase_request(review_request, db.session.get(StaffUser, admin_id), "Art 17 ask")
        db.session.commit()
        assert counts["documents"] == 1
        assert text_columns_holding(MARKER_WORDS) == []
        erased = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "erased-request"))
        assert erased.staff_user_id == admin_id and erased.review_request_id == request_id


def test_sign_in_attempts_message_content_and_old_audit_events_have_their_own_periods(app):
    with app.app_context():
        db.session.add(SignInAttempt(succeeded=False, stage="password", ip_address="192.0.2.9"))
        queue_email("event:sent", "request_received", "someone@example.com", {"name": "Zed"})
        db.session.add(AuditEvent(action="signed-out", detail={}))
        db.session.commit()
        db.session.execute(
            OutboxMessage.__table__.update().values(status="sent", sent_at=clock.now())
        )
        db.session.commit()
    clock.advance(timedelta(days=SCHEDULE.sign_in_attempt_days + 1))
    with app.app_context():
        report = apply_retention(SCHEDULE)
        db.session.commit()
        assert report.counts["sign-in attempts"] == 1 and count(SignInAttempt) == 0
        message = db.session.scalar(select(OutboxMessage))
        assert message.personalisation == {} and message.recipient == ""
        assert message.status == "sent"
        assert count(AuditEvent, action="signed-out") == 1
    move_to(years_after(clock.today(), SCHEDULE.audit_event_years))
    with app.app_context():
        report = apply_retention(SCHEDULE)
        db.session.commit()
        assert report.counts["audit events"] >= 1
        assert count(AuditEvent, action="signed-out") == 0


def test_a_queued_or_failed_message_keeps_its_content_until_dealt_with(app):
    with app.app_context():
        queue_email("event:queued", "request_received", "someone@example.com", {"name": "Zed"})
        queue_email("event:failed", "request_received", "other@example.com", {"name": "Zed"})
        db.session.execute(
            OutboxMessage.__table__.update()
            .where(OutboxMessage.event_key == "event:failed")
            .values(status="failed")
        )
        db.session.commit()
        apply_retention(SCHEDULE)
        db.session.commit()
        assert {m.recipient for m in db.session.scalars(select(OutboxMessage))} == {
            "someone@example.com",
            "other@example.com",
        }
        failed = db.session.scalar(
            select(OutboxMessage).where(OutboxMessage.event_key == "event:failed")
        )
        failed.dealt_with_at = clock.now()
        db.session.commit()
        apply_retention(SCHEDULE)
        db.session.commit()
        assert failed.recipient == "" and failed.personalisation == {}


def test_the_audit_log_is_append_only_again_after_a_run(app, caseworker_id):
    a_full_request(app, caseworker_id)
    past_the_period()
    with app.app_context():
        apply_retention(SCHEDULE)
        db.session.commit()
        for statement in ("UPDATE audit_events SET action = 'x'", "DELETE FROM audit_events"):
            with pytest.raises(DatabaseError):
                db.session.execute(text(statement))
            db.session.rollback()


def test_the_worker_applies_the_schedule_once_a_day(app, caseworker_id):
    from web.worker import Worker

    a_full_request(app, caseworker_id)
    past_the_period()
    with app.app_context():
        worker = Worker(name="test-worker")
        first = worker.run_round()
        assert first.failed == [] and first.retention is not None
        assert first.retention.counts["requests anonymised"] == 1
        assert worker.run_round().retention is None
        clock.advance(timedelta(hours=23))
        assert worker.run_round().retention is None
        clock.advance(timedelta(hours=1))
        assert worker.run_round().retention is not None
        assert text_columns_holding(MARKER_WORDS) == []


def test_the_command_applies_the_schedule_or_only_lists_what_would_go(app, caseworker_id):
    request_id = a_full_request(app, caseworker_id)
    past_the_period()
    runner = app.test_cli_runner()
    with app.app_context():
        reference = held_reference(request_id)

    dry = runner.invoke(args=["reviews", "apply-retention", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Dry run: nothing was changed." in dry.output
    assert "requests anonymised: 1" in dry.output and reference in dry.output
    with app.app_context():
        assert db.session.get(ReviewRequest, request_id).anonymised_at is None

    done = runner.invoke(args=["reviews", "apply-retention"])
    assert done.exit_code == 0, done.output
    assert "requests anonymised: 1" in done.output and "Dry run" not in done.output
    with app.app_context():
        assert db.session.get(ReviewRequest, request_id).anonymised_at is not None


def test_calls_and_formats_asked_for_without_a_request_go_once_done_and_old(app, caseworker_id):
    from reviews.models import CallbackAttempt

    with app.app_context():
        done_call = CallbackRequest(
            source="accessibility", name="Quillon Marksworth", phone="07700 900123"
        )
        open_call = CallbackRequest(source="accessibility", name="Open Caller", phone="0")
        done_format = AccessibleFormatRequest(
            submission_key="done",
            document="Zebrafinch leaflet",
            format="braille",
            name="Quillon Marksworth",
            preferred_contact="post",
            due_on=clock.today(),
        )
        db.session.add_all([done_call, open_call, done_format])
        db.session.flush()
        db.session.add(
            CallbackAttempt(
                callback_request_id=done_call.id, staff_user_id=caseworker_id, result="no-answer"
            )
        )
        done_call.status, done_call.closed_at = "done", clock.now()
        done_format.status, done_format.completed_at = "done", clock.now()
        db.session.commit()
    finished = clock.today()
    move_to(years_after(finished, SCHEDULE.closed_request_years) - timedelta(days=1))
    with app.app_context():
        assert apply_retention(SCHEDULE).counts["call requests"] == 0
        db.session.commit()
    move_to(years_after(finished, SCHEDULE.closed_request_years))
    with app.app_context():
        report = apply_retention(SCHEDULE)
        db.session.commit()
        assert (report.counts["call requests"], report.counts["format requests"]) == (1, 1)
        assert [call.name for call in db.session.scalars(select(CallbackRequest))] == [
            "Open Caller"
        ]
        assert text_columns_holding(MARKER_WORDS) == []


def test_survey_answers_go_once_their_month_is_past_the_period(app):
    from reviews.models import SurveyAnswer
    from reviews.survey import record_answer

    with app.app_context():
        record_answer("after-request", "satisfied", "An old comment", clock.today())
        db.session.commit()
    clock.advance(timedelta(days=SCHEDULE.survey_answer_days))
    with app.app_context():
        record_answer("after-request", "satisfied", None, clock.today())
        db.session.commit()
        assert apply_retention(SCHEDULE, dry_run=True).counts["survey answers"] == 0
    clock.advance(timedelta(days=40))
    with app.app_context():
        report = apply_retention(SCHEDULE)
        db.session.commit()
        assert report.counts["survey answers"] == 1
        assert [a.comment for a in db.session.scalars(select(SurveyAnswer))] == [None]
