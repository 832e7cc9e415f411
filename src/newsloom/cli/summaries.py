"""The one-line account of an ingest run that ``ingest``, ``analyze`` and ``spark analyze``
print on stderr: every input counted once, each count with its noun in the right number."""

from __future__ import annotations

from typing import TYPE_CHECKING

from newsloom.text.counts import counted

if TYPE_CHECKING:
    from newsloom.model import IngestStats


def ingest_summary(stats: IngestStats) -> str:
    """'1 file, 2 documents: 1 added, 0 new versions, 0 unchanged, 1 duplicate of another
    input, 0 skipped' (Rich markup), then any unaccounted or kept-whole inputs."""
    from newsloom.model import KEPT_WHOLE

    line = (f"{counted(stats.files, 'file')}, {counted(stats.documents, 'document')}: "
            f"[green]{stats.added:,} added[/], {counted(stats.new_versions, 'new version')}, "
            f"{stats.unchanged:,} unchanged, "
            f"{counted(stats.duplicates, 'duplicate')} of another input, "
            f"[yellow]{stats.skipped:,} skipped[/]")
    if stats.unaccounted:
        line += f", [red]{stats.unaccounted:,} unaccounted[/]"
    if stats.kept_whole:
        line += f", [yellow]{stats.kept_whole:,} kept whole[/] (flagged {KEPT_WHOLE!r})"
    if stats.metadata_only:
        line += (f", {stats.metadata_only:,} of the skipped with metadata only "
                 f"(no article text; date, title and URL in the skip log)")
    return line
