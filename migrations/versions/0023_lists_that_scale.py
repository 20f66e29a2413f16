"""Staff lists and counts that cost the same at any number of requests

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-04 09:00:00

Issue 15. Indexes that give each dashboard list and the queue their first rows in order (partial
ones leave finished requests out; reviews.models.listing writes the queries' conditions as
these do). `request_tallies`: how many requests there are by status, owner and whether late with
the extension undecided, kept by triggers on review_requests whatever writes them, so that the
dashboard's and the queue's totals read a few rows rather than count many.

Search (reviews.search), not part of the models: on PostgreSQL, trigram indexes (pg_trgm) on the
expressions a search compares, when the extension can be installed (else searches read every
request, as before); on SQLite, an FTS5 trigram table, `review_request_search`, kept by
triggers, that narrows a search to the requests that may match.

"""
import logging

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0023'
down_revision = "0022"
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")

OPEN = (
    "status NOT IN ('closed', 'forwarded-to-iopc', 'no-right-of-review', 'refused-late', "
    "'withdrawn')"
)
# (name, table, columns, condition) of the lists' indexes.
INDEXES = [
    ("ix_review_requests_status_acknowledgement_due", "review_requests",
     "status, acknowledgement_due, id", None),
    ("ix_review_requests_status_mps_info_due_on", "review_requests",
     "status, mps_info_due_on, id", None),
    ("ix_review_requests_status_mps_response_due_on", "review_requests",
     "status, mps_response_due_on, id", None),
    ("ix_review_requests_due_soonest_first", "review_requests",
     "coalesce(next_due_on, '9999-12-31'), id", None),
    ("ix_review_requests_due_latest_first", "review_requests",
     "coalesce(next_due_on, '0001-01-01'), id", None),
    ("ix_review_requests_open_submitted_at", "review_requests", "submitted_at, id", OPEN),
    ("ix_review_requests_open_owner_id", "review_requests",
     "owner_id, submitted_at, id", OPEN),
    ("ix_review_requests_open_consent", "review_requests", "consent, submitted_at, id", OPEN),
    ("ix_review_requests_status_submitted_at", "review_requests",
     "status, submitted_at, id", None),
    ("ix_review_requests_status_late", "review_requests",
     "status, is_late, submitted_at, id, late_decision", None),
    ("ix_review_requests_status_due_soonest_first", "review_requests",
     "status, coalesce(next_due_on, '9999-12-31'), id", None),
    ("ix_requester_messages_unread", "requester_messages", "review_request_id",
     "read_at IS NULL"),
    ("ix_documents_unread", "documents", "review_request_id",
     "source = 'tracker' AND read_at IS NULL"),
]


# The tally's key for a row of review_requests (NEW, OLD, or a transition table's columns).
def _key(row=""):
    return (
        f"{row}status, coalesce({row}owner_id, 0), "
        f"({row}is_late AND {row}late_decision IS NULL)"
    )


# --- PostgreSQL: statement triggers, one upsert a statement (a bulk insert of thousands of
# requests is a few upserts), in key order so that two transactions lock tallies alike.
PG_TALLY = """
CREATE FUNCTION request_tallies_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO request_tallies AS t (status, owner_key, late_undecided, requests)
    SELECT {key}, count(*) FROM new_rows GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (status, owner_key, late_undecided)
    DO UPDATE SET requests = t.requests + excluded.requests;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO request_tallies AS t (status, owner_key, late_undecided, requests)
    SELECT {key}, -count(*) FROM old_rows GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (status, owner_key, late_undecided)
    DO UPDATE SET requests = t.requests + excluded.requests;
  ELSE
    INSERT INTO request_tallies AS t (status, owner_key, late_undecided, requests)
    SELECT status, owner_key, late_undecided, sum(change) FROM (
      SELECT {key}, 1 FROM new_rows UNION ALL SELECT {key}, -1 FROM old_rows
    ) AS changes (status, owner_key, late_undecided, change)
    GROUP BY 1, 2, 3 HAVING sum(change) <> 0 ORDER BY 1, 2, 3
    ON CONFLICT (status, owner_key, late_undecided)
    DO UPDATE SET requests = t.requests + excluded.requests;
  END IF;
  RETURN NULL;
END $$
""".format(key=_key())

PG_TALLY_TRIGGERS = [
    "CREATE TRIGGER request_tallies_insert AFTER INSERT ON review_requests "
    "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION request_tallies_keep()",
    "CREATE TRIGGER request_tallies_update AFTER UPDATE ON review_requests "
    "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION request_tallies_keep()",
    "CREATE TRIGGER request_tallies_delete AFTER DELETE ON review_requests "
    "REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION request_tallies_keep()",
]


# --- SQLite: row triggers (SQLite has no other kind; a row's upsert is cheap there).
def _sqlite_add(row):
    return (
        "INSERT INTO request_tallies (status, owner_key, late_undecided, requests) "
        f"VALUES ({_key(row)}, 1) ON CONFLICT (status, owner_key, late_undecided) "
        "DO UPDATE SET requests = requests + 1;"
    )


def _sqlite_remove(row):
    return (
        "UPDATE request_tallies SET requests = requests - 1 WHERE "
        f"(status, owner_key, late_undecided) = ({_key(row)});"
    )


SQLITE_TALLY_TRIGGERS = [
    f"CREATE TRIGGER request_tallies_insert AFTER INSERT ON review_requests "
    f"BEGIN {_sqlite_add('NEW.')} END",
    f"CREATE TRIGGER request_tallies_delete AFTER DELETE ON review_requests "
    f"BEGIN {_sqlite_remove('OLD.')} END",
    "CREATE TRIGGER request_tallies_update "
    "AFTER UPDATE OF status, owner_id, is_late, late_decision ON review_requests "
    f"WHEN ({_key('OLD.')}) IS NOT ({_key('NEW.')}) "
    f"BEGIN {_sqlite_remove('OLD.')} {_sqlite_add('NEW.')} END",
]


