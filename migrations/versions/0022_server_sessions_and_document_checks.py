"""Sessions kept on the server; uploaded documents' active content and virus scan

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-03 09:00:00

A session cookie now carries only a random id; server_sessions keeps its sha256 with who the
session is for, when it began and was last used, and when and why it ended. Documents record
whether a PDF carries active content (JavaScript, launch actions, embedded files) or is also
another kind of file, and where their virus scan stands (pending, clean, infected: quarantined,
or not-scanned when no scanner is set up). Documents already stored are `not-scanned`.

"""
from alembic import op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision = '0022'
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'server_sessions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('staff_user_id', sa.Integer(), nullable=True),
        sa.Column('session_version', sa.Integer(), nullable=True),
        sa.Column('role', sa.String(length=20), nullable=True),
        sa.Column('review_request_id', sa.Integer(), nullable=True),
        sa.Column('party', sa.String(length=20), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('ended_reason', sa.String(length=20), nullable=True),
        sa.ForeignKeyConstraint(
            ['review_request_id'], ['review_requests.id'],
            name=op.f('fk_server_sessions_review_request_id_review_requests'),
            ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['staff_user_id'], ['staff_users.id'],
            name=op.f('fk_server_sessions_staff_user_id_staff_users'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_server_sessions')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_server_sessions_token_hash')),
    )
    with op.batch_alter_table('server_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_server_sessions_ended_at'), ['ended_at'], unique=False)
        batch_op.create_index(
            batch_op.f('ix_server_sessions_review_request_id'), ['review_request_id'], unique=False
        )
        batch_op.create_index(
            batch_op.f('ix_server_sessions_staff_user_id'), ['staff_user_id'], unique=False
        )
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('active_content', sa.Text(), nullable=True))
        batch_op.add_column(
            sa.Column(
                'scan_status', sa.String(length=20), server_default='not-scanned', nullable=False
            )
        )
        batch_op.add_column(sa.Column('scan_detail', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('scanned_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_documents_scan_status'), ['scan_status'], unique=False)


def downgrade():
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_documents_scan_status'))
        batch_op.drop_column('scanned_at')
        batch_op.drop_column('scan_detail')
        batch_op.drop_column('scan_status')
        batch_op.drop_column('active_content')
    with op.batch_alter_table('server_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_server_sessions_staff_user_id'))
        batch_op.drop_index(batch_op.f('ix_server_sessions_review_request_id'))
        batch_op.drop_index(batch_op.f('ix_server_sessions_ended_at'))
    op.drop_table('server_sessions')
