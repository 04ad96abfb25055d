"""End to end: a subscription made through a real Slack slash command and a real Discord
interaction, the scheduler fired for a given instant, each briefing recorded exactly once."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from briefings.service import BriefingService
from briefings.store.sqlite import SQLiteStore
from bot.discord.client import DiscordAdapter
from bot.scheduler import BriefingScheduler
from bot.slack.app import SlackAdapter

from .discord_harness import CHANNEL_ID, start_harness
from .slack_harness import SlackHarness
from .test_discord import assert_embed_within_limits
from .test_slack import assert_within_limits, text_of

UTC = timezone.utc
NOW = datetime(2024, 6, 3, 6, 0, tzinfo=UTC)  # 07:00 in London


@pytest.fixture
def scheduler(store):
    clock = lambda: NOW  # noqa: E731
    service = BriefingService(SQLiteStore(store.path), clock=clock)
    return BriefingScheduler(service, grace=timedelta(hours=1), clock=clock)


@pytest.fixture
async def slack_with_subscriptions(scheduler, slack_recorder, slack_settings):
    adapter = SlackAdapter(scheduler.service, slack_settings(), scheduler.commands)
    scheduler.attach({"slack": adapter.sender})
    h = SlackHarness(adapter, slack_recorder)
    await h.start()
    yield h
    await h.stop()


async def test_slack_subscription_is_delivered_once_at_its_time(slack_with_subscriptions, scheduler):
    slack = slack_with_subscriptions
    slack.recorder.users["U1"] = {"id": "U1", "is_admin": True}
    await slack.command("subscribe 08:30 Europe/London", user="U1")
    [reply] = await slack.recorder.wait_for("respond")
    assert "Subscribed this channel to a daily briefing at 08:30 Europe/London (#1)" in text_of(reply.body)
    assert reply.body["response_type"] == "in_channel"
    await slack.command("subscriptions")
    listing = (await slack.recorder.wait_for("respond", 2))[1]
    assert "#1: a daily briefing at 08:30 Europe/London" in text_of(listing.body)

    due = datetime(2024, 6, 3, 7, 30, tzinfo=UTC)  # 08:30 BST
    assert await scheduler.catch_up(now=due - timedelta(minutes=1)) == []  # yesterday's slot predates it
    results = await scheduler.catch_up(now=due + timedelta(seconds=5))
    assert [o.status for _, o in results] == ["done"]
    await scheduler.catch_up(now=due + timedelta(minutes=3))  # a sweep or a second replica
    posts = slack.recorder.of("chat.postMessage")
    assert len(posts) == 1 and posts[0].body["channel"] == "C1"
    assert_within_limits(posts[0].body)
    assert "Headline figures" in text_of(posts[0].body)


async def test_slack_subscribing_again_or_replaying_the_request_makes_no_second_subscription(
        slack_with_subscriptions, scheduler):
    import time

    slack = slack_with_subscriptions
    slack.recorder.users["U1"] = {"id": "U1", "is_admin": True}
    body, signed_at = slack.command_body("/brief", "subscribe 08:30 Europe/London Ukraine"), int(time.time())
    for _ in range(2):  # a signed request replayed within Slack's five minutes: dropped
        assert (await slack.post(body, "application/x-www-form-urlencoded", timestamp=signed_at))[0] == 200
    await slack.command("subscribe 8:30 europe/london ukraine", user="U1")  # asked again: the same one
    first, again = await slack.recorder.wait_for("respond", 2)
    assert "Subscribed this channel to a briefing on Ukraine at 08:30 Europe/London (#1)" in first.body["text"]
    assert "already subscribed to a briefing on Ukraine at 08:30 Europe/London (#1)" in again.body["text"]
    assert [s.id for s in scheduler.service.subscriptions()] == [1]
    await slack.command("subscriptions")
    listing = (await slack.recorder.wait_for("respond", 3))[2]
    assert "#1: a briefing on Ukraine at 08:30 Europe/London — next 2024-06-03 08:30 BST" in text_of(listing.body)
    assert len(slack.recorder.of("respond")) == 3


async def test_slack_refuses_people_who_may_not_manage_the_channel(slack_with_subscriptions, scheduler):
    slack = slack_with_subscriptions
    slack.recorder.users["U2"] = {"id": "U2", "is_admin": False, "is_owner": False}
    await slack.command("subscribe 08:30 Europe/London", user="U2")
    [reply] = await slack.recorder.wait_for("respond")
    assert reply.body["response_type"] == "ephemeral"
    assert "Only workspace admins and owners" in reply.body["text"]
    assert scheduler.service.subscriptions() == []


async def test_slack_users_named_in_the_settings_may_manage(scheduler, slack_recorder, slack_settings):
    adapter = SlackAdapter(scheduler.service, slack_settings(subscription_managers=["S123"]), scheduler.commands)
    h = SlackHarness(adapter, slack_recorder)
    await h.start()
    try:
        slack_recorder.usergroups["S123"] = ["U3"]
        await h.command("subscribe 7:05 europe/paris ukraine", user="U3")
        [reply] = await slack_recorder.wait_for("respond")
        assert "a briefing on ukraine at 07:05 Europe/Paris" in reply.body["text"]
    finally:
        await h.stop()


@pytest.mark.parametrize("args, message", [
    ("subscribe 8.75 Europe/London", "time must be HH:MM on a 24-hour clock, e.g. 08:30"),
    ("subscribe 08:30 Europe/Londn", "did you mean Europe/London?"),
    ("subscribe", "usage: /brief subscribe HH:MM Area/City"),
])
async def test_slack_bad_times_and_zones_say_what_is_accepted(slack_with_subscriptions, args, message):
    slack = slack_with_subscriptions
    slack.recorder.users["U1"] = {"id": "U1", "is_owner": True}
    await slack.command(args, user="U1")
    [reply] = await slack.recorder.wait_for("respond")
    assert reply.body["response_type"] == "ephemeral" and message in reply.body["text"]


async def test_slack_standing_question_and_unsubscribe(slack_with_subscriptions, scheduler):
    slack = slack_with_subscriptions
    slack.recorder.users["U1"] = {"id": "U1", "is_admin": True}
    await slack.command("subscribe 08:30 Europe/London troop estimates? --quiet", user="U1")
    [reply] = await slack.recorder.wait_for("respond")
    assert "the question “troop estimates?” at 08:30 Europe/London, silent when nothing is new" in reply.body["text"]
    await scheduler.catch_up(now=datetime(2024, 6, 3, 7, 31, tzinfo=UTC))
    [post] = await slack.recorder.wait_for("chat.postMessage")
    assert "Standing question: troop estimates?" in text_of(post.body) and "12,000" in text_of(post.body)
    await slack.command("unsubscribe", user="U1")
    replies = await slack.recorder.wait_for("respond", 2)
    assert replies[1].body["text"].startswith("Removed #1")
    assert scheduler.service.subscriptions() == []


@pytest.fixture
async def discord_with_subscriptions(scheduler, discord_recorder, discord_settings):
    adapter = DiscordAdapter(scheduler.service, discord_settings(), scheduler.commands)
    scheduler.attach({"discord": adapter.sender})
    h = await start_harness(adapter, discord_recorder)
    yield h
    await adapter.client.close()


MANAGE_CHANNELS = str(1 << 4)


async def test_discord_subscription_is_delivered_once_at_its_time(discord_with_subscriptions, scheduler):
    bot = discord_with_subscriptions
    bot.interaction("subscribe", [{"name": "time", "type": 3, "value": "08:30"},
                                  {"name": "timezone", "type": 3, "value": "Europe/London"}],
                    permissions=MANAGE_CHANNELS)
    [callback] = await bot.recorder.wait_for("callback")
    assert callback.body["type"] == 4
    assert "Subscribed this channel to a daily briefing at 08:30 Europe/London" in callback.body["data"]["content"]
    [sub] = scheduler.service.subscriptions()
    assert (sub.platform, sub.channel) == ("discord", str(CHANNEL_ID))

    due = datetime(2024, 6, 3, 7, 30, tzinfo=UTC)
    await scheduler.catch_up(now=due + timedelta(seconds=5))
    await scheduler.catch_up(now=due + timedelta(minutes=5))
    posts = await bot.recorder.wait_for("message")
    pages = [(p.body["embeds"][0].get("footer") or {}).get("text") for p in posts]
    assert pages in ([None], [f"{i}/{len(posts)}" for i in range(1, len(posts) + 1)])  # one briefing, once
    assert all(p.path == f"/channels/{CHANNEL_ID}/messages" for p in posts)
    assert posts[0].body["allowed_mentions"]["parse"] == []
    for post in posts:
        for embed in post.body.get("embeds", []):
            assert_embed_within_limits(embed)
    assert posts[0].body["embeds"][0]["title"] == "Briefing"


async def test_discord_refuses_members_without_manage_channels(discord_with_subscriptions, scheduler):
    bot = discord_with_subscriptions
    bot.interaction("subscribe", [{"name": "time", "type": 3, "value": "08:30"},
                                  {"name": "timezone", "type": 3, "value": "Europe/London"}], permissions="0")
    [callback] = await bot.recorder.wait_for("callback")
    assert callback.body["data"]["flags"] == 64
    assert "Manage Channels" in callback.body["data"]["content"]
    assert scheduler.service.subscriptions() == []


async def test_discord_time_zone_autocomplete_and_bad_zone(discord_with_subscriptions):
    bot = discord_with_subscriptions
    bot.interaction("subscribe", [{"name": "time", "type": 3, "value": "08:30"},
                                  {"name": "timezone", "type": 3, "value": "europe/lon", "focused": True}], kind=4)
    [choices] = await bot.recorder.wait_for("callback")
    assert choices.body["data"]["choices"][0]["value"] == "Europe/London"
    bot.interaction("subscribe", [{"name": "time", "type": 3, "value": "08:30"},
                                  {"name": "timezone", "type": 3, "value": "Mars/Olympus"}], permissions=MANAGE_CHANNELS)
    callbacks = await bot.recorder.wait_for("callback", 2)
    assert callbacks[1].body["data"]["flags"] == 64
    assert "unknown time zone 'Mars/Olympus'" in callbacks[1].body["data"]["content"]
