"""A watchlist from what the user typed (CLI, API, web form), checked."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime

from newsloom.model.monitoring import WatchKind, Watchlist
from newsloom.store.ports import AlertStore

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
_LANG = re.compile(r"^[a-z]{2,3}$")


class WatchlistError(ValueError):
    """A watchlist that cannot be made; the message says what to change."""


def make_watchlist(store: AlertStore, name: str, *, entity: str | None = None,
                   query: str | None = None, storyline: str | None = None,
                   story: str | None = None, languages: Sequence[str] = (),
                   min_sources: int = 1, webhook: str | None = None,
                   email: str | None = None) -> Watchlist:
    """The watchlist; it hears story events from now on (``from_event``)."""
    if not _NAME.match(name):
        raise WatchlistError(f"bad watchlist name {name!r}: letters, digits, - and _ "
                             "(up to 64), as it becomes a feed URL")
    given: tuple[tuple[WatchKind, str | None], ...] = (
        ("entity", entity), ("query", query), ("storyline", storyline), ("story", story))
    targets = [(kind, value.strip()) for kind, value in given if value and value.strip()]
    if len(targets) != 1:
        raise WatchlistError("give exactly one of --entity, --query, --storyline, --story")
    langs = tuple(dict.fromkeys(lang.strip().lower() for lang in languages if lang.strip()))
    if bad := [lang for lang in langs if not _LANG.match(lang)]:
        raise WatchlistError(f"not a language code: {bad[0]!r} (ISO 639-1, e.g. en, fr)")
    if min_sources < 1:
        raise WatchlistError("--min-sources must be at least 1")
    if webhook and not webhook.startswith(("http://", "https://")):
        raise WatchlistError(f"webhook must be an http(s) URL, not {webhook!r}")
    if email and "@" not in email:
        raise WatchlistError(f"not an e-mail address: {email!r}")
    kind, target = targets[0]
    return Watchlist(name, kind, target, datetime.now(UTC).isoformat(timespec="seconds"),
                     langs, min_sources, webhook or None, email or None,
                     store.last_event_id())
