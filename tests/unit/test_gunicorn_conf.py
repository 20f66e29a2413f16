"""The Procfile's gunicorn settings: the platform's environment, and JSON access lines that name
the route the app matched, never the path as sent."""

from __future__ import annotations

import importlib
import json
from datetime import timedelta
from types import SimpleNamespace

from gunicorn.config import Config

import web.gunicorn_conf


def test_port_workers_and_threads_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("PORT", "9123")
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    monkeypatch.setenv("GUNICORN_THREADS", "8")
    conf = importlib.reload(web.gunicorn_conf)
    assert (conf.bind, conf.workers, conf.threads) == ("0.0.0.0:9123", 3, 8)
    assert conf.logger_class is conf.JsonLogger


def test_the_access_line_is_json_with_the_route_and_request_id(capsys):
    config = Config()
    config.set("accesslog", "-")
    logger = web.gunicorn_conf.JsonLogger(config)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/request/resume/secret-token?email=someone@example.com",
        "PATH_INFO": "/request/resume/secret-token",
        "reviews.route": "/request/resume/<token>",
        "reviews.request_id": "abc12345",
    }
    response = SimpleNamespace(status="200 OK", sent=512, headers=[])
    logger.access(response, SimpleNamespace(headers=[]), environ, timedelta(milliseconds=12))
    (line,) = [json.loads(text) for text in capsys.readouterr().out.splitlines()]
    assert {key: line[key] for key in ("level", "logger", "event", "method", "route")} == {
        "level": "info",
        "logger": "gunicorn.access",
        "event": "access",
        "method": "GET",
        "route": "/request/resume/<token>",
    }
    assert (line["status"], line["duration_ms"], line["request_id"]) == (200, 12.0, "abc12345")
    assert "secret-token" not in json.dumps(line)
    assert "someone@example.com" not in json.dumps(line)
