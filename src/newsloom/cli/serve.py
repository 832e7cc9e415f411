"""``newsloom serve``: the HTTP API and web UI over one store (Uvicorn)."""

from __future__ import annotations

import contextlib
import ipaddress
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from newsloom.api.settings import TOKEN_ENV, ApiSettings, SettingsError

err = Console(stderr=True)

HostOption = Annotated[str, typer.Option(
    "--host", help="Address to bind; loopback by default. Anything else exposes the store.")]
PortOption = Annotated[int, typer.Option("--port", min=0, max=65535, help="TCP port.")]
TokenEnvOption = Annotated[str, typer.Option(
    "--token-env", help="Environment variable holding the API token (writes need it; "
    "without it uploads are refused).")]
ProtectOption = Annotated[bool, typer.Option(
    "--protect-reads/--open-reads", help="Require the token for reads too.")]
MaxUploadOption = Annotated[float | None, typer.Option(
    "--max-upload-mb", min=0.01, help="Refuse request bodies larger than this (MB; "
    "default: the max_upload_mb setting, 50).")]


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve_command(db: Path, host: str, port: int, token_env: str, protect_reads: bool,
                  max_upload_mb: float | None) -> None:
    import uvicorn

    from newsloom.api import create_app
    from newsloom.settings import settings as process_settings

    if max_upload_mb is None:
        max_upload_mb = process_settings().max_upload_mb

    try:
        settings = ApiSettings.from_env(db, token_env, protect_reads=protect_reads,
                                        max_upload_bytes=int(max_upload_mb * 1024 * 1024),
                                        warm_up=True)
    except SettingsError as exc:
        err.print(f"[red]cannot serve[/]: {exc}")
        raise typer.Exit(2) from None
    if not _is_loopback(host):
        err.print(f"[yellow]warning[/]: binding to {host}, not loopback: anyone who can reach "
                  "this address can read the store" +
                  ("" if protect_reads else " (use --protect-reads)"))
    if settings.api_token is None:
        err.print(f"[yellow]writes disabled[/]: no token in ${token_env}; uploads are refused")
    # The models load in the app's start-up, before Uvicorn accepts a connection: the first
    # search is as fast as any other, and /api/health answers only once that is done.
    # Ctrl-C while they load stops at once (the app polls should_exit), not after the load.
    server: uvicorn.Server | None = None
    app = create_app(settings, on_ready=lambda: err.print(
        f"newsloom serving {db} on http://{host}:{port}/ (models loaded)"),
        should_stop=lambda: server is not None and server.should_exit)
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning"))
    err.print(f"newsloom loading {db}…")
    with contextlib.suppress(KeyboardInterrupt):  # uvicorn re-raises the captured Ctrl-C
        server.run()


__all__ = ["TOKEN_ENV", "serve_command"]
