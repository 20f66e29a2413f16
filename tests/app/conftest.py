"""Fixtures for the app tests: the journey, and one account for each staff role with the one
way to sign in as it (`client_as`)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

from staff.access import ADMIN, AUDITOR, CASEWORKER, TEAM_LEADER
from tests.action_pages import Team
from tests.journey import Journey
from tests.staff_helpers import StaffAccount, make_staff, sign_in
from tests.workflow_steps import STAFF_PARTS, make_people, staff_request


@pytest.fixture
def journey(client):
    """A no-JavaScript browser for the review request journey."""
    return Journey(client)


@pytest.fixture
def caseworker(app) -> StaffAccount:
    return make_staff(app, CASEWORKER, name="Casey Worker")


@pytest.fixture
def other_caseworker(app) -> StaffAccount:
    return make_staff(app, CASEWORKER, "chris@example.org", name="Chris Worker")


@pytest.fixture
def team_leader(app) -> StaffAccount:
    return make_staff(app, TEAM_LEADER, name="Tam Leader")


@pytest.fixture
def other_team_leader(app) -> StaffAccount:
    return make_staff(app, TEAM_LEADER, "toni@example.org", name="Toni Leader")


@pytest.fixture
def admin(app) -> StaffAccount:
    return make_staff(app, ADMIN)


@pytest.fixture
def auditor(app) -> StaffAccount:
    return make_staff(app, AUDITOR)


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
