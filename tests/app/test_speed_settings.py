"""The settings that keep pages quick (docs/benchmarks.md): templates never re-read from disk in
production, and
what gunicorn's workers share."""

from __future__ import annotations

import secrets
from types import SimpleNamespace

from flask import Flask

from tests.conftest import make_test_app


def test_production_never_rechecks_templates_on_disk(migrated_database, tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", secrets.token_hex(32))
    monkeypatch.setenv("EMAIL_BACKEND", "smtp")
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://reviews.example")
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    app = make_test_app(migrated_database, tmp_path, APP_ENV="production")
    assert app.jinja_env.auto_reload is False


def test_development_rereads_changed_templates(migrated_database, tmp_path):
    app = make_test_app(migrated_database, tmp_path, APP_ENV="development")
    assert app.jinja_env.auto_reload is True


def test_gunicorn_builds_what_workers_share_before_forking(app):
    """The Procfile's gunicorn loads the app in its master and, before the first fork, compiles
    every template, so that workers share them rather than each compiling its own."""
    from web import gunicorn_conf

    assert gunicorn_conf.preload_app is True
    server = SimpleNamespace(app=SimpleNamespace(callable=app))
    gunicorn_conf.when_ready(server)
    compiled = {template.name for template in app.jinja_env.cache.values()}
    assert {"layout.html", "portal/start.html", "staff/requests.html"} <= compiled
    gunicorn_conf.post_fork(server, None)  # a worker starts with no connection of the master's


def test_gunicorn_serves_other_apps_under_the_same_settings():
    """The bench's bare Flask app runs under these settings too: the hooks leave it alone."""
    from web import gunicorn_conf

    bare = SimpleNamespace(app=SimpleNamespace(callable=Flask("bare")))
    gunicorn_conf.when_ready(bare)
    gunicorn_conf.post_fork(bare, None)
