"""Configuration of the HTTP API: where the store is and who may write (or read)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from newsloom.settings import settings

#: Environment variable the token is read from unless the caller names another.
TOKEN_ENV = "NEWSLOOM_API_TOKEN"


class SettingsError(ValueError):
    """A configuration that cannot work (e.g. protected reads without a token)."""


@dataclass(frozen=True, slots=True)
class ApiSettings:
    """What :func:`newsloom.api.create_app` needs.

    ``api_token`` is never defaulted: without one the write endpoints answer 403 and say why.
    ``protect_reads`` makes every read (API and pages) require the token as well.
    """

    db: Path
    api_token: str | None = None
    protect_reads: bool = False
    #: Default: the ``max_upload_mb`` setting (50 MiB: a few thousand scraped pages or a
    #: sizeable JSONL export per upload).
    max_upload_bytes: int = field(
        default_factory=lambda: int(settings().max_upload_mb * 1024 * 1024))
    #: Where uploaded files are kept for the ingest job (a folder beside the store by default).
    upload_dir: Path | None = None
    #: Extraction/feature processes for ingest jobs. 1 = in the worker thread: forking a
    #: process pool from a threaded server can deadlock, and uploads are small.
    workers: int = 1
    #: Load the story listing and the search models before serving (``newsloom serve``);
    #: off for tests and embedding, where the first request may pay for it.
    warm_up: bool = False

    def __post_init__(self) -> None:
        if self.api_token is not None and not self.api_token.strip():
            raise SettingsError("the API token is empty; unset it or give a real one")
        if self.protect_reads and self.api_token is None:
            raise SettingsError("protected reads need an API token (set NEWSLOOM_API_TOKEN)")
        if self.max_upload_bytes <= 0:
            raise SettingsError("max upload bytes must be positive")

    @property
    def uploads(self) -> Path:
        """Where uploads wait for their job: beside a file store (``<db>.uploads/``); for a
        store on a server, ``<database>.uploads/`` in the working directory."""
        if self.upload_dir:
            return self.upload_dir
        from newsloom.report import default_report_dir  # the same rule as the report's

        return default_report_dir(self.db).with_suffix(".uploads")

    @classmethod
    def from_env(cls, db: Path, token_env: str = TOKEN_ENV, **kwargs: object) -> ApiSettings:
        """Settings with the token taken from ``token_env`` (unset or empty: no token)."""
        token = os.environ.get(token_env) or None
        return cls(db=db, api_token=token, **kwargs)  # type: ignore[arg-type]
