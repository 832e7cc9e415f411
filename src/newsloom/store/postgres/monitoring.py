"""PostgreSQL's part of the monitoring tables (store/monitor_tables.py): its statements
(monitor_sql.py) and how one runs."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Any

from newsloom.store.monitor_tables import MonitorTables
from newsloom.store.postgres.database import Database
from newsloom.store.postgres.monitor_sql import STATEMENTS


class MonitorQueries(MonitorTables):
    _pg: Database
    _mon_sql = STATEMENTS

    def _mon_list(self, values: Sequence[str]) -> object:
        return list(values)

    def _mon_rows(self, query: str, params: Sequence[Any] = ()) -> list[Sequence[Any]]:
        return list(self._pg.rows(query, params))

    def _mon_run(self, query: str, params: Sequence[Any] = ()) -> int:
        return self._pg.execute(query, params)

    def _mon_transaction(self) -> AbstractContextManager[object]:
        return self._pg.transaction()
