"""A stand-in for ClamAV's daemon on 127.0.0.1 (or a Unix socket): it speaks INSTREAM, answers
`stream: Eicar-Test-Signature FOUND` for a stream holding the EICAR test string and
`stream: OK` otherwise, and keeps every stream it was sent."""

from __future__ import annotations

import socket
import struct
import threading

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


class FakeClamd:
    def __init__(self, unix_path: str | None = None, reply: bytes | None = None) -> None:
        if unix_path is not None:
            self._socket = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self._socket.bind(unix_path)
            self.setting = unix_path
        else:
            self._socket = socket.socket()
            self._socket.bind(("127.0.0.1", 0))
            self.setting = f"clamd://127.0.0.1:{self._socket.getsockname()[1]}"
        self._socket.listen(8)
        self._socket.settimeout(0.1)
        self._reply = reply
        self.streams: list[bytes] = []
        self.commands: list[bytes] = []
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def __enter__(self) -> FakeClamd:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _serve(self) -> None:
        while not self._stopped.is_set():
            try:
                connection, _ = self._socket.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with connection:
                connection.settimeout(5)
                self._answer(connection)

    def _answer(self, connection: socket.socket) -> None:
        reader = connection.makefile("rb")
        command = b""
        while not command.endswith(b"\0"):
            byte = reader.read(1)
            if not byte:
                return
            command += byte
        self.commands.append(command)
        stream = b""
        while True:
            size = struct.unpack(">I", reader.read(4))[0]
            if size == 0:
                break
            stream += reader.read(size)
        self.streams.append(stream)
        if self._reply is not None:
            answer = self._reply
        elif EICAR in stream:
            answer = b"stream: Eicar-Test-Signature FOUND"
        else:
            answer = b"stream: OK"
        connection.sendall(answer + b"\0")

    def close(self) -> None:
        self._stopped.set()
        self._thread.join()
        self._socket.close()
