"""Connecting the Slack app: Socket Mode (an outgoing websocket) or HTTP mode (serving the
events URL), after checking the bot token with ``auth.test``.

A token Slack refuses (``invalid_auth``, ``not_authed``, ``account_inactive``, ...) stops
Slack with a message that says which token to fix; anything else is one log line and a retry
(``bot/connection.py``). The Socket Mode client's own reconnect messages are kept to one line.
"""
from __future__ import annotations

import asyncio
import logging

import aiohttp
from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_sdk.errors import SlackApiError

from ..connection import Refused, one_line
from ..settings import SlackSettings
from .app import SlackAdapter
from .reply import api_error

log = logging.getLogger(__name__)
# Web API errors that mean the token itself is wrong, revoked, or lacks what it needs
TOKEN_REFUSED = {"invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired",
                 "not_allowed_token_type", "missing_scope", "no_permission", "team_access_not_granted",
                 "ekm_access_denied", "org_login_required"}
CONNECT_TIMEOUT = 30  # seconds to open the Socket Mode websocket once Slack gave its URL
HTTP_SHUTDOWN_TIMEOUT = 2.0


class OneLine(logging.Filter):
    """The Socket Mode client logs each failed reconnect with a traceback; its message already
    names the error, so keep the message and drop the traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info = record.exc_text = record.stack_info = None
        return True


SOCKET_LOG = logging.getLogger("bot.slack.socket_mode")
SOCKET_LOG.addFilter(OneLine())


class SlackConnection:
    name = "Slack"

    def __init__(self, adapter: SlackAdapter, settings: SlackSettings):
        self.adapter = adapter
        self.settings = settings
        self.up = False
        self._handler: AsyncSocketModeHandler | None = None
        self._runner: web.AppRunner | None = None

    async def run(self) -> None:
        await self._check_bot_token()
        if self.settings.mode == "socket":
            await self._open_socket()
        else:
            await self._serve()
        self.up = True
        await asyncio.Event().wait()  # Slack's client (or aiohttp's server) keeps it up from here

    async def readiness(self) -> str | None:
        if not self.up:
            return "not connected"
        if self._handler is not None and not await self._handler.client.is_connected():
            return "Socket Mode websocket reconnecting"
        return None

    async def _check_bot_token(self) -> None:
        try:
            await self.adapter.app.client.auth_test()
        except SlackApiError as e:
            if api_error(e) in TOKEN_REFUSED:
                raise Refused(f"Slack refused the bot token ({api_error(e)}); set slack.bot_token "
                              "(BRIEFBOT_SLACK__BOT_TOKEN) to the app's Bot User OAuth Token, xoxb-...") from None
            raise

    async def _open_socket(self) -> None:
        app_token = self.settings.app_token.get_secret_value()
        try:  # asked here rather than by the Socket Mode client, which logs each refusal at length
            opened = await self.adapter.app.client.apps_connections_open(app_token=app_token)
        except SlackApiError as e:
            if api_error(e) in TOKEN_REFUSED:
                raise Refused(f"Slack refused the app-level token ({api_error(e)}); set slack.app_token "
                              "(BRIEFBOT_SLACK__APP_TOKEN) to an app-level token, xapp-..., with "
                              "connections:write") from None
            raise
        self._handler = AsyncSocketModeHandler(self.adapter.app, app_token, logger=SOCKET_LOG)
        self._handler.client.wss_uri = opened["url"]
        await asyncio.wait_for(self._handler.client.connect(), CONNECT_TIMEOUT)
        log.info("Slack: connected in Socket Mode")

    async def _serve(self) -> None:
        s = self.settings
        self._runner = web.AppRunner(self.adapter.app.web_app(path=s.path), shutdown_timeout=HTTP_SHUTDOWN_TIMEOUT)
        await self._runner.setup()
        await web.TCPSite(self._runner, s.host, s.port).start()
        log.info("Slack: serving %s on %s:%d", s.path, s.host, s.port)

    def describe(self, exc: BaseException) -> str:
        if isinstance(exc, SlackApiError):
            return f"Slack answered {api_error(exc) or 'an error'}"
        if isinstance(exc, (asyncio.TimeoutError, TimeoutError)):
            return "no answer from Slack in time"
        if isinstance(exc, aiohttp.ClientConnectorError):
            return f"cannot reach Slack at {exc.host}:{exc.port} ({exc.os_error.strerror or exc.os_error})"
        if isinstance(exc, OSError) and self._runner is not None:
            return f"cannot serve on {self.settings.host}:{self.settings.port} ({exc.strerror or exc})"
        return one_line(f"{type(exc).__name__}: {exc}")

    async def reset(self) -> None:
        self.up = False
        await self.close()

    async def close(self) -> None:
        handler, self._handler = self._handler, None
        runner, self._runner = self._runner, None
        if handler is not None:
            await handler.close_async()
        if runner is not None:
            await runner.cleanup()
