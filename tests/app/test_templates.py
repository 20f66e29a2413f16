"""Every template names only filters and tests that exist, so no page fails at render time for
an answer that takes it down a branch no other test reached."""

from __future__ import annotations

from jinja2 import nodes


def _unknown_names(env, source: str) -> list[str]:
    unknown = []
    for node in env.parse(source).find_all((nodes.Filter, nodes.Test)):
        known = env.filters if isinstance(node, nodes.Filter) else env.tests
        if node.name not in known:
            unknown.append(node.name)
        # map("name"), select("name"), reject("name") name a filter or a test by a string.
        if isinstance(node, nodes.Filter) and node.args and isinstance(node.args[0], nodes.Const):
            named = node.args[0].value
            if node.name == "map" and isinstance(named, str) and named not in env.filters:
                unknown.append(named)
            if node.name in ("select", "reject") and named not in env.tests:
                unknown.append(named)
    return unknown


def test_templates_use_only_filters_and_tests_that_exist(app):
    env = app.jinja_env
    found = {}
    for name in env.list_templates(extensions=("html", "txt")):
        source = env.loader.get_source(env, name)[0]
        unknown = _unknown_names(env, source)
        if unknown:
            found[name] = unknown
    assert found == {}


def test_the_check_finds_a_filter_that_does_not_exist(app):
    env = app.jinja_env
    assert _unknown_names(env, '{{ xs | map("extract", d) | join(", ") }}') == ["extract"]
    assert _unknown_names(env, "{{ x | nosuchfilter }}") == ["nosuchfilter"]
