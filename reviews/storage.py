"""Files at rest: uploads (`Document.content`) and stored letters (`SentLetter.content`) are
sealed, encrypted with AES-256-GCM under a key from the environment (never the database), so
a copy of the database or of a backup holds no readable file.

- `KeyRing`: the keys (UPLOAD_ENCRYPTION_KEYS, web.config): the first seals, every one opens,
  so a key is rotated by putting a new one first, running `flask reviews rotate-upload-key`
  (`reseal_all`), then dropping the old one.
- A sealed file is `MAGIC`, the id of its key (the first 8 bytes of the key's sha256: which key,
  not the key), a 12-byte nonce, then the ciphertext with its tag. GCM's tag means a changed
  byte is refused on opening, not read as a different file.
- Where files are kept, behind one interface (`FileStore`: put, get and delete by id):
  the database column is the default and the one the models use (`SealedBytes`, a column type
  that seals on write and opens on read, so no caller changes); `FolderStore` keeps sealed files
  in a local folder. An S3-compatible store is left out: boto3 is not installed, and the design
  says nothing may depend on one host's disk when several share PostgreSQL; a store for S3
  would implement the same three methods with `put_object`, `get_object` and `delete_object`.
- Files stored before sealing (migration 0021 cannot read the key, so it leaves them) are read
  as they are and sealed by `reseal_all`; `unsealed_counts` says how many are left.

The web installs the keys when the app is made (`use_keys`); the domain never reads the
environment.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import LargeBinary, TypeDecorator, column, delete, insert, select, table, update
from sqlalchemy.engine import Dialect

MAGIC = b"\x00RVSEAL1"
KEY_ID_BYTES = 8
NONCE_BYTES = 12
KEY_BYTES = 32

# For development and tests only: web.config refuses to start production without real keys.
DEVELOPMENT_KEY = base64.urlsafe_b64encode(hashlib.sha256(b"development only").digest()).decode()


class SealError(Exception):
    """A sealed file cannot be opened: no key for it, or it was changed."""


def parse_keys(value: str) -> list[bytes]:
    """UPLOAD_ENCRYPTION_KEYS: keys separated by commas, each 32 random bytes in URL-safe
    base64 (`python -c "import secrets, base64; print(base64.urlsafe_b64encode(
    secrets.token_bytes(32)).decode())"`). Raises ValueError naming what is wrong."""
    keys = []
    for position, text in enumerate((part.strip() for part in value.split(",")), start=1):
        if not text:
            continue
        try:
            key = base64.urlsafe_b64decode(text.encode())
        except (binascii.Error, ValueError):
            raise ValueError(f"key {position} is not base64") from None
        if len(key) != KEY_BYTES:
            raise ValueError(f"key {position} must be {KEY_BYTES} bytes, not {len(key)}")
        keys.append(key)
    if not keys:
        raise ValueError("no key given")
    return keys


def key_id(key: bytes) -> bytes:
    return hashlib.sha256(key).digest()[:KEY_ID_BYTES]


@dataclass(frozen=True)
class KeyRing:
    keys: Sequence[bytes]
    _by_id: dict[bytes, AESGCM] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.keys:
            raise ValueError("a key ring needs a key")
        object.__setattr__(self, "_by_id", {key_id(key): AESGCM(key) for key in self.keys})

    @property
    def current_id(self) -> bytes:
        return key_id(self.keys[0])

    def seal(self, data: bytes) -> bytes:
        nonce = secrets.token_bytes(NONCE_BYTES)
        sealed = self._by_id[self.current_id].encrypt(nonce, data, MAGIC)
        return MAGIC + self.current_id + nonce + sealed

    def open(self, stored: bytes) -> bytes:
        """The file's bytes; a file stored before sealing is returned as it is."""
        if not is_sealed(stored):
            return stored
        start = len(MAGIC)
        cipher = self._by_id.get(stored[start : start + KEY_ID_BYTES])
        if cipher is None:
            raise SealError("sealed with a key that is not in UPLOAD_ENCRYPTION_KEYS")
        nonce_at = start + KEY_ID_BYTES
        try:
            return cipher.decrypt(
                stored[nonce_at : nonce_at + NONCE_BYTES], stored[nonce_at + NONCE_BYTES :], MAGIC
            )
        except InvalidTag:
            raise SealError("the sealed file was changed") from None

    def is_current(self, stored: bytes) -> bool:
        """Sealed with the first key: nothing for `reseal_all` to do."""
        start = len(MAGIC)
        return is_sealed(stored) and stored[start : start + KEY_ID_BYTES] == self.current_id


