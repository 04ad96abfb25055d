"""The Slack adapter through Bolt's real code paths, against a recording loopback Web API."""
import asyncio
import json
import time

import pytest

from bot.slack import blocks as slack_blocks

from .factories import long_answer



def text_of(message: dict) -> str:
    parts = [message.get("text", "")]
    for b in message.get("blocks", []):
        if "text" in b:
            parts.append(b["text"]["text"])
        for e in b.get("elements", []):
            parts.append(e.get("text", "") if isinstance(e.get("text"), str) else "")
    return "\n".join(parts)


def assert_within_limits(message: dict) -> None:
    blocks = message["blocks"]
    assert 0 < len(blocks) <= 50
    total = 0
    for b in blocks:
        if b["type"] == "section":
            assert len(b["text"]["text"]) <= 3000
            total += len(b["text"]["text"])
        if b["type"] == "context":
            assert len(b["elements"]) <= 10
            total += sum(len(e["text"]) for e in b["elements"])
    assert total <= 12_000


async def test_slash_command_acks_then_answers_through_response_url(slack):
    status, body, acked_at = await slack.command("troop estimates?")
    assert status == 200
    [post] = await slack.recorder.wait_for("respond")
    assert post.body["response_type"] == "in_channel"
    assert_within_limits(post.body)
    text = text_of(post.body)
    assert "12,000" in text and "Ukraine" in text and "[1]" in text
    assert "<@U1> asked: troop estimates?" in text
    context = [b for b in post.body["blocks"] if b["type"] == "context"]
    assert any("seeds/003_" in e["text"] for b in context for e in b["elements"])


async def test_the_acknowledgement_does_not_wait_for_the_answer(slack, service, monkeypatch):
    gate = asyncio.Event()
    real = service.answer

    async def slow_answer(q, platform="cli", channel=None):
        await gate.wait()
        return await real(q, platform)

    monkeypatch.setattr(service, "answer", slow_answer)
    status, _, acked_at = await slack.command("troop estimates?")
    assert status == 200 and slack.recorder.of("respond") == []
    gate.set()
    [post] = await slack.recorder.wait_for("respond")
    assert post.at > acked_at


async def test_ephemeral_setting_and_errors_only_to_the_asker(service, slack_recorder, slack_settings):
    from bot.slack.app import SlackAdapter
    from .slack_harness import SlackHarness

    h = SlackHarness(SlackAdapter(service, slack_settings(ephemeral_answers=True)), slack_recorder)
    await h.start()
    try:
        await h.command("troop estimates?")
        [post] = await slack_recorder.wait_for("respond")
        assert post.body["response_type"] == "ephemeral"
        await h.command("x" * 10_001)
        posts = await slack_recorder.wait_for("respond", 2)
        assert posts[1].body["response_type"] == "ephemeral" and "keep it under 10,000" in posts[1].body["text"]
    finally:
        await h.stop()


async def test_help_sources_and_briefing(slack):
    await slack.command("help")
    await slack.command("sources")
    await slack.command("")
    posts = await slack.recorder.wait_for("respond", 3)
    by_url = {p.body["_url_token"]: p.body for p in posts}
    assert "/brief QUESTION" in text_of(by_url["r1"])
    assert "Sources (5)" in text_of(by_url["r2"])
    briefing = by_url["r3"]
    assert_within_limits(briefing)
    assert briefing["blocks"][0] == {"type": "header", "text": {"type": "plain_text", "text": "Briefing", "emoji": False}}
    assert "Headline figures" in text_of(briefing)


async def test_mention_answers_in_a_thread_and_inside_an_existing_thread(slack):
    status, _, _ = await slack.mention("what does North Korea gain?", ts="1700000001.000100")
    assert status == 200
    [msg] = await slack.recorder.wait_for("chat.postMessage")
    assert msg.body["channel"] == "C1" and msg.body["thread_ts"] == "1700000001.000100"
    assert "oil" in text_of(msg.body)
    await slack.mention("troop estimates?", ts="1700000002.000100", thread_ts="1700000000.999999")
    msgs = await slack.recorder.wait_for("chat.postMessage", 2)
    assert msgs[1].body["thread_ts"] == "1700000000.999999"


