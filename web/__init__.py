"""The domain of review requests, and the app factory that serves it."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path, PurePosixPath

from flask import Flask, url_for
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from werkzeug.middleware.proxy_fix import ProxyFix

from reviews.database import db
from reviews.promises import promises_for
from reviews.rules import COMPLAINTS_SCHEME_START, format_date
from reviews.storage import use_keys
from web.audit_origin import init_audit_origin
from web.compression import init_compression
from web.config import load_config, retention_schedule, upload_encryption_keys
from web.errors import init_errors, log_exception_safely
from web.extensions import csrf, limiter, migrate
from web.forms import init_form_kit
from web.forms.cleaning import CleanedRequest
from web.letters import init_letters
from web.logs import configure_logging
from web.paths import MIGRATIONS_DIR, STATIC_DIR, TEMPLATES_DIR
from web.query import DatabaseIdConverter
from web.request_log import init_request_log
from web.security import init_security
from web.templating import Template, govuk_attributes, govuk_table

SERVICE_NAME = "Police complaint reviews"


def create_app(config: Mapping[str, object] | None = None) -> Flask:
    """Build the app: configuration from the environment, then `config` on top (tests use it)."""
    settings = load_config(str(config["APP_ENV"]) if config and "APP_ENV" in config else None)
    settings.update(config or {})
    configure_logging(str(settings["LOG_LEVEL"]))

    app = Flask(
        __name__,
        instance_path=str(settings["INSTANCE_PATH"]),
        template_folder=str(TEMPLATES_DIR),
        static_folder=str(STATIC_DIR),
    )
    app.config.from_mapping(settings)
    # Uploads and letters are sealed with these keys (reviews.storage), whoever writes them.
    app.config["UPLOAD_ENCRYPTION_KEYS"] = upload_encryption_keys(
        app.config["UPLOAD_ENCRYPTION_KEYS"]
    )
    use_keys(app.config["UPLOAD_ENCRYPTION_KEYS"])
    # Every query and form value without control characters (web.forms.cleaning).
    app.request_class = CleanedRequest
    # Before any route is added: ids in addresses never overflow a database integer.
    app.url_map.converters["int"] = DatabaseIdConverter
    app.log_exception = log_exception_safely  # type: ignore[method-assign]
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    # First, so that every request has its id before anything (CSRF, rate limits) can refuse it.
    init_request_log(app)
    _trust_proxies(app)
    init_audit_origin(app)
    _init_templates(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    init_security(app)
    init_compression(app)
    init_errors(app)
    init_letters(app)
    _register_blueprints(app)
    return app


def _trust_proxies(app: Flask) -> None:
    hops = {
        name: int(app.config[f"PROXY_FIX_X_{name.upper()}"]) for name in ("for", "proto", "host")
    }
    if any(hops.values()):
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops["for"], x_proto=hops["proto"], x_host=hops["host"]
        )


def _init_templates(app: Flask) -> None:
    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(TEMPLATES_DIR)),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.template_class = Template
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    WTFormsHelpers(app)
    init_form_kit(app)
    app.jinja_env.globals["govuk_attributes"] = govuk_attributes
    app.jinja_env.globals["govuk_table"] = govuk_table
    app.jinja_env.globals["static_url"] = static_url
    app.jinja_env.globals["import_map"] = import_map
    app.jinja_env.globals["service_name"] = SERVICE_NAME
    # The day the review scheme began (reviews.rules), as pages state it.
    app.jinja_env.globals["scheme_start"] = format_date(COMPLAINTS_SCHEME_START)
    # Every promise to the public (reviews.promises): pages state these, never a number.
    # The records one follows the retention settings, so the privacy notice states what runs.
    app.jinja_env.globals["promises"] = promises_for(retention_schedule(app.config))

    @app.context_processor
    def contact_links() -> dict[str, object]:
        contact_email = app.config["CONTACT_EMAIL"]
        feedback = app.config["FEEDBACK_URL"] or f"mailto:{contact_email}?subject=Feedback"
        return {"contact_email": contact_email, "feedback_url": feedback}


@cache
def _fingerprint(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def static_url(filename: str) -> str:
    """A static file's URL with a content fingerprint, so browsers can cache it for long."""
    return url_for("static", filename=filename, v=_fingerprint(STATIC_DIR / filename))


# A module's imports of its neighbours: `from "./timeout-warning.js"`.
_IMPORT = re.compile(r'from\s+"\./([^"]+)"')


@cache
def _imported_by(script: str) -> tuple[str, ...]:
    folder = PurePosixPath(script).parent
    names = _IMPORT.findall((STATIC_DIR / script).read_text())
    return tuple(str(folder / name) for name in names)


def import_map(script: str) -> dict[str, dict[str, str]]:
    """An import map sending each module `script` imports to its fingerprinted URL: without
    it, the browser would ask for each again on every page (a 304 each)."""
    return {
        "imports": {
            url_for("static", filename=name): static_url(name) for name in _imported_by(script)
        }
    }


def _register_blueprints(app: Flask) -> None:
    from accessibility import accessibility
    from portal import portal
    from staff import init_staff
    from staff.cli import staff_cli
    from web.cli import reviews_cli
    from web.health import health

    app.register_blueprint(health)
    app.register_blueprint(portal)
    app.register_blueprint(accessibility)
    init_staff(app)
    app.cli.add_command(reviews_cli)
    app.cli.add_command(staff_cli)
