"""Virus scanning of uploaded documents, by ClamAV's daemon (clamd), in the worker only: a web
request never waits on a scanner. A new document is `pending`; each worker round scans the
pending ones and marks them `clean` or `infected` (quarantined: staff see that it is, and it is
never downloaded). With no scanner set up (VIRUS_SCANNER empty) they become `not-scanned`, so
staff can tell an unscanned file from a clean one. A scanner that cannot be reached leaves them
pending for the next round.

The client speaks clamd's INSTREAM command (clamd's own documentation, "INSTREAM"): send
`zINSTREAM\\0`, then the file in chunks, each led by its length as 4 bytes, big-endian, then a
chunk of length 0; clamd answers one line ending in NUL: `stream: OK`, `stream: <name> FOUND`
or `... ERROR`. No package needed, and none to keep up to date.
"""

from __future__ import annotations

import logging
import socket
import struct
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import select

from reviews import clock
from reviews.database import db
from reviews.models import Document

logger = logging.getLogger("reviews.scanning")

PENDING = "pending"
CLEAN = "clean"
INFECTED = "infected"
NOT_SCANNED = "not-scanned"

CHUNK_BYTES = 64 * 1024
# Documents scanned in one round, so that a backlog does not hold up the rest of the round.
BATCH = 20
DEFAULT_TIMEOUT_SECONDS = 30.0
_LONGEST_REPLY = 4096


class ScannerError(Exception):
    """The scanner could not be reached or gave no verdict: try again later."""


@dataclass(frozen=True)
class Verdict:
    infected: bool
    detail: str | None = None  # the signature's name, when infected


@dataclass(frozen=True)
class ClamdScanner:
    """clamd at a TCP address (`host`, `port`) or a Unix socket (`path`)."""

    host: str | None = None
    port: int | None = None
    path: str | None = None
    timeout: float = DEFAULT_TIMEOUT_SECONDS

    @classmethod
    def from_setting(cls, setting: str) -> ClamdScanner | None:
        """VIRUS_SCANNER: `clamd://host:port`, or a Unix socket's path (`/run/clamav/clamd.ctl`
        or `unix:///run/clamav/clamd.ctl`); empty for none."""
        setting = setting.strip()
        if not setting:
            return None
        if setting.startswith("/"):
            return cls(path=setting)
        parts = urlsplit(setting)
        if parts.scheme == "unix" and parts.path:
            return cls(path=parts.path)
        if parts.scheme == "clamd" and parts.hostname and parts.port:
            return cls(host=parts.hostname, port=parts.port)
        raise ValueError(
            "VIRUS_SCANNER must be clamd://host:port or the path of clamd's Unix socket"
        )

    def _connect(self) -> socket.socket:
        if self.path is not None:
            unix = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            unix.settimeout(self.timeout)
            unix.connect(self.path)
            return unix
        return socket.create_connection((self.host, self.port), timeout=self.timeout)

    def scan(self, data: bytes) -> Verdict:
        try:
            with self._connect() as connection:
                connection.sendall(b"zINSTREAM\0")
                for start in range(0, len(data), CHUNK_BYTES):
                    chunk = data[start : start + CHUNK_BYTES]
                    connection.sendall(struct.pack(">I", len(chunk)) + chunk)
                connection.sendall(struct.pack(">I", 0))
                reply = _read_reply(connection)
        except OSError as error:
            raise ScannerError(f"clamd: {error.__class__.__name__}") from error
        return parse_reply(reply)


def _read_reply(connection: socket.socket) -> str:
    reply = b""
    while b"\0" not in reply and len(reply) < _LONGEST_REPLY:
        received = connection.recv(1024)
        if not received:
            break
        reply += received
    return reply.split(b"\0", 1)[0].decode("utf-8", "replace").strip()


def parse_reply(reply: str) -> Verdict:
    """clamd's answer to INSTREAM: `stream: OK`, `stream: <signature> FOUND`, else an error."""
    if reply == "stream: OK":
        return Verdict(infected=False)
    if reply.startswith("stream: ") and reply.endswith(" FOUND"):
        return Verdict(infected=True, detail=reply.removeprefix("stream: ").removesuffix(" FOUND"))
    raise ScannerError(f"clamd answered: {reply[:200]}")


def scan_pending_documents(scanner: ClamdScanner | None, batch: int = BATCH) -> dict[str, int]:
    """Scan up to `batch` pending documents, committing each verdict; how many got which."""
    counts = {CLEAN: 0, INFECTED: 0, NOT_SCANNED: 0}
    pending = list(
        db.session.scalars(
            select(Document)
            .where(Document.scan_status == PENDING)
            .order_by(Document.id)
            .limit(batch)
        )
    )
    for document in pending:
        if scanner is None:
            document.scan_status = NOT_SCANNED
        else:
            verdict = scanner.scan(document.content)  # ScannerError: the round logs it
            document.scan_status = INFECTED if verdict.infected else CLEAN
            document.scan_detail = verdict.detail
            if verdict.infected:
                # The document's id only: its name could say something about the person.
                logger.warning("document quarantined", extra={"document_id": document.id})
        document.scanned_at = clock.now()
        counts[document.scan_status] += 1
        db.session.commit()
    return counts
