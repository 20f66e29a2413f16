"""web.templating.govuk_table stands in for govuk-frontend-jinja's `govukTable` macro
(templates/govuk_frontend_jinja/components/table/macro.html): the same markup, but for the white
space between tags, for every parameter the macro takes."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jinja2 import Environment, PackageLoader, PrefixLoader
from markupsafe import Markup

from web.templating import govuk_table

PACKAGE = Environment(
    loader=PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
)
MACRO = PACKAGE.from_string(
    '{% from "govuk_frontend_jinja/components/table/macro.html" import govukTable %}'
    "{{ govukTable(params) }}"
)


def tidy(html: str) -> str:
    """Markup without the white space the macro's template leaves between tags and attributes."""
    html = re.sub(r">\s+<", "><", html.strip())
    return re.sub(r"\s+", " ", html)


def same_as_the_macro(params: dict) -> None:
    assert tidy(govuk_table(params)) == tidy(MACRO.render(params=params))


CASES = [
    {"rows": []},
    {"rows": [[{"text": "a"}, {"text": "b"}]]},
    {
        "caption": "Requests <all>",
        "captionClasses": "govuk-table__caption--m",
        "classes": "app-table",
        "attributes": {"data-module": "x"},
        "firstCellIsHeader": True,
        "head": [
            {"text": "Name & role"},
            {"html": Markup('<a href="/s">Sort</a>'), "attributes": {"aria-sort": "none"}},
            {"text": "Count", "format": "numeric", "classes": "w", "colspan": 2},
        ],
        "rows": [
            [{"text": "Sam <b>"}, {"html": "<em>kept</em>"}, {"text": 3, "format": "numeric"}],
            [],
            [{"text": None}, {"text": ""}, {"html": "", "text": "fallback"}, {"rowspan": 2}],
        ],
    },
]


@pytest.mark.parametrize("params", CASES)
def test_same_as_the_macro(params):
    same_as_the_macro(params)


text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=8)
cells = st.fixed_dictionaries(
    {},
    optional={
        "text": st.one_of(st.none(), text, st.integers()),
        "html": text,
        "format": st.sampled_from(["numeric", ""]),
        "classes": text,
        "colspan": st.integers(0, 3),
        "attributes": st.dictionaries(st.sampled_from(["data-a", "aria-x"]), text, max_size=2),
    },
)


@given(
    st.fixed_dictionaries(
        {"rows": st.lists(st.lists(cells, max_size=3), max_size=3)},
        optional={
            "head": st.lists(cells, max_size=3),
            "caption": text,
            "captionClasses": text,
            "firstCellIsHeader": st.booleans(),
            "classes": text,
        },
    )
)
def test_same_as_the_macro_for_any_table(params):
    same_as_the_macro(params)
