"""`make bench`: the busiest pages served as in production, side by side with a bare Flask app.

For each database (SQLite, then PostgreSQL) and each size (1,000 and 100,000 review requests,
seeded with bulk inserts) it starts the Procfile's web process,
`gunicorn --config python:web.gunicorn_conf wsgi:app` with APP_ENV=production, rate limits in
Redis (db 5), and beside it a bare Flask app (scripts/bench_app.py) under the same settings.
Rounds alternate the two, endpoint by endpoint, so both see the same machine. Each simulated
person has a session and an address of their own (X-Forwarded-For: the bench runs the app as
behind one proxy, PROXY_FIX_X_FOR=1), so rate limits stay on and are never hit.

It prints, and writes to docs/benchmarks.md, for each page: throughput and p50/p99 latency, each
as a ratio to the bare app; SQL statements per page (a counting pass, BENCH_COUNT_QUERIES=1);
the workers' memory (PSS); and each public page's first view compressed. Targets are reported
met or not met. All traffic goes to 127.0.0.1. Settings: BENCH_SIZES ("1000,100000"),
BENCH_ROUNDS (3), BENCH_REQUESTS (requests per page per round, 200), BENCH_CLIENTS (8),
BENCH_BACKENDS ("sqlite,postgresql"), BENCH_DATABASE_URL (the PostgreSQL server; a database
`reviews_bench` is created on it and dropped after), BENCH_REDIS_URL, BENCH_OUTPUT.
"""

from __future__ import annotations

import base64
import gzip
import http.client
import itertools
import math
import os
import platform
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit

import redis

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "scripts")]

