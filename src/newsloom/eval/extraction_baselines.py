"""The open tools newsloom's HTML metadata is compared with, run in the same benchmark command.

* **trafilatura** at its defaults (``bare_extraction`` with metadata): body, title and date.
* **htmldate quick** (``extensive_search=False, original_date=True``): the date only.
* **htmldate extensive** (``extensive_search=True, original_date=True``): the date only.

Each is given the page's URL, as newsloom is. A tool's exception is a failed page, as for
newsloom.
"""

from __future__ import annotations

import time
from typing import Literal

from newsloom.model import RawDocument

BaselineKind = Literal["trafilatura", "htmldate-quick", "htmldate-extensive"]
#: Row names, in the order the rows are printed.
BASELINE_NAMES: dict[BaselineKind, str] = {
    "trafilatura": "baseline: trafilatura defaults",
    "htmldate-quick": "baseline: htmldate quick",
    "htmldate-extensive": "baseline: htmldate extensive (original_date)",
}


def run_baseline(kind: BaselineKind, doc: RawDocument
                 ) -> tuple[str | None, str | None, str | None, float]:
    """(text, title, date, seconds) of one tool on one page; text is None for date-only tools.

    Raises what the tool raises; the caller turns it into a failed page.
    """
    start = time.perf_counter()
    if kind == "trafilatura":
        import trafilatura

        result = trafilatura.bare_extraction(doc.content, url=doc.url, with_metadata=True)
        if result is None:
            return None, None, None, time.perf_counter() - start
        data = result.as_dict() if hasattr(result, "as_dict") else dict(result)
        return (str(data.get("text") or ""), data.get("title") or None,
                _day(data.get("date")), time.perf_counter() - start)
    from htmldate import find_date

    found = find_date(doc.content, extensive_search=kind == "htmldate-extensive",
                      original_date=True, url=doc.url)
    return None, None, _day(found), time.perf_counter() - start


def _day(value: object) -> str | None:
    return value[:10] if isinstance(value, str) and value else None
