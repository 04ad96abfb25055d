"""The lease one process holds at a time (the Discord gateway session rests on it)."""
from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

import pytest

from briefings.service import BriefingService
from briefings.store import open_store
from bot.lease import Lease, LeaseLost


@pytest.fixture
def services(tmp_path):
    made = [BriefingService(open_store(f"sqlite:///{tmp_path / 'leases.sqlite3'}")) for _ in range(2)]
    yield made
    for s in made:
        s.store.close()


def lease(service, **kw) -> Lease:
    kw.setdefault("ttl", timedelta(seconds=15))
    return Lease(service, "discord-gateway:1", service.holder, renew_every=0.05, poll=0.05, **kw)


async def test_one_holds_the_other_stands_by_until_it_is_released(services, caplog):
    caplog.set_level(logging.INFO, logger="bot.lease")
    a, b = lease(services[0]), lease(services[1])
    await a.acquire("gateway")
    waiting = asyncio.create_task(b.acquire("gateway"))
    await asyncio.wait_for(until_logged(caplog, "standing by"), 5)
    assert not waiting.done() and services[0].holder in caplog.text
    await a.release()
    await asyncio.wait_for(waiting, 5)
    assert b.held and not a.held
    assert services[0].lease_holder("discord-gateway:1") == services[1].holder


async def test_a_holder_that_stops_renewing_loses_it_after_the_ttl(services):
    short = timedelta(seconds=0.3)
    a, b = lease(services[0], ttl=short), lease(services[1], ttl=short)
    await a.acquire("gateway")  # ... and never renews: its process hangs or died
    await asyncio.wait_for(b.acquire("gateway"), 5)
    with pytest.raises(LeaseLost, match="another process holds the lease now"):
        await asyncio.wait_for(a.keep(), 5)
    assert not a.held


async def test_keeping_renews_so_no_one_else_gets_it(services):
    short = timedelta(seconds=0.3)
    a, b = lease(services[0], ttl=short), lease(services[1], ttl=short)
    await a.acquire("gateway")
    keeping = asyncio.create_task(a.keep())
    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(b.acquire("gateway"), 1.0)  # more than three lifetimes of the lease
    keeping.cancel()


async def until_logged(caplog, text: str) -> None:
    while text not in caplog.text:
        await asyncio.sleep(0.01)
