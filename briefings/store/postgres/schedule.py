"""Subscriptions, delivery records, seen events and leases in the PostgreSQL store.

Each method is one transaction on a pooled connection. Claims rest on the primary key of
``deliveries``: of several replicas inserting the same (subscription, slot) at once, one
inserts and the others wait for it, then find the row and take it over only if it failed or
its lease ran out. Every transaction locks the subscription's row before the slot's, so a
replica finishing a slot and another claiming it never deadlock.
"""
from __future__ import annotations

import json
from datetime import datetime, timedelta

from ...subscriptions import Delivery, NewSubscription, SlotOutcome, Subscribed, Subscription
from ..port import delivery_from_row, subscription_from_row


class PostgresSchedule:
    """The ``ScheduleRecords`` half of ``PostgresStore`` (which provides ``pool``)."""

    # -- subscriptions --------------------------------------------------------------------
    def add_subscription(self, new: NewSubscription, now: datetime) -> Subscribed:
        with self.pool.connection() as c:
            row = c.execute(
                "INSERT INTO subscriptions (platform, workspace, channel, kind, at_time, timezone, topic, topic_key,"
                " quiet, created_by, created_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
                " ON CONFLICT DO NOTHING RETURNING *",
                (new.platform, new.workspace, new.channel, new.kind, new.at_time, new.timezone, new.topic,
                 new.topic_key, new.quiet, new.created_by, now)).fetchone()
            if row is not None:
                return Subscribed(subscription_from_row(row), True)
            row = c.execute(
                "SELECT * FROM subscriptions WHERE enabled AND platform = %s AND channel = %s AND kind = %s"
                " AND at_time = %s AND timezone = %s AND topic_key = %s",
                (new.platform, new.channel, new.kind, new.at_time, new.timezone, new.topic_key)).fetchone()
        return Subscribed(subscription_from_row(row), False)

    def subscription(self, sub_id: int) -> Subscription | None:
        with self.pool.connection() as c:
            row = c.execute("SELECT * FROM subscriptions WHERE id = %s", (sub_id,)).fetchone()
        return subscription_from_row(row) if row else None

    def subscriptions(self, platform: str | None = None, channel: str | None = None,
                      enabled_only: bool = False) -> list[Subscription]:
        sql, args = "SELECT * FROM subscriptions WHERE true", []
        if platform:
            sql, args = sql + " AND platform = %s", args + [platform]
        if channel:
            sql, args = sql + " AND channel = %s", args + [channel]
        if enabled_only:
            sql += " AND enabled"
        with self.pool.connection() as c:
            rows = c.execute(sql + " ORDER BY id", args).fetchall()
        return [subscription_from_row(r) for r in rows]

    def remove_subscription(self, sub_id: int) -> bool:
        with self.pool.connection() as c:
            return c.execute("DELETE FROM subscriptions WHERE id = %s", (sub_id,)).rowcount == 1

    def disable_subscription(self, sub_id: int, reason: str) -> None:
        with self.pool.connection() as c:
            c.execute("UPDATE subscriptions SET enabled = false, disabled_reason = %s WHERE id = %s", (reason, sub_id))

    # -- deliveries -------------------------------------------------------------------------
    def claim_slot(self, sub_id: int, slot: str, due_at: datetime, owner: str, now: datetime, lease: timedelta,
                   max_attempts: int = 3) -> bool:
        """Claim a slot for posting: insert its record, or take over one that failed or whose
        claim was not renewed within ``lease`` (its owner died or hangs), ``max_attempts`` at most.
        False when it is done, skipped, missed, claimed by a live owner, or the subscription is
        gone or disabled."""
        with self.pool.connection() as c:
            # the subscription's row lock orders this claim with its removal or disabling
            live = c.execute("SELECT 1 FROM subscriptions WHERE id = %s AND enabled FOR SHARE", (sub_id,)).fetchone()
            if live is None:
                return False
            if c.execute(
                "INSERT INTO deliveries (subscription_id, slot, due_at, status, owner, claimed_at)"
                " VALUES (%s, %s, %s, 'claimed', %s, %s) ON CONFLICT DO NOTHING",
                (sub_id, slot, due_at, owner, now)).rowcount == 1:
                return True
            return c.execute(
                "UPDATE deliveries SET status = 'claimed', owner = %s, claimed_at = %s, attempts = attempts + 1"
                " WHERE subscription_id = %s AND slot = %s AND attempts < %s"
                " AND (status = 'failed' OR (status = 'claimed' AND claimed_at < %s))",
                (owner, now, sub_id, slot, max_attempts, now - lease)).rowcount == 1

    def renew_slot(self, sub_id: int, slot: str, owner: str, now: datetime) -> bool:
        with self.pool.connection() as c:
            return c.execute(
                "UPDATE deliveries SET claimed_at = %s WHERE subscription_id = %s AND slot = %s AND owner = %s"
                " AND status = 'claimed'", (now, sub_id, slot, owner)).rowcount == 1

    def finish_slot(self, sub_id: int, slot: str, owner: str, outcome: SlotOutcome, now: datetime) -> bool:
        """Record how a slot this owner claimed ended (with the subscription's last delivery, if
        any, in the same transaction). False, changing nothing, when the claim is no longer ours."""
        with self.pool.connection() as c:
            # the subscription's row first, as claim_slot takes it (FOR SHARE) before the slot's:
            # updating it after the slot would deadlock with a replica claiming the same slot
            if outcome.delivered_at is not None:
                c.execute("SELECT 1 FROM subscriptions WHERE id = %s FOR NO KEY UPDATE", (sub_id,))
            if c.execute(
                "UPDATE deliveries SET status = %s, finished_at = %s, detail = %s WHERE subscription_id = %s"
                " AND slot = %s AND owner = %s AND status = 'claimed'",
                (outcome.status, now, outcome.detail, sub_id, slot, owner)).rowcount != 1:
                return False
            if outcome.delivered_at is not None:
                c.execute("UPDATE subscriptions SET last_delivered_at = %s, last_answer = coalesce(%s, last_answer)"
                          " WHERE id = %s", (outcome.delivered_at,
                                             json.dumps(outcome.answer) if outcome.answer is not None else None,
                                             sub_id))
            return True

    def record_missed(self, sub_id: int, slot: str, due_at: datetime, owner: str, now: datetime, lease: timedelta,
                      detail: str) -> bool:
        """Record once a slot that can no longer be delivered; True when this call recorded it."""
        with self.pool.connection() as c:
            if c.execute("SELECT 1 FROM subscriptions WHERE id = %s FOR SHARE", (sub_id,)).fetchone() is None:
                return False
            if c.execute(
                "INSERT INTO deliveries (subscription_id, slot, due_at, status, owner, claimed_at, finished_at, detail)"
                " VALUES (%s, %s, %s, 'missed', %s, %s, %s, %s) ON CONFLICT DO NOTHING",
                (sub_id, slot, due_at, owner, now, now, detail)).rowcount == 1:
                return True
            return c.execute(
                "UPDATE deliveries SET status = 'missed', finished_at = %s, detail = %s WHERE subscription_id = %s"
                " AND slot = %s AND (status = 'failed' OR (status = 'claimed' AND claimed_at < %s))",
                (now, detail, sub_id, slot, now - lease)).rowcount == 1

    def delivery(self, sub_id: int, slot: str) -> Delivery | None:
        with self.pool.connection() as c:
            row = c.execute("SELECT * FROM deliveries WHERE subscription_id = %s AND slot = %s",
                            (sub_id, slot)).fetchone()
        return delivery_from_row(row) if row else None

    def deliveries(self, sub_id: int) -> list[Delivery]:
        with self.pool.connection() as c:
            rows = c.execute("SELECT * FROM deliveries WHERE subscription_id = %s ORDER BY due_at, slot",
                             (sub_id,)).fetchall()
        return [delivery_from_row(r) for r in rows]

    def latest_delivery(self, sub_id: int) -> Delivery | None:
        with self.pool.connection() as c:
            row = c.execute("SELECT * FROM deliveries WHERE subscription_id = %s ORDER BY due_at DESC, slot DESC"
                            " LIMIT 1", (sub_id,)).fetchone()
        return delivery_from_row(row) if row else None

    # -- seen events and leases -----------------------------------------------------------
    def first_sight(self, key: str, now: datetime, keep: timedelta) -> bool:
        with self.pool.connection() as c:
            c.execute("DELETE FROM seen_events WHERE seen_at < %s", (now - keep,))
            return c.execute("INSERT INTO seen_events (key, seen_at) VALUES (%s, %s) ON CONFLICT DO NOTHING",
                             (key, now)).rowcount == 1

    def hold_lease(self, name: str, holder: str, now: datetime, ttl: timedelta) -> bool:
        """Take ``name`` if it is free or expired, or extend it if ``holder`` has it."""
        with self.pool.connection() as c:
            return c.execute(
                "INSERT INTO leases (name, holder, expires_at) VALUES (%s, %s, %s) ON CONFLICT (name) DO UPDATE"
                " SET holder = excluded.holder, expires_at = excluded.expires_at"
                " WHERE leases.holder = excluded.holder OR leases.expires_at <= %s",
                (name, holder, now + ttl, now)).rowcount == 1

    def release_lease(self, name: str, holder: str) -> None:
        with self.pool.connection() as c:
            c.execute("DELETE FROM leases WHERE name = %s AND holder = %s", (name, holder))

    def lease_holder(self, name: str, now: datetime) -> str | None:
        with self.pool.connection() as c:
            row = c.execute("SELECT holder FROM leases WHERE name = %s AND expires_at > %s", (name, now)).fetchone()
        return row["holder"] if row else None
