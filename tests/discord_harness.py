"""Discord without Discord: a loopback REST API that records every call (discord.py's Route.BASE
points at it), and raw gateway payloads fed through discord.py's own parsing and dispatch.

    async def test_x(discord_bot):
        discord_bot.interaction("ask", [{"name": "question", "type": 3, "value": "troop estimates?"}])
        calls = await discord_bot.recorder.wait_for("followup", 1)
"""
from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import discord
import pytest
from aiohttp import web

from bot.discord.client import DiscordAdapter
from bot.settings import DiscordSettings

APP_ID = 1_100_000_000_000_000_001
BOT_ID = 1_100_000_000_000_000_002
GUILD_ID = 1_100_000_000_000_000_003
CHANNEL_ID = 1_100_000_000_000_000_004
USER_ID = 1_100_000_000_000_000_005
DM_CHANNEL_ID = 1_100_000_000_000_000_006
JSON = "application/json"  # exactly: discord.py does not accept "; charset=utf-8" here


def user(uid: int, name: str, bot: bool = False) -> dict:
    return {"id": str(uid), "username": name, "discriminator": "0", "global_name": name, "avatar": None,
            "bot": bot, "public_flags": 0}


@dataclass
class Call:
    kind: str  # "callback" | "followup" | "message" | "delete_original" | "sync" | "login" | ...
    path: str
    body: dict[str, Any]
    at: float = field(default_factory=time.monotonic)


class DiscordRecorder:
    def __init__(self):
        self.calls: list[Call] = []
        self.rate_limits: dict[str, int] = {}
        self.refuse_login = False  # answer /users/@me with 401, as Discord does for a bad token
        self.users: dict[int, str] = {}  # GET /users/{id}: known people (others are 404)
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self._ids = 1_200_000_000_000_000_000
        self.base = ""

    def rate_limit_next(self, kind: str, times: int = 1) -> None:
        self.rate_limits[kind] = self.rate_limits.get(kind, 0) + times

    def of(self, kind: str) -> list[Call]:
        return [c for c in self.calls if c.kind == kind]

    async def wait_for(self, kind: str, count: int = 1, timeout: float = 10) -> list[Call]:
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: len(self.of(kind)) >= count), timeout)
        return self.of(kind)

    def _json(self, data: Any, status: int = 200, headers: dict | None = None) -> web.Response:
        return web.Response(body=json.dumps(data).encode(), status=status, headers={"Content-Type": JSON, **(headers or {})})

    def _message(self, body: dict, channel_id: str) -> dict:
        self._ids += 1
        return {"id": str(self._ids), "channel_id": channel_id, "type": 0, "content": body.get("content") or "",
                "author": user(BOT_ID, "briefbot", bot=True), "attachments": [], "embeds": body.get("embeds") or [],
                "mentions": [], "mention_roles": [], "pinned": False, "mention_everyone": False, "tts": False,
                "timestamp": datetime.now(timezone.utc).isoformat(), "edited_timestamp": None,
                "flags": body.get("flags", 0), "components": []}

    async def _handle(self, request: web.Request) -> web.Response:
        path = request.path.removeprefix("/api/v10")
        raw = await request.read()
        body = json.loads(raw) if raw else {}
        if request.content_type.startswith("multipart"):
            body = {"multipart": True}
        kind = self._kind(request.method, path)
        if self.rate_limits.get(kind):
            self.rate_limits[kind] -= 1
            await self._record(Call(kind + ":429", path, body))
            return self._json({"message": "You are being rate limited.", "retry_after": 0.05, "global": False},
                              status=429, headers={"X-RateLimit-Limit": "5", "X-RateLimit-Remaining": "0",
                                                   "X-RateLimit-Reset-After": "0.05", "X-RateLimit-Bucket": "abc",
                                                   "X-RateLimit-Scope": "user", "Retry-After": "1",
                                                   "Via": "1.1 google"})
        await self._record(Call(kind, path, body))
        if kind == "login" and self.refuse_login:
            return self._json({"message": "401: Unauthorized", "code": 0}, status=401)
        if kind == "login":
            return self._json(user(BOT_ID, "briefbot", bot=True))
        if kind == "user":
            uid = int(path.rsplit("/", 1)[1])
            if uid not in self.users:
                return self._json({"message": "Unknown User", "code": 10013}, status=404)
            return self._json(user(uid, self.users[uid]))
        if kind == "app_info":
            return self._json({"id": str(APP_ID), "name": "briefbot", "description": "", "icon": None,
                               "bot_public": True, "bot_require_code_grant": False, "verify_key": "k",
                               "owner": user(USER_ID, "owner"), "flags": 0})
        if kind == "callback":
            iid = path.split("/")[2]
            return self._json({"interaction": {"id": iid, "type": 2,
                                               "response_message_loading": body.get("type") == 5},
                               "resource": {"type": body.get("type")}})
        if kind in ("followup", "message"):
            channel = path.split("/")[2] if kind == "message" else str(CHANNEL_ID)
            return self._json(self._message(body.get("data", body), channel))
        if kind == "sync":
            return self._json([{**c, "id": str(i + 1), "application_id": str(APP_ID), "version": "1"}
                               for i, c in enumerate(body)])
        return web.Response(status=204)

    @staticmethod
    def _kind(method: str, path: str) -> str:
        if path == "/users/@me":
            return "login"
        if path == "/oauth2/applications/@me":
            return "app_info"
        if method == "GET" and path.startswith("/users/") and path.rsplit("/", 1)[1].isdigit():
            return "user"
        if path.startswith("/interactions/") and path.endswith("/callback"):
            return "callback"
        if path.startswith("/webhooks/") and path.endswith("/messages/@original"):
            return "delete_original" if method == "DELETE" else "edit_original"
        if path.startswith("/webhooks/"):
            return "followup"
        if path.startswith("/channels/") and path.endswith("/messages") and method == "POST":
            return "message"
        if path.startswith("/applications/") and "/commands" in path and method == "PUT":
            return "sync"
        return f"{method} {path}"

    async def _record(self, call: Call) -> None:
        async with self._changed:
            self.calls.append(call)
            self._changed.notify_all()

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.base = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}/api/v10"

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()


