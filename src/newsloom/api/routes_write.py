"""Write endpoints: upload files or JSON Lines to ingest; job status."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, HTTPException, Request, UploadFile, status

from newsloom.api.jobs import Job, JobRunner
from newsloom.ingest import reader_for
from newsloom.views import schemas as s
from newsloom.views.access import require_read, require_write

router = APIRouter(prefix="/api")

JSONL_TYPES = ("application/x-ndjson", "application/jsonl", "application/json-lines",
               "application/x-jsonlines")
ACCEPTED = ".txt, .html, .htm, .html.gz, .htm.gz, .jsonl, .warc, .warc.gz, .rss, .atom, " \
           "feed-like .xml"
ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": s.ErrorOut} for code in (400, 401, 403, 413, 415, 422)}
_UNSAFE = re.compile(r"[^\w.\-]+")
#: A JSONL record needs one of these to become a document (as the JSONL reader does).
CONTENT_FIELDS = ("text", "html", "title")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
#: Longest upload name accepted, in UTF-8 bytes: the usual file-system limit of a name.
MAX_NAME_BYTES = 255
#: Characters of the on-disk name kept before its suffixes (with room for a "2-" prefix).
_DISK_NAME_CHARS = 100


def runner(request: Request) -> JobRunner:
    found: JobRunner = request.app.state.jobs
    return found


RunnerDep = Annotated[JobRunner, Depends(runner)]


def job_out(job: Job) -> s.JobOut:
    return s.JobOut(id=job.id, status=job.status, files=job.files, created_at=job.created_at,
                    started_at=job.started_at, finished_at=job.finished_at,
                    stats=dict(job.stats), skips=list(job.skips), error=job.error)


def client_name(name: str, index: int) -> str:
    """The base name the client gave (no path parts, no control characters); refused with
    422 when longer than a file name can be."""
    base = _CONTROL.sub("", Path(name.replace("\\", "/")).name).strip() or f"upload-{index}"
    base = base.encode("utf-8", "replace").decode("utf-8")  # no lone surrogate reaches SQLite
    if len(base.encode("utf-8")) > MAX_NAME_BYTES:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT,
                            f"file name longer than {MAX_NAME_BYTES} bytes: {base[:40]!r}…")
    return base


def _safe_name(name: str, index: int, taken: set[str]) -> str:
    """The client's base name without path parts or odd characters, short enough for any
    file system and unique in the job."""
    base = _UNSAFE.sub("_", Path(name.replace("\\", "/")).name).strip("._") or f"upload-{index}"
    if len(base) > _DISK_NAME_CHARS:  # keep the suffixes: they pick the reader
        suffix = "".join(Path(base).suffixes[-2:])[-20:]
        base = base[:_DISK_NAME_CHARS - len(suffix)] + suffix
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{n}-{base}"
    taken.add(candidate)
    return candidate


async def _save(upload: UploadFile, target: Path) -> None:
    with target.open("wb") as stream:
        while chunk := await upload.read(1 << 20):
            stream.write(chunk)


@router.post("/ingest", response_model=s.JobOut, status_code=status.HTTP_202_ACCEPTED,
             dependencies=[Depends(require_write)],
             responses=ERRORS)
async def ingest_files(jobs: RunnerDep,
                       files: Annotated[list[UploadFile], File(
                           description=f"documents to ingest: {ACCEPTED}")]) -> s.JobOut:
    """Upload documents; they are ingested and clustered in the background (see /api/jobs)."""
    if not files:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "no files uploaded")
    given = [client_name(upload.filename or "", i) for i, upload in enumerate(files)]
    job_id, folder = jobs.new_folder()
    names: list[str] = []
    try:
        for index, upload in enumerate(files):
            name = _safe_name(given[index], index, set(names))
            target = folder / name
            await _save(upload, target)
            if reader_for(target) is None:
                raise HTTPException(status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
                                    f"unsupported file type: {upload.filename!r}; "
                                    f"accepted: {ACCEPTED}")
            names.append(name)
    except BaseException:
        jobs.discard(folder)
        raise
    return job_out(jobs.submit(job_id, folder, names, dict(zip(names, given, strict=True))))


def _check_jsonl(body: bytes) -> None:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT,
                            f"the body is not UTF-8 (byte {exc.start})") from None
    lines = usable = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT,
                                f"line {number} is not JSON: {exc.msg}") from None
        except RecursionError:  # the parser recurses per level: refuse, do not crash
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT,
                                f"line {number} is nested too deeply") from None
        if not isinstance(record, dict):
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT,
                                f"line {number} is not a JSON object")
        lines += 1
        usable += any(record.get(key) for key in CONTENT_FIELDS)
    if lines == 0:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "no records in the body")
    if usable == 0:  # a job would only skip them all: say so now
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT,
                            f"no record has any of {', '.join(map(repr, CONTENT_FIELDS))}")


@router.post("/ingest/jsonl", response_model=s.JobOut, status_code=status.HTTP_202_ACCEPTED,
             dependencies=[Depends(require_write)],
             responses=ERRORS,
             openapi_extra={"requestBody": {"required": True, "content": {
                 "application/x-ndjson": {"schema": {"type": "string"}}}}})
async def ingest_jsonl(request: Request, jobs: RunnerDep) -> s.JobOut:
    """Ingest JSON Lines records (``id``, ``url``, ``title``, ``text`` or ``html``,
    ``published``, ``lang``) sent as the request body."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in JSONL_TYPES:
        raise HTTPException(status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
                            f"send JSON Lines as one of {', '.join(JSONL_TYPES)}, "
                            f"not {content_type or '(none)'}")
    body = await request.body()
    _check_jsonl(body)
    job_id, folder = jobs.new_folder()
    (folder / "upload.jsonl").write_bytes(body)
    # No client file name: the stored source is "upload:<job id>.jsonl#L<line>".
    return job_out(jobs.submit(job_id, folder, ["upload.jsonl"],
                               {"upload.jsonl": f"{job_id}.jsonl"}))


@router.get("/jobs", response_model=list[s.JobOut], dependencies=[Depends(require_read)],
            responses=ERRORS)
def list_jobs(jobs: RunnerDep) -> list[s.JobOut]:
    """Ingest jobs of this server process, newest first."""
    return [job_out(j) for j in jobs.all()]


@router.get("/jobs/{job_id}", response_model=s.JobOut, dependencies=[Depends(require_read)],
            responses={**ERRORS, 404: {"model": s.ErrorOut}})
def get_job(job_id: str, jobs: RunnerDep) -> s.JobOut:
    job = jobs.get(job_id)
    if job is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no job {job_id!r}")
    return job_out(job)
