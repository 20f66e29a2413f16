"""A dependency that hangs gives its answer in seconds, and the service recovers by itself, with
no restart, once the dependency is back. (What each failure looks like:
test_dependencies_down.py.)"""

from __future__ import annotations

import contextlib
import logging
import re
import socket
import threading
import time

import pytest
from flask_migrate import upgrade
from sqlalchemy.engine import make_url

from tests.conftest import empty_all_tables, make_test_app
from tests.network import SilentServer
from web.config import load_config

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def look_up(client):
    """A tracker lookup: the form needs no database, the lookup does."""
    token = TOKEN.search(client.get("/track").text).group(1)
    return client.post(
        "/track", data={"csrf_token": token, "reference": "ABCD-EFGH-JKMN-PQ", "surname": "Example"}
    )


class TcpProxy:
    """Forwards 127.0.0.1:<port> to the database; `cut()` drops every connection and refuses new
    ones, as a database restart or a network outage would; `restore()` listens again."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self._connections: list[socket.socket] = []
        self._lock = threading.Lock()
        self._listener: socket.socket | None = None
        self.restore()

    def restore(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(16)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            with self._lock:
                self._connections += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        assert self._listener is not None
        # shutdown() first: close() alone leaves the socket listening while accept() waits.
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()
        with self._lock:
            connections, self._connections = self._connections, []
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
            connection.close()


def test_postgresql_going_away_and_coming_back_needs_no_restart(migrated_database, tmp_path):
    url = make_url(migrated_database)
    if url.get_backend_name() != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL)")
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    app = make_test_app(
        url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False),
        tmp_path / "instance",
    )
    client = app.test_client()
    try:
        assert look_up(client).status_code == 200

        proxy.cut()
        started = time.monotonic()
        down = look_up(client)
        assert down.status_code == 503 and down.headers["Retry-After"]
        assert time.monotonic() - started < 3
        assert client.get("/readyz").json["checks"]["database"] is False

        proxy.restore()
        assert look_up(client).status_code == 200
        assert client.get("/readyz").status_code == 200
    finally:
        proxy.cut()


def test_a_database_that_was_missing_is_used_once_it_is_there(tmp_path):
    """SQLite's outage: the volume holding the file is not there yet."""
    volume = tmp_path / "volume"
    app = make_test_app(f"sqlite:///{volume / 'reviews.db'}", tmp_path / "instance")
    client = app.test_client()
    down = look_up(client)
    assert down.status_code == 503 and down.headers["Retry-After"]

    volume.mkdir()
    with app.app_context():
        upgrade()
    assert look_up(client).status_code == 200
    assert client.get("/readyz").status_code == 200
    empty_all_tables(app)


def test_a_hung_postgresql_gives_the_503_page_in_seconds(monkeypatch, tmp_path):
    """A server that accepts connections and never answers: the configured connect_timeout
    (psycopg's least, 2 s) ends the wait, not gunicorn's worker timeout."""
    hung = SilentServer()  # any server that never says a word will do
    try:
        monkeypatch.setenv("DATABASE_URL", f"postgresql://postgres@127.0.0.1:{hung.port}/reviews")
        config = load_config("test")
        app = make_test_app(
            config["SQLALCHEMY_DATABASE_URI"],
            tmp_path / "instance",
            SQLALCHEMY_ENGINE_OPTIONS=config["SQLALCHEMY_ENGINE_OPTIONS"],
        )
        client = app.test_client()
        token = TOKEN.search(client.get("/track").text).group(1)
        started = time.monotonic()
        response = client.post(
            "/track", data={"csrf_token": token, "reference": "ABCD-EFGH-JKMN-PQ", "surname": "X"}
        )
        assert response.status_code == 503
        assert time.monotonic() - started < 5
    finally:
        hung.close()


def test_a_hung_redis_holds_up_no_page_and_is_warned_about_once(
    migrated_database, tmp_path, caplog
):
    hung = SilentServer()  # accepts, never answers: a hung Redis
    try:
        app = make_test_app(
            migrated_database,
            tmp_path / "instance",
            RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{hung.port}/0",
        )
        caplog.set_level(logging.WARNING)
        client = app.test_client()
        for path in ("/", "/track", "/staff/sign-in", "/accessibility", "/", "/track"):
            started = time.monotonic()
            assert client.get(path).status_code == 200, path
            assert time.monotonic() - started < 2, path
        warnings = [
            record for record in caplog.records if "rate limit" in record.getMessage().lower()
        ]
        assert len(warnings) == 1
        readiness = client.get("/readyz")
        assert readiness.status_code == 503 and readiness.json["checks"]["redis"] is False
    finally:
        hung.close()
