"""Tells the domain's audit log where each request comes from (reviews.audit.current_origin).

The origin is set before anything else in the request runs and put back when the request is
torn down, which happens for every request, failed ones included: a worker thread that serves
the next request never carries over the last one's address."""

from __future__ import annotations

from flask import Flask, g, request

from reviews.audit import current_origin, reset_origin, set_origin


def _set_origin() -> None:
    # The client's address as ProxyFix left it (the trusted X-Forwarded-For hop).
    g.audit_origin_token = set_origin(request.remote_addr)


def _reset_origin(_error: BaseException | None = None) -> None:
    token = g.pop("audit_origin_token", None)
    if token is None:
        return
    try:
        reset_origin(token)
    except ValueError:  # set in another context (a copied one): just clear it here
        current_origin.set(None)


def init_audit_origin(app: Flask) -> None:
    """Register first, so that the hook runs before any other (the rate limiter's included)."""
    app.before_request(_set_origin)
    app.teardown_request(_reset_origin)
