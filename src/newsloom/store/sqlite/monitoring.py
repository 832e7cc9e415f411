"""SQLite's part of the monitoring tables (store/monitor_tables.py): its statements
(monitor_sql.py) and how one runs."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Any

from newsloom.store.monitor_tables import MonitorTables
from newsloom.store.sqlite.lease import LeasedWrites
from newsloom.store.sqlite.monitor_sql import STATEMENTS


class MonitorQueries(LeasedWrites, MonitorTables):
    _db: sqlite3.Connection
    _mon_sql = STATEMENTS

    def _mon_list(self, values: Sequence[str]) -> object:
        return json.dumps(list(values))

    def _mon_rows(self, query: str, params: Sequence[Any] = ()) -> list[Sequence[Any]]:
        return list(self._db.execute(query, tuple(params)).fetchall())

    def _mon_run(self, query: str, params: Sequence[Any] = ()) -> int:
        return self._db.execute(query, tuple(params)).rowcount

    def _mon_transaction(self) -> AbstractContextManager[object]:
        return self._write()
