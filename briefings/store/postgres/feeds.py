"""Followed feeds and their entries in the PostgreSQL store (one transaction each)."""
from __future__ import annotations

from datetime import datetime
from typing import Sequence

from ...feeds import Feed, FeedAdded, NewFeed, PollRecord, after_poll
from ..port import feed_from_row


class PostgresFeeds:
    """The ``FeedRecords`` part of ``PostgresStore`` (which provides ``pool``)."""

    def add_feed(self, new: NewFeed, now: datetime) -> FeedAdded:
        with self.pool.connection() as c:
            row = c.execute(
                "INSERT INTO feeds (url, platform, workspace, channel, every_seconds, next_poll_at, created_by,"
                " created_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING RETURNING *",
                (new.url, new.platform, new.workspace, new.channel, new.every_seconds, now, new.created_by,
                 now)).fetchone()
            if row is not None:
                return FeedAdded(feed_from_row(row), True)
            row = c.execute("SELECT * FROM feeds WHERE url = %s AND platform = %s AND channel = %s",
                            (new.url, new.platform, new.channel)).fetchone()
        return FeedAdded(feed_from_row(row), False)

    def feed(self, feed_id: int) -> Feed | None:
        with self.pool.connection() as c:
            row = c.execute("SELECT * FROM feeds WHERE id = %s", (feed_id,)).fetchone()
        return feed_from_row(row) if row else None

    def feeds(self, platform: str | None = None, channel: str | None = None) -> list[Feed]:
        sql, args = "SELECT * FROM feeds WHERE true", []
        if platform is not None:
            sql, args = sql + " AND platform = %s", args + [platform]
        if channel is not None:
            sql, args = sql + " AND channel = %s", args + [channel]
        with self.pool.connection() as c:
            rows = c.execute(sql + " ORDER BY id", args).fetchall()
        return [feed_from_row(r) for r in rows]

    def remove_feed(self, feed_id: int) -> bool:
        with self.pool.connection() as c:
            return c.execute("DELETE FROM feeds WHERE id = %s", (feed_id,)).rowcount == 1

    def due_feeds(self, now: datetime) -> list[Feed]:
        with self.pool.connection() as c:
            rows = c.execute("SELECT * FROM feeds WHERE next_poll_at <= %s ORDER BY next_poll_at, id",
                             (now,)).fetchall()
        return [feed_from_row(r) for r in rows]

    def entry_versions(self, feed_id: int, keys: Sequence[str]) -> dict[str, str]:
        with self.pool.connection() as c:
            rows = c.execute("SELECT key, version FROM feed_entries WHERE feed_id = %s AND key = ANY(%s)",
                             (feed_id, list(dict.fromkeys(keys)))).fetchall()
        return {r["key"]: r["version"] for r in rows}

    def record_entry(self, feed_id: int, key: str, version: str, *, url: str | None, doc_id: str | None,
                     status: str, detail: str | None, now: datetime) -> None:
        with self.pool.connection() as c:
            if c.execute("SELECT 1 FROM feeds WHERE id = %s FOR SHARE", (feed_id,)).fetchone() is None:
                return
            c.execute("INSERT INTO feed_entries (feed_id, key, version, url, doc_id, status, detail, seen_at)"
                      " VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
                      " ON CONFLICT (feed_id, key) DO UPDATE SET version = excluded.version, url = excluded.url,"
                      " doc_id = excluded.doc_id, status = excluded.status, detail = excluded.detail,"
                      " seen_at = excluded.seen_at", (feed_id, key, version, url, doc_id, status, detail, now))

    def finish_poll(self, feed_id: int, now: datetime, *, ok: bool, next_poll_at: datetime, error: str | None = None,
                    etag: str | None = None, last_modified: str | None = None, title: str | None = None,
                    alert_after: int = 3, notify: bool = True) -> PollRecord:
        with self.pool.connection() as c:
            row = c.execute("SELECT failures, alerted FROM feeds WHERE id = %s FOR UPDATE", (feed_id,)).fetchone()
            if row is None:
                return PollRecord(Feed(id=feed_id, url="", every_seconds=0))
            failures, alerted, alert, recovered = after_poll(row["failures"], bool(row["alerted"]), ok=ok,
                                                             alert_after=alert_after, notify=notify)
            if ok:
                c.execute("UPDATE feeds SET polls = polls + 1, failures = 0, last_error = NULL, alerted = %s,"
                          " etag = coalesce(%s, etag), last_modified = coalesce(%s, last_modified),"
                          " title = coalesce(%s, title), last_polled_at = %s, last_ok_at = %s, next_poll_at = %s"
                          " WHERE id = %s", (alerted, etag, last_modified, title, now, now, next_poll_at, feed_id))
            else:
                c.execute("UPDATE feeds SET failures = %s, last_error = %s, alerted = %s,"
                          " last_polled_at = %s, next_poll_at = %s WHERE id = %s",
                          (failures, error, alerted, now, next_poll_at, feed_id))
            feed = feed_from_row(c.execute("SELECT * FROM feeds WHERE id = %s", (feed_id,)).fetchone())
        return PollRecord(feed, alert, recovered)

    def link_documents(self, platform: str, channel: str, doc_ids: Sequence[str], now: datetime) -> None:
        with self.pool.connection() as c:
            c.execute("INSERT INTO channel_documents (platform, channel, doc_id, linked_at)"
                      " SELECT %s, %s, d.id, %s FROM documents d WHERE d.id = ANY(%s)"
                      " ON CONFLICT DO NOTHING", (platform, channel, now, list(dict.fromkeys(doc_ids))))

    def channel_documents(self, platform: str, channel: str) -> list[str]:
        with self.pool.connection() as c:
            rows = c.execute("SELECT doc_id FROM channel_documents WHERE platform = %s AND channel = %s"
                             " ORDER BY linked_at, doc_id", (platform, channel)).fetchall()
        return [r["doc_id"] for r in rows]
