"""A browser without JavaScript for the review request journey, on a Flask test client."""

from __future__ import annotations

from tests.forms import csrf_token, error_messages
from tests.journey_data import complainant_steps


class Journey:
    """Drives the journey as a browser without JavaScript would: GET a page, POST its form."""

    def __init__(self, client):
        self.client = client
        self._token = None

    @property
    def token(self) -> str:
        if self._token is None:
            self._token = csrf_token(self.client, "/request/who-is-asking")
        return self._token

    def post(self, path: str, data: dict | None = None, **kwargs):
        return self.client.post(path, data={"csrf_token": self.token, **(data or {})}, **kwargs)

    def answer(self, slug: str, data: dict, expect_redirect: bool = True):
        response = self.post(f"/request/{slug}", data, content_type="multipart/form-data")
        if expect_redirect:
            assert response.status_code == 302, (slug, error_messages(response.text))
        return response

    def walk(self, steps):
        for slug, data in steps:
            self.answer(slug, data)

    def walk_to(self, slug: str, steps=None) -> list:
        """Answer each of `steps` (a complainant's by default) before `slug`: the steps from
        `slug` on, for the test to take."""
        steps = complainant_steps() if steps is None else steps
        index = [name for name, _ in steps].index(slug)
        self.walk(steps[:index])
        return steps[index:]

    def upload(self, slug: str, files, **extra):
        data = {"action": "upload", "files": files, **extra}
        return self.post(f"/request/{slug}", data, content_type="multipart/form-data")

    def send(self):
        return self.post("/request/check-answers")


def send_a_review_request(client) -> None:
    """A complainant's request, sent through the journey on `client`."""
    journey = Journey(client)
    journey.walk(complainant_steps())
    response = journey.send()
    assert response.location.endswith("/request/sent")


def look_up(client, reference, surname, address="127.0.0.1"):
    """Open the tracker for a sent request, as its requester does: reference and surname."""
    data = {"csrf_token": csrf_token(client, "/track"), "reference": reference, "surname": surname}
    return client.post("/track", data=data, environ_base={"REMOTE_ADDR": address})
