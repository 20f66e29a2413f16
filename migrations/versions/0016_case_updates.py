"""Post, phone and email in on a case; the Met's reply to recommendations due and chased

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 09:00:00

Documents say where they came from (with the request, sent on the tracker, or added by staff:
who, and how it reached them) and, with the requester's messages, when staff read them. An
upheld decision gives the Met a date to reply to the recommendations by; staff may chase it.

Messages already there are counted as read (staff saw them on the request page before there
was anything to mark); documents already there came with their request. Requests already
waiting for the Met's reply get its due date from the day the decision was sent.

"""
from datetime import timedelta

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = "0015"
branch_labels = None
depends_on = None

# reviews.promises.MET_RESPONSE_DAYS when this was written (a migration does not import the app).
MET_RESPONSE_DAYS = 56


def upgrade():
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('uploaded_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('read_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_documents_uploaded_by_id_staff_users'),
            'staff_users',
            ['uploaded_by_id'],
            ['id'],
        )
    with op.batch_alter_table('requester_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('read_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('review_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mps_response_due_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('mps_response_chased_on', sa.Date(), nullable=True))
        batch_op.create_index(
            batch_op.f('ix_review_requests_mps_response_due_on'),
            ['mps_response_due_on'],
            unique=False,
        )

    op.execute("UPDATE requester_messages SET read_at = sent_at")
    connection = op.get_bind()
    requests = sa.table(
        'review_requests',
        sa.column('id', sa.Integer()),
        sa.column('status', sa.String()),
        sa.column('decision_issued_on', sa.Date()),
        sa.column('mps_response_due_on', sa.Date()),
    )
    waiting = connection.execute(
        sa.select(requests.c.id, requests.c.decision_issued_on).where(
            requests.c.status == 'upheld', requests.c.decision_issued_on.is_not(None)
        )
    ).all()
    for request_id, issued_on in waiting:
        connection.execute(
            requests.update()
            .where(requests.c.id == request_id)
            .values(mps_response_due_on=issued_on + timedelta(days=MET_RESPONSE_DAYS))
        )


def downgrade():
    with op.batch_alter_table('review_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_requests_mps_response_due_on'))
        batch_op.drop_column('mps_response_chased_on')
        batch_op.drop_column('mps_response_due_on')
    with op.batch_alter_table('requester_messages', schema=None) as batch_op:
        batch_op.drop_column('read_at')
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_documents_uploaded_by_id_staff_users'), type_='foreignkey'
        )
        batch_op.drop_column('read_at')
        batch_op.drop_column('uploaded_by_id')
        batch_op.drop_column('source')
