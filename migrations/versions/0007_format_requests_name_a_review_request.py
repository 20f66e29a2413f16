"""Format requests name a review request

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25 23:19:58

A tracking reference given on the other-format form links the request, as the call form's does.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('accessible_format_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reference_given', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('review_request_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_accessible_format_requests_review_request_id'), ['review_request_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_accessible_format_requests_review_request_id_review_requests'), 'review_requests', ['review_request_id'], ['id'])


def downgrade():
    with op.batch_alter_table('accessible_format_requests', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_accessible_format_requests_review_request_id_review_requests'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_accessible_format_requests_review_request_id'))
        batch_op.drop_column('review_request_id')
        batch_op.drop_column('reference_given')
