"""Each request's next due date; staff searches kept on the server

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03 09:00:00

`review_requests.next_due_on`: the date something is due at the request's stage
(reviews.deadlines), indexed so that the queue sorts and filters on it. Existing requests get
theirs here. `staff_searches`: a search's terms, kept for a short while under a random id so that
neither the queue's address nor the session cookie carries them.

"""
from datetime import date, datetime, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = "0017"
branch_labels = None
depends_on = None


def _day(value):
    """A date from what the driver returns: a date, a datetime, or ISO text (SQLite)."""
    if value is None or isinstance(value, datetime):
        return value and value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _received(value):
    """The London day a request arrived, from its stored UTC time."""
    from reviews.clock import london_date

    if not isinstance(value, datetime):
        value = datetime.fromisoformat(str(value))
    return london_date(value if value.tzinfo else value.replace(tzinfo=timezone.utc))


def _backfill():
    # The due dates of requests already there, by the same rules new ones follow. A stage
    # counted from the day it began starts from the latest timeline entry at that status.
    from reviews.deadlines import Facts, stage_due

    bind = op.get_bind()
    rows = bind.execute(sa.text(
        "SELECT id, status, submitted_at, acknowledgement_due, mps_info_due_on, "
        "mps_info_received_on, estimated_allocation_month, decision_issued_on "
        "FROM review_requests"
    )).mappings().all()
    entered = dict(bind.execute(sa.text(
        "SELECT t.review_request_id, MAX(t.happened_at) FROM timeline_entries t "
        "JOIN review_requests r ON r.id = t.review_request_id AND r.status = t.status "
        "GROUP BY t.review_request_id"
    )).all())
    for row in rows:
        facts = Facts(
            received=_received(row["submitted_at"]),
            acknowledgement_due=_day(row["acknowledgement_due"]),
            mps_info_due_on=_day(row["mps_info_due_on"]),
            mps_info_received_on=_day(row["mps_info_received_on"]),
            estimated_allocation_month=_day(row["estimated_allocation_month"]),
            decision_issued_on=_day(row["decision_issued_on"]),
        )
        due = stage_due(row["status"], facts, entered_on=_day(entered.get(row["id"])))
        if due is not None:
            bind.execute(
                sa.text("UPDATE review_requests SET next_due_on = :due WHERE id = :id"),
                {"due": due.due_on, "id": row["id"]},
            )


def upgrade():
    with op.batch_alter_table('review_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('next_due_on', sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f('ix_review_requests_next_due_on'), ['next_due_on'], unique=False)
    op.create_table('staff_searches',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('staff_user_id', sa.Integer(), nullable=False),
    sa.Column('terms', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['staff_user_id'], ['staff_users.id'], name=op.f('fk_staff_searches_staff_user_id_staff_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_searches'))
    )
    with op.batch_alter_table('staff_searches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_searches_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_staff_searches_staff_user_id'), ['staff_user_id'], unique=False)
    _backfill()


def downgrade():
    with op.batch_alter_table('staff_searches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_searches_staff_user_id'))
        batch_op.drop_index(batch_op.f('ix_staff_searches_expires_at'))
    op.drop_table('staff_searches')
    with op.batch_alter_table('review_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_requests_next_due_on'))
        batch_op.drop_column('next_due_on')
