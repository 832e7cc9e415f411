"""Store errors a caller may catch, the same for every backend (a caller never sees the
backend's own exception types)."""

from __future__ import annotations


class StoreUnavailable(Exception):
    """The store cannot take this write now (locked, disk full, I/O error): the store's
    trouble, not the data's, so retrying the same records one by one cannot help."""


class StoreBusy(StoreUnavailable):
    """Another writer held the store for longer than the timeout."""


__all__ = ["StoreBusy", "StoreUnavailable"]
