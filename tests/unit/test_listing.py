"""The constants the staff lists' indexes are written with (reviews.models.listing, migration
0023) are the workflow's and the tracker's own: a partial index names them as SQL literals,
because the models cannot import the workflow."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from reviews.case_updates import TRACKER
from reviews.models.listing import FINISHED_STATUSES, LATE_DECISION_STAGES
from reviews.workflow import FINISHED, Status

MIGRATION = Path(__file__).resolve().parents[2] / "migrations/versions/0023_lists_that_scale.py"


def test_the_lists_statuses_are_the_workflows():
    assert tuple(sorted(FINISHED)) == FINISHED_STATUSES
    assert (
        tuple(sorted((Status.RECEIVED, Status.ACKNOWLEDGED, Status.EXTENSION_CONSIDERED)))
        == LATE_DECISION_STAGES
    )
    assert TRACKER == "tracker"


def test_the_migration_writes_the_same_conditions():
    spec = importlib.util.spec_from_file_location("migration_0023", MIGRATION)
    assert spec and spec.loader
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    quoted = ", ".join(f"'{status}'" for status in FINISHED_STATUSES)
    assert f"status NOT IN ({quoted})" == migration.OPEN
