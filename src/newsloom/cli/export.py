"""Export records as JSON Lines or CSV (nested values JSON-encoded in CSV cells)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from typing import Any, Literal, TextIO

ExportFormat = Literal["jsonl", "csv"]


def write_records(records: Iterable[dict[str, Any]], fields: Sequence[str],
                  fmt: ExportFormat, stream: TextIO) -> int:
    """Write records with the given field order; returns how many were written."""
    count = 0
    if fmt == "jsonl":
        for record in records:
            stream.write(json.dumps({f: record.get(f) for f in fields}, ensure_ascii=False))
            stream.write("\n")
            count += 1
        return count
    writer = csv.DictWriter(stream, fieldnames=list(fields), extrasaction="ignore")
    writer.writeheader()
    for record in records:
        writer.writerow({f: _cell(record.get(f)) for f in fields})
        count += 1
    return count


def _cell(value: Any) -> Any:
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else value
