"""Callback attempts: one row per try at a call, and how a callback was closed

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('callback_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('callback_request_id', sa.Integer(), nullable=False),
    sa.Column('staff_user_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('result', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['callback_request_id'], ['callback_requests.id'], name=op.f('fk_callback_attempts_callback_request_id_callback_requests')),
    sa.ForeignKeyConstraint(['staff_user_id'], ['staff_users.id'], name=op.f('fk_callback_attempts_staff_user_id_staff_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_callback_attempts'))
    )
    with op.batch_alter_table('callback_attempts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_callback_attempts_callback_request_id'), ['callback_request_id'], unique=False)

    # The attempt count and the running notes give way to the attempts table; the notes are kept
    # as the closing note rather than lost.
    with op.batch_alter_table('callback_requests', schema=None) as batch_op:
        batch_op.alter_column('outcome', new_column_name='closing_note', existing_type=sa.Text(), existing_nullable=True)
        batch_op.add_column(sa.Column('closed_outcome', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.drop_column('last_attempt_at')
        batch_op.drop_column('attempts')


def downgrade():
    with op.batch_alter_table('callback_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attempts', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('last_attempt_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.drop_column('closed_at')
        batch_op.drop_column('closed_outcome')
        batch_op.alter_column('closing_note', new_column_name='outcome', existing_type=sa.Text(), existing_nullable=True)

    with op.batch_alter_table('callback_attempts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_callback_attempts_callback_request_id'))

    op.drop_table('callback_attempts')
