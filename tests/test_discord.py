"""The Discord adapter through discord.py's real code paths, against a recording loopback REST API."""
import json
from pathlib import Path

import pytest

from bot.discord import embeds as discord_embeds
from bot.discord.admin import PERMISSIONS, invite_url

from .discord_harness import APP_ID, CHANNEL_ID, DM_CHANNEL_ID
from .factories import long_answer

SNAPSHOT = Path(__file__).parent / "data" / "discord_commands.json"


def embed_text(embed: dict) -> str:
    parts = [embed.get("title", ""), embed.get("description", "")]
    for f in embed.get("fields", []):
        parts += [f["name"], f["value"]]
    parts.append((embed.get("footer") or {}).get("text", ""))
    return "\n".join(parts)


def assert_embed_within_limits(embed: dict) -> None:
    assert len(embed.get("title", "")) <= 256
    assert len(embed.get("description", "")) <= 4096
    assert len(embed.get("fields", [])) <= 25
    for f in embed.get("fields", []):
        assert len(f["name"]) <= 256 and len(f["value"]) <= 1024
    assert len(embed_text(embed)) <= 6000


def sent(call) -> dict:
    """The message body of a callback (type 4 wraps it in data) or a follow-up / channel message."""
    return call.body.get("data", call.body)


async def test_ask_defers_then_follows_up_with_a_cited_embed(discord_bot):
    discord_bot.interaction("ask", [{"name": "question", "type": 3, "value": "troop estimates?"}])
    [callback] = await discord_bot.recorder.wait_for("callback")
    assert callback.body["type"] == 5  # deferred: the answer may take longer than 3 seconds
    assert not callback.body.get("data", {}).get("flags")
    [follow] = await discord_bot.recorder.wait_for("followup")
    assert follow.at >= callback.at
    body = sent(follow)
    assert body["allowed_mentions"] == {"parse": []}
    [embed] = body["embeds"]
    assert_embed_within_limits(embed)
    assert embed["title"] == "troop estimates?"
    assert embed["description"].startswith("**Sources give different figures:")
    assert "12,000" in embed["description"] and "[1]" in embed["description"]
    assert any("seeds/003_" in f["value"] for f in embed["fields"])


async def test_private_answers_are_ephemeral(discord_bot):
    discord_bot.interaction("ask", [{"name": "question", "type": 3, "value": "troop estimates?"},
                                    {"name": "private", "type": 5, "value": True}])
    [callback] = await discord_bot.recorder.wait_for("callback")
    assert callback.body["type"] == 5 and callback.body["data"]["flags"] == 64
    [follow] = await discord_bot.recorder.wait_for("followup")
    assert sent(follow)["flags"] == 64


async def test_server_default_can_make_answers_ephemeral(service, discord_recorder, discord_settings):
    from bot.discord.client import DiscordAdapter

    from .discord_harness import start_harness

    h = await start_harness(DiscordAdapter(service, discord_settings(ephemeral_answers=True)), discord_recorder)
    try:
        h.interaction("ask", [{"name": "question", "type": 3, "value": "troop estimates?"}])
        [callback] = await discord_recorder.wait_for("callback")
        assert callback.body["data"]["flags"] == 64
    finally:
        await h.client.close()


async def test_errors_are_ephemeral_and_short(discord_bot):
    discord_bot.interaction("ask", [{"name": "question", "type": 3, "value": "x" * 2000},
                                    {"name": "private", "type": 5, "value": False}])
    discord_bot.adapter.service.ask = lambda q: (_ for _ in ()).throw(RuntimeError("database exploded"))
    [follow] = await discord_bot.recorder.wait_for("followup")
    body = sent(follow)
    assert body["flags"] == 64
    assert "something went wrong" in body["content"] and "exploded" not in body["content"]
    # the public "thinking…" message was removed first, so the error stays private
    assert discord_bot.recorder.of("delete_original")


async def test_brief_with_topic_and_its_autocomplete(discord_bot):
    discord_bot.interaction("brief", [{"name": "topic", "type": 3, "value": "Nor", "focused": True}], kind=4)
    [choices] = await discord_bot.recorder.wait_for("callback")
    assert choices.body["type"] == 8
    names = [c["name"] for c in choices.body["data"]["choices"]]
    assert names[:2] == ["North Korean", "North Korea"] and all(n.lower().startswith("nor") for n in names)
    discord_bot.interaction("brief", [{"name": "topic", "type": 3, "value": "North Korea"}])
    callbacks = await discord_bot.recorder.wait_for("callback", 2)
    assert callbacks[1].body["type"] == 5
    [follow] = await discord_bot.recorder.wait_for("followup")
    [embed] = sent(follow)["embeds"]
    assert embed["title"] == "Briefing: North Korea"
    assert_embed_within_limits(embed)


