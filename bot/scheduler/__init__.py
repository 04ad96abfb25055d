"""Scheduled briefings: jobs rebuilt from the subscriptions table, DST-safe daily slots, and
the subscribe / unsubscribe / subscriptions chat commands."""
from __future__ import annotations

from .scheduler import BriefingScheduler, ChannelGone, Outcome, Sender

__all__ = ["BriefingScheduler", "ChannelGone", "Outcome", "Sender"]
