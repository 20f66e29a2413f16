"""`make soak`: many people send requests while things break, then the books are checked.

SOAK_SUBMISSIONS review requests (300; 3000 for the long run) are sent by SOAK_CLIENTS (50)
simulated people at once, every third with a file, against the Procfile's processes: gunicorn
(APP_ENV=production) and the outbox worker, on a PostgreSQL database of its own (`reviews_soak`,
created and dropped here; no other database is touched) and Redis db 5 for rate limits.
Meanwhile:

- every SOAK_KILL_EVERY seconds (2) the database's other connections are ended
  (pg_terminate_backend, on `reviews_soak` only: no server restart);
- now and then a gunicorn worker or the outbox worker is killed (SIGKILL, by the PID this
  script started or its gunicorn master reports), and the outbox worker started again;
- an SMTP sink on 127.0.0.1 (aiosmtpd) refuses a fifth of the messages with 451.

A person who gets an error sees it (a 503 must be the "service is unavailable" page) and tries
the same step again, as people do. Afterwards, from the database and the sink: every
confirmation someone saw names exactly one request, with its file intact (SHA-256 as sent); no
person has two requests; each queued message was delivered exactly once; no request without its
timeline or its confirmation message. It prints the figures and exits 1 if any check fails.
"""

from __future__ import annotations

import hashlib
import io
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

sys.path[:0] = [str(Path(__file__).resolve().parent)]

import bench  # noqa: E402 (the same simulated people and gunicorn as `make bench`)

from reviews.storage import KeyRing, parse_keys  # noqa: E402

SUBMISSIONS = int(os.environ.get("SOAK_SUBMISSIONS", "300"))
CLIENTS = int(os.environ.get("SOAK_CLIENTS", "50"))
KILL_EVERY = float(os.environ.get("SOAK_KILL_EVERY", "2"))
KILL_WORKERS_EVERY = float(os.environ.get("SOAK_KILL_WORKERS_EVERY", "5"))
SOAK_DATABASE = "reviews_soak"
REFUSED_SHARE = 0.2
REFERENCE = re.compile(r'class="app-reference">([^<]+)<')
UNAVAILABLE = "Sorry, the service is unavailable"
RETRIES = 40


# --- The SMTP sink: refuses a fifth with 451 -----------------------------------------------------


@dataclass
class Sink:
    delivered: list[tuple[str, str]] = field(default_factory=list)  # (recipient, message id)
    refused: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope) -> str:
        if random.random() < REFUSED_SHARE:  # noqa: S311 (not for secrets)
            with self.lock:
                self.refused += 1
            return "451 4.3.0 Try again later"
        text = envelope.content.decode("utf-8", "replace")
        subject = re.search(r"^Subject: (.*)$", text, re.MULTILINE)
        with self.lock:
            for recipient in envelope.rcpt_tos:
                self.delivered.append((recipient.lower(), subject.group(1) if subject else ""))
        return "250 OK"


@contextmanager
def smtp_sink():
    from aiosmtpd.controller import Controller

    sink = Sink()
    port = bench.free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield sink, port
    finally:
        controller.stop()


# --- A person sending a request ------------------------------------------------------------------


