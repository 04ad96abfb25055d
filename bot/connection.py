"""Keeping one platform connected: one log line per failure with its reason, bounded back-off
between attempts, and a stop for good when the platform refuses the credentials.

Each platform supplies a ``Connection`` (``bot/slack/connection.py``,
``bot/discord/connection.py``); ``keep_connected`` is the one retry loop they share.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Iterator, Protocol

log = logging.getLogger(__name__)
FIRST_DELAY = 1.0
MAX_DELAY = 60.0


class Refused(Exception):
    """The platform refused the credentials or settings: retrying cannot help. The message
    says what to fix; the platform stops and the rest of the process keeps running."""


class Connection(Protocol):
    name: str  # "Slack", "Discord": starts each log line

    @property
    def up(self) -> bool:
        """Connected (so a later failure starts the back-off afresh)."""

    async def readiness(self) -> str | None:
        """None when connected and serving, else why not (for ``/readyz``)."""

    async def run(self) -> None:
        """Connect, then return or raise when the connection ends. Raise ``Refused`` when
        retrying cannot help."""

    def describe(self, exc: BaseException) -> str:
        """The reason for a failure, in one line."""

    async def reset(self) -> None:
        """Release what a failed attempt holds (sessions, sockets), so the next starts clean."""

    async def close(self) -> None:
        """Disconnect for good."""


def backoff(first: float = FIRST_DELAY, cap: float = MAX_DELAY) -> Iterator[float]:
    """1, 2, 4, ... seconds, never more than ``cap``."""
    delay = first
    while True:
        yield delay
        delay = min(cap, delay * 2)


def one_line(text: str, limit: int = 300) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


async def keep_connected(conn: Connection, *, first: float = FIRST_DELAY, cap: float = MAX_DELAY) -> None:
    """Run ``conn`` until cancelled, reconnecting after failures; raise ``Refused`` when refused."""
    delays = backoff(first, cap)
    while True:
        try:
            await conn.run()
            reason = "the connection closed"
        except (Refused, asyncio.CancelledError):
            raise
        except Exception as e:  # whatever went wrong, it is one line and a retry
            reason = one_line(conn.describe(e))
        if conn.up:
            delays = backoff(first, cap)  # it was working: start the back-off afresh
        delay = next(delays)
        log.warning("%s: %s; retrying in %g s", conn.name, reason, delay)
        await conn.reset()
        await asyncio.sleep(delay)
