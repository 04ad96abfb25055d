"""Slack without Slack: a loopback Web API that records every call, and the Bolt app served
on loopback in HTTP mode receiving correctly signed requests.

    async def test_x(slack):
        status = await slack.command("/brief", "troop estimates?")
        posts = await slack.recorder.wait_for("respond", 1)
"""
from __future__ import annotations

import asyncio
import json
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import ClientSession, WSMsgType, web
from slack_sdk.signature import SignatureVerifier

from bot.settings import SlackSettings
from bot.slack.app import SlackAdapter

SIGNING_SECRET = "test-signing-secret"
BOT_USER = "UBOT"


@dataclass
class Call:
    method: str  # Web API method ("chat.postMessage") or "respond" for response_url posts
    body: dict[str, Any]
    at: float = field(default_factory=time.monotonic)
    who: str | None = None  # which bot process called, when each has its own base URL (``url_for``)
    held: bool = False  # recorded, then never answered (``hold_once``): the post did not happen


class SlackRecorder:
    """Stands in for slack.com/api and for response URLs; records what the bot sent."""

    def __init__(self):
        self.calls: list[Call] = []
        self.failures: dict[str, list[tuple[int, dict]]] = {}
        self.users: dict[str, dict] = {}
        self.usergroups: dict[str, list[str]] = {}
        self.answers: dict[str, dict] = {}  # method -> the body to answer with instead ({"ok": False, ...})
        self.hang: set[str] = set()  # methods recorded, then never answered (until stop)
        self.holds: list = []  # predicates (method, body) -> bool: the first call matching each is held
        self.sockets: list[web.WebSocketResponse] = []  # Socket Mode connections from the bot
        self._changed = asyncio.Condition()
        self._released = asyncio.Event()
        self.url = ""
        self._runner: web.AppRunner | None = None

    def fail_next(self, method: str, status: int = 429, headers: dict | None = None) -> None:
        self.failures.setdefault(method, []).append((status, headers or {"Retry-After": "0"}))

    def of(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def url_for(self, who: str) -> str:
        """A Web API base URL of its own for one bot process, so calls say who made them."""
        return f"{self.url}/r/{who}/api/"

    def hold_once(self, predicate) -> None:
        """Never answer the first call for which ``predicate(method, body)`` holds (as if the
        process making it died mid-request); it is recorded with ``held=True``."""
        self.holds.append(predicate)

    async def wait_until(self, condition, timeout: float = 10) -> None:
        """Until ``condition(calls)`` holds."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: condition(self.calls)), timeout)

    async def wait_for(self, method: str, count: int = 1, timeout: float = 10) -> list[Call]:
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: len(self.of(method)) >= count), timeout)
        return self.of(method)

    async def _record(self, call: Call) -> None:
        async with self._changed:
            self.calls.append(call)
            self._changed.notify_all()

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        raw = await request.text()
        if request.method == "GET":
            body = dict(request.query)
        elif request.content_type == "application/json":
            body = json.loads(raw or "{}")
        else:
            body = {k: v[0] for k, v in urllib.parse.parse_qs(raw).items()}
        for k in ("blocks",):
            if isinstance(body.get(k), str):
                body[k] = json.loads(body[k])
        pending = self.failures.get(method)
        if pending:
            status, headers = pending.pop(0)
            await self._record(Call(method + ":refused", body))
            return web.json_response({"ok": False, "error": "ratelimited"}, status=status, headers=headers)
        who = request.match_info.get("who")
        held = next((p for p in self.holds if p(method, body)), None)
        if held is not None:
            self.holds.remove(held)
            await self._record(Call(method, body, who=who, held=True))
            await self._released.wait()
            return web.json_response({"ok": False, "error": "fatal_error"}, status=500)
        await self._record(Call(method, body, who=who))
        if method in self.hang:
            await self._released.wait()
        if method in self.answers:
            return web.json_response(self.answers[method])
        return web.json_response(self._answer(method, body))

    def _answer(self, method: str, body: dict) -> dict:
        if method == "apps.connections.open":
            return {"ok": True, "url": self.url.replace("http://", "ws://") + "/socket"}
        if method == "auth.test":
            return {"ok": True, "url": "https://t.example/", "team": "T", "user": "briefbot", "team_id": "T1",
                    "user_id": BOT_USER, "bot_id": "B1", "is_enterprise_install": False}
        if method == "chat.postMessage":
            return {"ok": True, "channel": body.get("channel"), "ts": f"{time.time():.6f}", "message": {}}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": f"{time.time():.6f}"}
        if method == "users.info":
            user = self.users.get(body.get("user"), {"id": body.get("user")})
            return {"ok": True, "user": user}
        if method == "usergroups.users.list":
            return {"ok": True, "users": self.usergroups.get(body.get("usergroup"), [])}
        if method == "conversations.info":
            return {"ok": True, "channel": {"id": body.get("channel"), "is_member": True}}
        return {"ok": True}

    async def _respond(self, request: web.Request) -> web.Response:
        body = await request.json()
        pending = self.failures.get("respond")
        if pending:
            status, headers = pending.pop(0)
            await self._record(Call("respond:refused", body))
            return web.Response(status=status, headers=headers, text="rate limited")
        body["_url_token"] = request.match_info["token"]
        await self._record(Call("respond", body))
        return web.Response(text="ok")

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        """Socket Mode: hello, then envelopes pushed with ``push``; the bot's acks are recorded."""
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.sockets.append(ws)
        await self._record(Call("socket:connected", {}))
        await ws.send_json({"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A1"}})
        async for msg in ws:
            if msg.type == WSMsgType.TEXT:
                await self._record(Call("socket:ack", json.loads(msg.data)))
        self.sockets.remove(ws)
        return ws

    async def push(self, envelope: dict) -> None:
        for ws in list(self.sockets):
            await ws.send_json(envelope)

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/api/{method}", self._api)
        app.router.add_get("/api/{method}", self._api)
        app.router.add_post("/r/{who}/api/{method}", self._api)
        app.router.add_get("/r/{who}/api/{method}", self._api)
        app.router.add_get("/socket", self._socket)
        app.router.add_post("/respond/{token}", self._respond)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        self._released.set()
        for ws in list(self.sockets):
            await ws.close()
        if self._runner:
            await self._runner.cleanup()


