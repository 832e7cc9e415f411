"""HTTP API and web UI of newsloom: ``create_app(ApiSettings(db=...))``; ``newsloom serve``.

``create_app`` is imported on first use: importing this package (as ``newsloom serve``'s
options do, for the settings) must not load FastAPI, so that the CLI starts fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from newsloom.api.settings import ApiSettings, SettingsError

if TYPE_CHECKING:
    from newsloom.api.app import create_app

__all__ = ["ApiSettings", "SettingsError", "create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from newsloom.api.app import create_app

        return create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
