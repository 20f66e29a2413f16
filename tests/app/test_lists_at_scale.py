"""The staff lists as they are read at scale (issue 15): each page of the queue in each order
(the last pages read from the end), the dashboard's lists and totals (from the tally the
database keeps), and searches (through the trigram indexes) give exactly the rows the plain
rules give; the tally stays right whatever writes the requests; and the queries read along an
index, never through every request."""

from __future__ import annotations

import re
import string
from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import delete, event, func, insert, select, update

from reviews import clock
from reviews.casework import DASHBOARD_ROWS, work_to_do
from reviews.database import db
from reviews.models import RequestTally, ReviewRequest, StaffUser
from reviews.references import format_reference, new_reference
from reviews.request_queue import OWNER_ME, OWNER_NOBODY, PAGE_SIZE, Filters, queue
from reviews.search import phone_digits
from reviews.workflow import FINISHED, Status
from reviews.workload import stages_of
from tests.requests_data import TODAY, make_request

STATUSES = [
    Status.RECEIVED,
    Status.ACKNOWLEDGED,
    Status.EXTENSION_CONSIDERED,
    Status.AWAITING_MPS_INFO,
    Status.UNDER_REVIEW,
    Status.CLOSED,
    Status.WITHDRAWN,
    Status.RECEIVED,
]
NAMES = ["Sam Example", "Ana Ãlvarez", "Rita Advocate", "Jo O'Neill", "Li 50% Wong", "Kim_Lee"]


