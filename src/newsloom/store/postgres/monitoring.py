"""PostgreSQL's part of the monitoring tables (store/monitor_tables.py): how a statement runs
(``?`` placeholders become psycopg's ``%s``)."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Any, LiteralString

from newsloom.store.monitor_tables import MonitorTables
from newsloom.store.postgres.database import Database


def _placeholders(query: str) -> LiteralString:
    # the statements are the constants of monitor_tables.py, with "?" only as placeholders
    return query.replace("?", "%s")


class MonitorQueries(MonitorTables):
    _pg: Database

    def _mon_rows(self, query: str, params: Sequence[Any] = ()) -> list[Sequence[Any]]:
        return list(self._pg.rows(_placeholders(query), params))

    def _mon_run(self, query: str, params: Sequence[Any] = ()) -> int:
        return self._pg.execute(_placeholders(query), params)

    def _mon_transaction(self) -> AbstractContextManager[object]:
        return self._pg.transaction()
