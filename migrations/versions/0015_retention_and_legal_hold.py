"""Retention: legal holds, anonymised stubs, and an audit log retention may prune

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 07:30:00

A request can be put on legal hold (who, when, why) so that retention leaves it alone, and
records when its personal data was deleted. The audit log stays append-only for everything but
retention: while a row is in audit_retention_permits (retention adds and removes it in its own
transaction) old events may be deleted, and an event's `detail` alone may be changed.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = "0014"
branch_labels = None
depends_on = None

_PG_APPEND_ONLY = (
    "CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN RAISE EXCEPTION 'audit_events is append-only'; END $$"
)
# Retention may delete an event, or change its detail and nothing else.
_PG_RETENTION_MAY_PRUNE = """
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM audit_retention_permits) THEN
    IF TG_OP = 'DELETE' THEN
      RETURN OLD;
    END IF;
    IF NEW.id = OLD.id AND NEW.at = OLD.at AND NEW.action = OLD.action
       AND NEW.staff_user_id IS NOT DISTINCT FROM OLD.staff_user_id
       AND NEW.review_request_id IS NOT DISTINCT FROM OLD.review_request_id
       AND NEW.ip_address IS NOT DISTINCT FROM OLD.ip_address THEN
      RETURN NEW;
    END IF;
  END IF;
  RAISE EXCEPTION 'audit_events is append-only';
END $$
"""
_SQLITE_ORIGINAL = (
    "CREATE TRIGGER audit_events_no_{event} BEFORE {EVENT} ON audit_events "
    "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END"
)
_NO_PERMIT = "NOT EXISTS (SELECT 1 FROM audit_retention_permits)"
_SQLITE_NO_DELETE = (
    f"CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events WHEN {_NO_PERMIT} "
    "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END"
)
_SQLITE_NO_UPDATE = (
    f"CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events WHEN {_NO_PERMIT} "
    "OR NEW.id IS NOT OLD.id OR NEW.at IS NOT OLD.at OR NEW.action IS NOT OLD.action "
    "OR NEW.staff_user_id IS NOT OLD.staff_user_id "
    "OR NEW.review_request_id IS NOT OLD.review_request_id "
    "OR NEW.ip_address IS NOT OLD.ip_address "
    "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END"
)


def upgrade():
    op.create_table('audit_retention_permits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('granted_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_retention_permits'))
    )
    with op.batch_alter_table('review_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('legal_hold_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('legal_hold_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('legal_hold_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('anonymised_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_review_requests_anonymised_at'), ['anonymised_at'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_review_requests_legal_hold_by_id_staff_users'), 'staff_users', ['legal_hold_by_id'], ['id'])

    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_RETENTION_MAY_PRUNE)
    else:
        op.execute("DROP TRIGGER audit_events_no_update")
        op.execute("DROP TRIGGER audit_events_no_delete")
        op.execute(_SQLITE_NO_UPDATE)
        op.execute(_SQLITE_NO_DELETE)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_APPEND_ONLY)
    else:
        for event in ("update", "delete"):
            op.execute(f"DROP TRIGGER audit_events_no_{event}")
            op.execute(_SQLITE_ORIGINAL.format(event=event, EVENT=event.upper()))
    with op.batch_alter_table('review_requests', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_review_requests_legal_hold_by_id_staff_users'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_review_requests_anonymised_at'))
        batch_op.drop_column('anonymised_at')
        batch_op.drop_column('legal_hold_at')
        batch_op.drop_column('legal_hold_by_id')
        batch_op.drop_column('legal_hold_reason')
    op.drop_table('audit_retention_permits')
