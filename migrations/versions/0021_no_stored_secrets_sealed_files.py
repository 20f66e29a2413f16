"""Drafts opened by a hashed session key; uploads and letters sealed (encrypted) at rest

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-02 08:00:00

A draft's id was also the key a browser's session held, so a copy of the database could open
anyone's draft. Now the session holds a random key and the draft keeps only its hash
(`session_key_hash`). Drafts already being written get the hash of their id, so the people
writing them carry on; such a draft is gone within its 30 days at most, and from then on no
stored value opens any draft.

Save-and-return emails no longer store their link: messages already sent lose their
personalisation here.

Uploads and stored letters are now sealed (encrypted) at rest with keys from the environment
(reviews.storage). A migration cannot rely on reading those keys, so it seals nothing: files
stored before are read as they are until `flask reviews rotate-upload-key` seals them (README:
run it once after this release). So that the command can reseal stored letters, the database
now lets a letter's file columns, and nothing else about it, change while a row is in
file_reseal_permits (the command adds and removes it in its own transaction, as retention does
with audit_retention_permits).

"""

import hashlib

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

_RESUME_LINK_TEMPLATES = ("draft_saved", "draft_reminder")

# Everything about a stored letter but its files stays as it was sent.
_PG_ONLY_RESEALING = """
CREATE OR REPLACE FUNCTION sent_letters_unchanged() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM file_reseal_permits)
     AND (NEW.id, NEW.review_request_id, NEW.kind, NEW.sent_at, NEW.sent_by_id, NEW.delivery,
          NEW.filename, NEW.size, NEW.sha256, NEW.large_print_filename, NEW.large_print_size,
          NEW.large_print_sha256, NEW.template_version, NEW.edited)
     IS NOT DISTINCT FROM
         (OLD.id, OLD.review_request_id, OLD.kind, OLD.sent_at, OLD.sent_by_id, OLD.delivery,
          OLD.filename, OLD.size, OLD.sha256, OLD.large_print_filename, OLD.large_print_size,
          OLD.large_print_sha256, OLD.template_version, OLD.edited) THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'sent_letters cannot be changed';
END $$
"""
_SQLITE_ONLY_RESEALING = """
CREATE TRIGGER sent_letters_unchanged BEFORE UPDATE ON sent_letters
WHEN NOT EXISTS (SELECT 1 FROM file_reseal_permits)
  OR NEW.id IS NOT OLD.id
  OR NEW.review_request_id IS NOT OLD.review_request_id
  OR NEW.kind IS NOT OLD.kind
  OR NEW.sent_at IS NOT OLD.sent_at
  OR NEW.sent_by_id IS NOT OLD.sent_by_id
  OR NEW.delivery IS NOT OLD.delivery
  OR NEW.filename IS NOT OLD.filename
  OR NEW.size IS NOT OLD.size
  OR NEW.sha256 IS NOT OLD.sha256
  OR NEW.large_print_filename IS NOT OLD.large_print_filename
  OR NEW.large_print_size IS NOT OLD.large_print_size
  OR NEW.large_print_sha256 IS NOT OLD.large_print_sha256
  OR NEW.template_version IS NOT OLD.template_version
  OR NEW.edited IS NOT OLD.edited
BEGIN SELECT RAISE(ABORT, 'sent_letters cannot be changed'); END
"""
_PG_ORIGINAL = (
    "CREATE OR REPLACE FUNCTION sent_letters_unchanged() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN RAISE EXCEPTION 'sent_letters cannot be changed'; END $$"
)
_SQLITE_ORIGINAL = (
    "CREATE TRIGGER sent_letters_unchanged BEFORE UPDATE ON sent_letters "
    "BEGIN SELECT RAISE(ABORT, 'sent_letters cannot be changed'); END"
)


def upgrade():
    with op.batch_alter_table("drafts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_key_hash", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_drafts_session_key_hash"), ["session_key_hash"]
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

    op.create_table(
        "file_reseal_permits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_file_reseal_permits")),
    )
    if connection.dialect.name == "postgresql":
        op.execute(_PG_ONLY_RESEALING)
    else:
        op.execute("DROP TRIGGER sent_letters_unchanged")
        op.execute(_SQLITE_ONLY_RESEALING)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_ORIGINAL)
    else:
        op.execute("DROP TRIGGER sent_letters_unchanged")
        op.execute(_SQLITE_ORIGINAL)
    op.drop_table("file_reseal_permits")
    with op.batch_alter_table("drafts", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_drafts_session_key_hash"), type_="unique")
        batch_op.drop_column("session_key_hash")
