"""Where the CLI's log lines go, and the library lines it leaves out.

On a terminal, Rich draws them (coloured level, wrapped to the window). Redirected to a file
or a pipe, each record is one plain line (``WARNING newsloom: skipped …``) that never wraps,
so a log file can be grepped; Rich would break it at 80 columns there.
"""

from __future__ import annotations

import logging
import sys

from rich.console import Console

#: Library lines that repeat what newsloom reports itself, with less: when trafilatura finds
#: no main text it logs these (its "source" is None for in-memory HTML), and newsloom then
#: logs the document as skipped, with its path and reason. Matched on the logger and the
#: message template, so every other warning of these libraries still shows; ``--verbose``
#: shows these too.
REDUNDANT_LIBRARY_LINES: frozenset[tuple[str, str]] = frozenset({
    ("trafilatura.core", "discarding data: %s"),
    ("trafilatura.core", "empty HTML tree: %s"),
    ("trafilatura.utils", "parsed tree length: %s, wrong data type or not valid HTML"),
})

PLAIN_FORMAT = "%(levelname)s %(name)s: %(message)s"


def drop_redundant_library_lines(record: logging.LogRecord) -> bool:
    """A logging filter: False for the lines of :data:`REDUNDANT_LIBRARY_LINES`."""
    return (record.name, record.msg) not in REDUNDANT_LIBRARY_LINES


def stderr_console() -> Console:
    """The console for messages on stderr; when stderr is not a terminal, lines do not wrap."""
    console = Console(stderr=True)
    console.soft_wrap = not console.is_terminal
    return console


def configure_logging(level: int, console: Console) -> None:
    """Send log records of ``level`` and above to ``console``'s stream (stderr)."""
    handler: logging.Handler
    if console.is_terminal:
        from rich.logging import RichHandler

        handler = RichHandler(console=console, show_path=False, show_time=False)
        handler.setFormatter(logging.Formatter("%(message)s"))
    else:
        handler = logging.StreamHandler(console.file if console.file is not None else sys.stderr)
        handler.setFormatter(logging.Formatter(PLAIN_FORMAT))
    if level > logging.DEBUG:
        handler.addFilter(drop_redundant_library_lines)
    logging.basicConfig(level=level, handlers=[handler], force=True)
