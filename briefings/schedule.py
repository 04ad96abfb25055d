"""When a daily subscription is due, in its own time zone, correct across daylight saving.

A slot is one local day's briefing: its key is the local date and time ("2024-10-27T01:30"),
so a wall-clock time that happens twice (autumn) is still one slot, and one that never
happens (spring) is due at the moment the clocks jump past it. Pure functions of a time, a
zone and an instant: the scheduler's trigger, the catch-up sweep and the listings that show
each subscription's next run all use them.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

UTC = timezone.utc


@dataclass(frozen=True)
class Slot:
    key: str  # local "YYYY-MM-DDTHH:MM"
    due: datetime  # the instant, in UTC


def _exists(naive: datetime, zone: ZoneInfo) -> bool:
    aware = naive.replace(tzinfo=zone)
    return aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == naive


def slot_on(day: date, at: time, zone: ZoneInfo) -> Slot:
    """The slot of one local day: the first occurrence of ``at``, or the end of the gap that skips it."""
    naive = datetime.combine(day, at)
    key = f"{day.isoformat()}T{at:%H:%M}"
    if _exists(naive, zone):
        return Slot(key, naive.replace(tzinfo=zone, fold=0).astimezone(UTC))
    # in a spring-forward gap: the first instant whose local time is past ``at``
    early = naive.replace(tzinfo=zone, fold=1).astimezone(UTC)  # read with the offset after the jump
    late = naive.replace(tzinfo=zone, fold=0).astimezone(UTC)  # read with the offset before it
    lo, hi = min(early, late), max(early, late)
    while hi - lo > timedelta(seconds=1):
        mid = lo + (hi - lo) / 2
        if mid.astimezone(zone).replace(tzinfo=None) >= naive:
            hi = mid
        else:
            lo = mid
    return Slot(key, hi.replace(microsecond=0))


def next_slot(at: time, zone: ZoneInfo, after: datetime, inclusive: bool = False) -> Slot:
    """The first slot due after ``after`` (or at it, when ``inclusive``)."""
    day = after.astimezone(zone).date() - timedelta(days=1)
    for k in range(4):
        s = slot_on(day + timedelta(days=k), at, zone)
        if s.due > after or (inclusive and s.due == after):
            return s
    raise AssertionError("a daily slot is always within four days")  # pragma: no cover


def latest_slot(at: time, zone: ZoneInfo, now: datetime) -> Slot:
    """The last slot due at or before ``now``."""
    day = now.astimezone(zone).date() + timedelta(days=1)
    for k in range(4):
        s = slot_on(day - timedelta(days=k), at, zone)
        if s.due <= now:
            return s
    raise AssertionError("a daily slot is always within four days")  # pragma: no cover
