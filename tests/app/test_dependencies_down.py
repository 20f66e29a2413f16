"""What a person sees when a dependency fails: each one down, and its outcome.

No web request waits on the mail server (email goes through the outbox and the worker); Redis
down leaves pages working on per-process rate limits; PostgreSQL down gives the 503 page with
Retry-After; /readyz names what is wrong.
"""

from __future__ import annotations

import logging
import re

import pytest

from tests.conftest import empty_all_tables, make_test_app
from tests.journey_data import complainant_steps
from tests.network import SilentServer, unused_port

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


@pytest.fixture
def hung_mail_server():
    server = SilentServer()
    yield server
    server.close()


@pytest.fixture
def app(migrated_database, tmp_path, hung_mail_server):
    """The service with a real SMTP backend pointed at a mail server that never answers."""
    app = make_test_app(
        migrated_database,
        tmp_path / "instance",
        EMAIL_BACKEND="smtp",
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=hung_mail_server.port,
        SMTP_USE_TLS=False,
    )
    yield app
    empty_all_tables(app)


def test_a_hung_mail_server_never_holds_up_a_submission(journey, hung_mail_server):
    journey.walk(complainant_steps())
    sent = journey.send()
    assert sent.status_code == 302
    assert "Review request sent" in journey.client.get(sent.location).text
    # The confirmation email waits in the outbox for the worker; the request never dialled out.
    assert hung_mail_server.connections == 0


def test_save_and_come_back_later_does_not_send_inline(journey, hung_mail_server):
    journey.walk(complainant_steps()[:3])
    saved = journey.post("/request/save", {"email": "sam@example.com"})
    assert saved.status_code == 302
    assert hung_mail_server.connections == 0


def test_redis_down_leaves_every_page_working_with_a_warning(migrated_database, tmp_path, caplog):
    app = make_test_app(
        migrated_database,
        tmp_path / "instance",
        RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{unused_port()}/0",
    )
    caplog.set_level(logging.WARNING)
    client = app.test_client()
    for path in ("/", "/track", "/staff/sign-in", "/accessibility"):
        assert client.get(path).status_code == 200, path
    assert any("rate limit" in record.getMessage().lower() for record in caplog.records)


def test_postgresql_down_shows_the_503_page_with_retry_after(tmp_path):
    app = make_test_app(
        f"postgresql+psycopg://postgres@127.0.0.1:{unused_port()}/test", tmp_path / "instance"
    )
    client = app.test_client()
    # The lookup form itself needs no database; looking a request up does.
    token = TOKEN.search(client.get("/track").text).group(1)
    response = client.post(
        "/track", data={"csrf_token": token, "reference": "ABCD-EFGH-JKMN-PQ", "surname": "Example"}
    )
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    assert "Sorry, the service is unavailable" in response.text


def test_readiness_names_the_database_when_it_is_down(tmp_path):
    app = make_test_app(
        f"postgresql+psycopg://postgres:secret-pw@127.0.0.1:{unused_port()}/test",
        tmp_path / "instance",
    )
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"]["database"] is False
    assert "secret-pw" not in response.text


def test_readiness_names_a_database_whose_schema_is_not_at_head(tmp_path):
    app = make_test_app(f"sqlite:///{tmp_path / 'empty.db'}", tmp_path / "instance")
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"]["schema"] is False


def test_readiness_names_redis_when_it_is_down(migrated_database, tmp_path):
    app = make_test_app(
        migrated_database,
        tmp_path / "instance",
        RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{unused_port()}/0",
    )
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"]["redis"] is False
