"""Chat markup in questions becomes plain text before the core sees it: through Bolt with
signed requests, through discord.py with raw gateway payloads, and as pure functions."""
from __future__ import annotations

import json

import discord
import pytest

from bot.discord import markup as discord_markup
from bot.slack import markup as slack_markup
from bot.slack.blocks import escape

from .discord_harness import BOT_ID, CHANNEL_ID, GUILD_ID, feed, user
from .test_discord import embed_text, sent
from .test_slack import text_of

ANA = 1_100_000_000_000_000_042
ROLE = 1_100_000_000_000_000_051
NEWS = 1_100_000_000_000_000_061


@pytest.fixture
def asked(service, monkeypatch) -> list[str]:
    """The questions that reached the core, in order."""
    questions: list[str] = []
    real = service.answer

    async def answer(question: str, platform: str = "cli", channel: str | None = None):
        questions.append(question)
        return await real(question, platform)

    monkeypatch.setattr(service, "answer", answer)
    return questions


# -- Slack -----------------------------------------------------------------------------------

@pytest.mark.parametrize("text, question", [
    ("<@U123> troop estimates?", "troop estimates?"),
    ("<@U123|ana>: troop estimates?", "troop estimates?"),
    ("<!here> <@U123>, troop estimates &amp; casualties?", "troop estimates & casualties?"),
    ("what did <@U7> say about troops?", "what did Ana Lima say about troops?"),
    ("troop estimates in <#C42|general>?", "troop estimates in #general?"),
    ("troop estimates? <https://example.com/r?a=1&amp;b=2|the report>", "troop estimates? the report"),
    ("troop estimates? <https://example.com/r>", "troop estimates? https://example.com/r"),
    ("<mailto:desk@example.com|desk@example.com> troop estimates?", "desk@example.com troop estimates?"),
    ("<!subteam^S1|@analysts> troop estimates?", "troop estimates?"),
])
async def test_slack_slash_command_markup_becomes_plain_text(slack, asked, text, question):
    slack.recorder.users["U7"] = {"id": "U7", "name": "ana", "profile": {"display_name": "Ana Lima"}}
    status, _, _ = await slack.command(text)
    assert status == 200
    [post] = await slack.recorder.wait_for("respond")
    assert asked == [question]
    echo = [e["text"] for b in post.body["blocks"] if b["type"] == "context" for e in b["elements"]
            if "asked:" in e["text"]]
    assert echo == ["<@U1> asked: " + escape(question)]


async def test_slack_answers_a_question_that_mentions_someone_first(slack, asked):
    """The issue's example: "/brief <@U123> troop estimates?" was refused ("nothing about u123")."""
    await slack.command("<@U123> troop estimates?")
    [post] = await slack.recorder.wait_for("respond")
    assert "12,000" in text_of(post.body) and "u123" not in text_of(post.body).lower()


async def test_slack_display_names_are_looked_up_once(slack, asked):
    slack.recorder.users["U7"] = {"id": "U7", "name": "ana", "real_name": "Ana Lima"}
    await slack.command("what did <@U7> say about troops?")
    await slack.command("what did <@U7|ana> say about troops?")
    await slack.recorder.wait_for("respond", 2)
    assert asked == ["what did Ana Lima say about troops?"] * 2
    assert len(slack.recorder.of("users.info")) == 1


async def test_slack_mentions_and_dms_are_made_plain(slack, asked):
    await slack.mention("<!channel> troop estimates in <#C42|general>? <https://example.com/x|source>")
    [reply] = await slack.recorder.wait_for("chat.postMessage")
    await slack.dm("<@U123> troop estimates?")
    msgs = await slack.recorder.wait_for("chat.postMessage", 2)
    assert asked == ["troop estimates in #general? source", "troop estimates?"]
    assert "12,000" in text_of(msgs[1].body)


def test_slack_markup_parts():
    parts = slack_markup.parse("<@U1|ana> see <#C2|news>, <https://a.example|A> &amp; <!date^1^x|Nov 1> <!here>")
    assert parts == [slack_markup.Mention(user="U1", label="ana"), " see ", "#news", ", ", "A", " & ", "Nov 1", " ",
                     slack_markup.Mention(label="@here")]


# -- Discord ---------------------------------------------------------------------------------

