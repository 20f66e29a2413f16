"""The reports pages under load: 100,000 review requests, then the staff reports page (a year,
and its CSV) and the public statistics page, timed.

For scripts/bench.py to call (`seed_for_reports(count)` in an app context, then
`measure_reports(client, measure, queries)` with a signed-in team leader), or on its own:
`python scripts/bench_reports.py [count]`. The requests are written in batches straight into
the tables (not one ORM object at a time), spread over the two years before today, with the
facts the reports add up: validity, lateness, acknowledgement, allocation and decision dates.
"""

from __future__ import annotations

import logging
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from reviews import clock
from reviews.database import db
from reviews.models import ReviewRequest, StaffUser, TimelineEntry
from reviews.rules import acknowledgement_due, add_working_days
from reviews.workflow import VALIDITY_REASONS, Status

REQUESTS_FOR_REPORTS = 100_000
BATCH = 5_000
ROUNDS = 5
PAGES = (
    ("GET /staff/reports (a year of figures)", "/staff/reports"),
    ("GET /staff/reports?download=timings (CSV)", "/staff/reports?download=timings"),
    ("GET /statistics (public, four quarters)", "/statistics"),
)

_REASONS = list(VALIDITY_REASONS)


def _request(number: int, today: date, owners: list[int]) -> tuple[dict[str, Any], date | None]:
    """One request's columns, and the day it was allocated (None if it was not)."""
    received = today - timedelta(days=number % 730)
    submitted_at = datetime.combine(received, datetime.min.time(), tzinfo=clock.LONDON) + (
        timedelta(minutes=number % 1440)
    )
    kind = number % 10
    acknowledged = add_working_days(received, 1 + number % 7) if kind else None
    decided = kind >= 5 and received < today - timedelta(days=120)
    allocated = add_working_days(received, 20 + number % 30) if decided else None
    columns = {
        "reference": f"BENCH-{number:08d}",
        "status": Status.UPHELD if decided and number % 3 == 0 else Status.ACKNOWLEDGED,
        "submitted_at": submitted_at,
        "acknowledgement_due": acknowledgement_due(received),
        "acknowledged_on": acknowledged if acknowledged and acknowledged <= today else None,
        "made_on_or_after_scheme_start": "yes",
        "review_body_named": "mopac",
        "letter_date": received - timedelta(days=number % 40),
        "is_late": number % 40 > 28,
        "late_decision": ("accepted" if number % 2 else "refused") if number % 40 > 36 else None,
        "requester_role": "complainant",
        "requester_name": f"Sam Example{number}",
        "preferred_contact": "email",
        "complainant_name": "Sam Example",
        "updates_to": "requester",
        "consent": "not-needed",
        "complaint_summary": "A summary.",
        "why_unhappy": "Reasons.",
        "adjustments": [],
        "recommendations": [],
        "validity": "valid" if kind >= 3 else (_REASONS[number % len(_REASONS)] if kind else None),
        "forwarded_to_iopc_on": received + timedelta(days=3) if kind == 2 else None,
        "owner_id": owners[number % len(owners)] if decided else None,
        "decision_issued_on": add_working_days(allocated, 30) if allocated else None,
        "outcome_reasonable": (number % 3 != 0) if decided else None,
    }
    return columns, allocated


def seed_for_reports(count: int = REQUESTS_FOR_REPORTS) -> None:
    """`count` requests over the last two years, with their allocation timeline entries, and
    two caseworkers to own them. Run in an app context with migrated tables."""
    today = clock.today()
    owners = []
    for name in ("Casey Worker", "Chris Worker"):
        user = StaffUser(
            email=f"{name.split()[0].lower()}-{secrets.token_hex(4)}@example.org",
            name=name,
            role="caseworker",
            password_hash=secrets.token_hex(16),  # not a hash: nobody signs in as these
        )
        db.session.add(user)
        db.session.flush()
        owners.append(user.id)
    for start in range(0, count, BATCH):
        made = [
            _request(number, today, owners) for number in range(start, min(count, start + BATCH))
        ]
        db.session.execute(insert(ReviewRequest), [columns for columns, _ in made])
        ids = dict(
            db.session.execute(
                select(ReviewRequest.reference, ReviewRequest.id).where(
                    ReviewRequest.reference.in_([columns["reference"] for columns, _ in made])
                )
            ).all()
        )
        entries = [
            {
                "review_request_id": ids[columns["reference"]],
                "status": Status.ALLOCATED,
                "happened_at": datetime.combine(allocated, datetime.min.time(), tzinfo=clock.LONDON)
                + timedelta(hours=10),
            }
            for columns, allocated in made
            if allocated
        ]
        if entries:
            db.session.execute(insert(TimelineEntry), entries)
        db.session.commit()


Measure = Callable[[str, Callable[[], Any], list[int]], None]


def measure_reports(client: Any, measure: Measure | None = None, queries: list[int] | None = None):
    """Time the reports pages with `measure(label, call, queries)` (scripts/bench.py's), or with
    this module's own, fewer rounds: each page takes a good part of a second at 100,000."""
    measure = measure or _measure
    queries = queries if queries is not None else []
    for label, path in PAGES:
        measure(label, lambda path=path: client.get(path), queries)


def _measure(label: str, call: Callable[[], Any], queries: list[int]) -> None:
    timings = []
    for _ in range(ROUNDS):
        queries.clear()
        started = time.perf_counter()
        response = call()
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (label, response.status_code)
    print(
        f"{label:<50} median {statistics.median(timings):8.1f} ms   "
        f"slowest {max(timings):8.1f} ms   queries {len(queries)}"
    )


def main() -> None:
    # Imported here: scripts/bench.py imports this module for the two functions above.
    from bench import signed_in_team_leader
    from flask_migrate import upgrade
    from sqlalchemy import event

    from web import create_app

    count = int(sys.argv[1]) if len(sys.argv) > 1 else REQUESTS_FOR_REPORTS
    folder = Path(tempfile.mkdtemp(prefix="reviews-bench-reports-"))
    app = create_app(
        {
            "APP_ENV": "test",
            "SECRET_KEY": secrets.token_hex(16),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.db'}",
            "INSTANCE_PATH": str(folder),
            "RATELIMIT_ENABLED": False,
        }
    )
    logging.getLogger("reviews.request").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    queries: list[int] = []
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        seed_for_reports(count)
        print(f"seeded {count} requests in {time.perf_counter() - started:.1f} s")
        event.listen(db.engine, "before_cursor_execute", lambda *args: queries.append(1))
    measure_reports(signed_in_team_leader(app), queries=queries)


if __name__ == "__main__":
    main()
