"""Text message settings: log outside production, off in production unless chosen, and settings
that could never send refused at start-up."""

from __future__ import annotations

import secrets

import pytest

from tests.outbox_support import NOTIFY_KEY
from web.config import ConfigError, load_config, texts_offered

SMS_TEMPLATE_ID = "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a"


@pytest.fixture
def environment(config_environment):
    for name in ("SMS_BACKEND", "NOTIFY_SMS_TEMPLATE_ID"):
        config_environment.delenv(name, raising=False)
    return config_environment


def production(environment, **settings):
    values = {
        "SECRET_KEY": secrets.token_hex(32),
        "EMAIL_BACKEND": "smtp",
        "SMTP_HOST": "mail.example.org",
        "PUBLIC_BASE_URL": "https://reviews.example.org",
        **settings,
    }
    for name, value in values.items():
        environment.setenv(name, value)
    return load_config("production")


def test_texts_are_logged_in_development_and_off_in_production(environment):
    development = load_config("development")
    assert development["SMS_BACKEND"] == "log" and texts_offered(development)
    live = production(environment)
    assert live["SMS_BACKEND"] == "off" and not texts_offered(live)


def test_production_refuses_to_only_log_texts(environment):
    with pytest.raises(ConfigError, match="SMS_BACKEND must be off or notify in production"):
        production(environment, SMS_BACKEND="log")


def test_notify_texts_are_read(environment):
    environment.setenv("SMS_BACKEND", "notify")
    environment.setenv("NOTIFY_API_KEY", NOTIFY_KEY)
    environment.setenv("NOTIFY_SMS_TEMPLATE_ID", SMS_TEMPLATE_ID)
    config = production(environment)
    assert config["NOTIFY_SMS_TEMPLATE_ID"] == SMS_TEMPLATE_ID and texts_offered(config)


@pytest.mark.parametrize(
    ("settings", "named"),
    [
        ({"SMS_BACKEND": "twilio"}, "SMS_BACKEND"),
        ({"SMS_BACKEND": "notify"}, "NOTIFY_API_KEY"),
        ({"SMS_BACKEND": "notify", "NOTIFY_API_KEY": NOTIFY_KEY}, "NOTIFY_SMS_TEMPLATE_ID"),
        (
            {
                "SMS_BACKEND": "notify",
                "NOTIFY_API_KEY": NOTIFY_KEY,
                "NOTIFY_SMS_TEMPLATE_ID": "template",
            },
            "NOTIFY_SMS_TEMPLATE_ID",
        ),
    ],
)
def test_settings_that_could_never_send_a_text_are_refused(environment, settings, named):
    for name, value in settings.items():
        environment.setenv(name, value)
    with pytest.raises(ConfigError, match=named):
        load_config("development")
