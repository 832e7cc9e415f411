"""SQLite's statements of the monitoring tables (migration 13), run by
:class:`newsloom.store.monitor_tables.MonitorTables`."""

from __future__ import annotations

from newsloom.store.monitor_tables import (
    ALERT_COLUMNS as _ALERT,
)
from newsloom.store.monitor_tables import (
    DELIVERY_COLUMNS as _DELIVERY,
)
from newsloom.store.monitor_tables import (
    SOURCE_COLUMNS as _SOURCE,
)
from newsloom.store.monitor_tables import (
    WATCH_COLUMNS as _WATCH,
)
from newsloom.store.monitor_tables import (
    MonitorSql,
)

STATEMENTS = MonitorSql(
    add_source="INSERT INTO sources (url, added_at) VALUES (?, ?) ON CONFLICT (url) DO NOTHING",
    remove_source="DELETE FROM sources WHERE url = ?",
    sources=f"SELECT {_SOURCE} FROM sources ORDER BY added_at, url",
    poll_ok="UPDATE sources SET kind = COALESCE(?, kind), title = COALESCE(?, title), "
            "etag = ?, last_modified = ?, last_poll = ?, last_success = ?, last_error = NULL, "
            "failures = 0, next_poll = ? WHERE url = ?",
    poll_failed="UPDATE sources SET last_poll = ?, last_error = ?, failures = failures + 1, "
                "next_poll = ? WHERE url = ?",
    fingerprints="SELECT url, fingerprint FROM source_entries "
                 "WHERE url IN (SELECT value FROM json_each(?))",
    save_entry="INSERT INTO source_entries (url, source_url, fingerprint, fetched_at, status, "
               "document_id) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (url) DO UPDATE SET "
               "source_url = excluded.source_url, fingerprint = excluded.fingerprint, "
               "fetched_at = excluded.fetched_at, status = excluded.status, "
               "document_id = excluded.document_id",
    add_watchlist=f"INSERT INTO watchlists ({_WATCH}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                  "ON CONFLICT (name) DO NOTHING",
    edit_watchlist="UPDATE watchlists SET kind = ?, target = ?, languages = ?, "
                   "min_sources = ?, webhook = ?, email = ? WHERE name = ?",
    remove_deliveries="DELETE FROM alert_deliveries WHERE alert_id IN "
                      "(SELECT id FROM alerts WHERE watchlist = ?)",
    remove_alerts="DELETE FROM alerts WHERE watchlist = ?",
    remove_watchlist="DELETE FROM watchlists WHERE name = ?",
    watchlists=f"SELECT {_WATCH} FROM watchlists ORDER BY name",
    last_event="SELECT COALESCE(MAX(id), 0) FROM story_events",
    events_after="SELECT e.id, e.kind, e.story_id, e.article_id, e.other_story_id, a.language, "
                 "a.outlet, a.published FROM story_events e LEFT JOIN articles a "
                 "ON a.id = e.article_id WHERE e.id > ? ORDER BY e.id LIMIT ?",
    cursor="SELECT COALESCE(MAX(event_id), 0) FROM monitor_cursor",
    move_cursor="INSERT INTO monitor_cursor VALUES (1, ?) ON CONFLICT (id) DO UPDATE "
                "SET event_id = excluded.event_id",
    add_alert="INSERT INTO alerts (watchlist, dedup_key, kind, story_id, event_id, created_at, "
              "payload) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedup_key) DO NOTHING "
              "RETURNING id",
    add_delivery="INSERT INTO alert_deliveries (alert_id, channel, target, state, attempts, "
                 "next_attempt) VALUES (?, ?, ?, 'pending', 0, ?)",
    alerts=f"SELECT {_ALERT} FROM alerts WHERE (CAST(? AS TEXT) IS NULL OR watchlist = ?) "
           "AND (CAST(? AS TEXT) IS NULL OR created_at >= ?) ORDER BY id DESC LIMIT ?",
    alert=f"SELECT {_ALERT} FROM alerts WHERE id = ?",
    due=f"SELECT {_DELIVERY} FROM alert_deliveries WHERE state = 'pending' "
        "AND next_attempt <= ? ORDER BY alert_id, channel, target LIMIT ?",
    deliveries=f"SELECT {_DELIVERY} FROM alert_deliveries WHERE "
               "(CAST(? AS BIGINT) IS NULL OR alert_id = ?) ORDER BY alert_id, channel, target",
    save_delivery="UPDATE alert_deliveries SET state = ?, attempts = ?, next_attempt = ?, "
                  "last_error = ?, sent_at = ? WHERE alert_id = ? AND channel = ? AND target = ?",
)