def is_sealed(stored: bytes) -> bool:
    return stored.startswith(MAGIC)


_key_ring: KeyRing | None = None


def use_keys(keys: Sequence[bytes]) -> None:
    """Install the keys (the web does, from UPLOAD_ENCRYPTION_KEYS, when it makes the app)."""
    global _key_ring
    _key_ring = KeyRing(tuple(keys))


def key_ring() -> KeyRing:
    if _key_ring is None:
        raise SealError("no upload encryption keys installed (reviews.storage.use_keys)")
    return _key_ring


class SealedBytes(TypeDecorator[bytes]):
    """A file's bytes, sealed in the database column: the database-column store."""

    impl = LargeBinary
    cache_ok = True

    def process_bind_param(self, value: bytes | None, dialect: Dialect) -> bytes | None:
        if value is None or is_sealed(value):
            return value
        return key_ring().seal(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> bytes | None:
        return None if value is None else key_ring().open(bytes(value))


class FileStore(Protocol):
    """Where sealed files are kept, by id."""

    def put(self, file_id: str, data: bytes) -> None: ...

    def get(self, file_id: str) -> bytes: ...

    def delete(self, file_id: str) -> None: ...


class FolderStore:
    """Sealed files in a local folder, one file per id (for one host; not for several)."""

    def __init__(self, folder: Path, keys: KeyRing | None = None) -> None:
        self.folder = folder
        self.keys = keys

    def _path(self, file_id: str) -> Path:
        if not file_id or not all(c.isalnum() or c in "-_" for c in file_id):
            raise ValueError("a file id is letters, digits, - and _ only")
        return self.folder / file_id

    def put(self, file_id: str, data: bytes) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self._path(file_id)
        partial = path.with_name(f".{file_id}.{secrets.token_hex(4)}")
        # Written whole, then renamed: a reader never sees half a file.
        with open(partial, "wb") as file:
            file.write((self.keys or key_ring()).seal(data))
            file.flush()
            os.fsync(file.fileno())
        partial.replace(path)

    def get(self, file_id: str) -> bytes:
        return (self.keys or key_ring()).open(self._path(file_id).read_bytes())

    def delete(self, file_id: str) -> None:
        self._path(file_id).unlink(missing_ok=True)


# The sealed columns: table, its key, and the columns holding files.
SEALED_COLUMNS = {
    "documents": ("content",),
    "sent_letters": ("content", "large_print_content"),
}
# While a row is here, the database lets a stored letter's files (and nothing else) be changed:
# only to reseal them (migration 0021).
_PERMITS = table("file_reseal_permits", column("id"))


def _raw_rows(table_name: str, columns: tuple[str, ...], session: Any) -> list[Any]:
    raw = table(table_name, column("id"), *(column(name, LargeBinary) for name in columns))
    return list(session.execute(select(raw.c.id, *(raw.c[name] for name in columns))).all())


def unsealed_counts(session: Any) -> dict[str, int]:
    """How many stored files, per table, are not sealed with the first key."""
    ring = key_ring()
    return {
        table_name: sum(
            1
            for row in _raw_rows(table_name, columns, session)
            for stored in row[1:]
            if stored is not None and not ring.is_current(bytes(stored))
        )
        for table_name, columns in SEALED_COLUMNS.items()
    }


def reseal_all(session: Any) -> int:
    """Seal every stored file with the first key (files stored before sealing included), one
    row per transaction. Returns how many files were resealed."""
    ring = key_ring()
    resealed = 0
    for table_name, columns in SEALED_COLUMNS.items():
        raw = table(table_name, column("id"), *(column(name, LargeBinary) for name in columns))
        for row in _raw_rows(table_name, columns, session):
            changes = {
                name: ring.seal(ring.open(bytes(stored)))
                for name, stored in zip(columns, row[1:], strict=True)
                if stored is not None and not ring.is_current(bytes(stored))
            }
            if not changes:
                continue
            session.execute(insert(_PERMITS).values(id=1))
            session.execute(update(raw).where(raw.c.id == row[0]).values(**changes))
            session.execute(delete(_PERMITS))
            session.commit()
            resealed += len(changes)
    return resealed
