"""Rendering pages faster: a cheaper `{% from ... import %}` (every page runs some 30), GOV.UK
components' attributes written in Python, and pages that are the same for everyone rendered once."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from typing import Any

import jinja2
from flask import Flask, current_app, render_template
from markupsafe import Markup, escape

from web.security import csp_nonce


class Template(jinja2.Template):
    """Jinja reuses an imported template's module unless the importing page has globals the
    imported one lacks. It finds out by subtracting a ChainMap's keys view, one Python-level
    lookup per global per import: about a millisecond a page. set.difference asks the same
    question of the ChainMap's dictionaries in C."""

    def _get_default_module(self, ctx: jinja2.runtime.Context | None = None) -> Any:
        maps = getattr(self.globals, "maps", (self.globals,))
        if ctx is not None and ctx.globals_keys.difference(*maps):
            return super()._get_default_module(ctx)
        return super()._get_default_module(None)


def govuk_attributes(attributes: Any) -> Markup:
    """govuk-frontend-jinja's `govukAttributes` macro, which every component calls for itself
    and for each of its parts (a table's every cell): the same output, without a Jinja loop.
    templates/govuk_frontend_jinja/macros/attributes.html puts it in the macro's place;
    tests/unit/test_govuk_attributes.py compares the two."""
    if isinstance(attributes, str):
        # As the macro: a template's own string of attributes, written as it is.
        return Markup(attributes)  # noqa: S704  # nosec B704
    if not isinstance(attributes, Mapping):
        return Markup("")
    html = ""
    for name, value in attributes.items():
        # A `safe`-filtered value arrives wrapped: {"val": ...}.
        if isinstance(value, Mapping) and value and _given(value.get("val")):
            value = value["val"]
        if isinstance(value, Mapping):
            optional, given = value.get("optional"), value.get("value")
        else:
            optional, given = False, str(value).lower() if isinstance(value, bool) else value
        if optional is True and given is True:
            html += f" {escape(name)}"
        elif optional is not True or (_given(given) and given is not False):
            html += f' {escape(name)}="{escape(given)}"'
    # Every name and value in it escaped.
    return Markup(html)  # noqa: S704  # nosec B704


def govuk_table(params: Mapping[str, Any]) -> Markup:
    """govuk-frontend-jinja's `govukTable` macro in Python, with the same parameters and the
    same markup (but for the white space between tags): the staff pages' tables, a cell at a
    time, took a third of their time in Jinja. templates/govuk_frontend_jinja/components/table/
    macro.html puts it in the macro's place; tests/unit/test_govuk_table.py compares the two."""
    attributes = govuk_attributes(params.get("attributes"))
    parts = [f'<table class="govuk-table{_more_classes(params)}"{attributes}>']
    if params.get("caption"):
        parts.append(
            f'<caption class="govuk-table__caption{_more_classes(params, "captionClasses")}">'
            f"{escape(params['caption'])}</caption>"
        )
    if params.get("head"):
        parts.append('<thead class="govuk-table__head"><tr class="govuk-table__row">')
        for item in params["head"]:
            parts.append(_cell(item, "th", "govuk-table__header", "col", formats=True))
        parts.append("</tr></thead>")
    parts.append('<tbody class="govuk-table__body">')
    for row in params.get("rows") or ():
        if not row:
            continue
        parts.append('<tr class="govuk-table__row">')
        for number, cell in enumerate(row):
            if number == 0 and params.get("firstCellIsHeader"):
                parts.append(_cell(cell, "th", "govuk-table__header", "row"))
            else:
                parts.append(_cell(cell, "td", "govuk-table__cell", formats=True))
        parts.append("</tr>")
    parts.append("</tbody></table>")
    # All but what was given as html (which the macro too writes as it is) escaped.
    table = "".join(parts)
    return Markup(table)  # noqa: S704  # nosec B704


def _cell(
    item: Mapping[str, Any], tag: str, base: str, scope: str = "", formats: bool = False
) -> str:
    """One heading or cell as the macro writes it; `formats`: a `format` adds a class to `base`."""
    scope_attribute = f' scope="{scope}"' if scope else ""
    format_class = f" {base}--{escape(item['format'])}" if formats and item.get("format") else ""
    return (
        f'<{tag}{scope_attribute} class="{base}{format_class}{_more_classes(item)}"'
        f"{_spans(item)}{govuk_attributes(item.get('attributes'))}>{_content(item)}</{tag}>"
    )


def _more_classes(params: Mapping[str, Any], key: str = "classes") -> str:
    return f" {escape(params[key])}" if params.get(key) else ""


def _spans(item: Mapping[str, Any]) -> str:
    spans = ""
    for name in ("colspan", "rowspan"):
        if item.get(name):
            spans += f' {name}="{escape(item[name])}"'
    return spans


def _content(item: Mapping[str, Any]) -> str:
    """A cell's `html` as given (the macro marks it safe), else its `text`, escaped."""
    html = item.get("html")
    if html:
        return str(html)
    return str(escape(item["text"])) if "text" in item else ""


def _given(value: Any) -> bool:
    return value is not None and not isinstance(value, jinja2.Undefined)


def compile_templates(app: Flask) -> None:
    """Compile every page template now (gunicorn's master, before it forks its workers)."""
    environment = app.jinja_env
    for name in environment.list_templates(extensions=("html", "txt")):
        environment.get_template(name)


# Stands in for the request's CSP nonce in a page rendered once (render_content_page).
_NONCE_STAND_IN = "nonce-stand-in-" + secrets.token_hex(16)


def render_content_page(template: str, context: Callable[[], dict[str, Any]] = dict) -> str:
    """A page that shows the same words to everyone (the start page, guidance, legal pages),
    rendered once per process and template from what `context` gives (asked for only then):
    each request gets the copy with its own CSP nonce. Such a page must not show anything
    about the person or the request but the nonce. Rendered every time while templates reload
    (development)."""
    if current_app.config["TEMPLATES_AUTO_RELOAD"]:
        return render_template(template, **context())
    pages = current_app.extensions.setdefault("content_pages", {})
    if template not in pages:
        pages[template] = render_template(template, **context(), cspNonce=_NONCE_STAND_IN)
    return pages[template].replace(_NONCE_STAND_IN, csp_nonce())
