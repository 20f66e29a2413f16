"""A request can go on without the letter's date or the Met's reference

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-10 09:00:00

Someone who lost the outcome letter, or does not know its date or the Met's reference, can still
ask for a review: those facts are left empty for staff to get from the Met. A rough month is kept
as the first of the month, marked approximate. What the letter says about a right of review is
kept as the person answered it.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('review_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('letter_review_right', sa.String(length=10), nullable=True))
        batch_op.add_column(
            sa.Column(
                'letter_date_is_approximate',
                sa.Boolean(),
                nullable=False,
                server_default=sa.false(),
            )
        )
        batch_op.alter_column('letter_date', existing_type=sa.Date(), nullable=True)
        batch_op.alter_column('mps_reference', existing_type=sa.String(length=30), nullable=True)


def downgrade():
    # Requests sent without these facts cannot be kept by the older schema as they are: a
    # placeholder stands in (the day the request was sent, and "NOT-KNOWN").
    sent_on = (
        "date(submitted_at)"
        if op.get_bind().dialect.name == "sqlite"
        else "CAST(submitted_at AS DATE)"
    )
    op.execute(f"UPDATE review_requests SET letter_date = {sent_on} WHERE letter_date IS NULL")
    op.execute("UPDATE review_requests SET mps_reference = 'NOT-KNOWN' WHERE mps_reference IS NULL")
    with op.batch_alter_table('review_requests', schema=None) as batch_op:
        batch_op.alter_column('mps_reference', existing_type=sa.String(length=30), nullable=False)
        batch_op.alter_column('letter_date', existing_type=sa.Date(), nullable=False)
        batch_op.drop_column('letter_date_is_approximate')
        batch_op.drop_column('letter_review_right')
