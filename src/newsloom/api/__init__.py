"""HTTP API and web UI of newsloom: ``create_app(ApiSettings(db=...))``; ``newsloom serve``."""

from newsloom.api.app import create_app
from newsloom.api.settings import ApiSettings, SettingsError

__all__ = ["ApiSettings", "SettingsError", "create_app"]
