"""Fixtures for the app tests: the journey, and one account for each staff role with the one
way to sign in as it (`client_as`)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

from reviews.workflow import ADMIN, AUDITOR, CASEWORKER, TEAM_LEADER
from tests.action_pages import Team
from tests.journey import Journey
from tests.staff_helpers import StaffAccount, make_staff, sign_in
from tests.workflow_steps import STAFF_PARTS, make_people, staff_request


@pytest.fixture
def journey(client):
    """A no-JavaScript browser for the review request journey."""
    return Journey(client)


def _account(name: str, role: str, email: str | None = None, full_name: str | None = None):
    """A fixture for a new account with this role (make_staff's email and name by default)."""

    @pytest.fixture(name=name)
    def account(app) -> StaffAccount:
        return make_staff(app, role, email, name=full_name)

    return account


caseworker = _account("caseworker", CASEWORKER, full_name="Casey Worker")
other_caseworker = _account("other_caseworker", CASEWORKER, "chris@example.org", "Chris Worker")
team_leader = _account("team_leader", TEAM_LEADER, full_name="Tam Leader")
other_team_leader = _account("other_team_leader", TEAM_LEADER, "toni@example.org", "Toni Leader")
admin = _account("admin", ADMIN)
auditor = _account("auditor", AUDITOR)


@pytest.fixture
def client_as(app) -> Callable[[StaffAccount], FlaskClient]:
    """`client_as(account)`: a new client signed in as the account, the way a person signs in
    (password, then a code from their app)."""

    def signed_in(account: StaffAccount) -> FlaskClient:
        return sign_in(app.test_client(), account, app)

    return signed_in


# For tests of the workflow itself (tests/workflow_steps.py): staff users in a staff request.


@pytest.fixture
def ctx(app):
    """A staff request's context: what the workflow runs in when a staff page calls it."""
    with staff_request(app):
        yield


@pytest.fixture
def accounts(request) -> dict[str, StaffAccount]:
    """The staff accounts above, by the part each plays."""
    return {name: request.getfixturevalue(name) for name in STAFF_PARTS}


@pytest.fixture
def people(accounts, ctx):
    """The accounts as staff users loaded in the staff request, as a page would load them."""
    return make_people(accounts)


# For the casework action pages (tests/action_pages.py).


@pytest.fixture
def team(
    app, caseworker, other_caseworker, team_leader, other_team_leader, admin, auditor, client_as
) -> Team:
    return Team(
        app,
        caseworker,
        other_caseworker,
        team_leader,
        other_team_leader,
        admin,
        auditor,
        client_as,
    )
