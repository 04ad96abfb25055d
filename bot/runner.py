"""``briefbot run``: the chat platforms and the scheduler in one process, until SIGTERM or SIGINT.

Start-up never waits on a platform: each one connects (and reconnects) in its own task, and
the scheduler starts at once, so a platform that is down delays nothing else. A platform that
refuses its credentials stops with a message; when none is left the process exits with
status 1. A signal stops everything within 10 seconds, whatever state it finds:
connections are dropped, deliveries under way get ``DELIVERY_GRACE`` seconds to finish (those
cut off stay claimed and are taken over once their lease runs out), then the connections are closed.
A second signal exits at once.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal

from briefings.service import BriefingService

from .connection import Connection, Refused, keep_connected
from .settings import Settings

log = logging.getLogger(__name__)
DELIVERY_GRACE = 5.0  # seconds a delivery under way gets to finish when stopping
CLOSE_TIMEOUT = 3.0  # seconds to close the platform connections


def _connections(service: BriefingService, settings: Settings, platforms: list[str], subscriptions) -> tuple[
        list[Connection], dict]:
    """Each platform's adapter, its connection and its sender (nothing touches the network yet)."""
    connections: list[Connection] = []
    senders = {}
    if "slack" in platforms:
        from .slack.app import SlackAdapter
        from .slack.connection import SlackConnection

        slack = SlackAdapter(service, settings.slack, subscriptions)
        connections.append(SlackConnection(slack, settings.slack))
        senders["slack"] = slack.sender
    if "discord" in platforms:
        from .discord.client import DiscordAdapter
        from .discord.connection import DiscordConnection

        discord = DiscordAdapter(service, settings.discord, subscriptions)
        connections.append(DiscordConnection(discord, settings.discord))
        senders["discord"] = discord.sender
    return connections, senders


class Stop:
    """Set by SIGTERM or SIGINT; a second signal exits at once."""

    def __init__(self):
        self.event = asyncio.Event()

    def install(self) -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(sig, self._received, sig)

    def _received(self, sig: signal.Signals) -> None:
        if self.event.is_set():
            log.warning("%s again: exiting now", sig.name)
            os._exit(1)
        log.info("%s received: stopping", sig.name)
        self.event.set()


async def run(settings: Settings, service: BriefingService, platforms: list[str]) -> int:
    """Run until a signal (exit status 0) or until every platform has stopped for good (1)."""
    stop = Stop()
    stop.install()
    ops = await _start_ops(settings, service, platforms) if settings.http.enabled else None
    try:
        return await _run(settings, service, platforms, stop, ops)
    finally:
        if ops is not None:
            await ops.close()


async def _start_ops(settings: Settings, service: BriefingService, platforms: list[str]):
    """/healthz, /readyz and /metrics, answering from before the store is prepared. Each
    platform has its check from the start, so the store being ready never reads as the whole
    process being ready while a platform has not begun to connect."""
    from .metrics import Metrics
    from .ops import OpsServer, database_answers

    metrics = Metrics()
    service.observer = metrics
    url = settings.store_url

    async def database() -> str | None:
        return await asyncio.to_thread(database_answers, url)

    async def store() -> str | None:
        return None if service.prepared else "preparing the store (migrations, seeding)"

    async def not_started() -> str | None:
        return "not started (the store is being prepared)"

    checks = {"database": database, "store": store} | {p: not_started for p in platforms}
    ops = OpsServer(settings.http.host, settings.http.port, metrics, checks)
    await ops.start()
    return ops


async def _run(settings: Settings, service: BriefingService, platforms: list[str], stop: Stop, ops) -> int:
    stopped = asyncio.create_task(stop.event.wait())
    preparing = asyncio.create_task(asyncio.to_thread(service.ensure_ready))
    await asyncio.wait({preparing, stopped}, return_when=asyncio.FIRST_COMPLETED)
    if not preparing.done():
        log.info("stopped before the store was ready")
        return 0
    preparing.result()

    scheduler = None
    if settings.scheduler.enabled:
        from .scheduler import BriefingScheduler

        scheduler = BriefingScheduler.from_settings(service, settings)
    connections, senders = _connections(service, settings, platforms, scheduler.commands if scheduler else None)
    running = {asyncio.create_task(keep_connected(c), name=c.name): c for c in connections}
    if ops is not None:
        for conn in connections:
            ops.checks[conn.name.lower()] = _readiness(conn, running)
    status = 0
    try:
        if scheduler is not None:
            scheduler.attach(senders)
            await scheduler.start()
        log.info("briefbot is running (%s); stop with Ctrl-C or SIGTERM", ", ".join(platforms))
        while running and not stop.event.is_set():
            done, _ = await asyncio.wait(set(running) | {stopped}, return_when=asyncio.FIRST_COMPLETED)
            for task in done - {stopped}:
                _report_end(running.pop(task), task, others=bool(running))
        if not running and not stop.event.is_set():
            log.error("no platform is left running; exiting")
            status = 1
    finally:
        log.info("shutting down")
        stopped.cancel()
        for task in running:
            task.cancel()
        if scheduler is not None:
            await scheduler.shutdown(timeout=DELIVERY_GRACE)
        results = await asyncio.gather(*(asyncio.wait_for(c.close(), CLOSE_TIMEOUT) for c in connections),
                                       return_exceptions=True)
        for conn, result in zip(connections, results, strict=True):
            if isinstance(result, BaseException) and not isinstance(result, asyncio.CancelledError):
                log.warning("%s: closing failed (%s)", conn.name, type(result).__name__)
        log.info("stopped")
    return status


def _readiness(conn: Connection, running: dict):
    async def check() -> str | None:
        if conn not in running.values():
            return "stopped (see the log)"
        return await conn.readiness()

    return check


def _report_end(conn: Connection, task: asyncio.Task, others: bool) -> None:
    exc = task.exception()
    if isinstance(exc, Refused):
        log.error("%s. %s is stopped%s.", exc, conn.name, "; the rest keeps running" if others else "")
    elif exc is not None:  # a bug: the retry loop only ends on Refused
        log.error("%s stopped unexpectedly", conn.name, exc_info=exc)