async def test_direct_message_is_answered_in_the_dm(slack):
    await slack.dm("troop estimates?")
    [msg] = await slack.recorder.wait_for("chat.postMessage")
    assert msg.body["channel"] == "D1" and "thread_ts" not in msg.body
    assert "12,000" in text_of(msg.body)


async def test_a_retried_event_gets_one_answer(slack):
    await slack.mention("troop estimates?", event_id="EvSAME")
    await slack.mention("troop estimates?", event_id="EvSAME", retry=1)
    await slack.mention("what does North Korea gain?")  # a later event, so we know the retry was processed
    msgs = await slack.recorder.wait_for("chat.postMessage", 2)
    texts = [text_of(m.body) for m in msgs]
    assert sum("12,000" in t for t in texts) == 1


async def test_an_event_reaching_two_replicas_and_retried_is_answered_once(store, model, slack_recorder,
                                                                          slack_settings):
    """Two adapters, each with its own service and store connection on one database: the
    event is remembered in the store, not in either process."""
    from briefings.service import BriefingService
    from briefings.store.sqlite import SQLiteStore
    from bot.slack.app import SlackAdapter

    from .slack_harness import SlackHarness

    replicas = [SlackHarness(SlackAdapter(BriefingService(SQLiteStore(store.path), embedder=model), slack_settings()),
                             slack_recorder) for _ in range(2)]
    for r in replicas:
        await r.start()
    try:
        body = replicas[0].event_body({"type": "app_mention", "user": "U1", "text": "<@UBOT> troop estimates?",
                                       "ts": "1700000000.000100", "channel": "C1", "event_ts": "1700000000.000100"},
                                      event_id="EvTWICE")
        retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
        statuses = await asyncio.gather(replicas[0].post(body, "application/json"),
                                        replicas[1].post(body, "application/json"),
                                        replicas[1].post(body, "application/json", headers=retry))
        assert [s for s, _, _ in statuses] == [200, 200, 200]
        await replicas[0].mention("what does North Korea gain?")  # a later event: the others were handled
        msgs = await slack_recorder.wait_for("chat.postMessage", 2)
        texts = [text_of(m.body) for m in msgs]
        assert sum("12,000" in t for t in texts) == 1
        assert len(slack_recorder.of("chat.postMessage")) == 2
    finally:
        for r in replicas:
            await r.stop()


async def test_a_replayed_slash_command_is_answered_once(slack):
    body, signed_at = slack.command_body("/brief", "troop estimates?"), int(time.time())
    for _ in range(2):  # the same signed request again, within Slack's five minutes
        assert (await slack.post(body, "application/x-www-form-urlencoded", timestamp=signed_at))[0] == 200
    await slack.command("what does North Korea gain?")
    replies = await slack.recorder.wait_for("respond", 2)
    assert sum("12,000" in text_of(r.body) for r in replies) == 1
    assert len(slack.recorder.of("respond")) == 2


async def test_url_verification(slack):
    status, body, _ = await slack.post(json.dumps({"type": "url_verification", "challenge": "c-123", "token": "x"}),
                                       "application/json")
    assert status == 200 and "c-123" in body


@pytest.mark.parametrize("kind", ["bad signature", "stale timestamp"])
async def test_unsigned_or_stale_requests_are_refused_and_reach_no_handler(slack, kind):
    body = slack.command_body("/brief", "troop estimates?")
    sign = {"secret": "wrong-secret"} if kind == "bad signature" else {"timestamp": int(time.time()) - 301}
    status, _, _ = await slack.post(body, "application/x-www-form-urlencoded", **sign)
    assert status == 401
    # a good request afterwards is the first and only thing answered
    await slack.command("help")
    posts = await slack.recorder.wait_for("respond")
    assert len(posts) == 1 and "/brief QUESTION" in text_of(posts[0].body)


