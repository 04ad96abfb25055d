"""A lease in the store that one process holds at a time: taken when free or expired, renewed
while held, released when done. The Discord gateway session rests on one (Discord allows one
session per bot token): of several replicas, the holder connects and the others stand by.

The holder renews every ``RENEW_EVERY`` seconds; if it cannot show that it still holds the
lease for as long as the lease lasts (renewal refused, or the store unreachable), ``keep``
raises ``LeaseLost`` so that the holder lets go of what the lease guards before another
process may take it. A holder that dies stops renewing, and a standby takes over within
``TTL`` plus ``STANDBY_POLL`` seconds.
"""
from __future__ import annotations

import asyncio
import logging
import time
from datetime import timedelta

from briefings.service import BriefingService

log = logging.getLogger(__name__)
TTL = timedelta(seconds=15)
RENEW_EVERY = 5.0
STANDBY_POLL = 2.0


class LeaseLost(Exception):
    """This process can no longer show that it holds the lease."""


class Lease:
    def __init__(self, service: BriefingService, name: str, holder: str, *, ttl: timedelta = TTL,
                 renew_every: float = RENEW_EVERY, poll: float = STANDBY_POLL):
        self.service, self.name, self.holder = service, name, holder
        self.ttl, self.renew_every, self.poll = ttl, renew_every, poll
        self.held = False

    async def _hold(self) -> bool:
        return await asyncio.to_thread(self.service.hold_lease, self.name, self.holder, self.ttl)

    async def acquire(self, what: str) -> None:
        """Wait until this process holds the lease; say once that it stands by meanwhile."""
        said = False
        while not await self._hold():
            if not said:
                other = await asyncio.to_thread(self.service.lease_holder, self.name)
                log.info("%s: held by another process (%s); standing by", what, other or "just released")
                said = True
            await asyncio.sleep(self.poll)
        self.held = True
        log.info("%s: this process holds it now (%s)", what, self.holder)

    async def keep(self) -> None:
        """Renew until cancelled; raise ``LeaseLost`` when holding can no longer be shown."""
        confirmed = time.monotonic()
        while True:
            await asyncio.sleep(self.renew_every)
            try:
                if not await self._hold():
                    raise LeaseLost("another process holds the lease now")
                confirmed = time.monotonic()
            except LeaseLost:
                self.held = False
                raise
            except Exception as e:  # the store is unreachable: give up before the lease could lapse
                if time.monotonic() - confirmed + self.renew_every >= self.ttl.total_seconds():
                    self.held = False
                    raise LeaseLost(f"cannot renew the lease ({type(e).__name__})") from None

    async def release(self) -> None:
        if self.held:
            self.held = False
            await asyncio.to_thread(self.service.release_lease, self.name, self.holder)