def multipart(fields: dict, files: dict[str, tuple[str, bytes, str]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    out = io.BytesIO()
    for name, value in fields.items():
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode())
        out.write(f"{value}\r\n".encode())
    for name, (filename, data, content_type) in files.items():
        out.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'.encode()
        )
        out.write(data + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


@dataclass
class Outcome:
    email: str
    reference: str | None = None
    file_sha256: str | None = None
    errors: Counter = field(default_factory=Counter)
    bad_error_pages: int = 0


class NoForm(Exception):
    """The page that should have held a form: (status, headers, body)."""


class Sender(bench.Person):
    def attempt(self, outcome: Outcome, step: callable) -> tuple[int, dict, bytes]:
        """A step, tried again after an error, as a person would (the error page seen)."""
        for _ in range(RETRIES):
            try:
                status, headers, body = step()
            except NoForm as error:  # the form's page itself was an error page
                status, headers, body = error.args
            except (OSError, bench.http.client.HTTPException):
                outcome.errors["connection"] += 1
                self.connection.close()
                self.connection = bench.http.client.HTTPConnection("127.0.0.1", self.port, 30)
                time.sleep(0.2)
                continue
            if status < 400:
                return status, headers, body
            outcome.errors[status] += 1
            if status == 503 and UNAVAILABLE not in body.decode("utf-8", "replace"):
                outcome.bad_error_pages += 1
            time.sleep(0.3)
        raise RuntimeError(f"gave up after {RETRIES} tries")

    def token(self, path: str) -> str:
        status, headers, body = self.get(path)
        found = bench.TOKEN.search(body.decode("utf-8", "replace"))
        if not found:
            raise NoForm(status, headers, body)
        return found.group(1)

    def send_form(self, outcome: Outcome, slug: str, data: dict, upload: bytes | None = None):
        def step():
            token = self.token("/request/who-is-asking")
            if upload is None:
                return self.request("POST", f"/request/{slug}", {"csrf_token": token, **data})
            body, content_type = multipart(
                {"csrf_token": token, **data}, {"files": ("letter.pdf", upload, "application/pdf")}
            )
            return self.raw_post(f"/request/{slug}", body, content_type)

        return self.attempt(outcome, step)

    def raw_post(self, path: str, body: bytes, content_type: str):
        headers = {
            "X-Forwarded-For": self.address,
            "X-Forwarded-Proto": "https",
            "Host": "127.0.0.1",
            "Referer": f"https://127.0.0.1{path}",
            "Content-Type": content_type,
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }
        self.connection.request("POST", path, body=body, headers=headers)
        response = self.connection.getresponse()
        data = response.read()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, cookie = value.split(";", 1)[0].partition("=")
                self.cookies[key.strip()] = cookie
        return response.status, {k.lower(): v for k, v in response.getheaders()}, data


def send_one(port: int, number: int, pdf: bytes) -> Outcome:
    from tests.journey_data import complainant_steps

    email = f"soak{number}@example.com"
    outcome = Outcome(email)
    person = Sender(port)
    with_file = number % 3 == 0
    for slug, data in complainant_steps():
        if slug == "contact-details":
            data = {"email": email}
        if slug == "letter-upload" and with_file:
            content = pdf + f"%soak {number}\n".encode()
            person.send_form(outcome, slug, {"action": "upload"}, content)
            outcome.file_sha256 = hashlib.sha256(content).hexdigest()
            data = {"action": "continue"}
        person.send_form(outcome, slug, data)
    token_then_send = lambda: person.request(  # noqa: E731
        "POST", "/request/check-answers", {"csrf_token": person.token("/request/check-answers")}
    )
    # If an error hid a send that went through, the sent page below still shows its reference.
    person.attempt(outcome, token_then_send)
    _, _, body = person.attempt(outcome, lambda: person.get("/request/sent"))
    found = REFERENCE.search(body.decode())
    outcome.reference = found.group(1).replace("-", "") if found else None
    return outcome


# --- Chaos ------------------------------------------------------------------------------------


def terminate_connections(server_url: str, stop: threading.Event, tally: Counter) -> None:
    import psycopg

    while not stop.wait(KILL_EVERY):
        try:
            with psycopg.connect(server_url, autocommit=True) as admin:
                ended = admin.execute(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = %s AND pid <> pg_backend_pid()",
                    (SOAK_DATABASE,),
                ).fetchone()[0]
            tally["database connections ended"] += ended
        except psycopg.Error:
            tally["connection killer errors"] += 1


def kill_workers(web: bench.Server, outbox: dict, stop: threading.Event, tally: Counter) -> None:
    while not stop.wait(KILL_WORKERS_EVERY):
        children = Path(f"/proc/{web.process.pid}/task/{web.process.pid}/children").read_text()
        pids = [int(pid) for pid in children.split()]
        if pids:
            os.kill(random.choice(pids), signal.SIGKILL)  # noqa: S311 (a gunicorn worker we started)
            tally["gunicorn workers killed"] += 1
        os.kill(outbox["process"].pid, signal.SIGKILL)
        outbox["process"].wait()
        outbox["process"] = outbox["start"]()
        tally["outbox workers killed"] += 1


def main() -> int:  # noqa: C901 (one story, told in order)
    import psycopg

    server_url = bench.SERVER_URL
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {SOAK_DATABASE} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {SOAK_DATABASE}")
    folder = Path(bench.tempfile.mkdtemp(prefix="reviews-soak-"))
    database_url = urlsplit(server_url)._replace(path=f"/{SOAK_DATABASE}").geturl()
    tally: Counter = Counter()
    failed: list[str] = []
    try:
        with smtp_sink() as (sink, smtp_port):
            env = {
                **bench.service_environment(database_url, folder),
                "SMTP_PORT": str(smtp_port),
                "SMTP_USE_TLS": "false",
                "WORKER_HEARTBEAT_MAX_SECONDS": "0",
            }
            bench.migrate_and_seed(env, 0, staff=0)
            bench.redis.Redis.from_url(bench.REDIS_URL).flushdb()

            def start_outbox() -> subprocess.Popen:
                return subprocess.Popen(
                    [sys.executable, "-m", "flask", "--app", "wsgi", "reviews", "worker"],
                    cwd=bench.ROOT,
                    env={**os.environ, **env},
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )

            outbox = {"process": start_outbox(), "start": start_outbox}
            from tests.journey_data import pdf_bytes

            pdf = pdf_bytes()
            started = time.monotonic()
            with bench.gunicorn("wsgi:app", {**env, "WEB_CONCURRENCY": "2"}) as web:
                stop = threading.Event()
                chaos = [
                    threading.Thread(target=terminate_connections, args=(server_url, stop, tally)),
                    threading.Thread(target=kill_workers, args=(web, outbox, stop, tally)),
                ]
                for thread in chaos:
                    thread.start()
                outcomes: list[Outcome] = []
                numbers = iter(range(SUBMISSIONS))
                lock = threading.Lock()

                def client() -> None:
                    while True:
                        with lock:
                            number = next(numbers, None)
                        if number is None:
                            return
                        try:
                            outcome = send_one(web.port, number, pdf)
                        except Exception as error:
                            outcome = Outcome(f"soak{number}@example.com")
                            outcome.errors[f"gave up: {type(error).__name__}"] += 1
                        with lock:
                            outcomes.append(outcome)

                clients = [threading.Thread(target=client) for _ in range(CLIENTS)]
                for thread in clients:
                    thread.start()
                for thread in clients:
                    thread.join()
                stop.set()
                for thread in chaos:
                    thread.join()
            sent_seconds = time.monotonic() - started
            # Let the (restarted) outbox worker deliver everything, 451s retried.
            # A message refused once waits a minute, twice five (web.outbox.RETRY_MINUTES):
            # wait for the first retries; those still waiting after are counted, not lost.
            deadline = time.monotonic() + float(os.environ.get("SOAK_DRAIN_SECONDS", "150"))
            engine = bench_engine(database_url)
            while time.monotonic() < deadline:
                with engine.connect() as connection:
                    waiting = connection.exec_driver_sql(
                        "SELECT count(*) FROM outbox_messages "
                        "WHERE status NOT IN ('sent', 'failed')"
                    ).scalar()
                if not waiting:
                    break
                time.sleep(2)
            outbox["process"].terminate()
            outbox["process"].wait(timeout=30)
            keys = KeyRing(parse_keys(env["UPLOAD_ENCRYPTION_KEYS"]))
            failed += check(engine, keys, outcomes, sink, tally)
            engine.dispose()
            print_figures(outcomes, sink, tally, sent_seconds)
    finally:
        with psycopg.connect(server_url, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {SOAK_DATABASE} WITH (FORCE)")
        bench.shutil.rmtree(folder, ignore_errors=True)
    for failure in failed:
        print(f"FAILED: {failure}")
    print("soak: all checks passed" if not failed else f"soak: {len(failed)} checks failed")
    return 1 if failed else 0


def bench_engine(database_url: str):
    from sqlalchemy import create_engine

    return create_engine("postgresql+psycopg://" + database_url.split("://", 1)[1])


def check(  # noqa: C901
    engine, keys: KeyRing, outcomes: list[Outcome], sink: Sink, tally: Counter
) -> list[str]:
    """What the database and the mail sink prove. Files are read as stored, sealed at rest
    with the run's key (reviews.storage), and opened with it."""
    failed = []
    with engine.connect() as db:
        rows = db.exec_driver_sql(
            "SELECT id, reference, requester_email FROM review_requests"
        ).all()
        by_reference = Counter(reference for _, reference, _ in rows)
        by_email = Counter(email.lower() for _, _, email in rows)
        documents = db.exec_driver_sql(
            "SELECT r.reference, d.sha256, d.content FROM documents d "
            "JOIN review_requests r ON r.id = d.review_request_id"
        ).all()
        timeline = {
            row[0]
            for row in db.exec_driver_sql("SELECT DISTINCT review_request_id FROM timeline_entries")
        }
        messages = db.exec_driver_sql(
            "SELECT event_key, recipient, status, review_request_id FROM outbox_messages"
        ).all()
    seen = [o for o in outcomes if o.reference]
    tally["confirmations seen"] = len(seen)
    tally["requests in the database"] = len(rows)
    for outcome in seen:
        if by_reference[outcome.reference] != 1:
            failed.append(f"{outcome.reference}: {by_reference[outcome.reference]} requests")
        if outcome.file_sha256:
            files = [d for d in documents if d[0] == outcome.reference]
            if [d[1] for d in files] != [outcome.file_sha256] or (
                hashlib.sha256(keys.open(files[0][2])).hexdigest() != outcome.file_sha256
            ):
                failed.append(f"{outcome.reference}: file missing or changed")
    duplicates = [email for email, count in by_email.items() if count > 1]
    if duplicates:
        failed.append(f"{len(duplicates)} people have more than one request")
    unseen = {r for _, r, _ in rows} - {o.reference for o in seen}
    tally["requests no one saw confirmed"] = len(unseen)
    missing_timeline = [r for r_id, r, _ in rows if r_id not in timeline]
    if missing_timeline:
        failed.append(f"{len(missing_timeline)} requests without a timeline (half-written)")
    with_message = {m[3] for m in messages}
    if any(r_id not in with_message for r_id, _, _ in rows):
        failed.append("a request without its confirmation message")
    keys = Counter(m[0] for m in messages)
    if any(count > 1 for count in keys.values()):
        failed.append("an event queued twice")
    sent = [m for m in messages if m[2] == "sent"]
    tally["messages queued"] = len(messages)
    tally["messages sent"] = len(sent)
    tally["messages refused by the sink (451)"] = sink.refused
    tally["messages the sink took"] = len(sink.delivered)
    if len(sink.delivered) != len(sent):
        failed.append(
            f"sink took {len(sink.delivered)} messages for {len(sent)} sent: not once each"
        )
    for status, count in Counter(m[2] for m in messages if m[2] != "sent").items():
        tally[f"messages {status} (waiting for a retry)"] = count
        if status == "failed":
            failed.append(f"{count} messages failed for good")
    if sum(o.bad_error_pages for o in outcomes):
        failed.append("a 503 that was not the 'service is unavailable' page")
    # Every failure a person meets should be the 503 page ("try again later"), never a 500.
    server_errors = sum(o.errors[500] for o in outcomes)
    if server_errors:
        failed.append(f"{server_errors} failures were a 500, not the 503 page")
    gave_up = [o for o in outcomes if not o.reference]
    tally["people who gave up"] = len(gave_up)
    return failed


def print_figures(outcomes: list[Outcome], sink: Sink, tally: Counter, seconds: float) -> None:
    errors: Counter = Counter()
    for outcome in outcomes:
        errors.update(outcome.errors)
    print(f"\nsoak: {SUBMISSIONS} submissions from {CLIENTS} clients in {seconds:.0f} s")
    for name, value in tally.items():
        print(f"  {name}: {value}")
    for name, value in sorted(errors.items(), key=str):
        print(f"  errors seen by people, {name}: {value}")


if __name__ == "__main__":
    sys.exit(main())
