"""Equality monitoring answers

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-20 09:00:00

Answers to the optional equality monitoring questions have a table of their own, like survey
answers: no link to any request, session or address, and no date finer than the month.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = "0018"
branch_labels = None
depends_on = None

ANSWERS = (
    'age_band',
    'sex',
    'gender_identity',
    'ethnic_group',
    'disability',
    'religion',
    'sexual_orientation',
)


def upgrade():
    op.create_table('equality_answers',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    *[sa.Column(name, sa.String(length=30), nullable=True) for name in ANSWERS],
    sa.PrimaryKeyConstraint('id', name=op.f('pk_equality_answers'))
    )
    with op.batch_alter_table('equality_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_equality_answers_month'), ['month'], unique=False)


def downgrade():
    with op.batch_alter_table('equality_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_equality_answers_month'))
    op.drop_table('equality_answers')
