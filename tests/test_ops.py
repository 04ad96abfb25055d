"""`briefbot run`'s operations endpoints, through real processes and real HTTP on loopback:
/healthz, /readyz (503 naming what is not ready: here the database, cut off by closing the
loopback relay the bot reaches PostgreSQL through) and /metrics (questions, the answer
latency histogram, deliveries, ingest), read before and after an ask and a delivery."""
from __future__ import annotations

import asyncio
import contextlib
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit, urlunsplit

import pytest
from aiohttp import ClientSession
from prometheus_client.parser import text_string_to_metric_families

from briefings.service import BriefingService
from briefings.store import open_store

from .processes import Bot, free_port
from .slack_harness import SlackHarness
from .test_ingest import ARTICLE
from .test_replicas import assert_clean, signed_post, slack_env

UTC = timezone.utc


async def get(port: int, path: str) -> tuple[int, str]:
    async with ClientSession() as session:
        async with session.get(f"http://127.0.0.1:{port}{path}") as r:
            return r.status, await r.text()


def samples(text: str) -> dict[tuple[str, tuple], float]:
    """Every sample of a /metrics page, by name and sorted labels."""
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


async def metrics_until(port: int, condition, timeout: float, what: str) -> dict:
    """Poll /metrics until ``condition(samples)`` holds (the counters move just after the work)."""
    async def look():
        while True:
            status, text = await get(port, "/metrics")
            assert status == 200
            found = samples(text)
            if condition(found):
                return found
            await asyncio.sleep(0.1)
    try:
        return await asyncio.wait_for(look(), timeout)
    except asyncio.TimeoutError:
        pytest.fail(f"not within {timeout} s: {what}")


async def ready_until(port: int, status: int, timeout: float) -> dict:
    async def look():
        while True:
            got, text = await get(port, "/readyz")
            if got == status:
                import json
                return json.loads(text)
            await asyncio.sleep(0.1)
    try:
        return await asyncio.wait_for(look(), timeout)
    except asyncio.TimeoutError:
        pytest.fail(f"/readyz did not answer {status} within {timeout} s: {await get(port, '/readyz')}")


def ops_env(port: int) -> dict[str, str]:
    return {"BRIEFBOT_HTTP__HOST": "127.0.0.1", "BRIEFBOT_HTTP__PORT": str(port)}


Q = "briefbot_questions_total"
LATENCY = "briefbot_answer_seconds_count"
POSTED = ("briefbot_deliveries_total", (("outcome", "posted"),))


async def test_health_readiness_and_metrics_move_after_a_delivery_and_an_ask(slack_recorder, seeded_db, tmp_path):
    port = free_port()
    env = {**slack_env(slack_recorder.url_for("ops")), **ops_env(port)}
    slack_port = int(env["BRIEFBOT_SLACK__PORT"])
    bot = Bot(tmp_path, seeded_db, env)
    store = open_store(f"sqlite:///{tmp_path / 'data' / 'briefbot.sqlite3'}")
    now = datetime.now(UTC)
    sub = BriefingService(store, clock=lambda: now - timedelta(days=1)).subscribe(
        platform="slack", channel="C00000001", at_time=f"{now - timedelta(minutes=2):%H:%M}", tz="UTC").subscription
    try:
        async with bot:
            await bot.wait_for(f"serving /healthz, /readyz and /metrics on 127.0.0.1:{port}")
            assert await get(port, "/healthz") == (200, '{"alive": true}')
            body = await ready_until(port, 200, 30)
            assert body == {"ready": True, "checks": {"database": "ok", "store": "ok", "slack": "ok"}}

            # the slot due two minutes ago is posted by the first sweep
            after_delivery = await metrics_until(port, lambda m: m.get(POSTED) == 1, 60, "one delivery posted")
            assert [d.status for d in store.deliveries(sub.id)] == ["done"]
            assert after_delivery[(Q, (("outcome", "answered"), ("platform", "slack")))] == 0
            assert after_delivery[(LATENCY, (("platform", "slack"),))] == 0

            harness = SlackHarness(None, slack_recorder)
            assert await signed_post(slack_port, harness.command_body("/brief", "troop estimates?"),
                                     "application/x-www-form-urlencoded") == 200
            assert await signed_post(slack_port, harness.command_body("/brief", "what is the capital of Peru?"),
                                     "application/x-www-form-urlencoded") == 200
            await slack_recorder.wait_for("respond", count=2, timeout=30)
            m = await metrics_until(port, lambda m: m.get((LATENCY, (("platform", "slack"),))) == 2, 30,
                                    "two answers timed")
            assert m[(Q, (("outcome", "answered"), ("platform", "slack")))] == 1
            assert m[(Q, (("outcome", "abstained"), ("platform", "slack")))] == 1
            assert m[(Q, (("outcome", "answered"), ("platform", "discord")))] == 0
            assert 0 < m[("briefbot_answer_seconds_sum", (("platform", "slack"),))] < 30
            assert m[("briefbot_answer_seconds_bucket", (("le", "+Inf"), ("platform", "slack")))] == 2
            assert m[POSTED] == 1 and m[("briefbot_deliveries_total", (("outcome", "failed"),))] == 0
            assert ("process_resident_memory_bytes", ()) in m
            assert (await bot.stop())[0] == 0
        assert_clean(bot)
    finally:
        store.close()


