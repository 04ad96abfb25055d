"""The clock the service and the scheduler run on: the system's, or (for tests, through
``[scheduler] test_clock``) one that starts at a given instant and runs faster, so that a
day of slots passes in a minute."""
from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from typing import Callable


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class FastClock:
    """Reads ``start`` at the real Unix time ``at`` and runs ``speed`` times faster. Processes
    given the same three values read the same time (on one host, or hosts whose clocks agree)."""

    def __init__(self, start: datetime, at: float, speed: float = 1.0):
        self.start, self.at, self.speed = start, at, speed

    def __call__(self) -> datetime:
        return (self.start + timedelta(seconds=(time.time() - self.at) * self.speed)).astimezone(timezone.utc)


def clock_from(settings) -> Callable[[], datetime]:
    """The clock the settings ask for: ``[scheduler] test_clock``, or the system's."""
    c = settings.scheduler.test_clock
    return utcnow if c is None else FastClock(c.start, c.at, c.speed)


def speed_of(clock) -> float:
    """How many clock seconds pass in a real second."""
    return getattr(clock, "speed", 1.0)
