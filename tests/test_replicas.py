"""Several real briefbot processes on one store: each slot posted once (also with one replica
SIGKILLed mid-delivery, across a DST change), a Slack request answered once whichever replica
gets it, one Discord gateway session that another replica takes over, an empty store seeded
once. Loopback stand-ins for Slack and Discord; nothing sleeps to wait: the tests await log
lines, recorded requests, process exits, or rows in the store, each with a timeout.

Clocks: the DST test runs the replicas on ``[scheduler] test_clock``, a clock that reads a
given instant (the night London's clocks go back) at a given real moment and runs 1,200
times faster, so seven hours of slots pass in about 20 seconds. The posting, claiming, lease
renewal and take-over are the real processes' own.
"""
from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import sys
import time
from datetime import datetime, timedelta, timezone

import pytest
from aiohttp import ClientSession

from briefings.ingest import ingest_paths
from briefings.service import BriefingService
from briefings.store import open_store

from .discord_harness import APP_ID, BOT_ID, message_payload, user
from .processes import ROOT, Bot, free_port
from .slack_harness import SIGNING_SECRET, SlackHarness
from .test_slack import text_of

UTC = timezone.utc
SLACK_TOKEN = "xoxb-3333-4444-replicasecret"
DISCORD_TOKEN = "discord-token-for-the-replicas"
SEEDS = ROOT / "seeds"


def slack_env(api: str) -> dict[str, str]:
    return {"BRIEFBOT_SLACK__BOT_TOKEN": SLACK_TOKEN, "BRIEFBOT_SLACK__MODE": "http",
            "BRIEFBOT_SLACK__SIGNING_SECRET": SIGNING_SECRET, "BRIEFBOT_SLACK__HOST": "127.0.0.1",
            "BRIEFBOT_SLACK__PORT": str(free_port()), "BRIEFBOT_SLACK__API_BASE_URL": api}


async def until(condition, timeout: float, what: str) -> None:
    """Until ``condition()`` (a look at the store) holds, or fail saying what did not happen."""
    async def look():
        while not await asyncio.to_thread(condition):
            await asyncio.sleep(0.1)
    try:
        await asyncio.wait_for(look(), timeout)
    except asyncio.TimeoutError:
        pytest.fail(f"not within {timeout} s: {what}")


def assert_clean(bot: Bot) -> None:
    text = "\n".join(bot.lines)
    assert "Traceback" not in text, text
    assert SLACK_TOKEN not in text and DISCORD_TOKEN not in text
    assert "taken over by another process while this one posted" not in text, text


@contextlib.asynccontextmanager
async def replicas(bots: list[Bot]):
    async with contextlib.AsyncExitStack() as stack:
        for bot in bots:
            await stack.enter_async_context(bot)
        yield bots


def posts_by_channel(recorder) -> dict[str, list[str]]:
    """The texts of the messages each channel received (requests Slack answered)."""
    out: dict[str, list[str]] = {}
    for c in recorder.of("chat.postMessage"):
        if not c.held:
            out.setdefault(c.body["channel"], []).append(text_of(c.body))
    return out


def assert_each_channel_got_one_briefing(recorder, channels: list[str]) -> None:
    got = posts_by_channel(recorder)
    assert sorted(got) == sorted(channels)
    first = got[channels[0]]
    for channel in channels:
        assert got[channel] == first, channel  # one briefing each, the same one: nothing posted twice
    assert len(first) == len(set(first))


def seeded_postgres(url: str, model) -> None:
    store = open_store(url)
    try:
        assert not ingest_paths(store, [str(SEEDS)], embedder=model).failed
    finally:
        store.close()


# -- issue 10, item 1: three processes with default settings on one host --------------------------

