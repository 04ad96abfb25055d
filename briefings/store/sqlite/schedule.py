"""Subscriptions, delivery records, seen events and leases in the SQLite store.

Each method is one ``BEGIN IMMEDIATE`` transaction, so processes sharing the file take turns.
Times are stored as UTC ISO strings with microseconds, which sort as the instants they name.
"""
from __future__ import annotations

import json
from datetime import datetime, timedelta

from ...subscriptions import Delivery, NewSubscription, SlotOutcome, Subscribed, Subscription
from ..port import delivery_from_row, subscription_from_row, utc


def ts(when: datetime) -> str:
    return utc(when).isoformat(timespec="microseconds")


class SQLiteSchedule:
    """The ``ScheduleRecords`` half of ``SQLiteStore`` (which provides ``conn`` and ``_tx``)."""

    # -- subscriptions --------------------------------------------------------------------
    def add_subscription(self, new: NewSubscription, now: datetime) -> Subscribed:
        with self._tx() as c:
            cur = c.execute(
                "INSERT INTO subscriptions (platform, workspace, channel, kind, at_time, timezone, topic, topic_key,"
                " quiet, created_by, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING",
                (new.platform, new.workspace, new.channel, new.kind, new.at_time, new.timezone, new.topic,
                 new.topic_key, int(new.quiet), new.created_by, ts(now)))
            if cur.rowcount == 1:
                row = c.execute("SELECT * FROM subscriptions WHERE id = ?", (cur.lastrowid,)).fetchone()
                return Subscribed(subscription_from_row(row), True)
            row = c.execute(
                "SELECT * FROM subscriptions WHERE enabled = 1 AND platform = ? AND channel = ? AND kind = ?"
                " AND at_time = ? AND timezone = ? AND topic_key = ?",
                (new.platform, new.channel, new.kind, new.at_time, new.timezone, new.topic_key)).fetchone()
        return Subscribed(subscription_from_row(row), False)

    def subscription(self, sub_id: int) -> Subscription | None:
        row = self.conn.execute("SELECT * FROM subscriptions WHERE id = ?", (sub_id,)).fetchone()
        return subscription_from_row(row) if row else None

    def subscriptions(self, platform: str | None = None, channel: str | None = None,
                      enabled_only: bool = False) -> list[Subscription]:
        sql, args = "SELECT * FROM subscriptions WHERE 1 = 1", []
        if platform:
            sql, args = sql + " AND platform = ?", args + [platform]
        if channel:
            sql, args = sql + " AND channel = ?", args + [channel]
        if enabled_only:
            sql += " AND enabled = 1"
        return [subscription_from_row(r) for r in self.conn.execute(sql + " ORDER BY id", args).fetchall()]

    def remove_subscription(self, sub_id: int) -> bool:
        with self._tx() as c:
            return c.execute("DELETE FROM subscriptions WHERE id = ?", (sub_id,)).rowcount == 1

    def disable_subscription(self, sub_id: int, reason: str) -> None:
        with self._tx() as c:
            c.execute("UPDATE subscriptions SET enabled = 0, disabled_reason = ? WHERE id = ?", (reason, sub_id))

    # -- deliveries -------------------------------------------------------------------------
    def claim_slot(self, sub_id: int, slot: str, due_at: datetime, owner: str, now: datetime, lease: timedelta,
                   max_attempts: int = 3) -> bool:
        """Claim a slot for posting: insert its record, or take over one that failed or whose
        claim was not renewed within ``lease`` (its owner died or hangs), ``max_attempts`` at most.
        False when it is done, skipped, missed, claimed by a live owner, or the subscription is
        gone or disabled."""
        with self._tx() as c:
            if c.execute(
                "INSERT INTO deliveries (subscription_id, slot, due_at, status, owner, claimed_at)"
                " SELECT ?, ?, ?, 'claimed', ?, ?"
                " WHERE EXISTS (SELECT 1 FROM subscriptions WHERE id = ? AND enabled = 1) ON CONFLICT DO NOTHING",
                (sub_id, slot, ts(due_at), owner, ts(now), sub_id)).rowcount == 1:
                return True
            return c.execute(
                "UPDATE deliveries SET status = 'claimed', owner = ?, claimed_at = ?, attempts = attempts + 1"
                " WHERE subscription_id = ? AND slot = ? AND attempts < ?"
                " AND (status = 'failed' OR (status = 'claimed' AND claimed_at < ?))"
                " AND EXISTS (SELECT 1 FROM subscriptions WHERE id = ? AND enabled = 1)",
                (owner, ts(now), sub_id, slot, max_attempts, ts(now - lease), sub_id)).rowcount == 1

    def renew_slot(self, sub_id: int, slot: str, owner: str, now: datetime) -> bool:
        with self._tx() as c:
            return c.execute(
                "UPDATE deliveries SET claimed_at = ? WHERE subscription_id = ? AND slot = ? AND owner = ?"
                " AND status = 'claimed'", (ts(now), sub_id, slot, owner)).rowcount == 1

    def finish_slot(self, sub_id: int, slot: str, owner: str, outcome: SlotOutcome, now: datetime) -> bool:
        """Record how a slot this owner claimed ended (with the subscription's last delivery, if
        any, in the same transaction). False, changing nothing, when the claim is no longer ours."""
        with self._tx() as c:
            if c.execute(
                "UPDATE deliveries SET status = ?, finished_at = ?, detail = ? WHERE subscription_id = ? AND slot = ?"
                " AND owner = ? AND status = 'claimed'",
                (outcome.status, ts(now), outcome.detail, sub_id, slot, owner)).rowcount != 1:
                return False
            if outcome.delivered_at is not None:
                c.execute("UPDATE subscriptions SET last_delivered_at = ?, last_answer = coalesce(?, last_answer)"
                          " WHERE id = ?", (ts(outcome.delivered_at),
                                            json.dumps(outcome.answer) if outcome.answer is not None else None, sub_id))
            return True

    def record_missed(self, sub_id: int, slot: str, due_at: datetime, owner: str, now: datetime, lease: timedelta,
                      detail: str) -> bool:
        """Record once a slot that can no longer be delivered; True when this call recorded it."""
        with self._tx() as c:
            if c.execute(
                "INSERT INTO deliveries (subscription_id, slot, due_at, status, owner, claimed_at, finished_at, detail)"
                " SELECT ?, ?, ?, 'missed', ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM subscriptions WHERE id = ?)"
                " ON CONFLICT DO NOTHING",
                (sub_id, slot, ts(due_at), owner, ts(now), ts(now), detail, sub_id)).rowcount == 1:
                return True
            return c.execute(
                "UPDATE deliveries SET status = 'missed', finished_at = ?, detail = ? WHERE subscription_id = ?"
                " AND slot = ? AND (status = 'failed' OR (status = 'claimed' AND claimed_at < ?))",
                (ts(now), detail, sub_id, slot, ts(now - lease))).rowcount == 1

    def delivery(self, sub_id: int, slot: str) -> Delivery | None:
        row = self.conn.execute("SELECT * FROM deliveries WHERE subscription_id = ? AND slot = ?",
                                (sub_id, slot)).fetchone()
        return delivery_from_row(row) if row else None

    def deliveries(self, sub_id: int) -> list[Delivery]:
        rows = self.conn.execute("SELECT * FROM deliveries WHERE subscription_id = ? ORDER BY due_at, slot", (sub_id,))
        return [delivery_from_row(r) for r in rows.fetchall()]

    def latest_delivery(self, sub_id: int) -> Delivery | None:
        row = self.conn.execute("SELECT * FROM deliveries WHERE subscription_id = ? ORDER BY due_at DESC, slot DESC"
                                " LIMIT 1", (sub_id,)).fetchone()
        return delivery_from_row(row) if row else None

    # -- seen events and leases -----------------------------------------------------------
    def first_sight(self, key: str, now: datetime, keep: timedelta) -> bool:
        with self._tx() as c:
            c.execute("DELETE FROM seen_events WHERE seen_at < ?", (ts(now - keep),))
            return c.execute("INSERT INTO seen_events (key, seen_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
                             (key, ts(now))).rowcount == 1

    def hold_lease(self, name: str, holder: str, now: datetime, ttl: timedelta) -> bool:
        """Take ``name`` if it is free or expired, or extend it if ``holder`` has it."""
        with self._tx() as c:
            return c.execute(
                "INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE"
                " SET holder = excluded.holder, expires_at = excluded.expires_at"
                " WHERE leases.holder = excluded.holder OR leases.expires_at <= ?",
                (name, holder, ts(now + ttl), ts(now))).rowcount == 1

    def release_lease(self, name: str, holder: str) -> None:
        with self._tx() as c:
            c.execute("DELETE FROM leases WHERE name = ? AND holder = ?", (name, holder))

    def lease_holder(self, name: str, now: datetime) -> str | None:
        row = self.conn.execute("SELECT holder FROM leases WHERE name = ? AND expires_at > ?",
                                (name, ts(now))).fetchone()
        return row["holder"] if row else None
