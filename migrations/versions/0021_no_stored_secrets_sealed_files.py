"""Drafts opened by a hashed session key; uploads and letters sealed (encrypted) at rest

Revision ID: 0021
Revises: 0015
Create Date: 2026-12-02 08:00:00

A draft's id was also the key a browser's session held, so a copy of the database could open
anyone's draft. Now the session holds a random key and the draft keeps only its hash
(`session_key_hash`). Drafts already being written get the hash of their id, so the people
writing them carry on; such a draft is gone within its 30 days at most, and from then on no
stored value opens any draft.

Save-and-return emails no longer store their link: messages already sent lose their
personalisation here.

"""
import hashlib

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0021'
down_revision = "0015"
branch_labels = None
depends_on = None

_RESUME_LINK_TEMPLATES = ("draft_saved", "draft_reminder")


def upgrade():
    with op.batch_alter_table('drafts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_key_hash', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f('uq_drafts_session_key_hash'), ['session_key_hash']
        )

    connection = op.get_bind()
    drafts = sa.table(
        "drafts", sa.column("id", sa.String), sa.column("session_key_hash", sa.String)
    )
    for (draft_id,) in connection.execute(sa.select(drafts.c.id)).all():
        connection.execute(
            drafts.update()
            .where(drafts.c.id == draft_id)
            .values(session_key_hash=hashlib.sha256(draft_id.encode()).hexdigest())
        )

    outbox = sa.table(
        "outbox_messages",
        sa.column("template", sa.String),
        sa.column("status", sa.String),
        sa.column("personalisation", sa.JSON),
    )
    connection.execute(
        outbox.update()
        .where(outbox.c.template.in_(_RESUME_LINK_TEMPLATES), outbox.c.status != "queued")
        .values(personalisation={})
    )


def downgrade():
    with op.batch_alter_table('drafts', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_drafts_session_key_hash'), type_='unique')
        batch_op.drop_column('session_key_hash')