async def test_three_processes_with_default_settings_post_every_slot_once(slack_recorder, seeded_db, tmp_path):
    bots = [Bot(tmp_path, seeded_db, slack_env(slack_recorder.url_for(f"r{i}"))) for i in range(3)]
    store = open_store(f"sqlite:///{tmp_path / 'data' / 'briefbot.sqlite3'}")
    now = datetime.now(UTC)
    yesterday = BriefingService(store, clock=lambda: now - timedelta(days=1))
    subs = [yesterday.subscribe(platform="slack", channel=f"C{n:08d}", at_time=f"{now - timedelta(minutes=n):%H:%M}",
                                tz="UTC").subscription for n in range(2, 14)]  # 12 slots, due in the last minutes
    try:
        async with replicas(bots):
            def all_done():
                return all(any(d.status == "done" for d in store.deliveries(s.id)) for s in subs)
            await until(all_done, 90, "every slot delivered")
            for bot in bots:
                assert (await bot.stop())[0] == 0
        assert_each_channel_got_one_briefing(slack_recorder, [s.channel for s in subs])
        records = [d for s in subs for d in store.deliveries(s.id)]
        assert len(records) == 12 and all(d.attempts == 1 for d in records)  # no claim was ever taken over
        pids = {int(d.owner.split(":")[1]) for d in records}  # owners are host:pid:nonce
        assert pids <= {b.proc.pid for b in bots}
        for bot in bots:
            assert_clean(bot)
    finally:
        store.close()


# -- issue 11, section 3: replicas on PostgreSQL ----------------------------------------------------

START = datetime(2024, 10, 26, 23, 0, tzinfo=UTC)  # 00:00 BST; at 02:00 BST (01:00 UTC) London goes back to 01:00
SPEED = 1200  # clock seconds per real second: an hour in three seconds
SLOTS = [("Europe/London", t) for t in ("00:30", "01:00", "01:15", "01:30", "01:45", "02:00", "02:30", "03:00",
                                        "06:00")] + [
    ("Europe/Paris", "02:30"), ("Europe/Berlin", "02:00"), ("America/New_York", "01:30")]


async def test_replicas_post_each_slot_once_across_a_dst_change_with_one_killed_mid_delivery(
        postgres_url, model, slack_recorder, seeded_db, tmp_path):
    seeded_postgres(postgres_url, model)
    store = open_store(postgres_url)
    made_then = BriefingService(store, clock=lambda: START)
    subs = [made_then.subscribe(platform="slack", channel=f"C{n:08d}", at_time=t, tz=z).subscription
            for n, (z, t) in enumerate(SLOTS, 1)]
    held = subs[3]  # London 01:30: the wall-clock time that happens twice that night
    slack_recorder.hold_once(lambda method, body: method == "chat.postMessage" and body.get("channel") == held.channel)
    # the replicas' clocks read START ten seconds from now (slots before START are before the
    # subscriptions, so nothing is due until then), and run SPEED times faster
    clock = json.dumps({"start": START.isoformat(), "at": time.time() + 10, "speed": SPEED})
    settings = {"BRIEFBOT_DATABASE_URL": postgres_url, "BRIEFBOT_SCHEDULER__TEST_CLOCK": clock,
                "BRIEFBOT_SCHEDULER__SWEEP_SECONDS": "0.2",
                "BRIEFBOT_SCHEDULER__LEASE_SECONDS": str(4 * SPEED),  # four real seconds
                "BRIEFBOT_SCHEDULER__GRACE_SECONDS": str(6 * 3600)}
    bots = [Bot(tmp_path, seeded_db, {**slack_env(slack_recorder.url_for(f"r{i}")), **settings})
            for i in range(3)]
    try:
        async with replicas(bots):
            await slack_recorder.wait_until(lambda calls: any(c.held for c in calls), timeout=60)
            [cut] = [c for c in slack_recorder.calls if c.held]
            killed = bots[int(cut.who[1:])]
            killed.proc.send_signal(signal.SIGKILL)  # mid-delivery: claimed, posting, nothing recorded
            assert await killed.exited() == -signal.SIGKILL

            def all_done():
                return all(any(d.status == "done" for d in store.deliveries(s.id)) for s in subs)
            await until(all_done, 120, "every slot delivered")
            survivors = [b for b in bots if b is not killed]
            for bot in survivors:
                assert (await bot.stop())[0] == 0
        assert_each_channel_got_one_briefing(slack_recorder, [s.channel for s in subs])
        # one record per subscription: its one slot that night, even for the hour that happened twice
        slots = {s.id: [(d.slot, d.status) for d in store.deliveries(s.id)] for s in subs}
        assert slots == {s.id: [(f"2024-10-27T{s.at_time}", "done")] for s in subs}
        taken_over = store.delivery(held.id, f"2024-10-27T{held.at_time}")
        assert taken_over.attempts == 2 and f":{killed.proc.pid}:" not in taken_over.owner
        redone = [c.who for c in slack_recorder.of("chat.postMessage") if c.body["channel"] == held.channel]
        assert redone[0] == cut.who and cut.who not in redone[1:]
        for bot in survivors:
            assert_clean(bot)
    finally:
        store.close()


async def signed_post(port: int, body: str, content_type: str, headers: dict | None = None,
                      timestamp: int | None = None) -> int:
    """A request signed as Slack signs it, into one replica."""
    signer = SlackHarness(None, None)
    hdrs = {"Content-Type": content_type, **signer.sign(body, timestamp=timestamp), **(headers or {})}
    async with ClientSession() as session:
        async with session.post(f"http://127.0.0.1:{port}/slack/events", data=body.encode(), headers=hdrs) as r:
            return r.status


async def test_a_slack_event_to_two_replicas_and_retried_is_answered_once(postgres_url, model, slack_recorder,
                                                                          seeded_db, tmp_path):
    seeded_postgres(postgres_url, model)
    bots = [Bot(tmp_path, seeded_db, {**slack_env(slack_recorder.url_for(f"r{i}")),
                                                 "BRIEFBOT_DATABASE_URL": postgres_url}) for i in range(3)]
    ports = [int(b.env["BRIEFBOT_SLACK__PORT"]) for b in bots]
    harness = SlackHarness(None, slack_recorder)
    slack_recorder.users["U1"] = {"id": "U1", "is_admin": True}
    async with replicas(bots):
        for bot in bots:
            await bot.wait_for("Slack: serving /slack/events")
        event = harness.event_body({"type": "app_mention", "user": "U1", "text": "<@UBOT> troop estimates?",
                                    "ts": "1700000000.000100", "channel": "C0123ABCD"}, event_id="EvREPLICAS")
        retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
        statuses = await asyncio.gather(signed_post(ports[0], event, "application/json"),
                                        signed_post(ports[1], event, "application/json"),
                                        signed_post(ports[2], event, "application/json", headers=retry))
        # a signed /brief subscribe replayed to another replica within Slack's five minutes
        command, signed_at = harness.command_body("/brief", "subscribe 08:30 Europe/London"), int(time.time())
        statuses += await asyncio.gather(*(signed_post(p, command, "application/x-www-form-urlencoded",
                                                       timestamp=signed_at) for p in ports[:2]))
        assert statuses == [200] * 5
        later = harness.event_body({"type": "app_mention", "user": "U1", "text": "<@UBOT> what does North Korea gain?",
                                    "ts": "1700000000.000200", "channel": "C0123ABCD"})
        assert await signed_post(ports[2], later, "application/json") == 200  # handled after the others
        def answered(calls):
            texts = [text_of(c.body) for c in calls if c.method == "chat.postMessage"]
            return any("12,000" in t for t in texts) and any("gain" in t for t in texts)
        await slack_recorder.wait_until(answered, 60)
        [subscribed] = await slack_recorder.wait_for("respond", 1, timeout=30)
        for bot in bots:
            assert (await bot.stop())[0] == 0
    texts = [text_of(c.body) for c in slack_recorder.of("chat.postMessage")]
    assert sum("12,000" in t for t in texts) == 1 and len(texts) == 2
    assert len(slack_recorder.of("respond")) == 1 and "Subscribed this channel" in subscribed.body["text"]
    store = open_store(postgres_url)
    try:
        assert len(store.subscriptions()) == 1
    finally:
        store.close()
    for bot in bots:
        assert_clean(bot)
    assert sum(len(b.log.having("ignoring a repeated request")) for b in bots) == 3


def discord_env(api: str, gateway: str) -> dict[str, str]:
    return {"BRIEFBOT_DISCORD__TOKEN": DISCORD_TOKEN, "BRIEFBOT_DISCORD__APPLICATION_ID": str(APP_ID),
            "BRIEFBOT_DISCORD__API_BASE_URL": api, "BRIEFBOT_DISCORD__GATEWAY_URL": gateway}


async def first_of(bots: list[Bot], text: str, timeout: float = 60) -> Bot:
    """The bot whose log shows ``text`` first."""
    waits = {asyncio.create_task(b.wait_for(text, timeout)): b for b in bots}
    done, pending = await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
    [task] = done
    task.result()
    return waits[task]


async def test_one_replica_holds_the_discord_gateway_and_another_takes_over_within_30_s(
        postgres_url, model, discord_recorder, discord_gateway, seeded_db, tmp_path):
    seeded_postgres(postgres_url, model)
    env = {**discord_env(discord_recorder.base, discord_gateway.url), "BRIEFBOT_DATABASE_URL": postgres_url}
    bots = [Bot(tmp_path, seeded_db, env) for i in range(3)]
    async with replicas(bots):
        holder = await first_of(bots, "Discord gateway session: this process holds it now")
        standbys = [b for b in bots if b is not holder]
        for bot in standbys:
            await bot.wait_for("Discord gateway session: held by another process", 60)
        await discord_gateway.wait_identified(1)
        await holder.wait_for("has connected to Gateway")
        assert len(discord_gateway.identified) == 1 and len(discord_gateway.sockets) == 1

        loop = asyncio.get_running_loop()
        killed_at = loop.time()
        holder.proc.send_signal(signal.SIGKILL)
        await discord_gateway.wait_identified(2, timeout=30)
        took = loop.time() - killed_at
        successor = await first_of(standbys, "Discord gateway session: this process holds it now", timeout=5)
        await successor.wait_for("has connected to Gateway")
        assert took < 30 and len(discord_gateway.sockets) == 1 and len(discord_gateway.identified) == 2
        await discord_gateway.dispatch("MESSAGE_CREATE", message_payload(
            "1300000000000000099", f"<@{BOT_ID}> troop estimates?", mentions=[user(BOT_ID, "briefbot", bot=True)]))
        [reply] = await discord_recorder.wait_for("message", timeout=60)
        assert "12,000" in json.dumps(reply.body["embeds"])
        # the idle standby first: stopped after the successor, it would take the session over
        # (rightly) and identify a third time
        for bot in sorted(standbys, key=lambda b: b is successor):
            assert (await bot.stop())[0] == 0
    assert len(discord_gateway.identified) == 2
    for bot in standbys:
        assert_clean(bot)


# -- issue 10, item 2: a new store opened by several processes at once ------------------------------

@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
async def test_four_asks_at_once_on_an_empty_store_seed_it_once(backend, request, tmp_path):
    url = request.getfixturevalue("postgres_url") if backend == "postgres" else None
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFBOT_")}
    env["BRIEFBOT_DATA_DIR"] = str(tmp_path / "data")
    if url:
        env["BRIEFBOT_DATABASE_URL"] = url
    procs = [await asyncio.create_subprocess_exec(sys.executable, "-m", "bot.cli", "-v", "ask", "troop estimates?",
                                                  cwd=ROOT, env=env, stdout=asyncio.subprocess.PIPE,
                                                  stderr=asyncio.subprocess.PIPE) for _ in range(4)]
    outputs = await asyncio.wait_for(asyncio.gather(*(p.communicate() for p in procs)), 180)
    errors = [err.decode() for _, err in outputs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], errors
    assert all("12,000" in out.decode() for out, _ in outputs)
    assert len({out for out, _ in outputs}) == 1  # none answered from a store half seeded
    assert sum(e.count("built the store from") for e in errors) == 1, errors
    assert not any("Traceback" in e for e in errors), errors
    store = open_store(url or f"sqlite:///{tmp_path / 'data' / 'briefbot.sqlite3'}")
    try:
        assert len(store.documents()) == 5
    finally:
        store.close()
