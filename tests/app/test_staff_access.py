"""Every staff page refuses the anonymous and every role it does not list.

The test walks the URL map, so a page added later is checked without anyone remembering to: it
must be wrapped in `role_required` (which records `allowed_roles` on the view), or be one of the
few pages that are the way in and out. Every method each address takes is tried (POST-only
actions, file downloads and letters included), and a route the walk cannot check fails it.
"""

from __future__ import annotations

from flask import Flask, url_for
from flask.testing import FlaskClient
from werkzeug.routing import Rule

from reviews.workflow import ROLES
from staff.access import role_required
from tests.forms import csrf_token, post_form
from tests.site_map import STAFF_PUBLIC_ENDPOINTS
from tests.staff_helpers import make_staff, sign_in


def is_staff(rule: Rule) -> bool:
    """By blueprint or by address: a staff page registered elsewhere is still a staff page."""
    return rule.endpoint.startswith("staff.") or rule.rule.startswith("/staff")


def staff_rules(app: Flask) -> list[Rule]:
    return [
        rule
        for rule in app.url_map.iter_rules()
        if is_staff(rule) and rule.endpoint not in STAFF_PUBLIC_ENDPOINTS
    ]


def url_with_dummy_ids(app: Flask, rule: Rule) -> str:
    with app.test_request_context():
        return url_for(rule.endpoint, **dict.fromkeys(rule.arguments, 1))


def methods(rule: Rule) -> list[str]:
    """Every method the address takes (Flask adds HEAD to GET, and OPTIONS, itself)."""
    return sorted(rule.methods - {"HEAD", "OPTIONS"})


def request(client, method: str, url: str, token_page: str):
    if method == "GET":
        return client.get(url)
    # A real token, so that it is the access check answering and not the CSRF check.
    return client.open(url, method=method, data={"csrf_token": csrf_token(client, token_page)})


def to_sign_in(response) -> bool:
    return response.status_code == 302 and response.location.startswith("/staff/sign-in")


def test_every_staff_page_says_who_may_use_it(app):
    unguarded = [
        rule.endpoint
        for rule in staff_rules(app)
        if not getattr(app.view_functions[rule.endpoint], "allowed_roles", None)
    ]
    assert not unguarded, f"staff pages without role_required: {unguarded}"
    assert set(app.view_functions) >= STAFF_PUBLIC_ENDPOINTS, "a public staff page has gone"


def access_problems(app: Flask) -> tuple[list[str], set[tuple[str, str]]]:
    """Each staff route, by every method, as the anonymous and as each role: what answered
    wrongly, and which (method, endpoint) pairs were tried."""
    # Made first, so that it has id 1, the dummy id in every address: admin actions on "user
    # 1" change this account, not the ones signed in below.
    target = make_staff(app, "caseworker", "target@example.org")
    assert target.id == 1
    anonymous, clients = signed_in_clients(app)
    problems = []
    tried = set()
    for rule in staff_rules(app):
        allowed = getattr(app.view_functions[rule.endpoint], "allowed_roles", None)
        if not allowed:
            problems.append(f"{rule.endpoint}: no role_required")
            continue
        if not allowed <= set(ROLES):
            problems.append(f"{rule.endpoint}: roles that do not exist {allowed - set(ROLES)}")
            continue
        url = url_with_dummy_ids(app, rule)
        for method in methods(rule):
            tried.add((method, rule.endpoint))
            problems += method_problems(method, url, allowed, anonymous, clients)
    return problems, tried


def signed_in_clients(app: Flask) -> tuple[FlaskClient, dict[str, FlaskClient]]:
    """An anonymous client, and one signed in as each role."""
    anonymous = app.test_client()
    anonymous.environ_base["REMOTE_ADDR"] = "192.0.2.1"
    clients = {}
    for number, role in enumerate(ROLES, start=2):
        user = make_staff(app, role, f"{role}@example.org")
        client = app.test_client()
        # Each its own address, so that the per-address rate limits are not what answers.
        client.environ_base["REMOTE_ADDR"] = f"192.0.2.{number}"
        clients[role] = sign_in(client, user, app)
    return anonymous, clients


def method_problems(
    method: str,
    url: str,
    allowed: frozenset[str],
    anonymous: FlaskClient,
    clients: dict[str, FlaskClient],
) -> list[str]:
    """What answered wrongly to one method on one address: the anonymous must be sent to sign
    in, other roles refused, and the allowed roles let through."""
    problems = []
    response = request(anonymous, method, url, "/staff/sign-in")
    if not to_sign_in(response):
        problems.append(f"{method} {url} anonymous: {response.status_code}")
    for role in sorted(set(ROLES) - allowed):
        response = request(clients[role], method, url, "/staff/account")
        if response.status_code != 403:
            problems.append(f"{method} {url} as {role}: {response.status_code}")
    for role in sorted(allowed):
        response = request(clients[role], method, url, "/staff/account")
        if response.status_code in (403, 500) or to_sign_in(response):
            problems.append(f"{method} {url} as allowed {role}: {response.status_code}")
    return problems


def test_staff_pages_refuse_the_anonymous_and_other_roles(app):
    problems, tried = access_problems(app)
    assert not problems, "\n".join(problems)
    # POST-only actions, files and letters are walked like any page.
    assert {
        ("POST", "staff.keep_alive"),
        ("POST", "staff.bounce_dealt_with"),
        ("POST", "staff.action_page"),
        ("POST", "staff.deactivate_user"),
        ("GET", "staff.download_document"),
        ("GET", "staff.audit_export"),
        ("GET", "staff.letter"),
    } <= tried


def test_the_walk_fails_a_route_it_cannot_check(app):
    """A staff route without `role_required`, one with a role that does not exist, one under
    /staff outside the staff blueprint, and a method other than GET and POST: none is passed
    over in silence."""

    @app.get("/staff/_test/unguarded")
    def unguarded():
        return "open to all"

    @app.get("/staff/_test/misspelt")
    @role_required("team_leader")
    def misspelt():
        return "for nobody"

    @app.delete("/staff/_test/delete/<int:thing_id>", endpoint="staff_test_delete")
    @role_required("admin")
    def delete(thing_id):
        return "", 204

    problems, tried = access_problems(app)
    assert "unguarded: no role_required" in problems
    assert "misspelt: roles that do not exist frozenset({'team_leader'})" in problems
    assert ("DELETE", "staff_test_delete") in tried
    assert not [problem for problem in problems if "/staff/_test/delete" in problem]


def test_public_staff_pages_show_nothing_to_the_anonymous(client):
    assert client.get("/staff/sign-in").status_code == 200
    for path in ("/staff/two-factor", "/staff/set-up-two-factor"):
        assert to_sign_in(client.get(path))
    assert client.get("/staff/set-password").status_code == 404
    response = post_form(client, "/staff/sign-out", token_from="/staff/sign-in")
    assert to_sign_in(response)