@pytest.fixture
def people(app, caseworker, other_caseworker):
    """Seventy requests at many stages, owned by nobody, by the caseworker or by another, some
    received at the same moment or due on the same day, some due on no day."""
    owners = [None, caseworker.id, other_caseworker.id]
    start = clock.now() - timedelta(days=30)
    with app.app_context():
        for number in range(70):
            status = STATUSES[number % len(STATUSES)]
            make_request(
                status,
                # Every fifth pair arrives at the same moment: the id decides between them.
                submitted_at=start + timedelta(hours=number - number % 5 // 4),
                acknowledgement_due=TODAY + timedelta(days=number % 7 - 3),
                mps_info_due_on=TODAY + timedelta(days=number % 4 - 2),
                owner_id=owners[number % 3],
                is_late=number % 3 == 0,
                late_decision="accepted" if number % 9 == 0 else None,
                consent="awaited" if number % 5 == 0 else "not-needed",
                requester_name=f"{NAMES[number % len(NAMES)]} {number}",
                complainant_name=f"Pat Complainant{number}",
                representative_organisation="Southwark Law Centre" if number % 4 == 0 else None,
                requester_email=f"person{number}@example.org",
                requester_phone=f"+44 (0)20 7946 {number:04d}" if number % 2 else None,
                complainant_phone=f"07700 900{number:03d}" if number % 3 else None,
                mps_reference=f"CO/{number:05d}/25" if number % 6 else None,
            )
    return caseworker, other_caseworker


def _everything() -> list[ReviewRequest]:
    return list(db.session.scalars(select(ReviewRequest)))


def _visible(user: StaffUser, rows: list[ReviewRequest]) -> list[ReviewRequest]:
    if user.role == "caseworker":
        return [row for row in rows if row.owner_id in (None, user.id)]
    return rows


def _sorted(rows: list[ReviewRequest], sort: str, descending: bool) -> list[ReviewRequest]:
    """The queue's order as the rules state it: by the sort, requests with nothing due last
    whichever way, then by id the same way."""
    key = {"received": "submitted_at", "due": "next_due_on", "reference": "reference"}[sort]
    known = [row for row in rows if getattr(row, key) is not None]
    unknown = [row for row in rows if getattr(row, key) is None]
    known.sort(key=lambda row: (getattr(row, key), row.id), reverse=descending)
    unknown.sort(key=lambda row: row.id, reverse=descending)
    return known + unknown


def _queue_ids(user: StaffUser, filters: Filters) -> tuple[list[int], int, int]:
    page = queue(user, filters, TODAY)
    return [row[0].id for row in page.rows], page.total, page.page


@pytest.mark.parametrize("role", ["team_leader", "caseworker"])
def test_every_page_of_the_queue_in_every_order_is_as_the_rules_say(app, people, role, request):
    account = request.getfixturevalue(role)
    with app.app_context():
        user = db.session.get(StaffUser, account.id)
        everything = _everything()
        for status, owner, kept in [
            (None, None, lambda row: True),
            ("open", None, lambda row: row.status not in FINISHED),
            (Status.RECEIVED, None, lambda row: row.status == Status.RECEIVED),
            (None, OWNER_ME, lambda row: row.owner_id == user.id),
            (None, OWNER_NOBODY, lambda row: row.owner_id is None),
        ]:
            listed = [row for row in _visible(user, everything) if kept(row)]
            for sort in ("received", "due", "reference"):
                for descending in (False, True):
                    expected = [row.id for row in _sorted(listed, sort, descending)]
                    pages = max(1, -(-len(expected) // PAGE_SIZE))
                    # Every page, and one past the end (which shows the last).
                    for page in range(1, pages + 2):
                        filters = Filters(
                            status=status, owner=owner, sort=sort, descending=descending, page=page
                        )
                        shown = min(page, pages)
                        assert _queue_ids(user, filters) == (
                            expected[(shown - 1) * PAGE_SIZE : shown * PAGE_SIZE],
                            len(expected),
                            shown,
                        ), (status, owner, sort, descending, page)


def _phone(number: str | None) -> str:
    number = (number or "").replace("+44", "0").replace("(0)", "")
    return re.sub(r"[ \-().]", "", number)


def _compact(text: str) -> str:
    return re.sub(r"[^0-9A-Za-z]", "", text).upper()


def _lower(text: str) -> str:
    """Lower case as the database's lower() has it: SQLite's knows only ASCII letters."""
    if db.session.get_bind().dialect.name == "sqlite":
        return text.translate(str.maketrans(string.ascii_uppercase, string.ascii_lowercase))
    return text.lower()


def _matches(row: ReviewRequest, text: str) -> bool:
    """What a search matches, as reviews.search states it, worked out here in Python."""
    text = " ".join(text.split())
    texts = [
        row.requester_name,
        row.complainant_name,
        row.representative_organisation,
        row.requester_email,
        row.complainant_email,
    ]
    if any(_lower(text) in _lower(value or "") for value in texts):
        return True
    compact = _compact(text)
    has_digits = any(c.isdigit() for c in compact)
    if len(compact) >= 4 and has_digits and _compact(row.mps_reference or "") == compact:
        return True
    digits = phone_digits(text)
    if len(digits) >= 6 and not re.search(r"[A-Za-z@]", text):
        return any(
            digits in _phone(phone) for phone in (row.requester_phone, row.complainant_phone)
        )
    return False


SEARCHES = [
    "example",
    "SAM EX",
    "  sam   example 1 ",
    "ãlvarez",
    "o'neill",
    "50%",
    "kim_lee",
    "Southwark law",
    "@example.org",
    "person7@",
    "Complainant6",
    "pc",  # shorter than a trigram
    "02079460007",
    "+44 20 7946 0007",
    "(020) 7946-0007",
    "07700 900",
    "CO/00007/25",
    "co 00007 25",
    "co0000725",
    'Say "hello"',
    "nobody at all",
]


@pytest.mark.parametrize("role", ["team_leader", "caseworker"])
def test_a_search_finds_what_the_rules_say_in_the_queues_order(app, people, role, request):
    account = request.getfixturevalue(role)
    with app.app_context():
        user = db.session.get(StaffUser, account.id)
        visible = _visible(user, _everything())
        for text in SEARCHES:
            for descending in (False, True):
                expected = [
                    row.id
                    for row in _sorted(
                        [row for row in visible if _matches(row, text)], "received", descending
                    )
                ]
                for page in (1, 2, 9):
                    filters = Filters(search=text, descending=descending, page=page)
                    pages = max(1, -(-len(expected) // PAGE_SIZE))
                    shown = min(page, pages)
                    assert _queue_ids(user, filters) == (
                        expected[(shown - 1) * PAGE_SIZE : shown * PAGE_SIZE],
                        len(expected),
                        shown,
                    ), (text, descending, page)


def test_a_search_finds_a_request_by_its_reference_however_it_is_typed(app, people, team_leader):
    with app.app_context():
        user = db.session.get(StaffUser, team_leader.id)
        wanted = _everything()[17]
        shown = format_reference(wanted.reference)
        for text in (shown, shown.lower(), shown.replace("-", " "), wanted.reference, f" {shown} "):
            assert _queue_ids(user, Filters(search=text)) == ([wanted.id], 1, 1)


def test_a_search_follows_changes_to_what_it_looks_in(app, team_leader):
    with app.app_context():
        user = db.session.get(StaffUser, team_leader.id)
        review_request = make_request(requester_name="Mo Before", requester_phone="07700 900555")
        assert _queue_ids(user, Filters(search="mo before"))[0] == [review_request.id]
        review_request.requester_name = "Mo After"
        review_request.requester_phone = None
        db.session.commit()
        assert _queue_ids(user, Filters(search="mo before"))[0] == []
        assert _queue_ids(user, Filters(search="07700900555"))[0] == []
        assert _queue_ids(user, Filters(search="mo after"))[0] == [review_request.id]


def _first(rows: list[ReviewRequest], *keys: str) -> list[int]:
    ordered = sorted(rows, key=lambda row: (*(getattr(row, key) for key in keys), row.id))
    return [row.id for row in ordered[:DASHBOARD_ROWS]]


@pytest.mark.parametrize("role", ["team_leader", "caseworker"])
def test_the_dashboard_lists_and_counts_what_the_rules_say(app, people, role, request):
    account = request.getfixturevalue(role)
    with app.app_context():
        user = db.session.get(StaffUser, account.id)
        visible = _visible(user, _everything())
        unfinished = [row for row in visible if row.status not in FINISHED]
        work = work_to_do(user, TODAY)

        def section(name: str, rows: list[ReviewRequest], *keys: str) -> None:
            listed = getattr(work, name)
            assert ([row.id for row in listed.rows], listed.total) == (
                _first(rows, *keys),
                len(rows),
            ), name

        counts = Counter(row.status for row in visible)
        assert work.counts_by_status == [(s, counts[s]) for s in Status if counts[s]]
        received = [row for row in visible if row.status == Status.RECEIVED]
        section("to_acknowledge", received, "acknowledgement_due")
        late = [
            row
            for row in visible
            if row.is_late
            and row.late_decision is None
            and row.status in (Status.RECEIVED, Status.ACKNOWLEDGED, Status.EXTENSION_CONSIDERED)
        ]
        assert {row.status for row in late} == {
            Status.RECEIVED,
            Status.ACKNOWLEDGED,
            Status.EXTENSION_CONSIDERED,
        }
        section("late_to_decide", late, "submitted_at")
        section("mine", [row for row in unfinished if row.owner_id == user.id], "submitted_at")
        section(
            "consent_awaited", [r for r in unfinished if r.consent == "awaited"], "submitted_at"
        )
        section(
            "overdue",
            [row for row in unfinished if row.next_due_on and row.next_due_on < TODAY],
            "next_due_on",
        )
        section(
            "mps_overdue",
            [
                row
                for row in visible
                if row.status == Status.AWAITING_MPS_INFO and row.mps_info_due_on < TODAY
            ],
            "mps_info_due_on",
        )
        mine = Counter(row.status for row in unfinished if row.owner_id == user.id)
        assert stages_of(user) == [(s, mine[s]) for s in Status if mine[s]]


def _tallied() -> Counter:
    return Counter(
        {
            (status, owner, bool(late)): requests
            for status, owner, late, requests in db.session.execute(
                select(
                    RequestTally.status,
                    RequestTally.owner_key,
                    RequestTally.late_undecided,
                    RequestTally.requests,
                )
            )
            if requests
        }
    )


def _counted() -> Counter:
    return Counter(
        (row.status, row.owner_id or 0, bool(row.is_late and row.late_decision is None))
        for row in _everything()
    )


def test_the_tally_stays_right_whatever_writes_the_requests(app, people, caseworker):
    with app.app_context():
        assert _tallied() == _counted()
        # Through the models, as the workflow writes.
        first, second = _everything()[:2]
        first.status, first.owner_id = Status.CLOSED, caseworker.id
        second.late_decision = "refused"
        db.session.commit()
        assert _tallied() == _counted()
        # In bulk, as the bench seeds and scripts write.
        rows = [
            {**_bare(), "status": status, "owner_id": caseworker.id if n % 2 else None}
            for n, status in enumerate([Status.RECEIVED, Status.CLOSED, Status.RECEIVED])
        ]
        db.session.execute(insert(ReviewRequest), rows)
        db.session.execute(
            update(ReviewRequest)
            .where(ReviewRequest.status == Status.ACKNOWLEDGED)
            .values(status=Status.UNDER_REVIEW, is_late=True)
        )
        db.session.execute(delete(ReviewRequest).where(~ReviewRequest.timeline.any()))
        db.session.commit()
        assert _tallied() == _counted()
        assert db.session.scalar(select(func.count()).select_from(ReviewRequest)) == 70


def _bare() -> dict[str, Any]:
    return {
        "reference": new_reference(),
        "submitted_at": clock.now(),
        "acknowledgement_due": TODAY,
        "made_on_or_after_scheme_start": "yes",
        "review_body_named": "mopac",
        "is_late": True,
        "requester_role": "complainant",
        "requester_name": "Bulk Person",
        "preferred_contact": "email",
        "complainant_name": "Bulk Person",
        "updates_to": "requester",
        "consent": "not-needed",
        "complaint_summary": "A summary.",
        "why_unhappy": "Reasons.",
        "adjustments": [],
        "recommendations": [],
    }


# The plans ---------------------------------------------------------------------------------


def _statements(app, *calls) -> list[tuple[str, Any]]:
    """The statements that read review_requests while the calls ran, with their parameters."""
    seen: list[tuple[str, Any]] = []

    def keep(conn, cursor, statement, parameters, context, executemany) -> None:
        if "FROM review_requests" in statement and statement.lstrip().startswith("SELECT"):
            seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", keep)
    try:
        for call in calls:
            call()
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)
    return seen


def _plan(statement: str, parameters: Any, *, in_order: bool) -> list[str]:
    """The plan's lines. On PostgreSQL, with scans of a whole table and (if `in_order`) sorts
    priced out, so that the plan shows whether an index can give the rows at all: its planner
    rightly prefers a scan for a table of a few rows."""
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        plan = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
        return [row[3] for row in plan]
    connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
    if in_order:
        connection.exec_driver_sql("SET LOCAL enable_sort = off")
    try:
        return [row[0] for row in connection.exec_driver_sql(f"EXPLAIN {statement}", parameters)]
    finally:
        connection.exec_driver_sql("RESET enable_seqscan")
        connection.exec_driver_sql("RESET enable_sort")


def _reads_every_request(lines: list[str]) -> bool:
    return any(
        re.fullmatch(r"SCAN review_requests", line) or "Seq Scan on review_requests" in line
        for line in lines
    )


def _sorts(lines: list[str]) -> int:
    return sum(
        line == "USE TEMP B-TREE FOR ORDER BY" or bool(re.match(r"\s*(->\s*)?Sort  \(", line))
        for line in lines
    )


@pytest.mark.parametrize("role", ["team_leader", "caseworker"])
def test_the_queue_and_the_dashboard_read_along_an_index_in_their_order(app, people, role, request):
    account = request.getfixturevalue(role)
    with app.app_context():
        user = db.session.get(StaffUser, account.id)
        calls = [
            lambda: queue(user, Filters(sort=sort, descending=descending, page=page), TODAY)
            for sort in ("received", "due", "reference")
            for descending in (False, True)
            for page in (1, 3)  # the last page is read from the end
        ] + [
            lambda: queue(user, Filters(status="open"), TODAY),
            lambda: queue(user, Filters(status=Status.RECEIVED), TODAY),
            lambda: queue(user, Filters(status=Status.RECEIVED, sort="due"), TODAY),
            lambda: queue(user, Filters(status=Status.RECEIVED, sort="due", page=2), TODAY),
            lambda: work_to_do(user, TODAY),
        ]
        statements = _statements(app, *calls)
        assert len(statements) > 15
        for statement, parameters in statements:
            # Lists of few (overdue, awaited, news, bounced) are found by an index, then sorted;
            # the late requests are read stage by stage in order, then the few sorted together.
            few = "count(*) OVER ()" in statement or "review_requests.id IN" in statement
            stages = "UNION ALL" in statement
            lines = _plan(statement, parameters, in_order=not few or stages)
            assert not _reads_every_request(lines), (statement, lines)
            if stages:
                assert _sorts(lines) <= 1, (statement, lines)
            elif not few:
                assert not _sorts(lines), (statement, lines)


def test_a_search_reads_only_what_its_index_finds(app, people, team_leader):
    with app.app_context():
        user = db.session.get(StaffUser, team_leader.id)
        connection = db.session.connection()
        if (
            connection.dialect.name == "postgresql"
            and not connection.exec_driver_sql(
                "SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'"
            ).scalar()
        ):
            pytest.skip("pg_trgm is not installed here: searches read every request")
        for text in ("example 1", "02079460007", "CO/00007/25"):
            statements = _statements(app, lambda: queue(user, Filters(search=text), TODAY))
            for statement, parameters in statements:
                lines = _plan(statement, parameters, in_order=False)
                assert not _reads_every_request(lines), (text, lines)
                assert any("review_request_search" in line for line in lines), (text, lines)
