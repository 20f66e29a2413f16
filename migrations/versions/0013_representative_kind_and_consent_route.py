"""Review requests record the kind of representative and how they show they may act

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 07:00:00

A representative is a solicitor, advocate, MP's office, family member or friend, support worker
or someone else; they show they may act by the complainant's signed consent (uploaded now, our
form sent later, or told to the team by phone or email), or by standing where consent is not
needed (an attorney, deputy or appointee; a parent or guardian of a child; the personal
representative or next of kin of someone who has died). Requests sent before this change were
all "someone else", with consent uploaded or to follow on a signed form.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('review_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('representative_kind', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('consent_route', sa.String(length=20), nullable=True))
    op.execute(
        "UPDATE review_requests SET representative_kind = 'other',"
        " consent_route = CASE consent WHEN 'uploaded' THEN 'upload-now' ELSE 'form-later' END"
        " WHERE requester_role = 'representative'"
    )


def downgrade():
    with op.batch_alter_table('review_requests', schema=None) as batch_op:
        batch_op.drop_column('consent_route')
        batch_op.drop_column('representative_kind')
