"""Secrets are masked in every part of every log record, text and JSON, whoever handles it."""
from __future__ import annotations

import importlib.util
import io
import json
import logging
import re

import pytest
from aiohttp import web
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot import logs

TOKEN = "xoxb-1111-2222-echoedsecret"
OTHER = "MTAxMDEwMTAx.discord-ish.secret-value"  # not token-shaped: masked because it is configured
STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d ")


@pytest.fixture
def restore_logging():
    root = logging.getLogger()
    handlers, level, factory = list(root.handlers), root.level, logging.getLogRecordFactory()
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    logging.setLogRecordFactory(factory)
    logs.REDACTOR.set_secrets(())


@pytest.fixture
async def echo_api():
    """A Web API stand-in whose error body echoes the Authorization header it was sent."""

    async def refuse(request: web.Request) -> web.Response:
        return web.json_response({"ok": False, "error": "invalid_auth",
                                  "echo": request.headers.get("Authorization", "")}, status=200)

    app = web.Application()
    app.router.add_post("/api/{method}", refuse)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    yield f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}/api/"
    await runner.cleanup()


class Keep(logging.Handler):
    """A handler someone else added (a library, a test), with no filter or formatter of ours."""

    def __init__(self):
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


def stack_logger(tmp_path):
    """A function whose own source line holds the token, so the logged stack shows it."""
    path = tmp_path / "leaky.py"
    path.write_text(f"def where_am_i(log):\n    log.warning('here', stack_info=True)  # {TOKEN}\n")
    spec = importlib.util.spec_from_file_location("leaky", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.where_am_i


@pytest.mark.parametrize("fmt", ["text", "json"])
async def test_a_token_echoed_in_a_web_api_error_is_masked_everywhere(fmt, echo_api, tmp_path, restore_logging):
    out = io.StringIO()
    logs.setup("INFO", fmt, secrets=[TOKEN, OTHER], stream=out)
    keep = Keep()
    log = logging.getLogger("briefbot.test")
    log.addHandler(keep)
    try:
        client = AsyncWebClient(token=TOKEN, base_url=echo_api)
        with pytest.raises(SlackApiError) as caught:
            await client.chat_postMessage(channel="C1", text="hi")
        assert TOKEN in str(caught.value)  # the upstream error really carries it
        try:
            raise caught.value
        except SlackApiError:
            log.exception("posting failed")
        log.error("posting failed: %s", caught.value)
        log.error(caught.value)
        log.error("with %(what)s", {"what": OTHER})
        log.info("retrying", exc_info=caught.value)
        stack_logger(tmp_path)(log)
    finally:
        log.removeHandler(keep)

    text = out.getvalue()
    assert TOKEN not in text and OTHER not in text
    if fmt == "json":
        records = [json.loads(line) for line in text.splitlines()]  # every line is one object
        ours = [r for r in records if r["logger"] == "briefbot.test"]
        assert len(ours) == 6 and all({"time", "level", "logger", "message"} <= set(r) for r in ours)
        assert ours[0]["message"] == "posting failed"
        assert "SlackApiError" in ours[0]["exc"] and "'echo': 'Bearer [redacted]'" in ours[0]["exc"]
        assert "'echo': 'Bearer [redacted]'" in ours[1]["message"] and "Bearer [redacted]" in ours[2]["message"]
        assert ours[3]["message"] == "with [redacted]"
        assert "Bearer [redacted]" in ours[4]["exc"]
        assert "where_am_i" in ours[5]["stack"] and "# [redacted]" in ours[5]["stack"]
    else:
        lines = [ln for ln in text.splitlines() if " briefbot.test: " in ln]
        assert len(lines) == 6 and all(STAMP.match(ln) for ln in lines)
        assert lines[0].endswith(" ERROR briefbot.test: posting failed")
        assert "'echo': 'Bearer [redacted]'" in text.split(lines[0], 1)[1]  # the traceback under it
        assert "# [redacted]" in text
    # the records themselves are clean, so handlers that are not ours cannot leak either
    for record in keep.records:
        assert record.exc_info is None
        for part in (record.getMessage(), record.exc_text or "", record.stack_info or ""):
            assert TOKEN not in part and OTHER not in part


def test_a_record_made_without_the_factory_is_masked_by_the_handler(restore_logging):
    out = io.StringIO()
    handler = logs.setup("INFO", "text", secrets=["s3cret-value"], stream=out)
    record = logging.makeLogRecord({"name": "x", "levelno": logging.INFO, "levelname": "INFO",
                                    "msg": "body: token=abc123&x=1 %s %s", "args": (TOKEN, "s3cret-value"),
                                    "exc_text": f"Traceback: Authorization: Bearer {OTHER}",
                                    "stack_info": f"line with {TOKEN}"})
    handler.handle(record)
    text = out.getvalue()
    assert "body: token=[redacted]&x=1 [redacted] [redacted]" in text
    assert TOKEN not in text and OTHER not in text and "s3cret-value" not in text


def test_setup_replaces_its_handler_and_stamps_every_line(restore_logging):
    first, second = io.StringIO(), io.StringIO()
    logs.setup("WARNING", "text", stream=first)
    logs.setup("INFO", "text", stream=second)
    logging.getLogger("briefbot.test").info("once")
    assert first.getvalue() == ""
    assert STAMP.match(second.getvalue()) and second.getvalue().rstrip().endswith("INFO briefbot.test: once")
    assert sum(getattr(h, "briefbot", False) for h in logging.getLogger().handlers) == 1