class Relay:
    """A loopback TCP relay to PostgreSQL that can be cut (listener and open connections) and
    restored on the same port: the database becoming unreachable, as the bot sees it."""

    def __init__(self, host: str, port: int):
        self.target = (host, port)
        self.port = free_port()
        self.server: asyncio.base_events.Server | None = None
        self.pipes: set[asyncio.StreamWriter] = set()

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)

    async def cut(self) -> None:
        self.server.close()
        await self.server.wait_closed()
        for writer in list(self.pipes):
            writer.transport.abort()
        self.pipes.clear()

    async def _serve(self, reader, writer) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.transport.abort()
            return
        self.pipes |= {writer, up_writer}

        async def pump(src, dst):
            with contextlib.suppress(Exception):
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            dst.transport.abort()

        await asyncio.gather(pump(reader, up_writer), pump(up_reader, writer))

    def url(self, url: str) -> str:
        parts = urlsplit(url)
        user = parts.netloc.rpartition("@")[0]
        return urlunsplit(parts._replace(netloc=f"{user}@127.0.0.1:{self.port}" if user else f"127.0.0.1:{self.port}"))


async def test_readyz_is_503_naming_the_database_while_it_is_unreachable(postgres_url, model, slack_recorder,
                                                                        seeded_db, tmp_path):
    target = urlsplit(postgres_url)
    relay = Relay(target.hostname, target.port or 5432)
    await relay.start()
    port = free_port()
    env = {**slack_env(slack_recorder.url_for("pg")), **ops_env(port),
           "BRIEFBOT_DATABASE_URL": relay.url(postgres_url)}  # an empty schema: the bot seeds it
    bot = Bot(tmp_path, seeded_db, env)
    try:
        async with bot:
            await bot.wait_for("serving /healthz, /readyz and /metrics")
            body = await ready_until(port, 200, 120)
            assert set(body["checks"].values()) == {"ok"}
            m = samples((await get(port, "/metrics"))[1])
            assert m[("briefbot_documents_ingested_total", (("status", "added"),))] == 5  # the seeds
            assert m[("briefbot_documents_ingested_total", (("status", "failed"),))] == 0
            assert m[("briefbot_claims_ingested_total", ())] > 100

            await relay.cut()
            body = await ready_until(port, 503, 30)
            assert body["ready"] is False and body["not_ready"] == ["database"]
            assert body["checks"]["database"].startswith("database_url: cannot connect to postgresql://")
            assert body["checks"]["slack"] == "ok" and body["checks"]["store"] == "ok"
            assert await get(port, "/healthz") == (200, '{"alive": true}')  # alive, only not ready

            await relay.start()
            await ready_until(port, 200, 30)
            assert (await bot.stop())[0] == 0
    finally:
        with contextlib.suppress(Exception):
            await relay.cut()


def test_the_ops_port_must_not_be_slacks_events_port(settings_factory):
    from bot.settings import problems

    s = settings_factory(slack={"mode": "http", "bot_token": "xoxb-1", "signing_secret": "s", "port": 3000},
                         http={"port": 3000})
    assert "http.port: 3000 is slack.port already; give the health and metrics endpoints another port" in problems(s)
    assert not [p for p in problems(settings_factory(http={"port": 8080})) if p.startswith("http.")]


