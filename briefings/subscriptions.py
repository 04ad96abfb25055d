"""Channel subscriptions and their delivery records, kept in the store's database.

Platform-neutral: a channel is (platform, workspace, channel) as opaque strings. The
delivery table's key (subscription, local slot) is what makes a scheduled briefing go out
at most once: a process claims the slot in one statement before posting, and marks it done
after. A claim left by a process that died is taken over once its lease has run out.
"""
from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from .errors import BadInput, NotFound

TIME = re.compile(r"^([01]?\d|2[0-3])[:.h]([0-5]\d)$")
KINDS = ("briefing", "question")


@dataclass(frozen=True)
class Subscription:
    id: int
    platform: str
    workspace: str
    channel: str
    kind: str  # briefing | question
    at_time: str  # "HH:MM", local
    timezone: str  # IANA name
    topic: str | None = None  # the briefing's topic, or the standing question
    quiet: bool = False  # say nothing when nothing is new
    enabled: bool = True
    disabled_reason: str | None = None
    created_by: str | None = None
    created_at: datetime | None = None
    last_delivered_at: datetime | None = None
    last_answer: dict[str, Any] | None = None

    @property
    def local_time(self) -> time:
        h, m = self.at_time.split(":")
        return time(int(h), int(m))

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def describe(self) -> str:
        what = f"the question “{self.topic}”" if self.kind == "question" else (
            f"a briefing on {self.topic}" if self.topic else "a daily briefing")
        state = "" if self.enabled else f" (disabled: {self.disabled_reason})"
        quiet = ", silent when nothing is new" if self.quiet else ""
        return f"#{self.id}: {what} at {self.at_time} {self.timezone}{quiet}{state}"


def parse_time(value: str) -> str:
    """'8:30', '08:30' or '08.30' -> '08:30'; anything else says what is accepted."""
    m = TIME.match(value.strip())
    if not m:
        raise BadInput(f"time must be HH:MM on a 24-hour clock, e.g. 08:30 (got {value!r})")
    return f"{int(m.group(1)):02d}:{m.group(2)}"


@lru_cache(maxsize=1)
def _zones() -> tuple[str, ...]:
    return tuple(sorted(z for z in available_timezones() if "/" in z or z == "UTC"))


def parse_timezone(value: str) -> str:
    """An IANA time zone name, matched without regard to case; a near miss gets a suggestion."""
    value = value.strip()
    by_lower = {z.lower(): z for z in _zones()}
    if value.lower() in by_lower:
        name = by_lower[value.lower()]
        try:
            ZoneInfo(name)
            return name
        except ZoneInfoNotFoundError:
            pass
    from rapidfuzz import process

    best = process.extractOne(value, _zones(), score_cutoff=70)
    hint = f"; did you mean {best[0]}?" if best else ""
    raise BadInput(f"unknown time zone {value!r}{hint} Use an IANA name such as Europe/London or America/New_York.")


def zone_suggestions(prefix: str, limit: int = 25) -> list[str]:
    p = prefix.strip().lower()
    starts = [z for z in _zones() if z.lower().startswith(p)]
    contains = [z for z in _zones() if p and p in z.lower() and z not in starts]
    return (starts + contains)[:limit]


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _row(r: sqlite3.Row) -> Subscription:
    return Subscription(
        id=r["id"], platform=r["platform"], workspace=r["workspace"], channel=r["channel"], kind=r["kind"],
        at_time=r["at_time"], timezone=r["timezone"], topic=r["topic"], quiet=bool(r["quiet"]),
        enabled=bool(r["enabled"]), disabled_reason=r["disabled_reason"], created_by=r["created_by"],
        created_at=_dt(r["created_at"]), last_delivered_at=_dt(r["last_delivered_at"]),
        last_answer=json.loads(r["last_answer"]) if r["last_answer"] else None,
    )


@dataclass(frozen=True)
class Delivery:
    subscription_id: int
    slot: str
    due_at: datetime
    status: str
    owner: str
    claimed_at: datetime
    attempts: int
    detail: str | None = None


