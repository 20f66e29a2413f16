"""Security headers, cookies and CSRF."""

import re
import secrets

import pytest

from tests.conftest import make_test_app
from tests.forms import csrf_token
from web import static_url

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cache-Control": "no-store",
}


def assert_security_headers(response):
    policy = response.headers["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ):
        assert directive in policy
    assert re.search(r"script-src 'self' 'nonce-[A-Za-z0-9_-]{20,}'", policy)
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value, name
    assert "camera=()" in response.headers["Permissions-Policy"]


def test_headers_on_a_page(client):
    assert_security_headers(client.get("/"))


def test_headers_on_not_found(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert_security_headers(response)


def test_headers_on_too_many_requests(migrated_database, tmp_path):
    app = make_test_app(migrated_database, tmp_path, RATELIMIT_DEFAULT="3 per minute")
    client = app.test_client()
    responses = [client.get("/track") for _ in range(4)]
    assert [response.status_code for response in responses] == [200, 200, 200, 429]
    # No X-RateLimit-* headers (each costs a Redis round trip): the refusal says when to retry.
    assert not [name for name, _ in responses[0].headers if name.startswith("X-RateLimit")]
    response = client.get("/track")
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)
    assert response.headers["Retry-After"] == "60"
    assert_security_headers(response)
    # Pages that are the same for everyone are sent from memory (web.templating), for less
    # than counting them would cost: not limited.
    assert {client.get(path).status_code for path in ("/", "/cookies", "/privacy")} == {200}


def test_a_new_nonce_for_every_response(client):
    nonces = {
        re.search(r"'nonce-([^']+)'", client.get("/").headers["Content-Security-Policy"]).group(1)
        for _ in range(3)
    }
    assert len(nonces) == 3


@pytest.mark.parametrize("path", ["/", "/privacy", "/accessibility"])
def test_a_page_rendered_once_carries_each_responses_own_nonce(client, path):
    """Content pages are rendered once per process (web.templating.render_content_page): each
    copy sent must name the nonce of its own response's policy, and no other."""
    seen = set()
    for _ in range(3):
        response = client.get(path)
        nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)
        in_page = set(re.findall(r'nonce="([^"]+)"', response.get_data(as_text=True)))
        assert in_page == {nonce}
        seen.add(nonce)
    assert len(seen) == 3


def test_hsts_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/").headers
    secure = client.get("/", base_url="https://reviews.example")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")


def test_fingerprinted_static_files_are_cached_for_a_year(app, client):
    with app.test_request_context():
        fingerprinted = static_url("css/app.css")
    with client.get(fingerprinted) as response:
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    # Without the fingerprint the browser must check again, so a new release shows at once.
    with client.get("/static/css/app.css") as response:
        assert "immutable" not in response.headers.get("Cache-Control", "")
        assert response.headers.get("Cache-Control") != "no-store"


def test_production_cookies_are_host_only_and_secure(migrated_database, tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", secrets.token_hex(32))
    monkeypatch.setenv("EMAIL_BACKEND", "smtp")
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://reviews.example")
    app = make_test_app(migrated_database, tmp_path, APP_ENV="production", WTF_CSRF_ENABLED=True)
    assert app.config["SESSION_COOKIE_NAME"] == "__Host-session"
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"

    @app.get("/_test/session")
    def set_session():
        from flask import session

        session["seen"] = True
        return "ok", {"Content-Type": "text/plain"}

    cookie = (
        app.test_client()
        .get("/_test/session", base_url="https://reviews.example")
        .headers["Set-Cookie"]
    )
    assert cookie.startswith("__Host-session=")
    for flag in ("Secure", "HttpOnly", "SameSite=Lax", "Path=/"):
        assert flag in cookie
    assert "Domain=" not in cookie


@pytest.fixture
def form_app(app):
    """A minimal form, so CSRF can be tested before any real form exists."""
    from flask import render_template_string
    from flask_wtf import FlaskForm

    @app.route("/_test/form", methods=["GET", "POST"])
    def form_view():
        form = FlaskForm()
        if form.validate_on_submit():
            return "accepted", {"Content-Type": "text/plain"}
        return render_template_string(
            '{% extends "layout.html" %}{% block title %}Form{% endblock %}'
            "{% block main_column %}<h1>Form</h1>{{ form.csrf_token }}{% endblock %}",
            form=form,
        )

    return app


def test_post_without_csrf_token_gets_a_friendly_page(form_app):
    response = form_app.test_client().post("/_test/form", data={})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Your page timed out" in html
    assert "Traceback" not in html
    assert_security_headers(response)


def test_post_with_csrf_token_is_accepted(form_app):
    client = form_app.test_client()
    token = csrf_token(client, "/_test/form")
    assert client.post("/_test/form", data={"csrf_token": token}).get_data() == b"accepted"


def test_every_form_route_refuses_a_post_without_its_csrf_token(app, admin, client_as):
    """Walks the URL map: no route that takes a POST is exempt. Signed in, so that no sign-in
    redirect could stand in for the refusal."""
    client = client_as(admin)
    checked = []
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods or rule.endpoint == "static":
            continue
        path = re.sub(r"<[^>]+>", "1", rule.rule)  # "1" suits every converter in use
        response = client.post(path, data={"anything": "x"})
        assert response.status_code == 400, (path, response.status_code)
        assert "Your page timed out" in response.get_data(as_text=True), path
        checked.append(path)
    assert len(checked) > 30, checked
