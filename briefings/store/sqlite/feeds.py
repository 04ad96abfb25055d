"""Followed feeds and their entries in the SQLite store (one ``BEGIN IMMEDIATE`` each)."""
from __future__ import annotations

from datetime import datetime
from typing import Sequence

from ...feeds import Feed, FeedAdded, NewFeed, PollRecord, after_poll
from ..port import feed_from_row
from .schedule import ts


class SQLiteFeeds:
    """The ``FeedRecords`` part of ``SQLiteStore`` (which provides ``conn`` and ``_tx``)."""

    def add_feed(self, new: NewFeed, now: datetime) -> FeedAdded:
        with self._tx() as c:
            cur = c.execute(
                "INSERT INTO feeds (url, platform, workspace, channel, every_seconds, next_poll_at, created_by,"
                " created_at) VALUES (?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING",
                (new.url, new.platform, new.workspace, new.channel, new.every_seconds, ts(now), new.created_by,
                 ts(now)))
            created = cur.rowcount == 1
            row = c.execute("SELECT * FROM feeds WHERE url = ? AND platform = ? AND channel = ?",
                            (new.url, new.platform, new.channel)).fetchone()
        return FeedAdded(feed_from_row(row), created)

    def feed(self, feed_id: int) -> Feed | None:
        row = self.conn.execute("SELECT * FROM feeds WHERE id = ?", (feed_id,)).fetchone()
        return feed_from_row(row) if row else None

    def feeds(self, platform: str | None = None, channel: str | None = None) -> list[Feed]:
        sql, args = "SELECT * FROM feeds WHERE 1 = 1", []
        if platform is not None:
            sql, args = sql + " AND platform = ?", args + [platform]
        if channel is not None:
            sql, args = sql + " AND channel = ?", args + [channel]
        return [feed_from_row(r) for r in self.conn.execute(sql + " ORDER BY id", args).fetchall()]

    def remove_feed(self, feed_id: int) -> bool:
        with self._tx() as c:
            return c.execute("DELETE FROM feeds WHERE id = ?", (feed_id,)).rowcount == 1

    def due_feeds(self, now: datetime) -> list[Feed]:
        rows = self.conn.execute("SELECT * FROM feeds WHERE next_poll_at <= ? ORDER BY next_poll_at, id", (ts(now),))
        return [feed_from_row(r) for r in rows.fetchall()]

    def entry_versions(self, feed_id: int, keys: Sequence[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        keys = list(dict.fromkeys(keys))
        for i in range(0, len(keys), 500):
            chunk = keys[i:i + 500]
            rows = self.conn.execute(f"SELECT key, version FROM feed_entries WHERE feed_id = ? AND key IN"
                                     f" ({','.join('?' * len(chunk))})", [feed_id, *chunk])
            out.update((r["key"], r["version"]) for r in rows)
        return out

    def record_entry(self, feed_id: int, key: str, version: str, *, url: str | None, doc_id: str | None,
                     status: str, detail: str | None, now: datetime) -> None:
        with self._tx() as c:
            c.execute("INSERT INTO feed_entries (feed_id, key, version, url, doc_id, status, detail, seen_at)"
                      " SELECT ?,?,?,?,?,?,?,? WHERE EXISTS (SELECT 1 FROM feeds WHERE id = ?)"
                      " ON CONFLICT (feed_id, key) DO UPDATE SET version = excluded.version, url = excluded.url,"
                      " doc_id = excluded.doc_id, status = excluded.status, detail = excluded.detail,"
                      " seen_at = excluded.seen_at",
                      (feed_id, key, version, url, doc_id, status, detail, ts(now), feed_id))

    def finish_poll(self, feed_id: int, now: datetime, *, ok: bool, next_poll_at: datetime, error: str | None = None,
                    etag: str | None = None, last_modified: str | None = None, title: str | None = None,
                    alert_after: int = 3, notify: bool = True) -> PollRecord:
        with self._tx() as c:
            row = c.execute("SELECT failures, alerted FROM feeds WHERE id = ?", (feed_id,)).fetchone()
            if row is None:
                return PollRecord(Feed(id=feed_id, url="", every_seconds=0))
            failures, alerted, alert, recovered = after_poll(row["failures"], bool(row["alerted"]), ok=ok,
                                                             alert_after=alert_after, notify=notify)
            if ok:
                c.execute("UPDATE feeds SET polls = polls + 1, failures = 0, last_error = NULL, alerted = ?,"
                          " etag = coalesce(?, etag), last_modified = coalesce(?, last_modified),"
                          " title = coalesce(?, title), last_polled_at = ?, last_ok_at = ?, next_poll_at = ?"
                          " WHERE id = ?", (int(alerted), etag, last_modified, title, ts(now), ts(now),
                                            ts(next_poll_at), feed_id))
            else:
                c.execute("UPDATE feeds SET failures = ?, last_error = ?, alerted = ?,"
                          " last_polled_at = ?, next_poll_at = ? WHERE id = ?",
                          (failures, error, int(alerted), ts(now), ts(next_poll_at), feed_id))
            feed = feed_from_row(c.execute("SELECT * FROM feeds WHERE id = ?", (feed_id,)).fetchone())
        return PollRecord(feed, alert, recovered)

    def link_documents(self, platform: str, channel: str, doc_ids: Sequence[str], now: datetime) -> None:
        with self._tx() as c:
            c.executemany("INSERT OR IGNORE INTO channel_documents (platform, channel, doc_id, linked_at)"
                          " SELECT ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM documents WHERE id = ?)",
                          [(platform, channel, d, ts(now), d) for d in dict.fromkeys(doc_ids)])

    def channel_documents(self, platform: str, channel: str) -> list[str]:
        rows = self.conn.execute("SELECT doc_id FROM channel_documents WHERE platform = ? AND channel = ?"
                                 " ORDER BY linked_at, doc_id", (platform, channel))
        return [r["doc_id"] for r in rows.fetchall()]