class DiscordGateway:
    """Stands in for Discord's gateway: HELLO, READY after IDENTIFY, heartbeat ACKs, and events
    pushed to every connected client. ``refuse`` closes after IDENTIFY with that close code
    (4004: authentication failed)."""

    def __init__(self):
        self.identified: list[dict] = []
        self.sockets: list[web.WebSocketResponse] = []
        self.refuse: int | None = None
        self.url = ""
        self._seq = 0
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_json({"op": 10, "d": {"heartbeat_interval": 41250}, "s": None, "t": None})
        async for msg in ws:
            data = json.loads(msg.data)
            if data.get("op") == 1:
                await ws.send_json({"op": 11, "d": None, "s": None, "t": None})
            elif data.get("op") == 2:
                async with self._changed:
                    self.identified.append(data["d"])
                    self._changed.notify_all()
                if self.refuse:
                    await ws.close(code=self.refuse, message=b"Authentication failed.")
                    break
                self.sockets.append(ws)
                await self._send(ws, "READY", {
                    "v": 10, "user": user(BOT_ID, "briefbot", bot=True), "guilds": [], "session_id": "s1",
                    "resume_gateway_url": self.url, "application": {"id": str(APP_ID), "flags": 0},
                    "private_channels": [], "relationships": []})
        if ws in self.sockets:
            self.sockets.remove(ws)
        return ws

    async def _send(self, ws: web.WebSocketResponse, event: str, data: dict) -> None:
        self._seq += 1
        await ws.send_json({"op": 0, "t": event, "s": self._seq, "d": data})

    async def dispatch(self, event: str, data: dict) -> None:
        for ws in list(self.sockets):
            await self._send(ws, event, data)

    async def wait_identified(self, count: int = 1, timeout: float = 15) -> list[dict]:
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: len(self.identified) >= count), timeout)
        return self.identified

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/", self._socket)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"ws://127.0.0.1:{site._server.sockets[0].getsockname()[1]}/"

    async def stop(self) -> None:
        for ws in list(self.sockets):
            await ws.close()
        if self._runner:
            await self._runner.cleanup()


def message_payload(mid: str, content: str, *, mentions: list[dict] | None = None, dm: bool = False,
                    channel_id: int | None = None, mention_roles: list[str] | None = None) -> dict:
    """A MESSAGE_CREATE payload from user ana."""
    payload = {
        "id": mid, "channel_id": str(channel_id or (DM_CHANNEL_ID if dm else CHANNEL_ID)), "type": 0,
        "content": content, "author": user(USER_ID, "ana"), "attachments": [], "embeds": [],
        "mentions": mentions or [], "mention_roles": mention_roles or [], "pinned": False,
        "mention_everyone": False, "tts": False, "timestamp": datetime.now(timezone.utc).isoformat(),
        "edited_timestamp": None, "flags": 0, "components": [],
    }
    if not dm:
        payload["guild_id"] = str(GUILD_ID)
        payload["member"] = {"roles": [], "joined_at": "2024-01-01T00:00:00+00:00", "deaf": False,
                             "mute": False, "flags": 0}
    return payload


