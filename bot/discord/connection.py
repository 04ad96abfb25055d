"""Connecting the Discord client: log in over REST, then hold the gateway session.

A refused token (401 at login, gateway close code 4004) or intents or settings Discord will
not accept stop Discord with a message that says what to fix. Anything else (Discord
unreachable, a dropped session) is one log line and a retry (``bot/connection.py``); each
failed attempt closes the client's HTTP session before the next, so nothing is left unclosed.

discord.py's own reconnect loop logs a traceback per attempt and backs off for up to about
17 minutes, so the gateway runs with ``reconnect=False`` and our loop retries instead (a
session Discord asks us to move is still resumed by discord.py itself).

Discord allows one gateway session per bot token, so with several replicas only the one
holding the gateway lease (``bot/lease.py``, a row in the store) opens it; the others log in
over REST (their scheduled posts need only that) and stand by, and one of them takes over
within about 20 seconds when the holder dies. A holder that cannot renew its lease closes
its session before the lease could pass to another.
"""
from __future__ import annotations

import asyncio
import logging

import aiohttp
import discord

from ..connection import Refused, one_line
from ..lease import Lease, LeaseLost
from ..settings import DiscordSettings
from .client import DiscordAdapter

log = logging.getLogger(__name__)
# how long stopping waits for answers still being sent (every page of them) before closing
DRAIN_SECONDS = 5.0
# gateway close codes after which reconnecting cannot help
REFUSED_CLOSE_CODES = {
    4004: "Discord refused the token (authentication failed); set discord.token (BRIEFBOT_DISCORD__TOKEN)",
    4010: "Discord refused the shard settings (invalid shard)",
    4011: "Discord requires sharding for this bot, which briefbot does not do",
    4012: "Discord refused the gateway API version",
    4013: "Discord refused the gateway intents (invalid intents)",
    4014: "Discord refused the gateway intents: enable them for the bot in the Developer Portal",
}
TOKEN_REFUSED = ("Discord refused the token ({status} at login); set discord.token (BRIEFBOT_DISCORD__TOKEN) "
                 "to the bot's token from the Developer Portal")


class DiscordConnection:
    name = "Discord"

    def __init__(self, adapter: DiscordAdapter, settings: DiscordSettings, lease: Lease | None = None):
        self.adapter = adapter
        self.settings = settings
        self.lease = lease or Lease(adapter.service, f"discord-gateway:{settings.application_id}",
                                    adapter.service.holder)

    @property
    def up(self) -> bool:
        return self.adapter.client.is_ready()

    async def run(self) -> None:
        client = self.adapter.client
        try:
            await client.login(self.settings.token.get_secret_value())
            await self.lease.acquire("Discord gateway session")
            log.info("Discord: logged in as %s; opening the gateway", client.user)
            await self._connect_while_held()
        except discord.LoginFailure:
            raise Refused(TOKEN_REFUSED.format(status=401)) from None
        except discord.PrivilegedIntentsRequired:
            raise Refused(REFUSED_CLOSE_CODES[4014]) from None
        except discord.ConnectionClosed as e:
            if e.code in REFUSED_CLOSE_CODES:
                raise Refused(f"{REFUSED_CLOSE_CODES[e.code]} (gateway close code {e.code})") from None
            raise
        except discord.HTTPException as e:
            if e.status in (401, 403):  # at login: /users/@me or the application
                raise Refused(TOKEN_REFUSED.format(status=e.status)) from None
            raise
        finally:
            await self.lease.release()

    async def readiness(self) -> str | None:
        client = self.adapter.client
        if client.user is None or client.is_closed():
            return "not logged in"
        if self.lease.held and not client.is_ready():
            return "gateway session connecting"
        return None  # the gateway session is up, or another replica holds it and this one stands by

    async def _connect_while_held(self) -> None:
        """The gateway session, for as long as this process can show that it holds the lease."""
        session = asyncio.create_task(self.adapter.client.connect(reconnect=False))
        keeping = asyncio.create_task(self.lease.keep())
        try:
            await asyncio.wait({session, keeping}, return_when=asyncio.FIRST_COMPLETED)
            if keeping.done():
                keeping.result()  # raises LeaseLost
            session.result()
        finally:
            for task in (session, keeping):
                task.cancel()
            await asyncio.gather(session, keeping, return_exceptions=True)

    def describe(self, exc: BaseException) -> str:
        if isinstance(exc, LeaseLost):
            return f"gave up the gateway session: {exc}"
        if isinstance(exc, aiohttp.ClientConnectorError):
            return f"cannot reach Discord at {exc.host}:{exc.port} ({exc.os_error.strerror or exc.os_error})"
        if isinstance(exc, discord.ConnectionClosed):
            return f"the gateway closed the connection (code {exc.code}{': ' + exc.reason if exc.reason else ''})"
        if isinstance(exc, discord.GatewayNotFound):
            return "Discord did not give a gateway address"
        if isinstance(exc, discord.HTTPException):
            return f"Discord answered {exc.status} {exc.text or ''}".strip()
        if isinstance(exc, (asyncio.TimeoutError, TimeoutError)):
            return "no answer from Discord in time"
        if isinstance(exc, aiohttp.WSServerHandshakeError):
            return f"the gateway refused the websocket ({exc.status})"
        return one_line(f"{type(exc).__name__}: {exc}")

    async def reset(self) -> None:
        client = self.adapter.client
        await self.close()
        client.clear()  # "re-opened": the next login makes a fresh HTTP session...
        client.http.connector = discord.utils.MISSING  # ...and connector (closing the session closed the old one)

    async def close(self) -> None:
        await self.lease.release()  # at once, so a standby replica takes over without waiting out the lease
        await self.adapter.drain(DRAIN_SECONDS)
        await self.adapter.client.close()