async def test_sources_and_help_answer_immediately(discord_bot):
    discord_bot.interaction("sources")
    discord_bot.interaction("help")
    calls = await discord_bot.recorder.wait_for("callback", 2)
    by_title = {c.body["data"]["embeds"][0]["title"]: c.body for c in calls}
    assert by_title["Sources (5)"]["type"] == 4
    assert by_title["briefbot"]["type"] == 4 and by_title["briefbot"]["data"]["flags"] == 64


async def test_mention_gets_a_reply_to_that_message(discord_bot):
    mid = discord_bot.message("what does North Korea gain?")
    [reply] = await discord_bot.recorder.wait_for("message")
    assert reply.path == f"/channels/{CHANNEL_ID}/messages"
    assert str(reply.body["message_reference"]["message_id"]) == mid
    assert reply.body["allowed_mentions"]["parse"] == [] and reply.body["allowed_mentions"]["replied_user"] is False
    assert "oil" in embed_text(reply.body["embeds"][0])


async def test_mention_in_a_thread_is_answered_in_the_thread(discord_bot):
    thread_id = 1_100_000_000_000_000_099
    discord_bot.message("troop estimates?", channel_id=thread_id)
    [reply] = await discord_bot.recorder.wait_for("message")
    assert reply.path == f"/channels/{thread_id}/messages"


async def test_direct_message_is_answered_there_and_other_messages_are_ignored(discord_bot):
    discord_bot.message("just chatting", mention=False)  # not for us
    discord_bot.message("troop estimates?", dm=True)
    [reply] = await discord_bot.recorder.wait_for("message")
    assert reply.path == f"/channels/{DM_CHANNEL_ID}/messages"
    assert "12,000" in embed_text(reply.body["embeds"][0])


async def test_quotes_with_everyone_are_delivered_inert(discord_bot, tmp_path):
    article = tmp_path / "ping.txt"
    article.write_text("Harbour news\n\nThe harbour master wrote “@everyone @here <@123> evacuate now” "
                       "in a note about 40 ferries, officials said.\n")
    discord_bot.adapter.service.ingest([str(article)])
    discord_bot.message("how many ferries? @everyone")
    [reply] = await discord_bot.recorder.wait_for("message")
    assert reply.body["allowed_mentions"]["parse"] == []
    text = embed_text(reply.body["embeds"][0])
    assert "40 ferries" in text and "@everyone" not in text.replace("@\u200beveryone", "")


async def test_a_429_is_waited_out_and_the_reply_arrives_once(discord_bot):
    discord_bot.recorder.rate_limit_next("message")
    discord_bot.message("troop estimates?")
    [reply] = await discord_bot.recorder.wait_for("message")
    assert len(discord_bot.recorder.of("message:429")) == 1
    assert len(discord_bot.recorder.of("message")) == 1


def test_command_tree_matches_the_snapshot(service, store, discord_settings):
    """The tree as `briefbot run` registers it: the adapter's commands and the scheduler's."""
    from datetime import timedelta

    from bot.discord.client import DiscordAdapter
    from bot.scheduler import BriefingScheduler

    scheduler = BriefingScheduler(service, grace=timedelta(hours=1))
    adapter = DiscordAdapter(service, discord_settings(), scheduler.commands)
    tree = sorted((c.to_dict(adapter.tree) for c in adapter.tree.get_commands()), key=lambda c: c["name"])
    current = json.dumps(tree, indent=2, sort_keys=True) + "\n"
    if not SNAPSHOT.exists():
        SNAPSHOT.write_text(current)
        pytest.fail(f"wrote a new snapshot to {SNAPSHOT}: review and commit it")
    assert current == SNAPSHOT.read_text(), "the command tree changed: review, then delete the snapshot to refresh it"


def test_long_answers_split_between_points_within_limits():
    pages = [e.to_dict() for e in discord_embeds.answer_embeds(long_answer(80, 80, 40))]
    assert len(pages) > 1
    seen = []
    for page in pages:
        assert_embed_within_limits(page)
        for line in page["description"].splitlines():
            if line.startswith("• Point "):
                n = int(line.split()[2])
                seen.append(n)
                assert line.endswith(f"[{n}]")
                assert any(f["name"].startswith(f"[{n}] ") for f in page["fields"])
    assert seen == list(range(1, 81))


def test_invite_url_asks_only_for_what_the_bot_uses():
    url = invite_url(APP_ID)
    assert f"client_id={APP_ID}" in url and "scope=bot+applications.commands" in url
    assert f"permissions={PERMISSIONS.value}" in url
    assert not PERMISSIONS.administrator and not PERMISSIONS.mention_everyone and not PERMISSIONS.manage_messages


