"""The service as the README deploys it: scripts/deploy.sh builds the wheel, installs it in a
fresh virtualenv and runs the release step; then the Procfile's web and worker run from an empty
directory against PostgreSQL and Redis, with a local SMTP sink for the mail server. A request
sent through the running server reaches the sink by the worker.

Runs when DEPLOY_CHECK_DATABASE_URL names a PostgreSQL database it may empty (CI sets it, with
DEPLOY_CHECK_REDIS_URL); skipped otherwise. `make deploy-check` runs it as CI does.
"""

from __future__ import annotations

import base64
import os
import re
import secrets
import signal
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest
import requests
from aiosmtpd.controller import Controller
from sqlalchemy import create_engine, text

from reviews import clock
from reviews.journey import STEPS
from tests.forms import hidden_fields
from tests.journey_data import complainant_steps
from tests.network import unused_port

ROOT = Path(__file__).resolve().parents[2]
DATABASE_URL = os.environ.get("DEPLOY_CHECK_DATABASE_URL", "")
REDIS_URL = os.environ.get("DEPLOY_CHECK_REDIS_URL", "redis://127.0.0.1:6379/3")

pytestmark = pytest.mark.skipif(
    not DATABASE_URL, reason="set DEPLOY_CHECK_DATABASE_URL to a PostgreSQL database to empty"
)


class Sink:
    """An SMTP server on 127.0.0.1 that keeps every message it is given."""

    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


@pytest.fixture(scope="module")
def sink() -> Iterator[tuple[Sink, int]]:
    handler = Sink()
    port = unused_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    controller.stop()


def procfile() -> dict[str, str]:
    lines = (ROOT / "Procfile").read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if line.strip())


@pytest.fixture(scope="module")
def deployed(tmp_path_factory, sink) -> Iterator[str]:
    """The Procfile's release, web and worker running from an empty directory: the base URL."""
    _, smtp_port = sink
    engine = create_engine(DATABASE_URL.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()

    base = tmp_path_factory.mktemp("deploy")
    venv, wheels, empty = base / "venv", base / "wheels", base / "empty"
    empty.mkdir()
    port = unused_port()
    environment = {
        "PATH": f"{venv / 'bin'}:{os.environ['PATH']}",
        "HOME": str(base),
        "APP_ENV": "production",
        "SECRET_KEY": secrets.token_hex(32),
        "UPLOAD_ENCRYPTION_KEYS": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "DATABASE_URL": DATABASE_URL,
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        "EMAIL_BACKEND": "smtp",
        "EMAIL_FROM": "Reviews <reviews@example.org>",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp_port),
        "SMTP_USE_TLS": "false",
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "PORT": str(port),
        "WEB_CONCURRENCY": "2",
    }
    subprocess.run(
        [str(ROOT / "scripts" / "deploy.sh"), str(venv), str(wheels)],
        env=environment,
        check=True,
    )
    processes = {
        name: subprocess.Popen(  # the Procfile's own command lines
            "exec " + procfile()[name],
            shell=True,
            cwd=empty,
            env=environment,
        )
        for name in ("web", "worker")
    }
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for(lambda: requests.get(f"{url}/healthz", timeout=10).ok, "the web process")
        yield url
    finally:
        for process in processes.values():
            process.send_signal(signal.SIGTERM)
        for name, process in processes.items():
            assert process.wait(timeout=40) == 0, f"{name} did not stop cleanly on SIGTERM"


def _wait_for(ready, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if ready():
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise AssertionError(f"{what} was not ready within {seconds} s")


class Browser:
    """A person's browser, without JavaScript. It keeps cookies itself: production's are Secure,
    and this test talks plain HTTP to 127.0.0.1, as a load balancer in front would."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, **options) -> requests.Response:
        cookie = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        response = requests.request(
            method,
            self.base_url + path,
            headers={"Cookie": cookie} if cookie else {},
            allow_redirects=False,
            timeout=10,
            **options,
        )
        self.cookies.update({kept.name: kept.value or "" for kept in response.cookies})
        return response

    def get(self, path: str) -> requests.Response:
        return self.request("GET", path)

    def post(self, path: str, data: dict) -> requests.Response:
        return self.request("POST", path, data=data)


# The journey's first question, whichever it is.
FIRST_QUESTION = STEPS[0].slug


def test_pages_static_files_and_readiness_answer(deployed):
    person = Browser(deployed)
    start = person.get("/")
    assert start.status_code == 200
    stylesheet = re.search(r'href="(/static/[^"]+\.css[^"]*)"', start.text).group(1)
    assert person.get(stylesheet).status_code == 200
    for path in (f"/request/{FIRST_QUESTION}", "/track", "/accessibility", "/staff/sign-in"):
        assert person.get(path).status_code == 200, path
    # Ready once the worker has written its first heartbeat.
    _wait_for(lambda: requests.get(deployed + "/readyz", timeout=10).ok, "readiness", 30)


def test_a_request_sent_through_the_server_is_emailed_by_the_worker(deployed, sink):
    messages, _ = sink
    person = Browser(deployed)
    token = hidden_fields(person.get(f"/request/{FIRST_QUESTION}").text)["csrf_token"]
    # The deployed service runs on the real clock, not the tests' set one: a letter dated five
    # days before its today is in time.
    servers_today = clock.london_date(datetime.now(UTC))
    for slug, data in complainant_steps(servers_today - timedelta(days=5)):
        answered = person.post(f"/request/{slug}", {"csrf_token": token, **data})
        assert answered.status_code == 302, (slug, answered.status_code)
    sent_to = person.post("/request/check-answers", {"csrf_token": token}).headers["Location"]
    sent = person.get(sent_to)
    assert sent.status_code == 200
    shown = re.search(r'class="app-reference">([^<]+)<', sent.text)
    assert shown, (sent_to, re.findall(r"<h1[^>]*>([^<]+)<", sent.text))
    reference = shown.group(1)
    _wait_for(
        lambda: any(reference in message.get_content() for message in messages.messages),
        "the confirmation email",
    )
    (confirmation,) = [m for m in messages.messages if reference in m.get_content()]
    assert confirmation["To"].lower() == "sam@example.com"
