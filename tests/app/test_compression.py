"""Pages and assets are sent gzip-compressed to browsers that accept it (web.compression), and
assets are cached for good: a repeat view asks the server for nothing."""

from __future__ import annotations

import gzip
import re

import pytest
from flask.testing import FlaskClient

from tests.forms import csrf_token

GZIP = {"Accept-Encoding": "gzip, deflate, br"}
ASSET = re.compile(r'(?:href|src)="(/static/[^"]+\?v=[0-9a-f]+)"')
IMPORT = re.compile(r'from\s+"\./([^"]+)"')
# Every public page's first view (the page and what it loads, compressed) stays under this.
FIRST_VIEW_BUDGET = 35_000


@pytest.fixture
def raw(app) -> FlaskClient:
    """A client that leaves bodies as sent (the suite's page checker reads them as text)."""
    return FlaskClient(app, app.response_class, use_cookies=True)


def test_a_page_is_compressed_for_a_browser_that_accepts_gzip(raw):
    response = raw.get("/", headers=GZIP)
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["Vary"]
    page = gzip.decompress(response.data).decode()
    assert "<html" in page and "</html>" in page
    assert int(response.headers["Content-Length"]) == len(response.data)


def test_a_page_is_sent_as_is_without_accept_encoding(raw):
    response = raw.get("/")
    assert "Content-Encoding" not in response.headers
    assert "<html" in response.text
    assert "Accept-Encoding" in response.headers["Vary"]


def test_gzip_refused_with_q_zero_is_not_used(raw):
    response = raw.get("/", headers={"Accept-Encoding": "gzip;q=0, identity"})
    assert "Content-Encoding" not in response.headers


def test_a_page_shown_again_after_a_post_is_not_compressed(raw):
    # Re-shown forms repeat what was typed beside the form's token (BREACH).
    token = csrf_token(raw, "/track")
    response = raw.post(
        "/track",
        data={"csrf_token": token, "reference": "", "surname": ""},
        headers=GZIP,
    )
    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers


def test_static_assets_are_compressed_and_cached_for_good(raw):
    page = raw.get("/").text
    assets = ASSET.findall(page)
    stylesheet = next(url for url in assets if url.endswith(".css") or ".css?" in url)
    response = raw.get(stylesheet, headers=GZIP)
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.headers["ETag"].startswith('W/"')
    with raw.get(stylesheet) as identity:  # an open file until closed
        assert gzip.decompress(response.data) == identity.data
    # A second request is served from the compressed copy, byte for byte the same.
    assert raw.get(stylesheet, headers=GZIP).data == response.data


def test_a_conditional_request_for_a_compressed_asset_is_not_modified(raw):
    stylesheet = next(url for url in ASSET.findall(raw.get("/").text) if ".css?" in url)
    etag = raw.get(stylesheet, headers=GZIP).headers["ETag"]
    with raw.get(stylesheet, headers={**GZIP, "If-None-Match": etag}) as again:
        assert again.status_code == 304
        assert not again.data


def test_pages_are_never_cached(raw):
    assert raw.get("/", headers=GZIP).headers["Cache-Control"] == "no-store"


def first_view_bytes(raw: FlaskClient, path: str) -> int:
    """A first visit to `path`, compressed: the page and every asset it links to."""
    response = raw.get(path, headers=GZIP)
    assert response.status_code == 200, path
    total = len(response.data)
    page = gzip.decompress(response.data).decode()
    assets = {url.replace("&amp;", "&") for url in ASSET.findall(page)}
    fetched: set[str] = set()
    while assets - fetched:
        url = sorted(assets - fetched)[0]
        fetched.add(url)
        with raw.get(url, headers=GZIP) as asset:
            assert asset.status_code == 200, url
            total += len(asset.data)
            body = asset.data
            if asset.headers.get("Content-Encoding") == "gzip":
                body = gzip.decompress(body)
        if url.split("?")[0].endswith(".js"):
            # A module's imports load with it ("./govuk-frontend.min.js"), unfingerprinted.
            folder = url.split("?")[0].rsplit("/", 1)[0]
            assets |= {f"{folder}/{name}" for name in IMPORT.findall(body.decode())}
    return total


@pytest.mark.parametrize("path", ["/", "/request/who-is-asking", "/track", "/accessibility"])
def test_a_public_page_first_view_is_small(raw, path):
    assert first_view_bytes(raw, path) < FIRST_VIEW_BUDGET
