"""The store contract: behaviour every backend must show through the ports of
:mod:`newsloom.store.ports`, whatever stores it (SQLite today, PostgreSQL next)."""
