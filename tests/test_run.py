"""`briefbot run`: the real process, served on loopback, stopped with SIGTERM."""
from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import sys
from datetime import datetime

import pytest

from .processes import ROOT, Lines, free_port
from .slack_harness import SIGNING_SECRET, SlackHarness

TOKEN = "xoxb-1111-2222-secretvalue"


STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d (DEBUG|INFO|WARNING|ERROR|CRITICAL) \S+: ")


def assert_log_format(lines: list[str], fmt: str) -> None:
    """Every line is timestamped text (or a traceback under one), or one JSON object."""
    assert lines
    if fmt == "json":
        for line in lines:
            record = json.loads(line)
            assert {"time", "level", "logger", "message"} <= set(record), line
            assert datetime.fromisoformat(record["time"]).tzinfo is not None
    else:
        assert STAMP.match(lines[0]), lines[0]
        for line in lines:
            assert STAMP.match(line), line  # (no tracebacks are expected here)


@pytest.mark.parametrize("fmt", ["text", "json"])
async def test_run_serves_slack_with_the_scheduler_and_stops_cleanly_on_sigterm(slack_recorder, tmp_path, fmt):
    port = free_port()
    env = {**os.environ, "BRIEFBOT_DATA_DIR": str(tmp_path / "data"), "BRIEFBOT_LOG_LEVEL": "INFO",
           "BRIEFBOT_LOG_FORMAT": fmt,
           "BRIEFBOT_SLACK__MODE": "http", "BRIEFBOT_SLACK__BOT_TOKEN": TOKEN,
           "BRIEFBOT_SLACK__SIGNING_SECRET": SIGNING_SECRET, "BRIEFBOT_SLACK__HOST": "127.0.0.1",
           "BRIEFBOT_SLACK__PORT": str(port), "BRIEFBOT_SLACK__API_BASE_URL": f"{slack_recorder.url}/api/"}
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot.cli", "run", cwd=ROOT, env=env,
                                                stderr=asyncio.subprocess.PIPE)
    log = Lines(proc.stderr)
    try:
        await log.wait_for("briefbot is running (slack)")
        assert any("scheduler started" in ln for ln in log.lines)
        await log.wait_for(f"Slack: serving /slack/events on 127.0.0.1:{port}")
        client = SlackHarness(None, slack_recorder)
        client.url = f"http://127.0.0.1:{port}/slack/events"
        from aiohttp import ClientSession

        client._session = ClientSession()
        try:
            status, _, _ = await client.command("troop estimates?")
            assert status == 200
            [post] = await slack_recorder.wait_for("respond")
            assert "12,000" in post.body["text"]
            bad = client.command_body("/brief", f"token={TOKEN}")
            status, _, _ = await client.post(bad, "application/x-www-form-urlencoded", secret="wrong")
            assert status == 401
        finally:
            await client._session.close()
        await log.wait_for("Invalid request signature")
        proc.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(proc.wait(), 30) == 0
        await log.task
        assert any("shutting down" in ln for ln in log.lines)
        assert not any(TOKEN in ln or SIGNING_SECRET in ln for ln in log.lines)
        assert_log_format(log.lines, fmt)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


@pytest.mark.parametrize("env, problem", [
    ({"BRIEFBOT_SLACK__BOT_TOKEN": "not-a-token"}, "slack.bot_token: expected a bot token starting with xoxb-"),
    ({"BRIEFBOT_SLACK__BOT_TOKEN": TOKEN, "BRIEFBOT_SLACK__PORT": "70000"},
     "slack.port: Input should be less than or equal to 65535"),
    ({"BRIEFBOT_SLACK__BOT_TOKEN": TOKEN, "BRIEFBOT_DISCORD__TOKEN": "discord-token-value"},
     "discord.application_id: required with a token"),
])
async def test_run_refuses_settings_that_config_check_rejects(tmp_path, env, problem):
    port = free_port()
    env = {**os.environ, "BRIEFBOT_DATA_DIR": str(tmp_path / "data"), "BRIEFBOT_SLACK__MODE": "http",
           "BRIEFBOT_SLACK__SIGNING_SECRET": SIGNING_SECRET, "BRIEFBOT_SLACK__HOST": "127.0.0.1",
           "BRIEFBOT_SLACK__PORT": str(port), "BRIEFBOT_SLACK__API_BASE_URL": "http://127.0.0.1:9/api/", **env}
    check = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot.cli", "config", "check", cwd=ROOT,
                                                 env=env, stderr=asyncio.subprocess.PIPE)
    _, check_err = await asyncio.wait_for(check.communicate(), 60)
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot.cli", "run", cwd=ROOT, env=env,
                                                stderr=asyncio.subprocess.PIPE)
    try:
        _, err = await asyncio.wait_for(proc.communicate(), 60)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    assert check.returncode == 1 and problem in check_err.decode()
    assert proc.returncode == 1, err.decode()
    text = err.decode()
    assert problem in text and "not starting" in text
    # the same problems, in the same words, as config check
    assert [ln for ln in check_err.decode().splitlines()] == [ln for ln in text.splitlines()][:-1]
    assert "not-a-token" not in text and "discord-token-value" not in text
