"""gzip for pages and assets, for browsers that accept it (about a fifth of the bytes).

Static files are compressed once per version (their ETag) and kept in memory; pages are
compressed as they are sent. Compressed, an ETag becomes weak (W/): the bytes differ from the
file's, while a conditional request still matches it (werkzeug compares ETags weakly).

Pages are compressed only when asked for with GET. A page re-shown after a POST repeats what was
typed beside the form's token; compressing those would let someone who can both send a person's
browser such input and watch the sizes of its responses (BREACH) guess the token a byte at a time.
"""

from __future__ import annotations

import gzip

from flask import Flask, Response, request

COMPRESSIBLE = frozenset(
    {
        "text/html",
        "text/css",
        "text/javascript",
        "text/plain",
        "application/javascript",
        "application/json",
        "image/svg+xml",
    }
)
# Below this a compressed body saves less than the header costs.
MINIMUM_BYTES = 500
# Pages: fast. Static files: compressed once each, so the smallest.
PAGE_LEVEL = 6
STATIC_LEVEL = 9
# Not compressed: no body (204, 304), or a byte range of the identity body (206).
NO_BODY = frozenset({204, 206, 304})


# A static file's compressed bytes by its ETag (which names the file's version): a few dozen.
_static_cache: dict[str, bytes] = {}
STATIC_CACHE_SIZE = 64


def _gzip(body: bytes, level: int) -> bytes:
    return gzip.compress(body, compresslevel=level, mtime=0)


def _compressed_static(etag: str, body: bytes) -> bytes:
    compressed = _static_cache.get(etag)
    if compressed is None:
        compressed = _gzip(body, STATIC_LEVEL)
        if len(_static_cache) >= STATIC_CACHE_SIZE:
            _static_cache.clear()
        _static_cache[etag] = compressed
    return compressed


def _close(response: Response) -> None:
    """Close what the body was read from (send_file's open file) before replacing it."""
    close = getattr(response.response, "close", None)
    if close is not None:
        close()


def _wanted(response: Response) -> bool:
    if response.mimetype not in COMPRESSIBLE:
        return False
    response.vary.add("Accept-Encoding")
    if (
        response.status_code in NO_BODY
        or "Content-Encoding" in response.headers
        or request.accept_encodings["gzip"] <= 0
    ):
        return False
    static = request.endpoint == "static"
    return static or (request.method in ("GET", "HEAD") and not response.is_streamed)


def compress(response: Response) -> Response:
    if not _wanted(response):
        return response
    if request.endpoint == "static":
        etag, _weak = response.get_etag()
        compressed = _static_cache.get(etag or "")
        if compressed is None:
            # send_file hands the file over as is; read it (small: CSS, JavaScript, SVG).
            body = b"".join(
                part if isinstance(part, bytes) else part.encode() for part in response.response
            )
            _close(response)
            response.set_data(body)
            if len(body) < MINIMUM_BYTES:
                return response
            compressed = _compressed_static(etag, body) if etag else _gzip(body, STATIC_LEVEL)
    else:
        body = response.get_data()
        if len(body) < MINIMUM_BYTES:
            return response
        compressed = _gzip(body, PAGE_LEVEL)
    _close(response)
    response.set_data(compressed)
    response.headers["Content-Encoding"] = "gzip"
    etag, weak = response.get_etag()
    if etag and not weak:
        response.set_etag(etag, weak=True)
    return response


def init_compression(app: Flask) -> None:
    app.after_request(compress)
