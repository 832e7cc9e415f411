"""Narrow store ports, one per consumer. Callers type against these protocols, never against a
backend class; every backend (SQLite today, PostgreSQL next) implements all of them and passes
the contract suite in ``tests/store_contract/``.

Sections below are filled per consumer; keep each protocol to what its consumer calls.
"""

from __future__ import annotations

from typing import Protocol

# --- ingest sink: what the ingest pipeline writes (owned by the ports work) ------------------

# --- corpus state: what the ordered corpus stage reads and commits per batch ---------------

# --- story profiles and storylines ---------------------------------------------------------

# --- read model: what queries/ (catalog, stories, compare), the API, pages and report read --

# --- search backend: full-text and vector candidates for search/ ---------------------------

# --- vector store --------------------------------------------------------------------------

__all__: list[str] = []
_ = Protocol
