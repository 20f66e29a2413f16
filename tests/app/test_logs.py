"""Every log line is one JSON object with the time, the level and, inside a request, the
request id: requests refused before their view ran and errors included."""

from __future__ import annotations

import json

import pytest

from reviews.references import format_reference, new_reference
from tests.journey import look_up


@pytest.fixture
def lines(capsys):
    """The JSON objects the service wrote to its log stream so far."""

    def read() -> list[dict]:
        written = capsys.readouterr().err.splitlines()
        return [json.loads(line) for line in written if line.strip()]

    return read


def test_a_request_line_has_time_level_route_and_request_id(client, lines):
    response = client.get("/request/resume/secret-token-abc123")
    line = next(entry for entry in lines() if entry.get("event") == "request")
    assert {"time", "level", "request_id", "route", "status", "duration_ms"} <= set(line)
    assert line["request_id"] == response.headers["X-Request-Id"]
    assert line["route"] == "/request/resume/<token>"
    assert "secret-token-abc123" not in json.dumps(line)


def test_a_request_refused_for_its_csrf_token_has_its_request_id(client, lines):
    response = client.post("/request/about-the-met", data={"about_met": "yes"})
    assert response.status_code == 400
    line = next(entry for entry in lines() if entry.get("event") == "request")
    assert line["request_id"] == response.headers["X-Request-Id"] != "-"


def test_an_error_is_logged_as_json_with_the_request_id(app, lines):
    @app.get("/boom")
    def boom():
        raise RuntimeError("the text a caseworker typed")

    app.config["PROPAGATE_EXCEPTIONS"] = False  # Tests re-raise errors; production does not.
    response = app.test_client().get("/boom")
    assert response.status_code == 500
    logged = lines()
    errors = [entry for entry in logged if entry["level"] == "error"]
    request_id = response.headers["X-Request-Id"]
    assert errors and all(entry["request_id"] == request_id for entry in errors)
    assert "the text a caseworker typed" not in json.dumps(logged)


def test_a_rate_limit_line_keeps_the_limited_key_out(app, client, lines):
    """The tracker limits look-ups per reference: the line saying a limit was hit must not
    carry the reference (nor an address), only the limit and the route."""
    reference = new_reference()
    statuses = [look_up(client, format_reference(reference), "Wrong").status_code for _ in range(6)]
    assert statuses[-1] == 429
    written = lines()
    refused = [entry for entry in written if "exceeded" in entry.get("event", "")]
    assert refused, written
    assert reference[:8] not in json.dumps(written)
    assert "127.0.0.1" not in json.dumps(refused)
