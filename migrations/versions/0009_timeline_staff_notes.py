"""Timeline entries carry a note for staff

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 04:00:00

Why a decision was returned for changes, or a request reopened, shown to staff on the request
page's timeline (never on the requester's tracker).

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('timeline_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('staff_note', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('timeline_entries', schema=None) as batch_op:
        batch_op.drop_column('staff_note')
