"""The reply to a time-out warning's "stay" button (templates/components/timeout_warning.html),
the same on the journey, the tracker and the staff pages."""

from __future__ import annotations

from flask import redirect, request
from werkzeug.wrappers import Response


def kept_alive(page_url: str) -> Response | tuple[str, int]:
    """204 for the warning's script, which treats any other reply as the session having ended;
    without JavaScript the button is an ordinary form, so back to the page."""
    if request.accept_mimetypes.best == "text/html":
        return redirect(page_url)
    return "", 204
