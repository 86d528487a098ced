"""A TCP front for the test PostgreSQL that a test can cut and restore.

Workers started with ``DATABASE_URL`` pointing here see the database go away
(every open connection closed, new ones refused) when the test calls
``cut()``, and come back on ``restore()``, as after a server restart; the
test process and the other workers keep talking to the database directly.
"""

import contextlib
import glob
import os
import select
import socket
import threading
from urllib.parse import parse_qs, unquote, urlsplit, urlunsplit

from apps.core.embedded import free_port


def postgres_socket_path(database_url: str) -> str:
    """The unix socket of the PostgreSQL that ``database_url`` names by ``host=`` folder."""
    query = parse_qs(urlsplit(database_url).query)
    folder = unquote(query["host"][0])
    sockets = [path for path in glob.glob(os.path.join(folder, ".s.PGSQL.*")) if "lock" not in path]
    assert sockets, f"no PostgreSQL socket in {folder}"
    return sockets[0]


def url_through(database_url: str, port: int) -> str:
    """``database_url`` with the same database and user, over TCP to 127.0.0.1:``port``."""
    parts = urlsplit(database_url)
    user = parts.username or "postgres"
    return urlunsplit(("postgresql", f"{user}@127.0.0.1:{port}", parts.path, "", ""))


class CuttableProxy:
    def __init__(self, target: str) -> None:
        self.target = target
        self.port = free_port()
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._listener: socket.socket | None = None
        self.restore()

    def restore(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        """Close every connection and stop listening (connections are refused)."""
        with self._lock:
            listener, self._listener = self._listener, None
            sockets, self._sockets = self._sockets, []
        for sock in [*sockets, *([listener] if listener else [])]:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    close = cut

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # cut
            upstream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                upstream.connect(self.target)
            except OSError:
                client.close()
                continue
            with self._lock:
                if self._listener is not listener:
                    client.close()
                    upstream.close()
                    return
                self._sockets += [client, upstream]
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()

    @staticmethod
    def _pump(a: socket.socket, b: socket.socket) -> None:
        peers = {a: b, b: a}
        try:
            while True:
                readable, _, _ = select.select(list(peers), [], [], 1.0)
                for sock in readable:
                    data = sock.recv(65536)
                    if not data:
                        return
                    peers[sock].sendall(data)
        except (OSError, ValueError):
            return
        finally:
            for sock in (a, b):
                with contextlib.suppress(OSError):
                    sock.close()
