import json
import logging


def request_lines(caplog):
    return [
        json.loads(record.getMessage())
        for record in caplog.records
        if record.name == "reviews.request"
    ]


def test_one_line_per_request_without_query_or_form_values(client, caplog):
    caplog.set_level(logging.INFO, logger="reviews.request")
    client.get("/cookies?email=someone@example.com")
    client.post("/cookies", data={"name": "Jane Doe"})
    lines = request_lines(caplog)
    assert [(line["method"], line["path"], line["status"]) for line in lines] == [
        ("GET", "/cookies", 200),
        ("POST", "/cookies", 405),
    ]
    for line in lines:
        assert set(line) == {"event", "method", "path", "status", "duration_ms", "request_id"}
    assert "someone@example.com" not in caplog.text
    assert "Jane Doe" not in caplog.text


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
    assert [line["path"] for line in request_lines(caplog)] == ["/request/resume/<token>"]
    assert "secret-token-abc123" not in caplog.text
