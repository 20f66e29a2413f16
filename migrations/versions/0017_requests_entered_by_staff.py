"""Requests that came by post or email, entered by staff

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-20 09:00:00

A draft entered by staff records who is entering it, how the request came (post or email) and
the day it arrived; the request keeps how it came and who entered it.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('drafts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('entered_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('received_via', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('received_on', sa.Date(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_drafts_entered_by_id_staff_users'), 'staff_users', ['entered_by_id'], ['id'])

    with op.batch_alter_table('review_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('received_via', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('entered_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_review_requests_entered_by_id_staff_users'), 'staff_users', ['entered_by_id'], ['id'])


def downgrade():
    with op.batch_alter_table('review_requests', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_review_requests_entered_by_id_staff_users'), type_='foreignkey')
        batch_op.drop_column('entered_by_id')
        batch_op.drop_column('received_via')

    with op.batch_alter_table('drafts', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_drafts_entered_by_id_staff_users'), type_='foreignkey')
        batch_op.drop_column('received_on')
        batch_op.drop_column('received_via')
        batch_op.drop_column('entered_by_id')
