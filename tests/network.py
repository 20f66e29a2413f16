"""Stand-ins for the network a dependency lives on, all on 127.0.0.1: a port nothing listens on
(connecting is refused at once) and a server that accepts and never answers (a hung one)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def reserved_port() -> Iterator[int]:
    """A port bound, for as long as the block runs, to a socket that never listens."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


def unused_port() -> int:
    """A port nothing listens on now: for a server a test is about to start, or to refuse."""
    with reserved_port() as port:
        return port


class SilentServer:
    """Accepts connections on 127.0.0.1 and never says a word: a mail server, Redis or
    PostgreSQL that has hung."""

    def __init__(self) -> None:
        self._socket = socket.socket()
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(16)
        self.port = self._socket.getsockname()[1]
        self.connections = 0
        self._held: list[socket.socket] = []
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        self._socket.settimeout(0.1)
        while not self._stopped.is_set():
            try:
                connection, _ = self._socket.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            self._held.append(connection)

    def close(self) -> None:
        self._stopped.set()
        self._thread.join()
        for connection in self._held:
            connection.close()
        self._socket.close()
