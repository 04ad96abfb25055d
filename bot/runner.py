"""Run the chat adapters (and the scheduler) in one process until SIGTERM or SIGINT."""
from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from typing import Awaitable, Callable

from briefings.service import BriefingService

from .settings import Settings

log = logging.getLogger(__name__)

Stopper = Callable[[], Awaitable[None]]


async def start_slack(service: BriefingService, settings: Settings, subscriptions=None) -> tuple[object, Stopper]:
    from .slack.app import SlackAdapter

    adapter = SlackAdapter(service, settings.slack, subscriptions)
    if settings.slack.mode == "socket":
        from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

        handler = AsyncSocketModeHandler(adapter.app, settings.slack.app_token.get_secret_value())
        await handler.connect_async()
        log.info("Slack: connected in Socket Mode")
        return adapter, handler.close_async
    from aiohttp import web

    runner = web.AppRunner(adapter.app.web_app(path=settings.slack.path))
    await runner.setup()
    await web.TCPSite(runner, settings.slack.host, settings.slack.port).start()
    log.info("Slack: serving %s on %s:%d", settings.slack.path, settings.slack.host, settings.slack.port)
    return adapter, runner.cleanup


async def start_discord(service: BriefingService, settings: Settings, subscriptions=None) -> tuple[object, Stopper]:
    from .discord.client import DiscordAdapter

    adapter = DiscordAdapter(service, settings.discord, subscriptions)
    task = asyncio.create_task(adapter.client.start(settings.discord.token.get_secret_value()))
    ready = asyncio.create_task(adapter.ready())
    await asyncio.wait({task, ready}, return_when=asyncio.FIRST_COMPLETED)
    if task.done():  # login or the gateway failed before READY: say why instead of waiting forever
        ready.cancel()
        task.result()
        raise RuntimeError("Discord closed the connection before the bot was ready")
    log.info("Discord: connected as %s", adapter.client.user)

    async def stop() -> None:
        await adapter.client.close()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task

    return adapter, stop


async def run(settings: Settings, service: BriefingService, platforms: list[str]) -> None:
    """Start the named platforms and the scheduler; stop cleanly on SIGTERM or SIGINT."""
    stop_event = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop_event.set)
    await asyncio.to_thread(service.ensure_ready)
    scheduler = None
    subscriptions = None
    if settings.scheduler.enabled:
        from .scheduler import BriefingScheduler

        scheduler = BriefingScheduler.from_settings(service, settings)
        subscriptions = scheduler.commands
    stoppers: list[Stopper] = []
    senders = {}
    try:
        if "slack" in platforms:
            adapter, stop = await start_slack(service, settings, subscriptions)
            stoppers.append(stop)
            senders["slack"] = adapter.sender
        if "discord" in platforms:
            adapter, stop = await start_discord(service, settings, subscriptions)
            stoppers.append(stop)
            senders["discord"] = adapter.sender
        if scheduler is not None:
            scheduler.attach(senders)
            await scheduler.start()
        log.info("briefbot is running (%s); stop with Ctrl-C or SIGTERM", ", ".join(platforms))
        await stop_event.wait()
    finally:
        log.info("shutting down")
        if scheduler is not None:
            await scheduler.shutdown()  # lets in-flight deliveries finish; claimed ones stay claimed for retry
        for stop in reversed(stoppers):
            with contextlib.suppress(Exception):
                await stop()
