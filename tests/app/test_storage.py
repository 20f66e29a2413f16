"""Uploads and stored letters are encrypted at rest with a key from the environment: the
database holds no readable file, the app reads them as they were, keys rotate, a file stored
before encryption is sealed by the rotate command, and production will not start without a key."""

from __future__ import annotations

import base64
import hashlib
import secrets

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from reviews import storage
from reviews.database import db
from reviews.models import Document, SentLetter
from reviews.storage import FolderStore, KeyRing, SealError, is_sealed
from reviews.workflow import Status
from tests.conftest import make_test_app
from tests.requests_data import add_document, add_request
from tests.workflow_steps import request_at
from web.config import ConfigError, load_config

LETTER_TEXT = b"%PDF-1.4 not really a letter"


@pytest.fixture
def make_app(app, migrated_database, tmp_path):
    """More apps on the test's database, each with its own settings; the keys go back to the
    test app's at the end (the keys are the process's: the last app made installs its own)."""

    def make(**overrides):
        return make_test_app(migrated_database, tmp_path / "instance", **overrides)

    yield make
    storage.use_keys(app.config["UPLOAD_ENCRYPTION_KEYS"])


def new_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def raw(table: str, column: str, row_id: int) -> bytes:
    value = db.session.execute(
        text(f"SELECT {column} FROM {table} WHERE id = :id"), {"id": row_id}
    ).scalar_one()
    return bytes(value)


def test_an_upload_is_stored_encrypted_and_read_as_it_was(app):
    document_id = add_document(app, add_request(app))
    with app.app_context():
        stored = raw("documents", "content", document_id)
        assert LETTER_TEXT not in stored and is_sealed(stored)
        assert db.session.get(Document, document_id).content == LETTER_TEXT


def test_a_stored_letter_is_encrypted(app, people):
    review_request = request_at(people, Status.ACKNOWLEDGED)
    letter = db.session.scalars(
        select(SentLetter).where(SentLetter.review_request_id == review_request.id)
    ).one()
    stored = raw("sent_letters", "content", letter.id)
    assert not stored.startswith(b"%PDF") and is_sealed(stored)
    db.session.expire_all()
    content = db.session.get(SentLetter, letter.id).content
    assert content.startswith(b"%PDF")
    assert hashlib.sha256(content).hexdigest() == letter.sha256


def test_rotating_the_key_reseals_everything_including_files_stored_before(app, make_app):
    document_id = add_document(app, add_request(app))
    with app.app_context():
        # A file stored before encryption, as migration 0021 leaves them.
        db.session.execute(
            text("UPDATE documents SET content = :plain WHERE id = :id"),
            {"plain": LETTER_TEXT, "id": document_id},
        )
        db.session.commit()
        assert db.session.get(Document, document_id).content == LETTER_TEXT
    old_key = app.config["UPLOAD_ENCRYPTION_KEYS"][0]
    new = new_key()
    rotated = make_app(UPLOAD_ENCRYPTION_KEYS=f"{new},{base64.urlsafe_b64encode(old_key).decode()}")
    runner = rotated.test_cli_runner()
    before = runner.invoke(args=["reviews", "rotate-upload-key", "--check"])
    assert "documents: 1" in before.output
    result = runner.invoke(args=["reviews", "rotate-upload-key"])
    assert result.exit_code == 0, result.output
    assert "1 file" in result.output
    with rotated.app_context():
        stored = raw("documents", "content", document_id)
        assert KeyRing([base64.urlsafe_b64decode(new)]).is_current(stored)
    # Only the new key now: the file still opens.
    only_new = make_app(UPLOAD_ENCRYPTION_KEYS=new)
    with only_new.app_context():
        db.session.expire_all()
        assert db.session.get(Document, document_id).content == LETTER_TEXT
    after = only_new.test_cli_runner().invoke(args=["reviews", "rotate-upload-key", "--check"])
    assert "documents: 0" in after.output


def test_rotation_reseals_stored_letters_but_nothing_else_about_them_may_change(app, people):
    review_request = request_at(people, Status.ACKNOWLEDGED)
    letter = db.session.scalars(
        select(SentLetter).where(SentLetter.review_request_id == review_request.id)
    ).one()
    before = raw("sent_letters", "content", letter.id)
    storage.use_keys([secrets.token_bytes(32), *app.config["UPLOAD_ENCRYPTION_KEYS"]])
    try:
        assert storage.reseal_all(db.session) >= 1
        assert raw("sent_letters", "content", letter.id) != before
        with pytest.raises(DatabaseError):
            db.session.execute(
                text("UPDATE sent_letters SET content = :forged WHERE id = :id"),
                {"forged": b"forged", "id": letter.id},
            )
        db.session.rollback()
    finally:
        storage.use_keys(app.config["UPLOAD_ENCRYPTION_KEYS"])


def test_a_changed_or_foreign_file_is_refused():
    ring = KeyRing([secrets.token_bytes(32)])
    sealed = ring.seal(b"hello")
    assert ring.open(sealed) == b"hello"
    with pytest.raises(SealError):
        ring.open(sealed[:-1] + bytes([sealed[-1] ^ 1]))
    with pytest.raises(SealError):
        KeyRing([secrets.token_bytes(32)]).open(sealed)


def test_the_folder_store_keeps_sealed_files(tmp_path):
    store = FolderStore(tmp_path / "files", KeyRing([secrets.token_bytes(32)]))
    store.put("abc-1", b"a private letter")
    on_disk = (tmp_path / "files" / "abc-1").read_bytes()
    assert b"private" not in on_disk and is_sealed(on_disk)
    assert store.get("abc-1") == b"a private letter"
    store.delete("abc-1")
    assert not (tmp_path / "files" / "abc-1").exists()
    with pytest.raises(ValueError):
        store.put("../escape", b"x")


def test_production_refuses_to_start_without_a_key_or_with_a_bad_one(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", secrets.token_urlsafe(48))
    monkeypatch.delenv("UPLOAD_ENCRYPTION_KEYS", raising=False)
    with pytest.raises(ConfigError, match="UPLOAD_ENCRYPTION_KEYS must be set in production"):
        load_config("production")
    monkeypatch.setenv("UPLOAD_ENCRYPTION_KEYS", "not-a-key")
    with pytest.raises(ConfigError, match="UPLOAD_ENCRYPTION_KEYS"):
        load_config("development")
    monkeypatch.setenv("UPLOAD_ENCRYPTION_KEYS", f"{new_key()}, {new_key()}")
    assert len(load_config("development")["UPLOAD_ENCRYPTION_KEYS"]) == 2
