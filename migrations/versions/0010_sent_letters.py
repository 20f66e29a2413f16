"""Letters are kept as sent, and an email can carry one

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 07:00:00

Every letter a staff action sends is stored as the PDF that was sent (and its large-print
version), and the outbox message that carries it refers to it. The database refuses to change a
stored letter.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'sent_letters',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('review_request_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('sent_by_id', sa.Integer(), nullable=True),
        sa.Column('delivery', sa.String(length=10), nullable=False),
        sa.Column('filename', sa.String(length=120), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=False),
        sa.Column('large_print_filename', sa.String(length=120), nullable=True),
        sa.Column('large_print_size', sa.Integer(), nullable=True),
        sa.Column('large_print_sha256', sa.String(length=64), nullable=True),
        sa.Column('large_print_content', sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(['review_request_id'], ['review_requests.id'], name=op.f('fk_sent_letters_review_request_id_review_requests')),
        sa.ForeignKeyConstraint(['sent_by_id'], ['staff_users.id'], name=op.f('fk_sent_letters_sent_by_id_staff_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sent_letters')),
    )
    with op.batch_alter_table('sent_letters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sent_letters_review_request_id'), ['review_request_id'], unique=False)

    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('letter_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_outbox_messages_letter_id_sent_letters'), 'sent_letters', ['letter_id'], ['id'])

    # What was sent stays as it was sent, in the database too, not only in the code.
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION sent_letters_unchanged() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'sent_letters cannot be changed'; END $$"
        )
        op.execute(
            "CREATE TRIGGER sent_letters_unchanged BEFORE UPDATE ON sent_letters "
            "FOR EACH ROW EXECUTE FUNCTION sent_letters_unchanged()"
        )
    else:
        op.execute(
            "CREATE TRIGGER sent_letters_unchanged BEFORE UPDATE ON sent_letters "
            "BEGIN SELECT RAISE(ABORT, 'sent_letters cannot be changed'); END"
        )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER sent_letters_unchanged ON sent_letters")
        op.execute("DROP FUNCTION sent_letters_unchanged()")
    else:
        op.execute("DROP TRIGGER sent_letters_unchanged")

    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_outbox_messages_letter_id_sent_letters'), type_='foreignkey')
        batch_op.drop_column('letter_id')

    with op.batch_alter_table('sent_letters', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sent_letters_review_request_id'))

    op.drop_table('sent_letters')
