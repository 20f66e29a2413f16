"""Fixtures for the outbox tests: servers on 127.0.0.1 and apps that send through them."""

from __future__ import annotations

import pytest

import web.outbox as outbox
from tests.conftest import empty_all_tables, make_test_app
from tests.network import reserved_port
from tests.outbox_support import FakeNotifyClient, SmtpServer


@pytest.fixture
def smtp_server():
    with SmtpServer() as server:
        yield server


@pytest.fixture
def closed_port():
    """A port bound to nothing that listens: connecting is refused at once."""
    with reserved_port() as port:
        yield port


@pytest.fixture
def make_app(migrated_database, tmp_path):
    made = []

    def make(**overrides):
        app = make_test_app(migrated_database, tmp_path / "instance", **overrides)
        made.append(app)
        return app

    yield make
    if made:
        empty_all_tables(made[0])


@pytest.fixture
def fake_notify(monkeypatch):
    monkeypatch.setattr(FakeNotifyClient, "calls", [])
    monkeypatch.setattr(FakeNotifyClient, "keys", [])
    monkeypatch.setattr(FakeNotifyClient, "error", None)
    monkeypatch.setattr(outbox, "NotificationsAPIClient", FakeNotifyClient)
    return FakeNotifyClient
