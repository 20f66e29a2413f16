"""Failed emails dealt with

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 23:09:10

A failed email stays a staff task until someone marks it dealt with.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('dealt_with_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('dealt_with_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_outbox_messages_dealt_with_by_id_staff_users'), 'staff_users', ['dealt_with_by_id'], ['id'])


def downgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_outbox_messages_dealt_with_by_id_staff_users'), type_='foreignkey')
        batch_op.drop_column('dealt_with_by_id')
        batch_op.drop_column('dealt_with_at')
