import warnings

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.exc import SAWarning

from reviews.database import db
from reviews.search import in_the_models


def test_migrations_build_exactly_the_models(app):
    """A model change without its migration fails here, on SQLite and on PostgreSQL. The
    search's own indexes and tables (reviews.search) are no part of the models."""
    with app.app_context(), db.engine.connect() as connection, warnings.catch_warnings():
        if connection.dialect.name == "sqlite":
            # SQLite cannot reflect an index on an expression (the queue's due order): those
            # are compared on PostgreSQL.
            warnings.filterwarnings("ignore", "Skipped unsupported reflection", SAWarning)
            warnings.filterwarnings(
                "ignore", "autogenerate skipping metadata-specified", UserWarning
            )
        context = MigrationContext.configure(
            connection,
            opts={"compare_type": True, "include_name": in_the_models},
        )
        assert compare_metadata(context, db.metadata) == []