class SlackHarness:
    """The Bolt app in HTTP mode on loopback, and signed requests into it."""

    def __init__(self, adapter: SlackAdapter, recorder: SlackRecorder):
        self.adapter = adapter
        self.recorder = recorder
        self.url = ""
        self._runner: web.AppRunner | None = None
        self._session: ClientSession | None = None
        self._n = 0

    async def start(self) -> None:
        self._runner = web.AppRunner(self.adapter.app.web_app(path="/slack/events"))
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}/slack/events"
        self._session = ClientSession()

    async def stop(self) -> None:
        if self._session:
            await self._session.close()
        if self._runner:
            await self._runner.cleanup()

    def sign(self, body: str, timestamp: int | None = None, secret: str = SIGNING_SECRET) -> dict[str, str]:
        ts = str(int(time.time()) if timestamp is None else timestamp)
        sig = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
        return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": sig}

    async def post(self, body: str, content_type: str, headers: dict | None = None, **sign) -> tuple[int, str, float]:
        hdrs = {"Content-Type": content_type, **self.sign(body, **sign), **(headers or {})}
        async with self._session.post(self.url, data=body.encode(), headers=hdrs) as r:
            return r.status, await r.text(), time.monotonic()

    def command_body(self, command: str, text: str, user: str = "U1", channel: str = "C1") -> str:
        self._n += 1
        return urllib.parse.urlencode({
            "token": "legacy", "team_id": "T1", "team_domain": "t", "channel_id": channel, "channel_name": "general",
            "user_id": user, "user_name": "ana", "command": command, "text": text, "api_app_id": "A1",
            "is_enterprise_install": "false", "response_url": f"{self.recorder.url}/respond/r{self._n}",
            "trigger_id": f"{self._n}.1.abc",
        })

    async def command(self, text: str, command: str = "/brief", **kw) -> tuple[int, str, float]:
        return await self.post(self.command_body(command, text, **kw), "application/x-www-form-urlencoded")

    def event_body(self, event: dict, event_id: str | None = None) -> str:
        self._n += 1
        return json.dumps({
            "token": "legacy", "team_id": "T1", "api_app_id": "A1", "type": "event_callback",
            "event_id": event_id or f"Ev{self._n:08d}", "event_time": int(time.time()), "event": event,
            "authorizations": [{"team_id": "T1", "user_id": BOT_USER, "is_bot": True, "enterprise_id": None}],
            "is_ext_shared_channel": False,
        })

    async def event(self, event: dict, event_id: str | None = None, retry: int | None = None) -> tuple[int, str, float]:
        headers = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"} if retry else None
        return await self.post(self.event_body(event, event_id), "application/json", headers=headers)

    async def mention(self, text: str, ts: str = "1700000000.000100", thread_ts: str | None = None,
                      channel: str = "C1", **kw) -> tuple[int, str, float]:
        event = {"type": "app_mention", "user": "U1", "text": f"<@{BOT_USER}> {text}", "ts": ts,
                 "channel": channel, "event_ts": ts}
        if thread_ts:
            event["thread_ts"] = thread_ts
        return await self.event(event, **kw)

    async def dm(self, text: str, channel: str = "D1") -> tuple[int, str, float]:
        return await self.event({"type": "message", "channel_type": "im", "user": "U1", "text": text,
                                 "ts": "1700000000.000200", "channel": channel, "event_ts": "1700000000.000200"})


@pytest.fixture
async def slack_recorder():
    rec = SlackRecorder()
    await rec.start()
    yield rec
    await rec.stop()


@pytest.fixture
def slack_settings(slack_recorder):
    def make(**values) -> SlackSettings:
        values.setdefault("bot_token", "xoxb-test-token")
        values.setdefault("signing_secret", SIGNING_SECRET)
        values.setdefault("mode", "http")
        values.setdefault("api_base_url", f"{slack_recorder.url}/api/")
        return SlackSettings(**values)

    return make


@pytest.fixture
async def slack(service, slack_recorder, slack_settings):
    """A SlackHarness around the real adapter and the seeded service."""
    adapter = SlackAdapter(service, slack_settings())
    harness = SlackHarness(adapter, slack_recorder)
    await harness.start()
    yield harness
    await harness.stop()