SIZES = [int(n) for n in os.environ.get("BENCH_SIZES", "1000,100000").split(",")]
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "200"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "8"))
BACKENDS = os.environ.get("BENCH_BACKENDS", "sqlite,postgresql").split(",")
SERVER_URL = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
BENCH_DATABASE = "reviews_bench"
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/5")
OUTPUT = Path(os.environ.get("BENCH_OUTPUT", ROOT / "docs" / "benchmarks.md"))
# A full submission walks 23 pages first: fewer of them are timed.
SUBMISSIONS_PER_ROUND = max(CLIENTS, REQUESTS // 10)
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
ASSET = re.compile(r'(?:href|src)="(/static/[^"]+)"')
IMPORT = re.compile(r'from\s+"\./([^"]+)"')
LAST_PAGE = re.compile(r'href="/staff/requests\?page=(\d+)"')
GZIP = {"Accept-Encoding": "gzip"}

# The targets (issue 15): throughput as a share of the bare app's, at the least.
TARGETS = {"public": 0.5, "journey": 0.2, "staff": 0.1}
GROWTH_TARGET = 1.5  # staff pages at 100,000 requests: p50 within this of 1,000's
MEMORY_TARGET_MB = 100
FIRST_VIEW_TARGET = 35_000
PUBLIC_PAGES = ("/", "/request/who-is-asking", "/track", "/accessibility", "/privacy")

_addresses = itertools.count(1)


def new_address() -> str:
    """An address no other simulated person has (10.0.0.0/8: 16 million of them)."""
    n = next(_addresses)
    return f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"


# --- HTTP: one keep-alive connection a simulated person ----------------------------------------


class Person:
    """A browser without JavaScript: its own cookies and address, one keep-alive connection."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.address = new_address()
        self.cookies: dict[str, str] = {}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def request(
        self, method: str, path: str, form: dict | None = None, headers: dict | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        sent = {
            "X-Forwarded-For": self.address,
            "X-Forwarded-Proto": "https",
            "Host": "127.0.0.1",
            **(headers or {}),
        }
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            from urllib.parse import urlencode

            body = urlencode(form, doseq=True)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
            # Flask-WTF checks that a form sent over HTTPS came from this site's own page.
            sent["Referer"] = f"https://127.0.0.1{path}"
        for attempt in (1, 2):
            try:
                self.connection.request(method, path, body=body, headers=sent)
                response = self.connection.getresponse()
                data = response.read()
                break
            except (ConnectionError, http.client.HTTPException):
                # gunicorn closed the idle connection (keepalive): open another, once.
                self.connection.close()
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                if attempt == 2:
                    raise
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                pair = value.split(";", 1)[0]
                key, _, cookie = pair.partition("=")
                if "Max-Age=0" in value or "expires=Thu, 01 Jan 1970" in value:
                    self.cookies.pop(key.strip(), None)
                else:
                    self.cookies[key.strip()] = cookie
        return response.status, {k.lower(): v for k, v in response.getheaders()}, data

    def get(self, path: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
        return self.request("GET", path, headers=headers)

    def token(self, path: str) -> str:
        status, _, body = self.get(path)
        found = TOKEN.search(body.decode())
        if not found:
            raise RuntimeError(f"no form token on {path} ({status})")
        return found.group(1)

    def post(self, path: str, form: dict, token_from: str | None = None) -> tuple[int, dict, bytes]:
        token = self.token(token_from or path)
        return self.request("POST", path, {"csrf_token": token, **form})


# --- Timing ------------------------------------------------------------------------------------


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0
    queries: int | None = None

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1)] * 1000


def burst(calls: list[Callable[[], int]], expected: Callable[[int], bool], tally: Tally) -> None:
    """Run `calls` over CLIENTS threads as fast as they go; record each one's latency. Call i
    runs on thread i % CLIENTS, so a person's calls (`spread`) never overlap."""
    lock = threading.Lock()
    failures: list[str] = []

    def run(mine: list[Callable[[], int]]) -> None:
        # Thread k makes calls k, k + CLIENTS, ...: each person's calls stay on one thread.
        for call in mine:
            started = time.perf_counter()
            status = call()
            elapsed = time.perf_counter() - started
            with lock:
                tally.latencies.append(elapsed)
                if not expected(status):
                    failures.append(str(status))

    threads = [
        threading.Thread(target=run, args=(calls[k::CLIENTS],), daemon=True) for k in range(CLIENTS)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        while thread.is_alive():  # in steps, so that Ctrl+C stops the bench (and its servers)
            thread.join(0.5)
    tally.seconds += time.perf_counter() - started
    if failures:
        raise RuntimeError(f"unexpected statuses: {sorted(set(failures))}")


# --- Servers -----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    process: subprocess.Popen
    port: int

    def worker_pss_mb(self) -> list[float]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        sizes = []
        for pid in children.read_text().split():
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    sizes.append(int(line.split()[1]) / 1024)
        return sizes


@contextmanager
def gunicorn(app: str, env: dict[str, str], chdir: Path = ROOT) -> Iterator[Server]:
    port = free_port()
    command = [
        *(sys.executable, "-m", "gunicorn", "--config", "python:web.gunicorn_conf"),
        *("--bind", f"127.0.0.1:{port}", "--chdir", str(chdir), app),
    ]
    environment = {**os.environ, **env, "PYTHONPATH": f"{ROOT}:{ROOT / 'scripts'}"}
    process = subprocess.Popen(  # noqa: S603 (our own command line)
        command, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn {app} did not start") from None
                time.sleep(0.2)
        server = Server(process, port)
        probe = Person(port)
        probe.get("/healthz" if app != "bench_app:bare" else "/")  # workers loaded and warm
        yield server
    finally:
        process.terminate()
        process.wait(timeout=40)


# --- The database ------------------------------------------------------------------------------


def service_environment(database_url: str, instance: Path) -> dict[str, str]:
    return {
        "APP_ENV": "production",
        "SECRET_KEY": secrets.token_hex(32),
        # Production seals uploads and letters at rest (reviews.storage): a key for this run.
        "UPLOAD_ENCRYPTION_KEYS": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "DATABASE_URL": database_url,
        "INSTANCE_PATH": str(instance),
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        "EMAIL_BACKEND": "smtp",
        "SMTP_HOST": "127.0.0.1",
        "PUBLIC_BASE_URL": "https://reviews.example",
        "PROXY_FIX_X_FOR": "1",
        "PROXY_FIX_X_PROTO": "1",
        "LOG_LEVEL": "WARNING",
        "WEB_CONCURRENCY": os.environ.get("WEB_CONCURRENCY", "2"),
    }


@contextmanager
def bench_database(backend: str, folder: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'bench.db'}"
        return
    import psycopg

    server = urlsplit(SERVER_URL)
    with psycopg.connect(SERVER_URL, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {BENCH_DATABASE}")
    try:
        yield server._replace(path=f"/{BENCH_DATABASE}").geturl()
    finally:
        with psycopg.connect(SERVER_URL, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")


def migrate_and_seed(env: dict[str, str], size: int, staff: int) -> dict:
    """Migrate, then seed `size` requests in bulk and `staff` team leaders; what the bench needs
    to sign them in and find a request."""
    saved = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    try:
        return _seed(size, staff)
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _seed(size: int, staff: int) -> dict:
    import logging

    from flask_migrate import upgrade
    from sqlalchemy import insert, select

    from reviews import clock
    from reviews.database import db
    from reviews.models import ReviewRequest
    from reviews.references import new_reference
    from reviews.staff_accounts import create_staff_user, new_totp_secret
    from web import create_app

    app = create_app()
    logging.getLogger("alembic").setLevel(logging.WARNING)
    with app.app_context():
        upgrade()
        today, now = clock.today(), clock.now()
        references: set[str] = set()
        while len(references) < size:
            references.add(new_reference())
        table = ReviewRequest.__table__
        rows = []
        for number, reference in enumerate(sorted(references)):
            rows.append(
                {
                    "reference": reference,
                    "status": "received" if number % 4 else "closed",
                    "submitted_at": now - timedelta(minutes=number),
                    "acknowledgement_due": today + timedelta(days=number % 20),
                    "made_on_or_after_scheme_start": "yes",
                    "review_body_named": "mopac",
                    "letter_date": today - timedelta(days=number % 60),
                    "is_late": number % 60 > 28,
                    "requester_role": "complainant",
                    "requester_name": f"Sam Example{number}",
                    "requester_email": f"person{number}@example.com",
                    "preferred_contact": "email",
                    "complainant_name": f"Sam Example{number}",
                    "updates_to": "requester",
                    "consent": "not-needed",
                    "mps_reference": f"CO/{number:05d}/25",
                    "complaint_summary": "A summary.",
                    "why_unhappy": "Reasons.",
                    "adjustments": [],
                    "recommendations": [],
                }
            )
            if len(rows) == 5000:
                db.session.execute(insert(table), rows)
                rows = []
        if rows:
            db.session.execute(insert(table), rows)
        password = secrets.token_urlsafe(16)
        leaders = []
        for number in range(staff):
            user = create_staff_user(
                email=f"leader{number}@example.org",
                name=f"Team Leader {number}",
                role="team-leader",
                password=password,
            )
            user.totp_secret = new_totp_secret()
            user.totp_enrolled_at = now
            leaders.append((user.email, user.totp_secret))
        db.session.commit()
        # Statistics, as a database in use has them (PostgreSQL's autovacuum may be off here):
        # without them the planner may sort every request where an index gives the order.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql(
                "VACUUM ANALYZE" if db.engine.dialect.name == "postgresql" else "ANALYZE"
            )
        first = db.session.execute(
            select(ReviewRequest.id, ReviewRequest.reference, ReviewRequest.requester_name)
            .where(ReviewRequest.status == "received")
            .limit(max(REQUESTS, 1) * ROUNDS * 2)
        ).all()
        db.engine.dispose()
    return {"password": password, "leaders": leaders, "requests": first}


# --- What a simulated person does --------------------------------------------------------------


def journey_steps() -> list[tuple[str, dict]]:
    from tests.journey_data import complainant_steps

    return complainant_steps()


def walk(person: Person, steps: list[tuple[str, dict]]) -> None:
    token = person.token("/request/who-is-asking")
    for slug, data in steps:
        status, _, _ = person.request("POST", f"/request/{slug}", {"csrf_token": token, **data})
        if status != 302:
            raise RuntimeError(f"journey step {slug}: {status}")


def signed_in_staff(port: int, email: str, secret: str, password: str) -> Person:
    from reviews.staff_accounts import current_totp_step, totp_code

    person = Person(port)
    status, headers, _ = person.post("/staff/sign-in", {"email": email, "password": password})
    # A code is good once: signing in again within its 30 seconds (the counting pass) takes the
    # next one, which the service accepts a step early.
    for step in (current_totp_step(), current_totp_step() + 1):
        status, headers, _ = person.post("/staff/two-factor", {"code": totp_code(secret, step)})
        if status == 302 and "sign-in" not in headers.get("location", ""):
            return person
    raise RuntimeError(f"staff sign-in failed: {status}")


@dataclass
class Page:
    name: str
    kind: str  # public, journey or staff: which target applies
    prepare: Callable[[int, int], list[Callable[[], int]]]  # (port, how many) -> timed calls
    expected: Callable[[int], bool] = lambda status: status == 200


def pages(seeded: dict, password: str) -> list[Page]:  # noqa: C901 (a table of small closures)
    requests = list(seeded["requests"])
    leaders = seeded["leaders"]
    staff_people: dict[int, list[Person]] = {}

    def staff(port: int) -> list[Person]:
        if port not in staff_people:
            staff_people[port] = [signed_in_staff(port, e, s, password) for e, s in leaders]
        return staff_people[port]

    def spread(people: list[Person], count: int, call: Callable[[Person], int]) -> list:
        return [partial(call, people[i % len(people)]) for i in range(count)]

    def start(port: int, count: int) -> list:
        people = [Person(port) for _ in range(CLIENTS)]
        return spread(people, count, lambda p: p.get("/")[0])

    def with_draft(port: int) -> list[Person]:
        people = [Person(port) for _ in range(CLIENTS)]
        steps = journey_steps()
        index = [slug for slug, _ in steps].index("complaint-summary")
        for person in people:
            walk(person, steps[:index])
        return people

    def question(port: int, count: int) -> list:
        return spread(with_draft(port), count, lambda p: p.get("/request/complaint-summary")[0])

    def answer(port: int, count: int) -> list:
        people = with_draft(port)
        tokens = {id(p): p.token("/request/complaint-summary") for p in people}
        form = {"complaint_summary": "Officers were rude during a stop."}
        return spread(
            people,
            count,
            lambda p: p.request(
                "POST", "/request/complaint-summary", {"csrf_token": tokens[id(p)], **form}
            )[0],
        )

    def submission(port: int, count: int) -> list:
        people = [Person(port) for _ in range(count)]
        for person in people:
            walk(person, journey_steps())
        tokens = [p.token("/request/check-answers") for p in people]
        return [
            lambda p=p, t=t: p.request("POST", "/request/check-answers", {"csrf_token": t})[0]
            for p, t in zip(people, tokens, strict=True)
        ]

    def look_up(port: int, count: int) -> list:
        calls = []
        for _ in range(count):
            _id, reference, name = requests[len(calls) % len(requests)]
            person = Person(port)
            token = person.token("/track")
            form = {"csrf_token": token, "reference": reference, "surname": name.split()[-1]}
            calls.append(lambda p=person, f=form: p.request("POST", "/track", f)[0])
        return calls

    def tracker(port: int, count: int) -> list:
        people = []
        for number in range(CLIENTS):
            _id, reference, name = requests[number % len(requests)]
            person = Person(port)
            form = {"reference": reference, "surname": name.split()[-1]}
            if person.post("/track", form)[0] != 302:
                raise RuntimeError("tracker look-up failed")
            people.append(person)
        return spread(people, count, lambda p: p.get("/track/your-request")[0])

    def staff_page(path: Callable[[Person], str]) -> Callable[[int, int], list]:
        def prepare(port: int, count: int) -> list:
            people = staff(port)
            paths = {id(p): path(p) for p in people}
            return spread(people, count, lambda p: p.get(paths[id(p)])[0])

        return prepare

    def last_page(person: Person) -> str:
        pages_found = LAST_PAGE.findall(person.get("/staff/requests")[2].decode())
        return f"/staff/requests?page={max(int(n) for n in pages_found)}"

    def searched(person: Person) -> str:
        _, headers, _ = person.post("/staff/requests", {"search": "Example12"})
        return urlsplit(headers["location"])._replace(scheme="", netloc="").geturl()

    case_id = requests[0][0]
    return [
        Page("Start page", "public", start),
        Page("Question page with a draft", "journey", question),
        Page("Journey answer (POST)", "journey", answer, lambda s: s == 302),
        Page("Full submission (POST)", "journey", submission, lambda s: s == 302),
        Page("Tracker look-up (POST)", "journey", look_up, lambda s: s == 302),
        Page("Tracker page", "journey", tracker),
        Page("Staff queue, first page", "staff", staff_page(lambda p: "/staff/requests")),
        Page("Staff queue, last page", "staff", staff_page(last_page)),
        Page(
            "Staff queue, sorted by due date",
            "staff",
            staff_page(lambda p: "/staff/requests?sort=due&order=descending"),
        ),
        Page("Staff queue, searched", "staff", staff_page(searched)),
        Page("Case page", "staff", staff_page(lambda p: f"/staff/requests/{case_id}")),
        Page("Dashboard", "staff", staff_page(lambda p: "/staff/")),
        # The figures for the last 12 months, added up in SQL (reviews.reports).
        Page("Reports page", "staff", staff_page(lambda p: "/staff/reports")),
    ]


# --- One database at one size ------------------------------------------------------------------


@dataclass
class Result:
    backend: str
    size: int
    app: dict[str, Tally]
    bare: dict[str, Tally]
    kinds: dict[str, str]
    memory_mb: list[float]
    first_view: dict[str, int]


def first_view_bytes(port: int) -> dict[str, int]:
    sizes = {}
    for path in PUBLIC_PAGES:
        person = Person(port)
        status, headers, body = person.get(path, GZIP)
        if status != 200:
            continue
        total = len(body)
        page = gzip.decompress(body) if headers.get("content-encoding") == "gzip" else body
        assets = {asset.replace("&amp;", "&") for asset in ASSET.findall(page.decode())}
        fetched: set[str] = set()
        while assets - fetched:
            asset = sorted(assets - fetched)[0]
            fetched.add(asset)
            _, headers, body = person.get(asset, GZIP)
            total += len(body)
            if asset.split("?")[0].endswith(".js"):
                # A module's imports load with it: "./govuk-frontend.min.js".
                text = gzip.decompress(body) if headers.get("content-encoding") else body
                folder = asset.split("?")[0].rsplit("/", 1)[0]
                assets |= {f"{folder}/{name}" for name in IMPORT.findall(text.decode())}
        sizes[path] = total
    return sizes


def count_queries(env: dict[str, str], seeded: dict, password: str) -> dict[str, int]:
    """One request to each page on the counting app: the X-Bench-Queries it answers with."""
    counts = {}
    last: dict[str, str] = {}
    original = Person.request

    def noting(self: Person, *args, **kwargs) -> tuple[int, dict, bytes]:
        status, headers, body = original(self, *args, **kwargs)
        last["queries"] = headers.get("x-bench-queries", "-1")
        return status, headers, body

    with gunicorn("bench_app:counted_app()", {**env, "BENCH_COUNT_QUERIES": "1"}) as server:
        for page in pages(seeded, password):
            call = page.prepare(server.port, 1)[0]
            Person.request = noting  # type: ignore[method-assign]
            try:
                call()
            finally:
                Person.request = original  # type: ignore[method-assign]
            counts[page.name] = int(last.get("queries", "-1"))
    return counts


def run(backend: str, size: int) -> Result:
    folder = Path(tempfile.mkdtemp(prefix="reviews-bench-"))
    try:
        with bench_database(backend, folder) as database_url:
            env = service_environment(database_url, folder)
            print(f"\n== {backend}, {size:,} requests: seeding", flush=True)
            seeded = migrate_and_seed(env, size, staff=CLIENTS)
            password = seeded["password"]
            redis.Redis.from_url(REDIS_URL).flushdb()  # fresh rate-limit counts
            app_tallies: dict[str, Tally] = {}
            bare_tallies: dict[str, Tally] = {}
            with (
                gunicorn("wsgi:app", env) as app,
                gunicorn("bench_app:bare", {"PORT": "0"}, ROOT / "scripts") as bare,
            ):
                the_pages = pages(seeded, password)
                print("   warming up (not timed)", flush=True)
                for page in the_pages:
                    burst(page.prepare(app.port, CLIENTS), page.expected, Tally())
                for round_number in range(1, ROUNDS + 1):
                    print(f"   round {round_number}/{ROUNDS}", flush=True)
                    for page in the_pages:
                        count = REQUESTS if "submission" not in page.name else SUBMISSIONS_PER_ROUND
                        bare_people = [Person(bare.port) for _ in range(CLIENTS)]
                        bare_calls = [
                            lambda p=bare_people[i % CLIENTS]: p.get("/")[0] for i in range(count)
                        ]
                        burst(
                            bare_calls,
                            lambda s: s == 200,
                            bare_tallies.setdefault(page.name, Tally()),
                        )
                        calls = page.prepare(app.port, count)
                        burst(calls, page.expected, app_tallies.setdefault(page.name, Tally()))
                memory = app.worker_pss_mb()
                first_view = first_view_bytes(app.port)
            for name, queries in count_queries(env, seeded, password).items():
                app_tallies[name].queries = queries
            kinds = {page.name: page.kind for page in the_pages}
            return Result(backend, size, app_tallies, bare_tallies, kinds, memory, first_view)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# --- The report --------------------------------------------------------------------------------


def machine_facts() -> list[str]:
    facts = [
        f"- CPUs: {os.cpu_count()} ({platform.machine()}), "
        f"{platform.system()} {platform.release()}",
        f"- Python {platform.python_version()}",
        # Others' work on the machine shows here: compare runs made at a similar load.
        "- Load average when the run ended: {:.1f}, {:.1f}, {:.1f}".format(*os.getloadavg()),
    ]
    try:
        import psycopg

        with psycopg.connect(SERVER_URL) as connection:
            version = connection.execute("SHOW server_version").fetchone()[0]
        facts.append(f"- PostgreSQL {version}")
    except Exception as error:
        facts.append(f"- PostgreSQL: not reached ({type(error).__name__})")
    import sqlite3

    facts.append(f"- SQLite {sqlite3.sqlite_version}")
    facts.append(
        f"- gunicorn as in the Procfile: {os.environ.get('WEB_CONCURRENCY', '2')} workers, "
        f"{os.environ.get('GUNICORN_THREADS', '4')} threads each; {CLIENTS} clients "
        f"(Python threads, keep-alive), {ROUNDS} rounds of {REQUESTS} requests a page "
        f"({SUBMISSIONS_PER_ROUND} for the full submission), on the same machine"
    )
    return facts


def verdict(met: bool) -> str:
    return "met" if met else "**not met**"


def report(results: list[Result]) -> str:
    lines = []
    for result in results:
        lines += [
            f"### {result.backend}, {result.size:,} requests in the database",
            "",
            "| Page | Throughput (req/s) | x bare | p50 ms | x bare | p99 ms | x bare | "
            "SQL | Target | |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
        ]
        for name, tally in result.app.items():
            bare = result.bare[name]
            share = tally.throughput / bare.throughput
            target = TARGETS[result.kinds[name]]
            p50, p99 = tally.percentile(0.5), tally.percentile(0.99)
            lines.append(
                f"| {name} | {tally.throughput:.0f} | {share:.2f} | "
                f"{p50:.1f} | {p50 / bare.percentile(0.5):.1f} | "
                f"{p99:.1f} | {p99 / bare.percentile(0.99):.1f} | "
                f"{tally.queries} | ≥ {target} | {verdict(share >= target)} |"
            )
        largest = max(result.memory_mb) if result.memory_mb else 0
        lines += [
            "",
            f"Worker memory (PSS, after the rounds): "
            f"{', '.join(f'{mb:.0f} MB' for mb in result.memory_mb)}: "
            f"under {MEMORY_TARGET_MB} MB {verdict(largest < MEMORY_TARGET_MB)}.",
            "",
        ]
    lines += growth(results) + first_views(results)
    return "\n".join(lines)


def growth(results: list[Result]) -> list[str]:
    lines = [
        f"### Staff pages: {max(SIZES):,} requests against {min(SIZES):,}",
        "",
        f"Target: p50 within {GROWTH_TARGET}x and the same number of SQL statements.",
        "",
        "| Database | Page | p50 at 1,000 | p50 at 100,000 | x | SQL | |",
        "| --- | --- | ---: | ---: | ---: | --- | --- |",
    ]
    by_key = {(r.backend, r.size): r for r in results}
    for backend in BACKENDS:
        small, large = by_key.get((backend, min(SIZES))), by_key.get((backend, max(SIZES)))
        if not small or not large or small is large:
            continue
        for name, tally in large.app.items():
            if large.kinds[name] != "staff":
                continue
            before, after = small.app[name].percentile(0.5), tally.percentile(0.5)
            same = small.app[name].queries == tally.queries
            lines.append(
                f"| {backend} | {name} | {before:.1f} ms | {after:.1f} ms | {after / before:.1f} | "
                f"{small.app[name].queries} → {tally.queries} | "
                f"{verdict(after / before <= GROWTH_TARGET and same)} |"
            )
    return [*lines, ""]


def first_views(results: list[Result]) -> list[str]:
    sizes = results[0].first_view if results else {}
    lines = [
        f"### Public pages' first view, gzip (target under {FIRST_VIEW_TARGET:,} bytes)",
        "",
        "The page and every asset it loads, as a browser that accepts gzip gets them.",
        "",
        "| Page | Bytes | |",
        "| --- | ---: | --- |",
    ]
    for path, size in sizes.items():
        lines.append(f"| `{path}` | {size:,} | {verdict(size < FIRST_VIEW_TARGET)} |")
    return [*lines, ""]


MARK_START = "<!-- bench:start -->"
MARK_END = "<!-- bench:end -->"


def write(text: str) -> None:
    """Replace the measured part of docs/benchmarks.md, keeping what is written around it."""
    block = f"{MARK_START}\n{text}\n{MARK_END}"
    old = OUTPUT.read_text() if OUTPUT.exists() else f"# Benchmarks\n\n{MARK_START}\n{MARK_END}\n"
    before, _, rest = old.partition(MARK_START)
    _, _, after = rest.partition(MARK_END)
    OUTPUT.write_text(before + block + after)


def main() -> None:
    import signal

    # Stopped (Ctrl+C or SIGTERM): the servers and the bench database go with it.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    results = [run(backend, size) for backend in BACKENDS for size in SIZES]
    from reviews import clock

    stamp = f"Measured by `make bench` on {clock.today().isoformat()}."
    text = "\n".join(["## Latest run", "", stamp, "", *machine_facts(), "", report(results)])
    print("\n" + text)
    write(text)
    print(f"\nWritten to {OUTPUT.relative_to(ROOT) if OUTPUT.is_relative_to(ROOT) else OUTPUT}")


if __name__ == "__main__":
    main()
