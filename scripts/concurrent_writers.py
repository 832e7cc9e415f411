"""Concurrent writers on one store, as real processes of the CLI (issue 11).

Three kinds of trial, each on a fresh store in a temporary folder:

* ``ingest``: two ``newsloom ingest`` at once, over the same two JSONL files (in opposite
  orders) plus one file of their own each;
* ``analyze``: two ``newsloom analyze`` at once (ingest + every corpus stage), over the
  example seeds plus one JSONL file of their own each;
* ``server``: ``newsloom serve``, a POST of JSON Lines to ``/api/ingest/jsonl``, and while that
  job runs a ``newsloom ingest`` of other records from the CLI;
* ``mixed``: ``newsloom serve`` with a POST job, and while that job runs two ``newsloom
  ingest`` at once over the same two files (in opposite orders) plus one of their own each.

With ``--pg`` every trial's store is a fresh PostgreSQL server (``newsloom db start`` on a
data folder of the trial's own), instead of a SQLite file.

A trial passes when every process exits 0, every distinct document is stored exactly once
and current, and (analyze, server) every article the corpus stages saw is clustered.

    .venv/bin/python scripts/concurrent_writers.py --trials 5
    .venv/bin/python scripts/concurrent_writers.py --trials 5 --src /tmp/old/src  # another tree
    .venv/bin/python scripts/concurrent_writers.py --pg --kinds ingest,mixed --records 2000
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from newsloom.eval.reliability import store_counts

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "concurrent-writers-token"
TOWNS = ["Arnhem", "Bremen", "Leipzig", "Utrecht", "Kassel", "Delft", "Erfurt", "Gouda"]
TOPICS = ["a new tram line", "the harbour expansion", "a school renovation",
          "the water tariffs", "a cycling bridge", "the hospital budget"]


@dataclass
class Outcome:
    kind: str
    trial: int
    ok: bool
    seconds: float
    detail: str
    errors: list[str] = field(default_factory=list)


def records(start: int, count: int) -> str:
    """``count`` distinct news records numbered from ``start``, as JSON Lines."""
    lines = []
    for n in range(start, start + count):
        rng = random.Random(n)
        town, topic = rng.choice(TOWNS), rng.choice(TOPICS)
        text = (f"The council of {town} voted on {topic} on Tuesday evening, record {n}. "
                f"{rng.randint(12, 40)} members supported the plan and {rng.randint(1, 11)} "
                f"opposed it. The mayor said the work would cost {rng.randint(2, 90)} million "
                f"euros and start in {rng.choice(['spring', 'summer', 'autumn'])}.")
        lines.append(json.dumps({"id": f"r{n}", "title": f"{town} decides on {topic} ({n})",
                                 "text": text, "published": "2024-03-05", "lang": "en"}))
    return "\n".join(lines) + "\n"


class Runner:
    def __init__(self, src: Path, records: int, pg: bool = False) -> None:
        self.env = {**os.environ, "PYTHONPATH": str(src), "NEWSLOOM_API_TOKEN": TOKEN}
        self.records = records
        self.pg = pg

    @contextmanager
    def store(self, tmp: Path) -> Iterator[str]:
        """Where the trial's store lives: a SQLite file in ``tmp``, or the URL of a
        PostgreSQL server started for the trial (and stopped after it)."""
        if not self.pg:
            yield str(tmp / "s.db")
            return
        data = tmp / "pg"
        started = subprocess.run(
            [sys.executable, "-m", "newsloom", "db", "start", "--data", str(data),
             "--port", str(_free_port())], env=self.env, text=True, capture_output=True,
            check=True)
        try:
            yield started.stdout.strip().splitlines()[-1]
        finally:
            subprocess.run([sys.executable, "-m", "newsloom", "db", "stop", "--data",
                            str(data)], env=self.env, capture_output=True, check=False)

    def cli(self, cwd: Path, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen([sys.executable, "-m", "newsloom", *args], cwd=cwd,
                                env=self.env, text=True, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)

    @staticmethod
    def wait(procs: list[subprocess.Popen[str]], errors: list[str]) -> bool:
        ok = True
        for proc in procs:
            _, err = proc.communicate(timeout=900)
            if proc.returncode != 0:
                ok = False
                errors.append(f"exit {proc.returncode}: " + _last_error(err))
        return ok

    # -- kinds ---------------------------------------------------------------------------------
    def two_ingests(self, tmp: Path, db: str, start: int) -> list[subprocess.Popen[str]]:
        """Two ``newsloom ingest`` at once over the same two files (opposite orders) and
        one of their own each: 4 × records distinct documents from ``start`` on."""
        n = self.records
        for name, first in (("a", 0), ("b", n), ("own1", 2 * n), ("own2", 3 * n)):
            (tmp / f"{name}.jsonl").write_text(records(start + first, n), encoding="utf-8")
        return [self.cli(tmp, "ingest", "--db", db, "--workers", "1", "a.jsonl", "b.jsonl",
                         "own1.jsonl"),
                self.cli(tmp, "ingest", "--db", db, "--workers", "1", "b.jsonl", "a.jsonl",
                         "own2.jsonl")]

    def ingest(self, tmp: Path, db: str, errors: list[str]) -> tuple[bool, str]:
        n = self.records
        exited = self.wait(self.two_ingests(tmp, db, 0), errors)
        found = store_counts(db)
        stored = found["documents"] == found["current"] == 4 * n
        return exited and stored, f"documents {found['documents']}/{4 * n}"

    def analyze(self, tmp: Path, db: str, errors: list[str]) -> tuple[bool, str]:
        n = max(10, self.records // 20)
        for name, start in (("own1", 0), ("own2", n)):
            (tmp / f"{name}.jsonl").write_text(records(start, n), encoding="utf-8")
        seeds = ROOT / "examples"
        procs = [self.cli(tmp, "analyze", "--db", db, "--workers", "1", "--no-print",
                          "--report-dir", f"report{i}", str(seeds), f"own{i}.jsonl")
                 for i in (1, 2)]
        exited = self.wait(procs, errors)
        found = store_counts(db)
        expected = 5 + 2 * n
        stored = found["documents"] == found["current"] == expected
        clustered = found["clustered"] == expected and found["pending"] == 0
        return (exited and stored and clustered,
                f"documents {found['documents']}/{expected}, clustered "
                f"{found['clustered']}/{expected}")

    def server(self, tmp: Path, db: str, errors: list[str]) -> tuple[bool, str]:
        return self._served(tmp, db, errors, mixed=False)

    def mixed(self, tmp: Path, db: str, errors: list[str]) -> tuple[bool, str]:
        return self._served(tmp, db, errors, mixed=True)

    def _served(self, tmp: Path, db: str, errors: list[str], mixed: bool
                ) -> tuple[bool, str]:
        n = self.records
        port = _free_port()
        # serve opens an existing store only: create it (empty) first
        subprocess.run([sys.executable, "-c", "import sys; from newsloom.store import "
                        "open_store; open_store(sys.argv[1]).close()", db],
                       env=self.env, check=True)
        serve = subprocess.Popen(
            [sys.executable, "-m", "newsloom", "serve", "--db", db, "--port", str(port)],
            cwd=tmp, env=self.env, text=True, stdout=subprocess.DEVNULL,
            stderr=(tmp / "serve.log").open("w"))  # a file: a full pipe would stall the server
        base = f"http://127.0.0.1:{port}"
        try:
            def up() -> bool:
                if serve.poll() is not None:
                    raise RuntimeError("serve exited: " + _last_error(
                        (tmp / "serve.log").read_text(encoding="utf-8", errors="replace")))
                return _get(base + "/api/health") is not None

            _wait_for(up, 180)
            job = _post_jsonl(base + "/api/ingest/jsonl", records(0, n))
            if mixed:
                procs = self.two_ingests(tmp, db, n)
            else:
                (tmp / "cli.jsonl").write_text(records(n, n), encoding="utf-8")
                procs = [self.cli(tmp, "ingest", "--db", db, "--workers", "1", "cli.jsonl")]
            cli_ok = self.wait(procs, errors)
            status: dict[str, object] = {}

            def finished() -> bool:
                status.update(_get(f"{base}/api/jobs/{job}") or {})
                return status.get("status") in ("done", "failed")

            _wait_for(finished, 900)
            if status.get("status") != "done":
                errors.append(f"server job {status.get('status')}: {status.get('error')}")
        finally:
            serve.terminate()
            try:
                serve.wait(timeout=30)
            except subprocess.TimeoutExpired:
                serve.kill()
        expected = (5 if mixed else 2) * n
        found = store_counts(db)
        stored = found["documents"] == found["current"] == expected
        ok = cli_ok and status.get("status") == "done" and stored
        return ok, (f"documents {found['documents']}/{expected}, job {status.get('status')}, "
                    f"clustered {found['clustered']}")


def _last_error(stderr: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for line in reversed(lines):
        if "Error" in line or "error" in line or "locked" in line:
            return line[:200]
    return lines[-1][:200] if lines else "(no output)"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> dict[str, object] | None:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {TOKEN}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            loaded = json.loads(response.read())
            return loaded if isinstance(loaded, dict) else {}
    except OSError:
        return None


def _post_jsonl(url: str, body: str) -> str:
    request = urllib.request.Request(url, data=body.encode("utf-8"), method="POST", headers={
        "Authorization": f"Bearer {TOKEN}", "Content-Type": "application/x-ndjson"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return str(json.loads(response.read())["id"])


def _wait_for(ready: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        if time.monotonic() > deadline:
            raise TimeoutError("gave up waiting")
        time.sleep(0.5)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=5, help="trials per kind")
    parser.add_argument("--kinds", default="ingest,analyze,server",
                        help="comma-separated: ingest, analyze, server, mixed")
    parser.add_argument("--pg", action="store_true",
                        help="each trial on a fresh PostgreSQL server (newsloom db start)")
    parser.add_argument("--records", type=int, default=400,
                        help="JSONL records per input file (analyze uses a twentieth)")
    parser.add_argument("--src", type=Path, default=ROOT / "src",
                        help="source tree whose CLI to run (e.g. an older checkout)")
    args = parser.parse_args()
    runner = Runner(args.src.resolve(), args.records, pg=args.pg)
    outcomes: list[Outcome] = []
    for kind in args.kinds.split(","):
        for trial in range(1, args.trials + 1):
            errors: list[str] = []
            start = time.monotonic()
            with tempfile.TemporaryDirectory(prefix=f"nl-{kind}-") as tmp:
                try:
                    with runner.store(Path(tmp)) as db:
                        ok, detail = getattr(runner, kind)(Path(tmp), db, errors)
                except Exception as exc:  # a trial that breaks is a failed trial
                    ok, detail = False, f"{type(exc).__name__}: {exc}"
            outcome = Outcome(kind, trial, ok, time.monotonic() - start, detail, errors)
            outcomes.append(outcome)
            print(f"{kind:8} trial {trial}: {'ok  ' if ok else 'FAIL'} {outcome.seconds:6.1f} s"
                  f"  {detail}" + "".join(f"\n           {e}" for e in errors), flush=True)
    print()
    for kind in args.kinds.split(","):
        mine = [o for o in outcomes if o.kind == kind]
        print(f"{kind:8} {sum(o.ok for o in mine)}/{len(mine)} trials passed")
    sys.exit(0 if all(o.ok for o in outcomes) else 1)


if __name__ == "__main__":
    main()
