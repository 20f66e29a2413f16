"""web.templating.govuk_attributes stands in for govuk-frontend-jinja's `govukAttributes` macro
(templates/govuk_frontend_jinja/macros/attributes.html): it must write exactly what the macro
writes, for every kind of value the macro documents."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jinja2 import Environment, PackageLoader
from markupsafe import Markup

from web.templating import govuk_attributes

PACKAGE = Environment(
    loader=PackageLoader("govuk_frontend_jinja"),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
)
MACRO = PACKAGE.from_string(
    '{% from "macros/attributes.html" import govukAttributes %}{{ govukAttributes(attributes) }}'
)


def original(attributes: object) -> str:
    return MACRO.render(attributes=attributes)


CASES = [
    None,
    "",
    ' data-module="govuk-button"',
    {},
    {"aria-sort": "none", "data-x": 'a "quoted" <value> & more'},
    {"aria-hidden": True, "hidden": False, "data-count": 0, "data-none": None},
    {"hidden": {"value": True, "optional": True}},
    {"hidden": {"value": False, "optional": True}},
    {"hidden": {"value": None, "optional": True}},
    {"hidden": {"value": "", "optional": True}},
    {"data-y": {"value": "z", "optional": False}},
    {"data-safe": {"val": Markup("<b>kept</b>")}},
    {"<odd name>": "v"},
    ["not", "a", "mapping"],
]


@pytest.mark.parametrize("attributes", CASES)
def test_same_as_the_macro(attributes):
    assert govuk_attributes(attributes) == original(attributes)


def test_an_undefined_value_is_written_as_the_macro_writes_it():
    """A template may pass a variable it does not have: Jinja's Undefined, not None."""
    attributes = '{"data-x": missing, "data-y": {"value": missing, "optional": true}}'
    ours = PACKAGE.from_string(f"{{{{ ours({attributes}) }}}}").render(ours=govuk_attributes)
    theirs = PACKAGE.from_string(
        '{% from "macros/attributes.html" import govukAttributes %}'
        f"{{{{ govukAttributes({attributes}) }}}}"
    ).render()
    assert ours == theirs == ' data-x=""'


values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.text(max_size=12),
    st.fixed_dictionaries(
        {"value": st.one_of(st.none(), st.booleans(), st.text(max_size=8))},
        optional={"optional": st.booleans()},
    ),
)


@given(st.dictionaries(st.text(min_size=1, max_size=10), values, max_size=4))
def test_same_as_the_macro_for_any_attributes(attributes):
    assert govuk_attributes(attributes) == original(attributes)
