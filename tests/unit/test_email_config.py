"""Email settings: defaults, what is read from the environment, and settings that cannot work."""

from __future__ import annotations

import pytest

from tests.outbox_support import NOTIFY_KEY, TEMPLATE_ID
from web import create_app
from web.config import DEFAULT_EMAIL_FROM, ConfigError, load_config


def test_email_defaults(config_environment):
    config = load_config("development")
    assert config["EMAIL_BACKEND"] == "log"
    assert config["EMAIL_FROM"] == DEFAULT_EMAIL_FROM
    assert (config["SMTP_HOST"], config["SMTP_PORT"], config["SMTP_USE_TLS"]) == (
        "localhost",
        587,
        True,
    )


def test_notify_and_smtp_settings_are_read(config_environment):
    config_environment.setenv("EMAIL_BACKEND", "notify")
    config_environment.setenv("NOTIFY_API_KEY", NOTIFY_KEY)
    config_environment.setenv("NOTIFY_TEMPLATE_ID", TEMPLATE_ID)
    assert load_config("development")["NOTIFY_TEMPLATE_ID"] == TEMPLATE_ID
    config_environment.setenv("EMAIL_BACKEND", "smtp")
    config_environment.setenv("SMTP_USE_TLS", "false")
    config_environment.setenv("SMTP_PORT", "25")
    config = load_config("development")
    assert config["SMTP_USE_TLS"] is False and config["SMTP_PORT"] == 25


@pytest.mark.parametrize(
    ("settings", "named"),
    [
        ({"EMAIL_BACKEND": "notify"}, "NOTIFY_API_KEY"),
        ({"EMAIL_BACKEND": "notify", "NOTIFY_API_KEY": "secret"}, "NOTIFY_API_KEY"),
        ({"EMAIL_BACKEND": "notify", "NOTIFY_API_KEY": NOTIFY_KEY}, "NOTIFY_TEMPLATE_ID"),
        ({"EMAIL_BACKEND": "sendgrid"}, "EMAIL_BACKEND"),
        ({"EMAIL_BACKEND": "smtp", "SMTP_USE_TLS": "perhaps"}, "SMTP_USE_TLS"),
        ({"EMAIL_BACKEND": "smtp", "SMTP_PORT": "smtp"}, "SMTP_PORT"),
        ({"EMAIL_BACKEND": "smtp", "EMAIL_FROM": "MOPAC"}, "EMAIL_FROM"),
        ({"EMAIL_BACKEND": "smtp", "SMTP_USERNAME": "mopac"}, "SMTP_PASSWORD"),
        (
            {
                "EMAIL_BACKEND": "smtp",
                "SMTP_USERNAME": "mopac",
                "SMTP_PASSWORD": "pw",
                "SMTP_USE_TLS": "false",
            },
            "SMTP_USE_TLS",
        ),
    ],
)
def test_email_settings_that_cannot_work_stop_the_app_starting(config_environment, settings, named):
    for name, value in settings.items():
        config_environment.setenv(name, value)
    with pytest.raises(ConfigError, match=named):
        load_config("development")
    with pytest.raises(ConfigError, match=named):
        create_app({"APP_ENV": "development"})
