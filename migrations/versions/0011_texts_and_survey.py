"""Text messages and the satisfaction survey

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-10 09:00:00

Outbox messages have a channel (email or sms); a request records whether its requester asked
for text messages about progress; survey answers have a table of their own, with no link to
any request and no date finer than the month.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('channel', sa.String(length=10), server_default='email', nullable=False)
        )
    with op.batch_alter_table('review_requests', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('text_updates', sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.create_table('survey_answers',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('stage', sa.String(length=20), nullable=False),
    sa.Column('satisfaction', sa.String(length=30), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('month', sa.Date(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_answers'))
    )
    with op.batch_alter_table('survey_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_answers_month'), ['month'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_answers_stage'), ['stage'], unique=False)


def downgrade():
    with op.batch_alter_table('survey_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_answers_stage'))
        batch_op.drop_index(batch_op.f('ix_survey_answers_month'))
    op.drop_table('survey_answers')
    with op.batch_alter_table('review_requests', schema=None) as batch_op:
        batch_op.drop_column('text_updates')
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_column('channel')
