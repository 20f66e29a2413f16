"""Staff roles: defined here, in the domain; the staff blueprint imports them from reviews.workflow.

The database stores a role as its value ("team-leader"). The module-level names (CASEWORKER,
ROLES, CASEWORK...) hold those plain strings, as they always have: click's Choice, for one,
matches an enum member by its name rather than its value, so the staff CLI needs strings.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final


class Role(StrEnum):
    CASEWORKER = "caseworker"
    TEAM_LEADER = "team-leader"
    ADMIN = "admin"
    AUDITOR = "auditor"


CASEWORKER: Final = Role.CASEWORKER.value
TEAM_LEADER: Final = Role.TEAM_LEADER.value
ADMIN: Final = Role.ADMIN.value
AUDITOR: Final = Role.AUDITOR.value

# How staff screens name each role.
ROLES: dict[str, str] = {
    CASEWORKER: "Caseworker",
    TEAM_LEADER: "Team leader",
    ADMIN: "Admin",
    AUDITOR: "Auditor",
}
# Who may open a request's page; who may change a request is decided per action.
CAN_READ_REQUESTS: frozenset[str] = frozenset(ROLES)
CASEWORK: frozenset[str] = frozenset({CASEWORKER, TEAM_LEADER})
# For refusals: "Only team leaders can ...".
ROLE_PLURALS: dict[Role, str] = {
    Role.CASEWORKER: "caseworkers",
    Role.TEAM_LEADER: "team leaders",
    Role.ADMIN: "admins",
    Role.AUDITOR: "auditors",
}
