"""Response hardening: a per-request CSP nonce and the security headers every response carries."""

from __future__ import annotations

import secrets

from flask import Flask, Response, g, request

PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)


def csp_nonce() -> str:
    """The nonce for this request, made on first use so that every script tag shares it."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return g.csp_nonce


def content_security_policy(nonce: str) -> str:
    return (
        "default-src 'self'; "
        f"script-src 'self' 'nonce-{nonce}'; "
        "object-src 'none'; "
        "base-uri 'none'; "
        "frame-ancestors 'none'; "
        "form-action 'self'"
    )


def add_security_headers(response: Response) -> Response:
    headers = response.headers
    # A view may set a stricter policy of its own (a sandboxed download, say).
    headers.setdefault("Content-Security-Policy", content_security_policy(csp_nonce()))
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    headers["Permissions-Policy"] = PERMISSIONS_POLICY
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if request.is_secure:
        headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
    # Pages carry a fresh nonce and may show personal data: never keep them in any cache.
    if request.endpoint != "static":
        headers["Cache-Control"] = "no-store"
    elif request.args.get("v") and response.status_code == 200:
        # static_url() puts a content fingerprint in `v`, so this URL never changes meaning.
        headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


def init_security(app: Flask) -> None:
    app.after_request(add_security_headers)

    @app.context_processor
    def inject_nonce() -> dict[str, object]:
        # `cspNonce` is the name govuk-frontend-jinja's base template reads.
        return {"csp_nonce": csp_nonce, "cspNonce": csp_nonce()}
