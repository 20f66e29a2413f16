from web.cli import _hide_password


def test_config_command_hides_secrets(app, monkeypatch):
    app.config["SQLALCHEMY_DATABASE_URI"] = "postgresql+psycopg://reviews:hunter2@db/reviews"
    app.config["RATELIMIT_STORAGE_URI"] = "redis://:hunter2@cache:6379/0"
    output = app.test_cli_runner().invoke(args=["reviews", "config"]).output
    assert "hunter2" not in output
    assert app.config["SECRET_KEY"] not in output
    assert "postgresql+psycopg://reviews:***@db/reviews" in output
    assert "APP_ENV = test" in output


def test_hide_password_leaves_uris_without_one_alone():
    assert _hide_password("memory://") == "memory://"
    assert _hide_password("redis://cache:6379/0") == "redis://cache:6379/0"
    assert _hide_password("redis://user:pw@cache:6379") == "redis://user:***@cache:6379"