# --- Search. The expressions reviews.search compares, as it writes them.
SEARCHED = (
    "requester_name", "complainant_name", "representative_organisation", "requester_email",
    "complainant_email",
)
PHONES = ("requester_phone", "complainant_phone")


def _phone(column):
    sql = f"replace(replace({column}, '+44', '0'), '(0)', '')"
    for separator in (" ", "-", "(", ")", "."):
        sql = f"replace({sql}, '{separator}', '')"
    return sql


def _compact(column):
    sql = column
    for separator in (" ", "/", "-", ".", "\\"):
        sql = f"replace({sql}, '{separator}', '')"
    return f"upper({sql})"


def _pg_search_indexes():
    # fastupdate off: new entries go into the index at once, not into a pending list that every
    # search would read through until a vacuum empties it.
    indexes = [
        (f"review_request_search_{column}", f"lower({column})") for column in SEARCHED
    ] + [(f"review_request_search_{column}", _phone(column)) for column in PHONES]
    return [
        f"CREATE INDEX {name} ON review_requests USING gin ({sql} gin_trgm_ops) "
        "WITH (fastupdate = off)"
        for name, sql in indexes
    ] + [
        "CREATE INDEX review_request_search_mps_reference "
        f"ON review_requests ({_compact('mps_reference')})"
    ]


def _pg_search_index_names():
    return [f"review_request_search_{c}" for c in SEARCHED + PHONES + ("mps_reference",)]


def _pg_trigram_installed():
    """Install pg_trgm if this database may (it is a trusted extension from PostgreSQL 13)."""
    bind = op.get_bind()
    if bind.execute(sa.text("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")).scalar():
        return True
    if not bind.execute(
        sa.text("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
    ).scalar():
        log.warning("pg_trgm is not available: staff searches will read every request")
        return False
    try:
        with bind.begin_nested():
            bind.execute(sa.text("CREATE EXTENSION pg_trgm"))
    except sa.exc.DBAPIError:
        log.warning("pg_trgm could not be installed: staff searches will read every request")
        return False
    return True


# SQLite: every searched text of a request in one column (a newline between: searches never
# hold one), its phone numbers' digits and the Met's reference without separators.
def _sqlite_search_values(row):
    words = " || char(10) || ".join(f"coalesce({row}{column}, '')" for column in SEARCHED)
    phones = " || ' ' || ".join(f"coalesce({_phone(row + column)}, '')" for column in PHONES)
    return f"{row}id, {words}, {phones}, coalesce({_compact(row + 'mps_reference')}, '')"


SQLITE_SEARCH = [
    "CREATE VIRTUAL TABLE review_request_search "
    "USING fts5(words, phones, mps_reference, tokenize = 'trigram')",
    # OR REPLACE: a row whose id is used again replaces what was there.
    "CREATE TRIGGER review_request_search_insert AFTER INSERT ON review_requests BEGIN "
    "INSERT OR REPLACE INTO review_request_search (rowid, words, phones, mps_reference) "
    f"VALUES ({_sqlite_search_values('NEW.')}); END",
    "CREATE TRIGGER review_request_search_update AFTER UPDATE OF "
    f"{', '.join(SEARCHED + PHONES)}, mps_reference ON review_requests BEGIN "
    "INSERT OR REPLACE INTO review_request_search (rowid, words, phones, mps_reference) "
    f"VALUES ({_sqlite_search_values('NEW.')}); END",
    "CREATE TRIGGER review_request_search_delete AFTER DELETE ON review_requests BEGIN "
    "DELETE FROM review_request_search WHERE rowid = OLD.id; END",
    "INSERT INTO review_request_search (rowid, words, phones, mps_reference) "
    f"SELECT {_sqlite_search_values('')} FROM review_requests",
]


def upgrade():
    postgresql = op.get_bind().dialect.name == "postgresql"
    for name, table, columns, condition in INDEXES:
        where = f" WHERE {condition}" if condition else ""
        op.execute(f"CREATE INDEX {name} ON {table} ({columns}){where}")

    op.create_table(
        'request_tallies',
        sa.Column('status', sa.String(length=40), nullable=False),
        sa.Column('owner_key', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('late_undecided', sa.Boolean(), nullable=False),
        sa.Column('requests', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            'status', 'owner_key', 'late_undecided', name=op.f('pk_request_tallies')
        ),
    )
    op.execute(
        "INSERT INTO request_tallies (status, owner_key, late_undecided, requests) "
        f"SELECT {_key()}, count(*) FROM review_requests GROUP BY 1, 2, 3"
    )
    if postgresql:
        op.execute(PG_TALLY)
        for sql in PG_TALLY_TRIGGERS:
            op.execute(sql)
        if _pg_trigram_installed():
            for sql in _pg_search_indexes():
                op.execute(sql)
    else:
        for sql in SQLITE_TALLY_TRIGGERS + SQLITE_SEARCH:
            op.execute(sql)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for name in _pg_search_index_names():
            op.execute(f"DROP INDEX IF EXISTS {name}")
        for name in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER request_tallies_{name} ON review_requests")
        op.execute("DROP FUNCTION request_tallies_keep()")
    else:
        for name in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER review_request_search_{name}")
            op.execute(f"DROP TRIGGER request_tallies_{name}")
        op.execute("DROP TABLE review_request_search")
    op.drop_table('request_tallies')
    for name, _table, _columns, _condition in INDEXES:
        op.execute(f"DROP INDEX {name}")