class Recording:
    """An observer that keeps what it was told, in order."""

    def __init__(self, fail: bool = False):
        self.history: list[tuple] = []
        self.fail = fail

    def answered(self, platform, answer, seconds):
        self.history.append(("answered", platform, answer.answered, seconds))
        if self.fail:
            raise RuntimeError("observer down")

    def ingested(self, report):
        self.history.append(("ingested", [(r.status, r.claims) for r in report.results]))

    def delivered(self, outcome):
        self.history.append(("delivered", outcome))


def test_the_service_tells_its_observer_and_survives_a_failing_one(store, model, tmp_path, caplog):
    seen = Recording()
    service = BriefingService(store, embedder=model, observer=seen)
    service.ask("troop estimates?", "discord")
    service.ask("what is the capital of Peru?")
    (tmp_path / "a.txt").write_text(ARTICLE)
    service.ingest([str(tmp_path / "a.txt"), str(tmp_path / "missing.txt")])
    [(_, p1, ok1, s1), (_, p2, ok2, _), ingested] = seen.history
    assert (p1, ok1, p2, ok2) == ("discord", True, "cli", False) and 0 < s1 < 30
    assert ingested == ("ingested", [("added", 2), ("failed", 0)])

    failing = BriefingService(store, embedder=model, observer=Recording(fail=True))
    assert failing.ask("troop estimates?").answered  # the answer still comes
    assert "the observer failed on answered" in caplog.text


def test_database_answers_names_what_is_wrong(tmp_path):
    from bot.ops import database_answers

    odd = tmp_path / "a b#c?.sqlite3"
    open_store(f"sqlite:///{odd}").close()
    assert database_answers(f"sqlite:///{odd}") is None
    assert database_answers(f"sqlite:///{tmp_path / 'gone.sqlite3'}").startswith(f"cannot read {tmp_path}/gone.sqlite3")
    closed = f"postgresql://postgres@127.0.0.1:{free_port()}/test"
    assert database_answers(closed, timeout=1).startswith(f"database_url: cannot connect to {closed}")


class FakeClient:
    def __init__(self, user=None, closed=False, ready=False):
        self.user, self._closed, self._ready = user, closed, ready

    def is_closed(self):
        return self._closed

    def is_ready(self):
        return self._ready


@pytest.mark.parametrize("client, held, expected", [
    (FakeClient(), False, "not logged in"),
    (FakeClient(user="bot", closed=True), False, "not logged in"),
    (FakeClient(user="bot"), True, "gateway session connecting"),
    (FakeClient(user="bot", ready=True), True, None),
    (FakeClient(user="bot"), False, None),  # standing by: another replica holds the gateway session
])
async def test_discord_readiness(client, held, expected):
    from types import SimpleNamespace

    from bot.discord.connection import DiscordConnection

    conn = DiscordConnection.__new__(DiscordConnection)
    conn.adapter = SimpleNamespace(client=client)
    conn.lease = SimpleNamespace(held=held)
    assert await conn.readiness() == expected


async def test_readyz_names_each_platform_not_started_while_the_store_is_prepared(settings_factory, tmp_path):
    """The store being ready is not the process being ready: until a platform's connection
    exists its check says so (a probe once saw {database, store} alone and read ready)."""
    from bot.runner import _start_ops

    settings = settings_factory(http={"host": "127.0.0.1", "port": 0},
                                database_url=f"sqlite:///{tmp_path / 'ops.sqlite3'}", auto_seed=False)
    service = BriefingService(open_store(settings.store_url))
    service.ensure_ready()
    ops = await _start_ops(settings, service, ["slack", "discord"])
    try:
        status, text = await get(ops.port, "/readyz")
    finally:
        await ops.close()
    import json
    body = json.loads(text)
    assert status == 503
    assert body["not_ready"] == ["slack", "discord"]
    assert body["checks"]["store"] == "ok" and body["checks"]["database"] == "ok"
    assert body["checks"]["slack"].startswith("not started")