def feed(client: discord.Client, event: str, payload: dict) -> None:
    """Push one raw gateway event through discord.py's own parser (a private entry point)."""
    getattr(client._connection, f"parse_{event.lower()}")(payload)


class DiscordHarness:
    def __init__(self, adapter: DiscordAdapter, recorder: DiscordRecorder):
        self.adapter = adapter
        self.recorder = recorder
        self._n = 0

    @property
    def client(self) -> discord.Client:
        return self.adapter.client

    def _id(self) -> str:
        self._n += 1
        return str(1_300_000_000_000_000_000 + self._n)

    def interaction(self, name: str, options: list[dict] | None = None, *, kind: int = 2,
                    permissions: str = "2147483647", dm: bool = False) -> str:
        """An INTERACTION_CREATE for a slash command (kind 2) or its autocomplete (kind 4)."""
        iid = self._id()
        payload = {
            "id": iid, "application_id": str(APP_ID), "type": kind, "token": f"tok-{iid}", "version": 1,
            "data": {"id": "9001", "name": name, "type": 1, "options": options or []},
            "locale": "en-US", "entitlements": [], "authorizing_integration_owners": {"0": str(GUILD_ID)},
            "context": 1 if dm else 0, "attachment_size_limit": 8_388_608, "app_permissions": "2147483647",
            "channel_id": str(DM_CHANNEL_ID if dm else CHANNEL_ID),
        }
        if dm:
            payload["channel"] = {"id": str(DM_CHANNEL_ID), "type": 1}
            payload["user"] = user(USER_ID, "ana")
        else:
            payload["guild_id"] = str(GUILD_ID)
            payload["guild_locale"] = "en-US"
            payload["channel"] = {"id": str(CHANNEL_ID), "type": 0, "guild_id": str(GUILD_ID), "name": "general",
                                  "position": 0, "permission_overwrites": [], "nsfw": False, "parent_id": None}
            payload["member"] = {"user": user(USER_ID, "ana"), "roles": [], "joined_at": "2024-01-01T00:00:00+00:00",
                                 "deaf": False, "mute": False, "flags": 0, "permissions": permissions,
                                 "pending": False, "nick": None, "avatar": None}
        feed(self.client, "INTERACTION_CREATE", payload)
        return iid

    def message(self, content: str, *, dm: bool = False, mention: bool = True, channel_id: int | None = None,
                mentions: list[dict] | None = None, mention_roles: list[str] | None = None) -> str:
        mid = self._id()
        addressed = mention and not dm
        payload = message_payload(mid, (f"<@{BOT_ID}> " if addressed else "") + content, dm=dm,
                                  channel_id=channel_id, mention_roles=mention_roles,
                                  mentions=([user(BOT_ID, "briefbot", bot=True)] if addressed else []) + (mentions or []))
        feed(self.client, "MESSAGE_CREATE", payload)
        return mid


@pytest.fixture
async def discord_recorder(monkeypatch):
    rec = DiscordRecorder()
    await rec.start()
    # the adapter points discord.py at its settings' URLs (class attributes): restore them afterwards
    monkeypatch.setattr(discord.http.Route, "BASE", rec.base)
    monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)
    yield rec
    await rec.stop()


@pytest.fixture
async def discord_gateway():
    gw = DiscordGateway()
    await gw.start()
    yield gw
    await gw.stop()


@pytest.fixture
def discord_settings(discord_recorder):
    def make(**values) -> DiscordSettings:
        values.setdefault("token", "test-token")
        values.setdefault("application_id", APP_ID)
        values.setdefault("api_base_url", discord_recorder.base)
        values.setdefault("gateway_url", "ws://127.0.0.1:9/")  # nothing listens: tests feed events directly
        return DiscordSettings(**values)

    return make


async def start_harness(adapter: DiscordAdapter, recorder: DiscordRecorder) -> DiscordHarness:
    await adapter.client.login("test-token")  # GET /users/@me and the application, from the recorder
    return DiscordHarness(adapter, recorder)


@pytest.fixture
async def discord_bot(service, discord_recorder, discord_settings):
    adapter = DiscordAdapter(service, discord_settings())
    harness = await start_harness(adapter, discord_recorder)
    yield harness
    await adapter.client.close()
