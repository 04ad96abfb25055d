"""Followed feeds: what one is, how a request to follow one is checked, how a poll reads.

A feed belongs to a chat channel (platform, channel), or to none when it is followed from the
command line. It is polled every ``every``; a failure doubles the wait, up to a cap, and after
``alert_after`` failures in a row its channel hears once, and once more when it works again.
Feeds and the entries read from them live in the store (``briefings/store/port.py``,
``FeedRecords``), reached through ``BriefingService``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from .errors import BadInput
from .subscriptions import CHANNEL_IDS
from .web.fetch import check_url

EVERY = re.compile(r"^\s*(\d+)\s*(s|sec|secs|seconds?|m|min|mins|minutes?|h|hr|hours?|d|days?)\s*$", re.I)
UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_every(text: str, minimum: int = 60) -> int:
    """An interval such as ``15m``, ``1h``, ``2 hours``, ``1d`` in seconds (at least ``minimum``)."""
    m = EVERY.match(text or "")
    if not m:
        raise BadInput(f"interval {text!r} not understood: use a number and a unit, e.g. 15m, 1h or 1d")
    seconds = int(m[1]) * UNITS[m[2][0].lower()]
    if seconds < minimum:
        raise BadInput(f"interval {text!r} is too short: the shortest is {describe_every(minimum)}")
    return seconds


def describe_every(seconds: int) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


@dataclass(frozen=True)
class NewFeed:
    url: str
    every_seconds: int
    platform: str = ""
    channel: str = ""
    workspace: str = ""
    created_by: str | None = None


def new_feed(*, url: str, every_seconds: int, platform: str = "", channel: str = "", workspace: str = "",
             created_by: str | None = None) -> NewFeed:
    url = check_url(url)
    if platform:
        pattern, hint = CHANNEL_IDS.get(platform, (None, ""))
        if pattern is None:
            raise BadInput(f"unknown platform {platform!r}: choose from 'slack', 'discord'")
        if not pattern.match(channel):
            raise BadInput(f"{channel!r} is not a {platform} channel id: give {hint}")
    return NewFeed(url=url, every_seconds=every_seconds, platform=platform, channel=channel, workspace=workspace,
                   created_by=created_by)


@dataclass(frozen=True)
class Feed:
    id: int
    url: str
    every_seconds: int
    platform: str = ""
    channel: str = ""
    workspace: str = ""
    title: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    polls: int = 0  # successful polls: 0 means its back catalogue has not been read yet
    failures: int = 0  # in a row
    last_error: str | None = None
    alerted: bool = False
    next_poll_at: datetime | None = None
    last_polled_at: datetime | None = None
    last_ok_at: datetime | None = None
    created_by: str | None = None
    created_at: datetime | None = None

    @property
    def every(self) -> timedelta:
        return timedelta(seconds=self.every_seconds)

    def where(self) -> str:
        return f"{self.platform} channel {self.channel}" if self.platform else "no channel"

    def describe(self) -> str:
        name = f" ({self.title})" if self.title else ""
        state = f"; failing ({self.failures} in a row: {self.last_error})" if self.failures else ""
        return f"#{self.id}: {self.url}{name} every {describe_every(self.every_seconds)}{state}"

    def to_json(self) -> dict:
        def iso(t: datetime | None) -> str | None:
            return t.isoformat() if t else None

        return {"id": self.id, "url": self.url, "title": self.title, "every": describe_every(self.every_seconds),
                "platform": self.platform or None, "channel": self.channel or None, "polls": self.polls,
                "failures": self.failures, "last_error": self.last_error, "alerted": self.alerted,
                "next_poll_at": iso(self.next_poll_at), "last_polled_at": iso(self.last_polled_at),
                "last_ok_at": iso(self.last_ok_at), "created_by": self.created_by}


@dataclass(frozen=True)
class FeedAdded:
    feed: Feed
    created: bool  # False: this channel already follows that URL


@dataclass(frozen=True)
class PollRecord:
    """What recording a poll decided: whether this caller sends the alert or the recovery notice."""

    feed: Feed
    alert: bool = False
    recovered: bool = False


def after_poll(failures: int, alerted: bool, *, ok: bool, alert_after: int, notify: bool
               ) -> tuple[int, bool, bool, bool]:
    """What a poll does to a feed's failure count and alert flag: ``(failures, alerted, alert,
    recovered)``. The caller that sees ``alert`` sends the one alert of an outage (at the
    ``alert_after``-th failure in a row); the one that sees ``recovered`` sends the one notice
    that it works again. Stores apply this to the row they hold locked, so it happens once."""
    if ok:
        return 0, alerted and not notify, False, notify and alerted
    failures += 1
    alert = notify and failures >= alert_after and not alerted
    return failures, alerted or alert, alert, False


@dataclass
class FeedPoll:
    """One poll of one feed, as ``feeds poll`` prints it and the scheduler acts on it."""

    feed: Feed
    status: str  # ingested | unchanged | failed | skipped (another process is polling it)
    added: int = 0
    replaced: int = 0
    not_modified: bool = False
    back_catalogue: bool = False
    error: str | None = None
    entry_failures: list[str] = field(default_factory=list)
    alert: bool = False
    recovered: bool = False
    retry_in: timedelta | None = None

    def line(self) -> str:
        head = f"#{self.feed.id} {self.feed.url}: "
        if self.status == "failed":
            retry = f"; next try in {describe_every(int(self.retry_in.total_seconds()))}" if self.retry_in else ""
            return head + f"failed: {self.error}{retry}"
        if self.status == "skipped":
            return head + "skipped: another process is polling it"
        if self.added or self.replaced:
            parts = [f"{self.added} new entr{'y' if self.added == 1 else 'ies'} ingested"]
            if self.replaced:
                parts.append(f"{self.replaced} edited entr{'y' if self.replaced == 1 else 'ies'} re-read")
            text = ", ".join(parts) + (" (back catalogue, not announced as new)" if self.back_catalogue else "")
        else:
            text = "unchanged" + (" (not modified)" if self.not_modified else "")
        if self.entry_failures:
            n = len(self.entry_failures)
            text += f"; {n} entr{'y' if n == 1 else 'ies'} failed: " + "; ".join(self.entry_failures)
        return head + text

    def alert_text(self) -> str:
        return (f"Feed #{self.feed.id} {self.feed.url} has failed {self.feed.failures} times in a row: {self.error}. "
                "I will keep trying, less often, and say when it works again.")

    def recovery_text(self) -> str:
        return f"Feed #{self.feed.id} {self.feed.url} works again."


def backoff(every_seconds: int, failures: int, cap_seconds: int) -> timedelta:
    """How long a feed that has failed ``failures`` times in a row waits: its interval, doubled
    for each failure after the first, never more than the cap (nor less than its interval)."""
    return timedelta(seconds=max(every_seconds, min(cap_seconds, every_seconds * 2 ** max(0, failures - 1))))
