"""Reading forms from the HTML a test client receives: the one way tests get a CSRF token, the
other hidden fields a form sends back, and the messages of an error summary."""

from __future__ import annotations

import re
from html import unescape

from flask.testing import FlaskClient

_INPUT = re.compile(r"<input\b[^>]*>", re.I)
_ATTRIBUTE = re.compile(r'([\w-]+)="([^"]*)"')
_ERROR_LINK = re.compile(r'<a href="#[^"]+">([^<]+)</a>')


def hidden_fields(html: str) -> dict[str, str]:
    """The hidden inputs on a page, by name (the CSRF token, a form's submission key, ...)."""
    fields = {}
    for tag in _INPUT.findall(html):
        attributes = dict(_ATTRIBUTE.findall(tag))
        if attributes.get("type") == "hidden" and "name" in attributes:
            fields[attributes["name"]] = unescape(attributes.get("value", ""))
    return fields


def form_fields(client: FlaskClient, path: str) -> dict[str, str]:
    """Open the page at `path`: the hidden fields its form sends back."""
    return hidden_fields(client.get(path).get_data(as_text=True))


def csrf_token(client: FlaskClient, path: str) -> str:
    """The CSRF token of the form on the page at `path`."""
    return form_fields(client, path)["csrf_token"]


def post_form(client: FlaskClient, path: str, data: dict | None = None, *, token_from=None):
    """Post `data` to `path` with a CSRF token from the page at `token_from` (`path` itself by
    default), as a browser sending the form would."""
    token = csrf_token(client, token_from or path)
    return client.post(path, data={"csrf_token": token, **(data or {})})


def error_messages(html: str) -> list[str]:
    """The messages linked from the error summary (each links to its question)."""
    return _ERROR_LINK.findall(html)