def cache_guild(client) -> None:
    """GUILD_CREATE for the test server, so its roles and channels are in discord.py's cache."""
    feed(client, "GUILD_CREATE", {
        "id": str(GUILD_ID), "name": "Newsroom", "owner_id": str(ANA), "unavailable": False, "member_count": 2,
        "roles": [{"id": str(GUILD_ID), "name": "@everyone", "permissions": "0", "position": 0, "color": 0,
                   "hoist": False, "managed": False, "mentionable": False, "flags": 0},
                  {"id": str(ROLE), "name": "Analysts", "permissions": "0", "position": 1, "color": 0,
                   "hoist": False, "managed": False, "mentionable": True, "flags": 0}],
        "channels": [{"id": str(CHANNEL_ID), "type": 0, "name": "general", "position": 0,
                      "permission_overwrites": []},
                     {"id": str(NEWS), "type": 0, "name": "news", "position": 1, "permission_overwrites": []}],
        "members": [], "emojis": [], "stickers": [], "features": [], "threads": [], "voice_states": [],
        "presences": [], "stage_instances": [], "guild_scheduled_events": [], "soundboard_sounds": [],
        "joined_at": "2024-01-01T00:00:00+00:00", "large": False, "premium_tier": 0, "preferred_locale": "en-US",
        "verification_level": 0, "default_message_notifications": 0, "explicit_content_filter": 0,
        "mfa_level": 0, "nsfw_level": 0, "system_channel_flags": 0, "afk_timeout": 300})


@pytest.mark.parametrize("content, question", [
    (f"<@!{ANA}> troop estimates? <:pepe:123456> <a:wave:654321>", "troop estimates?"),
    (f"what did <@{ANA}> say about troops?", "what did Ana Lima say about troops?"),
    (f"<@&{ROLE}> troop estimates in <#{NEWS}>?", "troop estimates in #news?"),
    (f"troop estimates, <@&{ROLE}>?", "troop estimates, @Analysts?"),
    ("troop estimates since <t:1730361600:d>?", "troop estimates since 2024-10-31?"),
    ("@everyone troop estimates? use </ask:1>", "troop estimates? use /ask"),
])
async def test_discord_message_markup_becomes_plain_text(discord_bot, asked, content, question):
    cache_guild(discord_bot.client)
    discord_bot.message(content, mentions=[user(ANA, "Ana Lima")])
    [reply] = await discord_bot.recorder.wait_for("message")
    assert asked == [question]
    title = reply.body["embeds"][0]["title"]
    assert title == discord.utils.escape_markdown(question)


async def test_discord_answers_despite_mentions_and_emoji(discord_bot, asked):
    """The issue's examples: any user, role or channel mention, or a custom emoji, made it refuse."""
    discord_bot.message(f"<@{ANA}> <@&{ROLE}> troop estimates <:thinking_hard:42> <#{NEWS}>",
                        mentions=[user(ANA, "Ana Lima")])
    [reply] = await discord_bot.recorder.wait_for("message")
    assert "12,000" in embed_text(reply.body["embeds"][0])


async def test_discord_ask_resolves_people_through_the_api_once(discord_bot, asked):
    discord_bot.recorder.users[ANA] = "Ana Lima"
    for _ in range(2):
        discord_bot.interaction("ask", [{"name": "question", "type": 3,
                                         "value": f"<@{BOT_ID}> what did <@{ANA}> say about troops? <:x:1>"}])
    follows = await discord_bot.recorder.wait_for("followup", 2)
    assert asked == ["what did Ana Lima say about troops?"] * 2
    assert [sent(f)["embeds"][0]["title"] for f in follows] == ["what did Ana Lima say about troops?"] * 2
    assert len(discord_bot.recorder.of("user")) == 1


async def test_discord_echo_stays_inert(discord_bot, asked):
    discord_bot.message("troop estimates @here?")
    [reply] = await discord_bot.recorder.wait_for("message")
    assert asked == ["troop estimates @here?"]
    raw = json.dumps(reply.body)
    assert "@here" not in raw.replace("@\\u200bhere", "") and reply.body["allowed_mentions"]["parse"] == []


async def test_discord_plain_text_function():
    async def names(uid):
        return {ANA: "Ana Lima"}.get(uid)

    async def plain(text):
        return await discord_markup.plain_text(text, me=BOT_ID, users=names, roles={ROLE: "Analysts"},
                                               channels={NEWS: "news"})

    assert await plain(f"<@{BOT_ID}> <@!{ANA}>: troop estimates <@{BOT_ID}>?") == "troop estimates?"
    assert await plain("what did <@999> say?") == "what did say?"  # unknown: dropped, never an id
    assert await plain("casualties by <t:1730361600:D>, <t:1730361600:t>") == "casualties by 31 October 2024, 08:00 UTC"
    assert await plain("mail desk@everyone.example") == "mail desk@everyone.example"
