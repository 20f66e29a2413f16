"""Timeline entries say what a party to the request did on the tracker

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 07:00:00

Messages, documents, withdrawals and changes of details, shown on the tracker's timeline beside
what MOPAC did: which party did it (the requester or the complainant) and what kind of thing.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('timeline_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('actor', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('event', sa.String(length=30), nullable=True))


def downgrade():
    with op.batch_alter_table('timeline_entries', schema=None) as batch_op:
        batch_op.drop_column('event')
        batch_op.drop_column('actor')
