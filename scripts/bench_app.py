"""The two WSGI apps `make bench` serves beside the service's own `wsgi:app` (scripts/bench.py).

- `bare`: Flask with one route returning a small HTML page: the yardstick every page is compared
  with, under the same gunicorn settings (`--config python:web.gunicorn_conf`).
- `counted_app()`: the service's app (create_app, as wsgi.py builds it) that counts the SQL
  statements each request runs and says how many in an `X-Bench-Queries` header. The bench
  serves it only when BENCH_COUNT_QUERIES=1 is set, for one counting pass after the timed
  rounds; production code has no such hook.
"""

from __future__ import annotations

import os
from typing import Any

from flask import Flask, Response, g, has_request_context

PAGE = (
    "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'><title>Bare page</title>"
    "</head><body><main><h1>A bare page</h1><p>One route, one small page, nothing else: "
    "what Flask under gunicorn can do on this machine.</p></main></body></html>\n"
)

bare = Flask("bare")


@bare.get("/")
def page() -> str:
    return PAGE


def counted_app() -> Flask:
    """The service's app with a count of SQL statements a request (BENCH_COUNT_QUERIES=1)."""
    if os.environ.get("BENCH_COUNT_QUERIES") != "1":
        raise RuntimeError("counted_app is for the bench alone: set BENCH_COUNT_QUERIES=1")
    from sqlalchemy import event

    from reviews.database import db
    from web import create_app

    app = create_app()

    def count(*_args: Any) -> None:
        if has_request_context():
            g.bench_queries = g.get("bench_queries", 0) + 1

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", count)

    @app.after_request
    def say_how_many(response: Response) -> Response:
        response.headers["X-Bench-Queries"] = str(g.get("bench_queries", 0))
        return response

    return app
