"""Internal notes: Markdown written by staff, rendered to HTML and sanitised with nh3."""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

# Raw HTML in a note is shown as text, and what Markdown makes is sanitised again anyway.
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False})
ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "blockquote", "code", "pre", "a"}


def render_note(markdown: str) -> Markup:
    html = _markdown.render(markdown)
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    # GOV.UK styles, so notes read like the rest of the page.
    for plain, styled in (
        ("<p>", '<p class="govuk-body">'),
        ("<ul>", '<ul class="govuk-list govuk-list--bullet">'),
        ("<ol>", '<ol class="govuk-list govuk-list--number">'),
        ("<a ", '<a class="govuk-link" '),
    ):
        cleaned = cleaned.replace(plain, styled)
    # Sanitised by nh3 just above, so safe to mark as markup (ruff S704, bandit B704).
    return Markup(cleaned)  # noqa: S704  # nosec B704
