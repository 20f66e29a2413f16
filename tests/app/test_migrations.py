from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from reviews.database import db


def test_migrations_build_exactly_the_models(app):
    """A model change without its migration fails here, on SQLite and on PostgreSQL."""
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []
