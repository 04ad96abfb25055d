"""`briefbot run` when a platform cannot connect: one line per failure, bounded back-off, a
refused token stops that platform, the scheduler starts anyway, and SIGTERM or SIGINT stops
the process within 10 seconds in every state. Real processes against loopback stand-ins."""
from __future__ import annotations

import json
import signal
import urllib.parse
from datetime import datetime, timedelta, timezone
from itertools import islice

import pytest

from bot.connection import backoff

from .discord_harness import APP_ID, BOT_ID, message_payload, user
from .processes import Bot, free_port

SLACK_TOKEN = "xoxb-5555-6666-connectsecret"
APP_TOKEN = "xapp-1-A1-7777-appsecret"
DISCORD_TOKEN = "discord-token-value-that-must-not-show"
SECRETS = (SLACK_TOKEN, APP_TOKEN, DISCORD_TOKEN)
STOP_WITHIN = 10.0


def slack_env(api: str, mode: str = "socket", port: int | None = None) -> dict[str, str]:
    env = {"BRIEFBOT_SLACK__BOT_TOKEN": SLACK_TOKEN, "BRIEFBOT_SLACK__MODE": mode,
           "BRIEFBOT_SLACK__API_BASE_URL": api}
    if mode == "socket":
        env["BRIEFBOT_SLACK__APP_TOKEN"] = APP_TOKEN
    else:
        env.update({"BRIEFBOT_SLACK__SIGNING_SECRET": "test-signing-secret", "BRIEFBOT_SLACK__HOST": "127.0.0.1",
                    "BRIEFBOT_SLACK__PORT": str(port or free_port())})
    return env


def discord_env(api: str, gateway: str) -> dict[str, str]:
    return {"BRIEFBOT_DISCORD__TOKEN": DISCORD_TOKEN, "BRIEFBOT_DISCORD__APPLICATION_ID": str(APP_ID),
            "BRIEFBOT_DISCORD__API_BASE_URL": api, "BRIEFBOT_DISCORD__GATEWAY_URL": gateway}


def assert_quiet(bot: Bot) -> None:
    """No tracebacks, no leaked sessions, no secrets."""
    text = "\n".join(bot.lines)
    assert "Traceback" not in text and "Unclosed" not in text, text
    assert not any(s in text for s in SECRETS)


def test_back_off_doubles_up_to_a_minute():
    assert list(islice(backoff(), 9)) == [1, 2, 4, 8, 16, 32, 60, 60, 60]


@pytest.mark.parametrize("method, error, says", [
    ("apps.connections.open", "invalid_auth", "Slack refused the app-level token (invalid_auth)"),
    ("auth.test", "not_authed", "Slack refused the bot token (not_authed)"),
    ("auth.test", "account_inactive", "Slack refused the bot token (account_inactive)"),
])
async def test_a_refused_slack_token_stops_slack_with_one_clear_line(slack_recorder, seeded_db, tmp_path, method,
                                                                     error, says):
    slack_recorder.answers[method] = {"ok": False, "error": error}
    async with Bot(tmp_path, seeded_db, slack_env(f"{slack_recorder.url}/api/")) as bot:
        assert await bot.exited() == 1  # Slack was the only platform: nothing left to run
    [line] = bot.log.having(error)  # one line, and it says what to fix
    assert says in line and "BRIEFBOT_SLACK__" in line and "Slack is stopped" in line
    assert bot.log.having("scheduler started") and bot.log.having("no platform is left running")
    assert len(slack_recorder.of(method)) == 1  # refused once, never retried
    assert_quiet(bot)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
async def test_unreachable_slack_retries_with_back_off_one_line_each_and_stops_on_a_signal(seeded_db, tmp_path, sig):
    closed = free_port()
    async with Bot(tmp_path, seeded_db, slack_env(f"http://127.0.0.1:{closed}/api/")) as bot:
        await bot.wait_for("retrying in 2 s")
        assert bot.log.having("scheduler started") and bot.log.having("briefbot is running (slack)")
        code, took = await bot.stop(sig)
    failures = bot.log.having("Slack: cannot reach Slack at 127.0.0.1:%d" % closed)
    assert [f.rsplit("retrying in ", 1)[1] for f in failures][:2] == ["1 s", "2 s"]
    assert code == 0 and took < STOP_WITHIN
    assert_quiet(bot)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
async def test_a_signal_while_connecting_stops_within_10_seconds(slack_recorder, seeded_db, tmp_path, sig):
    slack_recorder.hang.add("auth.test")  # Slack takes the request and never answers
    async with Bot(tmp_path, seeded_db, slack_env(f"{slack_recorder.url}/api/")) as bot:
        await slack_recorder.wait_for("auth.test", timeout=30)
        code, took = await bot.stop(sig)
    assert code == 0 and took < STOP_WITHIN
    assert_quiet(bot)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
