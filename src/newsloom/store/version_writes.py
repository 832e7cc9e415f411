"""How a stored document becomes a version of its page: the same rules on every backend,
each backend supplying the statements behind the steps.

A document is stored once, by content id. A new content for a known page supersedes the
page's current version; a known content is a no-op, unless it is an earlier version of its
page, which then becomes current again (a revert). With ``revert=False`` a revert is only
listed: the pipeline decides at the end of a run, when it knows whether a later input names
the page again.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence

from newsloom.model import Article, RawDocument
from newsloom.store.records import AddResult
from newsloom.store.versions import lookup_keys


class VersionedAdds(ABC):
    """Mixin of a store: :meth:`_add_versions` inside the backend's write transaction."""

    def _add_versions(self, items: Sequence[tuple[RawDocument, Article | None]],
                      revert: bool) -> AddResult:
        result = AddResult()
        for doc, article in items:
            keys = list(lookup_keys(doc.version_key, doc.url))
            current = self._current_version(keys)
            stored = self._stored_version(doc.id)
            if stored is not None:
                superseded_by, stored_key = stored
                if superseded_by is None or current is None or stored_key not in keys:
                    result.unchanged += 1
                elif not revert:
                    result.reverts.append(doc.id)
                else:  # a revert: the earlier content is current again, as a new version
                    self._make_current(doc.id)
                    self._supersede(current[0], doc.id, stored_key)
                    result.new_versions += 1
                continue
            if article is None:
                raise ValueError(f"no article for {doc.id}, a content not stored")
            # A page's versions stay under one key, even one stored before keys were canonical.
            key = current[1] if current else keys[0]
            if not self._insert(doc, article, key, current[0] if current else None):
                result.unchanged += 1  # the same content stored meanwhile under another page
            elif current:
                self._supersede(current[0], doc.id, key)
                result.new_versions += 1
            else:
                self._record_version(key, doc.id)
                result.added += 1
        return result

    # -- the backend's steps -------------------------------------------------------------------
    @abstractmethod
    def _current_version(self, keys: Sequence[str]) -> tuple[str, str] | None:
        """(id, version key) of the newest current document under any of ``keys``."""

    @abstractmethod
    def _stored_version(self, doc_id: str) -> tuple[str | None, str] | None:
        """(superseded_by, version key) of a stored document."""

    @abstractmethod
    def _make_current(self, doc_id: str) -> None: ...

    @abstractmethod
    def _insert(self, doc: RawDocument, article: Article, key: str, previous: str | None
                ) -> bool:
        """Store the document and its article; False when its id was stored meanwhile."""

    @abstractmethod
    def _supersede(self, old: str, new: str, key: str) -> None: ...

    @abstractmethod
    def _record_version(self, key: str, doc_id: str) -> None: ...