@pytest.mark.parametrize("timestamp", ["not-a-number", "", "1e9", "12345678901234567890123", " 17000", "١٧٠٠"])
async def test_a_malformed_timestamp_is_refused_like_any_bad_signature(slack, timestamp):
    body = slack.command_body("/brief", "troop estimates?")
    headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Slack-Request-Timestamp": timestamp,
               "X-Slack-Signature": "v0=" + "0" * 64}
    async with slack._session.post(slack.url, data=body.encode(), headers=headers) as r:
        assert r.status == 401
    assert slack.recorder.calls == []  # refused before authorisation: not even auth.test
    await slack.command("help")
    posts = await slack.recorder.wait_for("respond")
    assert len(posts) == 1


async def test_rate_limited_post_is_retried_and_arrives_once(slack):
    slack.recorder.fail_next("chat.postMessage", 429, {"Retry-After": "0"})
    await slack.mention("troop estimates?")
    [msg] = await slack.recorder.wait_for("chat.postMessage")
    assert len(slack.recorder.of("chat.postMessage:refused")) == 1
    assert len(slack.recorder.of("chat.postMessage")) == 1 and "12,000" in text_of(msg.body)


async def test_quotes_and_questions_cannot_ping(slack, store, tmp_path):
    article = tmp_path / "ping.txt"
    article.write_text("Harbour news\n\nThe harbour master wrote “<!channel> @everyone <@U999> evacuate now” "
                       "in a note about 40 ferries, officials said.\n")
    slack.adapter.service.ingest([str(article)])
    # <!everyone> is markup (made plain text); "&lt;!here&gt;" is what Slack sends for a typed "<!here>"
    await slack.command("how many ferries? <!everyone> &lt;!here&gt;")
    [post] = await slack.recorder.wait_for("respond")
    raw = json.dumps(post.body)
    for bad in ("<!channel>", "<!here>", "<!everyone>", "<@U999>"):
        assert bad not in raw
    assert "&lt;!channel&gt;" in raw and "40 ferries" in raw
    [echo] = [e for b in post.body["blocks"] if b["type"] == "context" for e in b["elements"] if "asked:" in e["text"]]
    assert echo == {"type": "mrkdwn", "text": "<@U1> asked: how many ferries? @everyone &lt;!here&gt;",
                    "verbatim": True}  # verbatim: Slack does not turn the bare @everyone into a mention
    assert all(e.get("verbatim") for b in post.body["blocks"] for e in b.get("elements", []) + [b.get("text") or {}]
               if e.get("type") == "mrkdwn")


def test_long_answers_split_between_points_within_limits():
    answer = long_answer(120, 100, 60)
    messages = slack_blocks.answer_messages(answer)
    assert len(messages) > 1
    seen = []
    for m in messages:
        assert_within_limits(m)
        body = text_of(m)
        for b in m["blocks"]:
            if b["type"] == "section" and b["text"]["text"].startswith("• Point "):
                n = int(b["text"]["text"].split()[2])
                seen.append(n)
                assert f"[{n}]" in b["text"]["text"]  # the point keeps its marker
                assert f"*[{n}]*" in body  # and its source is on the same message
    assert seen == list(range(1, 121))


def test_socket_mode_wires_the_same_listeners(service):
    from bot.settings import SlackSettings
    from bot.slack.app import SlackAdapter

    http = SlackAdapter(service, SlackSettings(bot_token="xoxb-x", signing_secret="s", mode="http"))
    socket = SlackAdapter(service, SlackSettings(bot_token="xoxb-x", app_token="xapp-x", mode="socket"))

    def names(adapter):
        return sorted(type(lst).__name__ + ":" + getattr(lst, "ack_function", lst).__name__
                      for lst in adapter.app._async_listeners)

    assert names(http) == names(socket) and len(names(http)) == 3


def test_manifest_asks_for_the_commands_events_and_minimal_scopes():
    from pathlib import Path

    import yaml

    m = yaml.safe_load((Path(__file__).parents[1] / "config" / "slack-manifest.yaml").read_text())
    assert [c["command"] for c in m["features"]["slash_commands"]] == ["/brief"]
    assert sorted(m["settings"]["event_subscriptions"]["bot_events"]) == ["app_mention", "message.im"]
    assert set(m["oauth_config"]["scopes"]["bot"]) == {
        "commands", "chat:write", "app_mentions:read", "im:history", "im:read", "im:write", "users:read",
        "usergroups:read"}
