"""`make bench`: how fast the pages people use most are served, measured, not guessed.

Builds a throwaway SQLite database with the migrations, fills it with review requests, then
times requests through the WSGI app in this process (no network) and prints the median and
95th percentile for each, and how many SQL queries each page makes. Nothing here is a test:
it reports, it does not pass or fail.
"""

from __future__ import annotations

import logging
import re
import secrets
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import event, select

from reviews import clock
from reviews.database import db
from reviews.models import ReviewRequest
from reviews.references import new_reference
from reviews.staff_accounts import create_staff_user, current_totp_step, new_totp_secret, totp_code
from web import create_app

ROUNDS = 200
REQUESTS_IN_DATABASE = 2000
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def seed(count: int) -> None:
    today = clock.today()
    for number in range(count):
        db.session.add(
            ReviewRequest(
                reference=new_reference(),
                status="received",
                submitted_at=clock.now() - timedelta(hours=number),
                acknowledgement_due=today,
                made_on_or_after_scheme_start="yes",
                review_body_named="mopac",
                letter_date=today - timedelta(days=number % 60),
                is_late=number % 60 > 28,
                requester_role="complainant",
                requester_name=f"Sam Example{number}",
                requester_email=f"person{number}@example.com",
                preferred_contact="email",
                complainant_name="Sam Example",
                updates_to="requester",
                consent="not-needed",
                mps_reference=f"CO/{number:05d}/25",
                complaint_summary="A summary.",
                why_unhappy="Reasons.",
                adjustments=[],
                recommendations=[],
            )
        )
    db.session.commit()


def signed_in_team_leader(app: Flask) -> FlaskClient:
    """A client signed in the way a person signs in: password, then a code from their app."""
    password = secrets.token_urlsafe(16)
    with app.app_context():
        user = create_staff_user(
            email="leader@example.org", name="Team Leader", role="team-leader", password=password
        )
        user.totp_secret = new_totp_secret()
        user.totp_enrolled_at = clock.now()
        db.session.commit()
        secret = user.totp_secret
    client = app.test_client()
    token = TOKEN.search(client.get("/staff/sign-in").text).group(1)
    client.post(
        "/staff/sign-in",
        data={"csrf_token": token, "email": "leader@example.org", "password": password},
    )
    token = TOKEN.search(client.get("/staff/two-factor").text).group(1)
    code = totp_code(secret, current_totp_step())
    signed_in = client.post("/staff/two-factor", data={"csrf_token": token, "code": code})
    assert signed_in.status_code == 302 and "sign-in" not in signed_in.location
    return client


def measure(label: str, call, queries: list[int]) -> None:
    timings = []
    counted = []
    for _ in range(ROUNDS):
        queries.clear()
        started = time.perf_counter()
        response = call()
        timings.append((time.perf_counter() - started) * 1000)
        counted.append(len(queries))
        assert response.status_code < 400, (label, response.status_code)
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(
        f"{label:<50} median {statistics.median(timings):6.2f} ms   "
        f"p95 {p95:6.2f} ms   queries {max(counted)}"
    )


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="reviews-bench-"))
    app = create_app(
        {
            "APP_ENV": "test",
            "SECRET_KEY": secrets.token_hex(16),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.db'}",
            "INSTANCE_PATH": str(folder),
            "RATELIMIT_ENABLED": False,
        }
    )
    # The request log would print a line per timed request.
    logging.getLogger("reviews.request").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    queries: list[int] = []
    with app.app_context():
        upgrade()
        seed(REQUESTS_IN_DATABASE)
        event.listen(db.engine, "before_cursor_execute", lambda *args: queries.append(1))
    client = app.test_client()
    print(f"{ROUNDS} rounds each, {REQUESTS_IN_DATABASE} review requests in SQLite\n")
    measure("GET / (start page)", lambda: client.get("/"), queries)
    measure(
        "GET /request/about-the-met (first question)",
        lambda: client.get("/request/about-the-met"),
        queries,
    )
    token = TOKEN.search(client.get("/request/about-the-met").text).group(1)
    measure(
        "POST /request/about-the-met (save an answer)",
        lambda: client.post(
            "/request/about-the-met", data={"csrf_token": token, "about_met": "yes"}
        ),
        queries,
    )
    measure("GET /track (look-up form)", lambda: client.get("/track"), queries)
    with app.app_context():
        reference = db.session.scalar(select(ReviewRequest.reference).limit(1))
    tracker = app.test_client()
    look_up = {"reference": reference, "surname": "Example"}

    def look_up_from_the_form():
        # A look-up starts a fresh session, so each round fetches the form for a new token.
        token = TOKEN.search(tracker.get("/track").text).group(1)
        return tracker.post("/track", data={**look_up, "csrf_token": token})

    measure("GET and POST /track (look a request up)", look_up_from_the_form, queries)
    measure(
        "GET /track/your-request (status and timeline)",
        lambda: tracker.get("/track/your-request"),
        queries,
    )
    measure("GET /readyz", lambda: client.get("/readyz"), queries)

    staff = signed_in_team_leader(app)
    measure("GET /staff/ (dashboard)", lambda: staff.get("/staff/"), queries)
    measure(
        "GET /staff/requests (queue, first page)", lambda: staff.get("/staff/requests"), queries
    )
    measure(
        "GET /staff/requests?page=40 (queue, a late page)",
        lambda: staff.get("/staff/requests?page=40"),
        queries,
    )
    with app.app_context():
        request_id = db.session.scalar(select(ReviewRequest.id).limit(1))
    measure(
        "GET /staff/requests/<id> (a request)",
        lambda: staff.get(f"/staff/requests/{request_id}"),
        queries,
    )


if __name__ == "__main__":
    main()
