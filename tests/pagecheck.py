"""The checks every rendered page must pass, whichever test renders it."""

from __future__ import annotations

import re
from collections import Counter

import html5lib

_NONCE = re.compile(r"script-src [^;]*'nonce-([^']+)'")


def _text(element) -> str:
    return " ".join("".join(element.itertext()).split())


def check_page(html: str, content_security_policy: str) -> None:
    """One h1, a title that starts with it, unique ids, nonced scripts, HTML that parses."""
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    document = parser.parse(html)  # strict: raises on any parse error

    headings = document.findall(".//h1")
    assert len(headings) == 1, f"expected exactly one h1, found {len(headings)}"
    heading = _text(headings[0])
    title = _text(document.find(".//title"))
    assert title.startswith(heading) or title.startswith(f"Error: {heading}"), (
        f"title {title!r} does not start with the h1 {heading!r}"
    )

    ids = Counter(element.get("id") for element in document.iter() if element.get("id"))
    repeated = [name for name, count in ids.items() if count > 1]
    assert not repeated, f"ids used more than once: {repeated}"

    match = _NONCE.search(content_security_policy)
    assert match, "the Content-Security-Policy has no script nonce"
    for script in document.iter("script"):
        assert script.get("nonce") == match.group(1), "a script does not carry the CSP nonce"
