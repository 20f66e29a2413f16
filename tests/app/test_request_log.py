import json
import logging
import sys

from web.logs import JsonFormatter


def request_lines(caplog):
    """The request lines as the service writes them: through its JSON formatter."""
    formatter = JsonFormatter()
    return [
        json.loads(formatter.format(record))
        for record in caplog.records
        if record.name == "reviews.request"
    ]


def test_one_line_per_request_without_query_or_form_values(client, caplog):
    caplog.set_level(logging.INFO, logger="reviews.request")
    client.get("/cookies?email=someone@example.com")
    client.post("/cookies", data={"name": "Jane Doe"})
    lines = request_lines(caplog)
    assert [(line["method"], line["route"], line["status"]) for line in lines] == [
        ("GET", "/cookies", 200),
        ("POST", "/cookies", 405),
    ]
    for line in lines:
        assert set(line) == {
            *("time", "level", "logger", "event"),
            *("method", "route", "status", "duration_ms", "request_id"),
        }
        assert (line["level"], line["logger"], line["event"]) == (
            "info",
            "reviews.request",
            "request",
        )
    assert "someone@example.com" not in caplog.text
    assert "Jane Doe" not in caplog.text


def test_the_route_is_logged_rather_than_the_path(client, caplog):
    caplog.set_level(logging.INFO, logger="reviews.request")
    client.get("/request/about-the-met")
    assert [line["route"] for line in request_lines(caplog)] == ["/request/<slug>"]


def test_an_unknown_path_is_logged_without_anything_that_could_be_a_token(client, caplog):
    caplog.set_level(logging.INFO, logger="reviews.request")
    client.get("/no-such-page?email=someone@example.com")
    client.get("/request/resume/Secret_Token-abc123/extra")
    assert [(line["route"], line["status"]) for line in request_lines(caplog)] == [
        ("/no-such-page", 404),
        ("/request/resume/<redacted>/extra", 404),
    ]
    assert "Secret_Token" not in caplog.text
    assert "someone@example.com" not in caplog.text


def test_request_id_is_returned_and_a_safe_upstream_id_is_kept(client, caplog):
    caplog.set_level(logging.INFO, logger="reviews.request")
    kept = client.get("/healthz", headers={"X-Request-Id": "abc12345-upstream"})
    replaced = client.get("/healthz", headers={"X-Request-Id": "<script>"})
    assert kept.headers["X-Request-Id"] == "abc12345-upstream"
    assert replaced.headers["X-Request-Id"] != "<script>"
    assert [line["request_id"] for line in request_lines(caplog)] == [
        "abc12345-upstream",
        replaced.headers["X-Request-Id"],
    ]


def test_a_save_and_return_token_never_reaches_the_log(client, caplog):
    caplog.set_level(logging.INFO, logger="reviews.request")
    client.get("/request/resume/secret-token-abc123")
    assert [line["route"] for line in request_lines(caplog)] == ["/request/resume/<token>"]
    assert "secret-token-abc123" not in caplog.text


def test_a_request_refused_by_the_rate_limiter_has_its_request_id(app, caplog):
    caplog.set_level(logging.INFO, logger="reviews.request")
    app.config["RATELIMIT_DEFAULT"] = "1 per minute"
    client = app.test_client()
    client.get("/track")
    refused = client.get("/track")
    assert refused.status_code == 429
    last = request_lines(caplog)[-1]
    assert (last["status"], last["request_id"]) == (429, refused.headers["X-Request-Id"])


def test_a_traceback_is_logged_without_the_exception_message():
    try:
        raise ValueError("Jane Doe, 1 High Street")
    except ValueError:
        record = logging.getLogger("test").makeRecord(
            "test", logging.ERROR, __file__, 1, "failed", (), exc_info=sys.exc_info()
        )
    line = json.loads(JsonFormatter().format(record))
    assert "ValueError" in line["exc_info"]
    assert "test_a_traceback_is_logged_without_the_exception_message" in line["exc_info"]
    assert "Jane Doe" not in json.dumps(line)
