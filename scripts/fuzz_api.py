"""HTTP fuzz run of a real ``newsloom serve`` with schemathesis (opt-in; minutes, not seconds).

    .venv/bin/python scripts/fuzz_api.py --examples 100 [--db STORE] [--json out.json]

Builds the seeds store (``newsloom analyze examples``) unless ``--db`` names one (the run
writes to a copy), starts ``newsloom serve`` on a free 127.0.0.1 port with a write token,
and sends every operation of its OpenAPI schema generated requests: valid and invalid
(positive/negative), without a token and, for the write operations, with the right one.
Every response is checked against the schema (status documented, body conforming, never a
5xx); the server must still answer /api/health at the end. Prints a JSON summary: requests,
status codes, server errors, check failures, and the server log's tracebacks.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "fuzz-token-0123456789"


@schemathesis.serializer("application/x-ndjson")
def _ndjson(ctx: Any, value: Any) -> bytes:
    return value.encode("utf-8", "surrogatepass") if isinstance(value, str) else \
        json.dumps(value).encode()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _store(work: Path, db: Path | None, env: dict[str, str]) -> Path:
    target = work / "fuzz.db"
    if db is not None:
        shutil.copy(db, target)
        index = db.with_name(db.name + ".vectors.usearch")
        if index.exists():
            shutil.copy(index, target.with_name(target.name + ".vectors.usearch"))
        return target
    subprocess.run([sys.executable, "-m", "newsloom", "analyze", str(ROOT / "examples"),
                    "--db", str(target), "--no-print"], cwd=work, env=env, check=True,
                   capture_output=True, timeout=900)
    return target


def _serve(db: Path, work: Path, env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    log = (work / "serve.log").open("wb")
    process = subprocess.Popen([sys.executable, "-m", "newsloom", "serve", "--db", str(db),
                                "--port", str(port), "--max-upload-mb", "2"],
                               cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/api/health", timeout=2).status_code == 200:
                return process, base
        except httpx.TransportError:
            pass
        if process.poll() is not None:
            break
        time.sleep(0.3)
    process.kill()
    raise SystemExit("newsloom serve did not start:\n" + (work / "serve.log").read_text())


Record = Callable[[Any, Any], None]


def _run(operation: Any, mode: GenerationMode, headers: dict[str, str], examples: int,
         record: Record) -> None:
    """One Hypothesis run of ``examples`` generated requests to ``operation``."""

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=examples, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    def check(case: Any) -> None:
        record(case, case.call(headers=headers, timeout=120))

    check()


def _record(case: Any, response: Any, label: str, headers: dict[str, str],
            statuses: Counter[str], failures: dict[str, str]) -> None:
    statuses[str(response.status_code)] += 1
    try:
        # Well-formed ids that name nothing are 404: not a failure.
        case.validate_response(response, headers=headers,
                               excluded_checks=[positive_data_acceptance])
    except (Exception, BaseExceptionGroup) as exc:  # keep the first failure per operation
        failures.setdefault(label, str(exc).strip().splitlines()[0][:300])


def fuzz(base: str, examples: int) -> dict[str, Any]:
    """Derandomized: the same examples every run, so figures can be compared."""
    schema: Any = schemathesis.openapi.from_url(f"{base}/openapi.json")
    statuses: Counter[str] = Counter()
    failures: dict[str, str] = {}
    runs = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        writes = operation.method.upper() == "POST"
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            for headers in ([{}, {"Authorization": f"Bearer {TOKEN}"}] if writes else [{}]):
                label = f"{operation.label} {mode.value}{' +token' if headers else ''}"

                runs += 1
                with contextlib.suppress(Unsatisfiable):  # negative mode, no parameters
                    _run(operation, mode, headers, examples, functools.partial(
                        _record, label=label, headers=headers, statuses=statuses,
                        failures=failures))
    requests = sum(statuses.values())
    return {"operations": len(list(schema.get_all_operations())), "hypothesis_runs": runs,
            "examples_per_run": examples, "requests": requests,
            "status": dict(sorted(statuses.items())),
            "server_errors": sum(n for code, n in statuses.items() if code.startswith("5")),
            "check_failures": failures}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, help="store to fuzz (copied); default: the seeds")
    parser.add_argument("--examples", type=int, default=100, help="per operation and mode")
    parser.add_argument("--json", type=Path, help="also write the summary here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="newsloom-fuzz-") as tmp:
        work = Path(tmp)
        env = {**os.environ, "NEWSLOOM_API_TOKEN": TOKEN}
        db = _store(work, args.db, env)
        process, base = _serve(db, work, env)
        started = time.perf_counter()
        try:
            summary = fuzz(base, args.examples)
            health = httpx.get(f"{base}/api/health", timeout=30)
            summary["alive_after"] = health.status_code == 200
        finally:
            process.terminate()
            process.wait(timeout=60)
        log = (work / "serve.log").read_text(errors="replace")
        summary["seconds"] = round(time.perf_counter() - started, 1)
        summary["server_log_tracebacks"] = log.count("Traceback (most recent call last)")
        summary["uploads_left"] = sorted(
            p.name for p in db.with_name(db.name + ".uploads").glob("*"))
    text = json.dumps(summary, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")
    if summary["server_errors"] or summary["check_failures"] or not summary["alive_after"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
