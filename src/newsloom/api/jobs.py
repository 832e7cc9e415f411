"""Ingest jobs: uploaded files run through the pipeline in one background worker.

One worker thread, so at most one job writes to the store at a time (SQLite has a single
writer); the others wait in order. A job is ingest (:func:`newsloom.pipeline.ingest.ingest`)
followed by the corpus stages (:func:`newsloom.pipeline.corpus.build_stories`,
``update_storylines``) — the same functions ``newsloom analyze`` runs. Job records live in
memory: they describe this server process's work, while the results are in the store.
"""

from __future__ import annotations

import logging
import shutil
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from newsloom.alerts.after_corpus import alert_after_corpus
from newsloom.extract import ExtractOptions
from newsloom.ingest import ReadOptions
from newsloom.pipeline.corpus import build_stories, update_storylines
from newsloom.pipeline.ingest import PipelineOptions, ingest
from newsloom.store import open_store

log = logging.getLogger("newsloom")

JobState = Literal["queued", "running", "done", "failed"]
#: Upload folders older than this at start-up belong to no job (jobs live in memory).
STALE_UPLOAD_SECONDS = 3600
#: Prefix of the stored source of an uploaded document: ``upload:<client's file name>``.
UPLOAD_SOURCE = "upload:"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(slots=True)
class Job:
    id: str
    folder: Path
    files: list[str]
    status: JobState = "queued"
    created_at: str = field(default_factory=_now)
    started_at: str | None = None
    finished_at: str | None = None
    stats: dict[str, int] = field(default_factory=dict)
    skips: list[dict[str, str]] = field(default_factory=list)
    error: str | None = None
    #: The client's name of each file in ``folder`` (by its name there), for stored sources.
    client_names: dict[str, str] = field(default_factory=dict)

    def source_name(self, source: str) -> str:
        """``upload:<client name>`` (plus any ``#L12`` part) for a path in the job folder."""
        prefix = str(self.folder) + "/"
        if not source.startswith(prefix):
            return source
        inside = source[len(prefix):]
        name, sep, rest = inside.partition("#")
        return UPLOAD_SOURCE + self.client_names.get(name, name) + sep + rest


class JobRunner:
    """Queue of ingest jobs over one store; ``on_done`` runs after each finished job."""

    def __init__(self, db: Path, uploads: Path, workers: int = 1,
                 max_document_bytes: int | None = None,
                 on_done: Callable[[], None] | None = None) -> None:
        self.db = db
        # Resolved, so the readers' paths (and any canonical form of them) start with it.
        self.uploads = uploads.resolve()
        self.workers = max(1, workers)
        self.max_document_bytes = max_document_bytes
        self.on_done = on_done
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="newsloom-job")

    def new_folder(self) -> tuple[str, Path]:
        """A fresh job id and the folder its uploaded files go to."""
        job_id = uuid.uuid4().hex[:12]
        folder = self.uploads / job_id
        folder.mkdir(parents=True, exist_ok=False)
        return job_id, folder

    def submit(self, job_id: str, folder: Path, files: list[str],
               client_names: dict[str, str] | None = None) -> Job:
        job = Job(job_id, folder, files, client_names=dict(client_names or {}))
        with self._lock:
            self._jobs[job_id] = job
        self._executor.submit(self._run, job)
        return job

    def discard(self, folder: Path) -> None:
        """Remove the folder of an upload that was refused before it became a job."""
        shutil.rmtree(folder, ignore_errors=True)

    def sweep(self, older_than: float = STALE_UPLOAD_SECONDS) -> int:
        """Remove upload folders a previous server process left (killed mid-job); a recent
        one may be another live server's on the same store, so only old ones go."""
        if not self.uploads.is_dir():
            return 0
        cutoff, removed = time.time() - older_than, 0
        for folder in self.uploads.iterdir():
            with self._lock:
                live = folder.name in self._jobs
            try:
                if folder.is_dir() and not live and folder.stat().st_mtime < cutoff:
                    shutil.rmtree(folder, ignore_errors=True)
                    removed += 1
            except OSError:
                continue
        return removed

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def all(self) -> list[Job]:
        with self._lock:
            return sorted(self._jobs.values(), key=lambda j: j.created_at, reverse=True)

    def wait(self, timeout: float | None = None) -> None:
        """Block until every job submitted so far finished (tests, shutdown)."""
        self._executor.submit(lambda: None).result(timeout=timeout)

    def shutdown(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)

    def _run(self, job: Job) -> None:
        job.status, job.started_at = "running", _now()
        # None: the max_document_mb setting, as for the CLI's ingest.
        read = (ReadOptions() if self.max_document_bytes is None
                else ReadOptions(max_bytes=self.max_document_bytes))
        options = PipelineOptions(read=read,
                                  extract=ExtractOptions(), workers=self.workers,
                                  rename_source=job.source_name)
        try:
            store = open_store(self.db)
            try:
                stats = ingest([job.folder], store, options)
                clustered = build_stories(store, workers=self.workers)
                lines = update_storylines(store)
                # watchlists hear uploads as they hear fetched news (issue 16)
                alerts = alert_after_corpus(store)[0].alerts
            finally:
                store.close()
            job.stats = {"files": stats.files, "documents": stats.documents,
                         "added": stats.added, "unchanged": stats.unchanged,
                         "new_versions": stats.new_versions,
                         "duplicates": stats.duplicates, "skipped": stats.skipped,
                         "clustered": clustered, "storylines": len(lines),
                         "alerts": alerts}
            # Skip sources are paths inside the job folder; report them as uploaded names.
            job.skips = [{"source": job.source_name(s.source).removeprefix(UPLOAD_SOURCE),
                          "reason": s.reason} for s in stats.skips]
            job.status = "done"
        except Exception as exc:  # a failed job is reported, the server goes on
            log.exception("ingest job %s failed", job.id)
            job.status, job.error = "failed", f"{type(exc).__name__}: {exc}"
        finally:
            # The store has what it needs: the uploaded files are not kept.
            shutil.rmtree(job.folder, ignore_errors=True)
            job.finished_at = _now()
            if self.on_done:
                self.on_done()