def test_intents_are_minimal():
    from bot.discord.client import intents

    i = intents()
    assert i.guild_messages and i.dm_messages and i.guilds
    assert not i.message_content and not i.members and not i.presences


async def test_sync_registers_the_tree_to_one_server_or_globally(service, discord_recorder, discord_settings):
    from bot.discord.admin import sync_commands
    from bot.discord.client import DiscordAdapter

    from .discord_harness import GUILD_ID

    names = await sync_commands(DiscordAdapter(service, discord_settings()), "test-token", GUILD_ID)
    assert sorted(names) == ["ask", "brief", "help", "sources"]
    names = await sync_commands(DiscordAdapter(service, discord_settings()), "test-token", None)
    calls = discord_recorder.of("sync")
    assert [c.path for c in calls] == [f"/applications/{APP_ID}/guilds/{GUILD_ID}/commands",
                                      f"/applications/{APP_ID}/commands"]
    assert sorted(c["name"] for c in calls[1].body) == sorted(names)


async def test_rest_and_gateway_go_to_the_configured_urls(service, discord_recorder, discord_gateway,
                                                           discord_settings, monkeypatch):
    import asyncio

    import discord

    from bot.discord.client import DiscordAdapter

    from .discord_harness import BOT_ID, message_payload, user

    # discord.py's own default would be used if the settings were ignored: make that fail loudly
    monkeypatch.setattr(discord.http.Route, "BASE", "http://127.0.0.1:9/api/v10")
    settings = discord_settings(api_base_url=discord_recorder.base + "/", gateway_url=discord_gateway.url)
    adapter = DiscordAdapter(service, settings)
    running = asyncio.create_task(adapter.client.start("test-token"))
    try:
        await asyncio.wait_for(adapter.ready(), 15)
        assert [c.kind for c in discord_recorder.calls[:2]] == ["login", "app_info"]
        [identify] = discord_gateway.identified
        assert identify["token"] == "test-token" and identify["intents"] == adapter.client.intents.value
        await discord_gateway.dispatch("MESSAGE_CREATE", message_payload(
            "1300000000000000001", f"<@{BOT_ID}> troop estimates?", mentions=[user(BOT_ID, "briefbot", bot=True)]))
        [reply] = await discord_recorder.wait_for("message")
        assert reply.path == f"/channels/{CHANNEL_ID}/messages" and "12,000" in embed_text(reply.body["embeds"][0])
    finally:
        await adapter.client.close()
        await running


def test_discord_urls_in_the_settings(discord_settings):
    from bot.settings import DiscordSettings, load_settings, problems

    assert DiscordSettings(api_base_url="http://127.0.0.1:8080/api/v10/").api_base_url == "http://127.0.0.1:8080/api/v10"
    s = load_settings(None, discord={"api_base_url": "discord.com/api", "gateway_url": "https://gateway"})
    assert problems(s)[:2] == ["discord.api_base_url: expected an http(s) URL, e.g. https://discord.com/api/v10",
                               "discord.gateway_url: expected a websocket URL, e.g. wss://gateway.discord.gg/"]


async def test_stopping_waits_for_answers_to_commands_and_mentions(discord_bot, monkeypatch):
    """``drain`` (called before the client closes) lets both a slash command's follow-up and a
    mention's reply finish, however long the answer takes."""
    import asyncio

    service = discord_bot.adapter.service
    real = service.answer
    release, both_asked = asyncio.Event(), asyncio.Event()
    asked = []

    async def slow_answer(*args, **kwargs):
        asked.append(args[0])
        if len(asked) == 2:
            both_asked.set()
        await release.wait()
        return await real(*args, **kwargs)

    monkeypatch.setattr(service, "answer", slow_answer)
    discord_bot.interaction("ask", [{"name": "question", "type": 3, "value": "troop estimates?"}])
    mid = discord_bot.message("what does North Korea gain?")
    await asyncio.wait_for(both_asked.wait(), 10)
    draining = asyncio.create_task(discord_bot.adapter.drain(10))
    done, _ = await asyncio.wait({draining}, timeout=0.05)
    assert not done  # both answers are still being made
    assert not discord_bot.recorder.of("followup") and not discord_bot.recorder.of("message")
    release.set()
    await draining
    # nothing more to wait for: both were sent, every page, before drain returned
    assert not discord_bot.adapter._answering
    follow_ups, replies = discord_bot.recorder.of("followup"), discord_bot.recorder.of("message")
    assert [f.body["embeds"][0]["title"] for f in follow_ups] == ["troop estimates?", "troop estimates? (continued)"]
    assert len(replies) == 2 and str(replies[0].body["message_reference"]["message_id"]) == mid  # a reply and its second page