class SubscriptionStore:
    """Subscriptions and deliveries on the store's SQLite connection."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def _tx(self):
        return _Tx(self.conn)

    # -- subscriptions ------------------------------------------------------------------
    def add(self, *, platform: str, channel: str, at_time: str, tz: str, kind: str = "briefing",
            topic: str | None = None, quiet: bool = False, workspace: str = "", created_by: str | None = None,
            now: datetime) -> Subscription:
        if kind not in KINDS:
            raise BadInput(f"kind must be one of {', '.join(KINDS)}")
        if kind == "question" and not (topic or "").strip():
            raise BadInput("a standing question needs the question, e.g. “troop estimates?”")
        at_time, tz = parse_time(at_time), parse_timezone(tz)
        with self._tx():
            cur = self.conn.execute(
                "INSERT INTO subscriptions (platform, workspace, channel, kind, at_time, timezone, topic, quiet,"
                " created_by, created_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (platform, workspace, channel, kind, at_time, tz, (topic or "").strip() or None, int(quiet),
                 created_by, now.isoformat()),
            )
        return self.get(cur.lastrowid)

    def get(self, sub_id: int) -> Subscription:
        r = self.conn.execute("SELECT * FROM subscriptions WHERE id=?", (sub_id,)).fetchone()
        if r is None:
            raise NotFound(f"no subscription #{sub_id}")
        return _row(r)

    def list(self, platform: str | None = None, channel: str | None = None, enabled_only: bool = False
             ) -> list[Subscription]:
        sql, args = "SELECT * FROM subscriptions WHERE 1=1", []
        if platform:
            sql, args = sql + " AND platform=?", args + [platform]
        if channel:
            sql, args = sql + " AND channel=?", args + [channel]
        if enabled_only:
            sql += " AND enabled=1"
        return [_row(r) for r in self.conn.execute(sql + " ORDER BY id", args).fetchall()]

    def remove(self, sub_id: int, *, platform: str | None = None, channel: str | None = None) -> Subscription:
        sub = self.get(sub_id)
        if (platform and sub.platform != platform) or (channel and sub.channel != channel):
            raise NotFound(f"no subscription #{sub_id} in this channel")
        with self._tx():
            self.conn.execute("DELETE FROM subscriptions WHERE id=?", (sub_id,))
        return sub

    def disable(self, sub_id: int, reason: str) -> None:
        with self._tx():
            self.conn.execute("UPDATE subscriptions SET enabled=0, disabled_reason=? WHERE id=?", (reason, sub_id))

    def delivered(self, sub_id: int, at: datetime, answer: dict[str, Any] | None = None) -> None:
        with self._tx():
            self.conn.execute(
                "UPDATE subscriptions SET last_delivered_at=?, last_answer=coalesce(?, last_answer) WHERE id=?",
                (at.isoformat(), json.dumps(answer) if answer is not None else None, sub_id))

    # -- deliveries ---------------------------------------------------------------------
    def claim(self, sub_id: int, slot: str, due_at: datetime, owner: str, now: datetime, lease: timedelta,
              instance: str = "", max_attempts: int = 3) -> bool:
        """Claim a slot for posting. False when it is done, skipped, missed, or claimed by a live process.

        A claim is taken over when it failed, when its lease ran out, or when an earlier run of
        this same instance (``owner`` starts with ``instance:``) left it behind: that run is dead.
        """
        with self._tx():
            cur = self.conn.execute(
                "INSERT INTO deliveries (subscription_id, slot, due_at, status, owner, claimed_at)"
                " VALUES (?,?,?,'claimed',?,?) ON CONFLICT DO NOTHING",
                (sub_id, slot, due_at.isoformat(), owner, now.isoformat()))
            if cur.rowcount == 1:
                return True
            # take over a claim whose owner died (lease over) or that failed, a few times at most
            cur = self.conn.execute(
                "UPDATE deliveries SET status='claimed', owner=?, claimed_at=?, attempts=attempts+1"
                " WHERE subscription_id=? AND slot=? AND attempts < ?"
                " AND (status='failed' OR (status='claimed' AND (claimed_at < ? OR (owner LIKE ? AND owner != ?))))",
                (owner, now.isoformat(), sub_id, slot, max_attempts, (now - lease).isoformat(),
                 f"{instance}:%" if instance else "\x00", owner))
            return cur.rowcount == 1

    def finish(self, sub_id: int, slot: str, status: str, now: datetime, detail: str | None = None) -> None:
        with self._tx():
            self.conn.execute(
                "UPDATE deliveries SET status=?, finished_at=?, detail=? WHERE subscription_id=? AND slot=?",
                (status, now.isoformat(), detail, sub_id, slot))

    def record_missed(self, sub_id: int, slot: str, due_at: datetime, owner: str, now: datetime, detail: str) -> bool:
        """Record a slot that can no longer be delivered (outside the grace period), once."""
        with self._tx():
            cur = self.conn.execute(
                "INSERT INTO deliveries (subscription_id, slot, due_at, status, owner, claimed_at, finished_at, detail)"
                " VALUES (?,?,?,'missed',?,?,?,?) ON CONFLICT DO NOTHING",
                (sub_id, slot, due_at.isoformat(), owner, now.isoformat(), now.isoformat(), detail))
            if cur.rowcount == 0:
                cur = self.conn.execute(
                    "UPDATE deliveries SET status='missed', finished_at=?, detail=? WHERE subscription_id=? AND slot=?"
                    " AND status IN ('claimed', 'failed')", (now.isoformat(), detail, sub_id, slot))
            return cur.rowcount == 1

    def delivery(self, sub_id: int, slot: str) -> Delivery | None:
        r = self.conn.execute("SELECT * FROM deliveries WHERE subscription_id=? AND slot=?", (sub_id, slot)).fetchone()
        if r is None:
            return None
        return Delivery(r["subscription_id"], r["slot"], datetime.fromisoformat(r["due_at"]), r["status"], r["owner"],
                        datetime.fromisoformat(r["claimed_at"]), r["attempts"], r["detail"])

    def deliveries(self, sub_id: int) -> list[Delivery]:
        rows = self.conn.execute("SELECT slot FROM deliveries WHERE subscription_id=? ORDER BY slot", (sub_id,))
        return [self.delivery(sub_id, r["slot"]) for r in rows.fetchall()]


class _Tx:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on error (the connection is in autocommit mode)."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def __enter__(self):
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, exc_type, exc, tb):
        self.conn.execute("COMMIT" if exc_type is None else "ROLLBACK")
        return False

