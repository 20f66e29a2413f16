"""The web package tells the domain's audit log where each request comes from, and forgets it
when the request is over (web.audit_origin)."""

from __future__ import annotations

from flask import Response

from reviews.audit import current_origin


def _add_probe(app) -> None:
    def origin() -> Response:
        return Response(str(current_origin.get()), mimetype="text/plain")

    def fails() -> Response:
        raise RuntimeError("the view failed")

    app.add_url_rule("/_probe/origin", view_func=origin)
    app.add_url_rule("/_probe/fails", view_func=fails)


def test_a_request_gives_the_audit_log_its_address_and_takes_it_back(app):
    _add_probe(app)
    client = app.test_client()
    assert current_origin.get() is None
    client.environ_base["REMOTE_ADDR"] = "192.0.2.7"
    assert client.get("/_probe/origin").text == "192.0.2.7"
    assert current_origin.get() is None
    client.environ_base["REMOTE_ADDR"] = "192.0.2.8"
    assert client.get("/_probe/origin").text == "192.0.2.8"
    assert current_origin.get() is None


def test_a_failed_request_takes_its_address_back_too(app):
    _add_probe(app)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "192.0.2.9"
    assert client.get("/_probe/fails").status_code == 500
    assert current_origin.get() is None


def test_outside_a_request_there_is_no_address(app):
    with app.app_context(), app.test_request_context():
        assert current_origin.get() is None
