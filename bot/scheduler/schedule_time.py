"""The APScheduler trigger for a daily subscription; the slot arithmetic itself is the core's
(``briefings/schedule.py``)."""
from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.base import BaseTrigger

from briefings.schedule import next_slot


class DailyTrigger(BaseTrigger):
    """An APScheduler trigger that fires once per local day at ``at`` in ``zone``.

    Used instead of CronTrigger, which (APScheduler 3.11) fires twice when the local time
    repeats in autumn.
    """

    def __init__(self, at: time, zone: ZoneInfo):
        self.at = at
        self.zone = zone

    def get_next_fire_time(self, previous_fire_time: datetime | None, now: datetime) -> datetime | None:
        if previous_fire_time is not None:
            return next_slot(self.at, self.zone, max(previous_fire_time, now - timedelta(microseconds=1))).due
        return next_slot(self.at, self.zone, now, inclusive=True).due

    def __str__(self) -> str:
        return f"daily at {self.at:%H:%M} {self.zone.key}"

    def __repr__(self) -> str:
        return f"<DailyTrigger ({self})>"