async def test_socket_mode_answers_while_running_and_stops_on_a_signal(slack_recorder, seeded_db, tmp_path, sig):
    async with Bot(tmp_path, seeded_db, slack_env(f"{slack_recorder.url}/api/")) as bot:
        await bot.wait_for("Slack: connected in Socket Mode")
        await slack_recorder.push({
            "envelope_id": "env-1", "type": "slash_commands", "accepts_response_payload": True,
            "payload": {"token": "legacy", "team_id": "T1", "channel_id": "C1", "user_id": "U1", "command": "/brief",
                        "text": "troop estimates?", "api_app_id": "A1", "trigger_id": "1.1.x",
                        "response_url": f"{slack_recorder.url}/respond/socket-1"}})
        [ack] = await slack_recorder.wait_for("socket:ack")
        assert ack.body["envelope_id"] == "env-1"
        [answer] = await slack_recorder.wait_for("respond")
        assert "12,000" in answer.body["text"]
        code, took = await bot.stop(sig)
    assert code == 0 and took < STOP_WITHIN and bot.log.having("stopped")
    assert_quiet(bot)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
async def test_a_signal_mid_delivery_stops_within_10_seconds(slack_recorder, seeded_db, tmp_path, sig):
    from briefings.service import BriefingService
    from briefings.store.sqlite import SQLiteStore

    # a subscription whose slot fell due two minutes ago, made yesterday: delivered at start-up
    (tmp_path / "data").mkdir()
    db = tmp_path / "data" / "briefbot.sqlite3"
    db.write_bytes(seeded_db.read_bytes())
    now = datetime.now(timezone.utc)
    store = SQLiteStore(db)
    BriefingService(store, clock=lambda: now - timedelta(days=1)).subscribe(
        platform="slack", channel="C9", at_time=f"{now - timedelta(minutes=2):%H:%M}", tz="UTC")
    store.close()
    slack_recorder.hang.add("chat.postMessage")  # the post never completes
    env = slack_env(f"{slack_recorder.url}/api/", mode="http")
    async with Bot(tmp_path, seeded_db, env) as bot:
        [post] = await slack_recorder.wait_for("chat.postMessage", timeout=30)
        assert post.body["channel"] == "C9"
        code, took = await bot.stop(sig)
    assert code == 0 and took < STOP_WITHIN
    assert bot.log.having("0 deliveries finished, 1 left claimed for retry"), "\n".join(bot.lines)
    assert_quiet(bot)


async def test_a_refused_discord_token_stops_discord_with_one_line(discord_recorder, seeded_db, tmp_path):
    discord_recorder.refuse_login = True
    env = discord_env(discord_recorder.base, f"ws://127.0.0.1:{free_port()}/")
    async with Bot(tmp_path, seeded_db, env) as bot:
        assert await bot.exited() == 1
    # (a bare "401" may also stand in a line naming a loopback port, 127.0.0.1:401xx)
    [line] = bot.log.having("(401 at login)")
    assert "Discord refused the token (401 at login)" in line
    assert "BRIEFBOT_DISCORD__TOKEN" in line and "Discord is stopped" in line
    assert len(discord_recorder.of("login")) == 1
    assert_quiet(bot)


async def test_the_gateway_refusing_the_token_stops_discord(discord_recorder, discord_gateway, seeded_db, tmp_path):
    discord_gateway.refuse = 4004
    async with Bot(tmp_path, seeded_db, discord_env(discord_recorder.base, discord_gateway.url)) as bot:
        assert await bot.exited() == 1
    [line] = bot.log.having("Discord refused the token (authentication failed)")
    assert "4004" in line and "Discord is stopped" in line
    assert len(discord_gateway.identified) == 1
    assert_quiet(bot)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
async def test_unreachable_discord_is_one_line_per_attempt_and_stops_on_a_signal(seeded_db, tmp_path, sig):
    closed = free_port()
    env = discord_env(f"http://127.0.0.1:{closed}/api/v10", f"ws://127.0.0.1:{closed}/")
    async with Bot(tmp_path, seeded_db, env) as bot:
        await bot.wait_for("retrying in 2 s")
        assert bot.log.having("scheduler started")
        code, took = await bot.stop(sig)
    failures = bot.log.having(f"Discord: cannot reach Discord at 127.0.0.1:{closed}")
    assert len(failures) >= 2 and failures[0].endswith("retrying in 1 s"), "\n".join(bot.lines)
    assert code == 0 and took < STOP_WITHIN
    assert_quiet(bot)


async def test_slack_refused_while_discord_keeps_running(slack_recorder, discord_recorder, discord_gateway, seeded_db,
                                                         tmp_path):
    slack_recorder.answers["apps.connections.open"] = {"ok": False, "error": "invalid_auth"}
    env = {**slack_env(f"{slack_recorder.url}/api/"), **discord_env(discord_recorder.base, discord_gateway.url)}
    async with Bot(tmp_path, seeded_db, env) as bot:
        await bot.wait_for("Slack is stopped; the rest keeps running")
        await discord_gateway.wait_identified()
        await bot.wait_for("Shard ID None has connected to Gateway")
        await discord_gateway.dispatch("MESSAGE_CREATE", message_payload(
            "1300000000000000077", f"<@{BOT_ID}> troop estimates?", mentions=[user(BOT_ID, "briefbot", bot=True)]))
        [reply] = await discord_recorder.wait_for("message", timeout=30)
        assert "12,000" in json.dumps(reply.body["embeds"])
        code, took = await bot.stop()
    assert code == 0 and took < STOP_WITHIN
    assert_quiet(bot)


def test_no_secret_in_urls_the_tests_use():
    assert all(urllib.parse.quote(s) == s for s in SECRETS)
