"""End to end: a feed followed through a real Slack slash command, polled by the scheduler on
loopback; when it gains an entry, the next scheduled briefing in a Slack channel and a Discord
channel leads with what changed (a revised figure, both citations) and the new claim, cited;
the briefing after that repeats neither."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest

from briefings.following import FeedPolicy
from briefings.service import BriefingService
from bot.discord.client import DiscordAdapter
from bot.scheduler import BriefingScheduler
from bot.slack.app import SlackAdapter

from .discord_harness import CHANNEL_ID, start_harness
from .slack_harness import SlackHarness
from .test_discord import embed_text
from .fakes import Clock
from .test_feeds import LOOPBACK
from .test_slack import text_of
from .test_subscriptions_e2e import MANAGE_CHANNELS
from .processes import ROOT

UTC = timezone.utc
START = datetime(2024, 6, 3, 6, 0, tzinfo=UTC)  # 07:00 in London
SLOT = timedelta(hours=7, minutes=30)  # 08:30 BST
REVISED = "Tarn County Emergency Office now gives 11,000 residents (earlier: 12,000 residents)"
NEW_CLAIM = "Engineers will begin pumping water out of the flooded Millbrook road tunnel on Thursday"


@pytest.fixture
def clock() -> Clock:
    return Clock(START)


@pytest.fixture
def scheduler(empty_store, model, clock):
    service = BriefingService(empty_store, embedder=model, clock=clock, fetch_policy=LOOPBACK,
                              feed_policy=FeedPolicy(default_every=900))
    return BriefingScheduler(service, grace=timedelta(hours=1), clock=clock)


@pytest.fixture
async def chat(scheduler, slack_recorder, slack_settings, discord_recorder, discord_settings):
    slack_adapter = SlackAdapter(scheduler.service, slack_settings(), scheduler.commands)
    discord_adapter = DiscordAdapter(scheduler.service, discord_settings(), scheduler.commands)
    scheduler.attach({"slack": slack_adapter.sender, "discord": discord_adapter.sender})
    slack = SlackHarness(slack_adapter, slack_recorder)
    await slack.start()
    discord = await start_harness(discord_adapter, discord_recorder)
    yield slack, discord
    await discord_adapter.client.close()
    await slack.stop()


def service_find(scheduler, slug: str):
    return [d for d in scheduler.service.store.documents() if d.url and d.url.endswith(f"/{slug}.html")]


def slack_briefings(slack) -> list[str]:
    return [text_of(p.body) for p in slack.recorder.of("chat.postMessage")]


def discord_briefings(discord) -> list[str]:
    out = []
    for p in discord.recorder.of("message"):
        out.append((p.body.get("content") or "") + "\n" + "\n".join(embed_text(e) for e in p.body.get("embeds", [])))
    return out


def citations(text: str, line_start: str) -> list[str]:
    line = next(line for line in text.splitlines() if line_start in line)
    return re.findall(r"\[(\d+)\]", line)


async def test_a_new_entry_leads_the_next_briefing_on_both_platforms_once(chat, scheduler, feed_site, clock):
    slack, discord = chat
    slack.recorder.users["U1"] = {"id": "U1", "is_admin": True}
    rss = feed_site.feed("/rss.xml", "rss", ["evacuations", "rail", "bridges"])
    await slack.command(f"feeds add <{rss}> --every 15m", user="U1")
    await slack.command("subscribe 08:30 Europe/London", user="U1")
    replies = await slack.recorder.wait_for("respond", 2)
    assert f"Following {rss} (#1) every 15m" in replies[0].body["text"]
    discord.interaction("subscribe", [{"name": "time", "type": 3, "value": "08:30"},
                                      {"name": "timezone", "type": 3, "value": "Europe/London"}],
                        permissions=MANAGE_CHANNELS)
    await discord.recorder.wait_for("callback")

    [first] = await scheduler.poll_feeds(now=START)  # the back catalogue: read, not announced
    assert first.line() == f"#1 {rss}: 3 new entries ingested (back catalogue, not announced as new)"

    day1 = START.replace(hour=0) + SLOT
    clock.now = day1 + timedelta(seconds=5)
    await scheduler.catch_up(now=clock.now)
    assert len(slack_briefings(slack)) == 1 and "12,000 residents" in slack_briefings(slack)[0]
    assert "12,000 residents" in discord_briefings(discord)[-1]
    discord_seen = len(discord.recorder.of("message"))

    feed_site.feed("/rss.xml", "rss", ["evacuations", "rail", "bridges", "revised"])  # the feed gains an entry
    clock.now = day1 + timedelta(hours=3)
    [poll] = await scheduler.poll_feeds(now=clock.now)
    assert poll.line() == f"#1 {rss}: 1 new entry ingested"

    clock.now = day1 + timedelta(days=1, seconds=5)
    results = await scheduler.catch_up(now=clock.now)
    assert sorted(o.status for _, o in results) == ["done", "done"]
    slack_text = slack_briefings(slack)[1].split("\n", 1)[1]  # the blocks, not the notification text
    discord_text = "\n".join(discord_briefings(discord)[discord_seen:])
    for text in (slack_text, discord_text):
        assert text.index("What changed") < text.index(REVISED) < text.index(NEW_CLAIM)
        assert len(citations(text, REVISED)) == 2  # the revised figure and the earlier one, each cited
        assert citations(text, NEW_CLAIM)
        assert "Rail line" not in text and "14 bridges" not in text  # nothing the last briefing had
    assert "New since the last briefing." in slack_text

    # another outlet runs the first story again: a new document that says nothing new
    feed_site.feed("/rss.xml", "rss", ["evacuations", "rail", "bridges", "revised", "syndicated"])
    clock.now = day1 + timedelta(days=1, hours=3)
    [again] = await scheduler.poll_feeds(now=clock.now)
    assert again.line() == f"#1 {rss}: 1 new entry ingested"
    clock.now = day1 + timedelta(days=2, seconds=5)
    [quiet] = await scheduler.poll_feeds(now=clock.now)
    assert quiet.line() == f"#1 {rss}: unchanged (not modified)"
    await scheduler.catch_up(now=clock.now)
    third_slack = slack_briefings(slack)[2]
    third_discord = discord_briefings(discord)[-1]
    for text in (third_slack, third_discord):
        assert "Nothing new since the last briefing" in text
        assert REVISED not in text and NEW_CLAIM not in text and "12,000" not in text


async def test_a_feed_that_keeps_failing_tells_its_channel_once_and_again_when_it_recovers(
        chat, scheduler, feed_site, clock):
    slack, _ = chat
    slack.recorder.users["U1"] = {"id": "U1", "is_admin": True}
    url = feed_site.url("/later.xml")
    await slack.command(f"feeds add {url}", user="U1")
    await slack.recorder.wait_for("respond")
    for _ in range(5):
        await scheduler.poll_feeds(now=clock.now)
        clock.now += timedelta(hours=7)
    alerts = [p.body["text"] for p in slack.recorder.of("chat.postMessage")]
    assert alerts == [f"Feed #1 {url} has failed 3 times in a row: not found (HTTP 404). I will keep trying, "
                      "less often, and say when it works again."]
    feed_site.feed("/later.xml", "json", ["rail"])
    await scheduler.poll_feeds(now=clock.now)
    assert [p.body["text"] for p in slack.recorder.of("chat.postMessage")][1:] == [
        f"Feed #1 {url} works again."]


async def test_only_managers_change_feeds_and_anyone_lists_them(chat, scheduler, feed_site):
    slack, discord = chat
    slack.recorder.users["U2"] = {"id": "U2", "is_admin": False}
    await slack.command(f"feeds add {feed_site.url('/rss.xml')}", user="U2")
    await slack.command(f"add {feed_site.page_url('rail')}", user="U2")
    await slack.command("feeds list", user="U2")
    refused_feed, refused_page, listing = await slack.recorder.wait_for("respond", 3)
    assert "can change this channel's feeds" in refused_feed.body["text"]
    assert "can change this channel's feeds" in refused_page.body["text"]
    assert "This channel follows no feeds" in text_of(listing.body)
    discord.interaction("feeds", [{"name": "add", "type": 1, "options": [
        {"name": "url", "type": 3, "value": feed_site.url("/rss.xml")}]}], permissions="0")
    [callback] = await discord.recorder.wait_for("callback")
    assert callback.body["data"]["flags"] == 64 and "Manage Channels" in callback.body["data"]["content"]
    assert scheduler.service.feeds() == [] and scheduler.service.store.documents() == []


async def test_managers_add_a_page_from_either_platform(chat, scheduler, feed_site):
    slack, discord = chat
    slack.recorder.users["U1"] = {"id": "U1", "is_admin": True}
    await slack.command(f"add <{feed_site.page_url('rail')}|the rail story>", user="U1")
    [reply] = await slack.recorder.wait_for("respond")
    assert reply.body["text"].startswith("Added “Rail line between Ostby and Carrow reopens after repairs” (")
    await slack.command(f"add {feed_site.page_url('paywall')}", user="U1")
    replies = await slack.recorder.wait_for("respond", 2)
    assert replies[1].body["response_type"] == "ephemeral"
    assert "no article text (only 68 characters: a paywall stub or a teaser?)" in replies[1].body["text"]

    discord.interaction("add", [{"name": "url", "type": 3, "value": feed_site.page_url("bridges")}],
                        permissions=MANAGE_CHANNELS)
    [deferred] = await discord.recorder.wait_for("callback")
    assert deferred.body["type"] == 5  # acknowledged before fetching
    [followup] = await discord.recorder.wait_for("followup")
    assert followup.body["content"].startswith("Added “Bridge inspections ordered after flood damage” (")
    assert len(scheduler.service.store.documents()) == 2


async def test_a_question_in_a_channel_is_answered_from_the_story_it_follows(chat, scheduler, feed_site):
    """One store, two stories: the seeds (North Korean troops in Russia) and the Tarn Valley
    flood, which a Slack channel follows by feed and a Discord channel by a page added there.
    "what are the estimates?" says nothing of which story: asked in those channels it is
    answered from their story; asked anywhere else, from the whole store. A question there that
    the channel's story cannot answer is refused, not answered from another story, unless it
    names something only another story mentions."""
    slack, discord = chat
    assert not scheduler.service.ingest([str(ROOT / "seeds")]).failed
    slack.recorder.users["U1"] = {"id": "U1", "is_admin": True}
    rss = feed_site.feed("/rss.xml", "rss", ["evacuations", "rail", "bridges"])
    await slack.command(f"feeds add <{rss}>", user="U1", channel="C0F100D01")
    [added] = await slack.recorder.wait_for("respond")
    assert added.body["text"].startswith(f"Following {rss} (#1)"), added.body["text"]
    [poll] = await scheduler.poll_feeds(now=START)
    assert poll.line().endswith("3 new entries ingested (back catalogue, not announced as new)"), poll.line()
    discord.interaction("add", [{"name": "url", "type": 3, "value": feed_site.page_url("rail")}],
                        permissions=MANAGE_CHANNELS)
    await discord.recorder.wait_for("followup")
    store = scheduler.service.store
    assert len(store.documents()) == 8  # five seeds, three flood articles (the page is one of them)
    assert len(store.channel_documents("slack", "C0F100D01")) == 3
    assert store.channel_documents("discord", str(CHANNEL_ID)) == [d.id for d in service_find(scheduler, "rail")]

    def titles(text: str) -> tuple[bool, bool]:
        """(cites the flood story, cites the seeds)"""
        return (any(t in text for t in ("Rail line between Ostby", "Floodwaters", "Bridge inspections")),
                any(t in text for t in ("North Korea", "Cannon-Fodder", "Putin")))

    await slack.command("what are the estimates?", user="U2", channel="C0F100D01")
    await slack.command("what are the estimates?", user="U2", channel="C0A7E4D02")
    in_flood, elsewhere = [text_of(r.body) for r in (await slack.recorder.wait_for("respond", 3))[1:]]
    assert titles(in_flood) == (True, False), in_flood
    assert titles(elsewhere) == (False, True), elsewhere

    discord.message("what are the estimates?")  # the channel the page was added in
    discord.message("what are the estimates?", channel_id=1_100_000_000_000_000_099)
    replies = await discord.recorder.wait_for("message", 2)
    in_rail, elsewhere = ["\n".join(embed_text(e) for e in r.body.get("embeds", [])) for r in replies]
    assert titles(in_rail) == (True, False), in_rail
    assert titles(elsewhere) == (False, True), elsewhere

    # a question naming what only another story mentions is answered from the whole store
    await slack.command("what does North Korea gain?", user="U2", channel="C0F100D01")
    gain = text_of((await slack.recorder.wait_for("respond", 4))[3].body)
    assert titles(gain) == (False, True), gain

    await slack.command("who was charged?", user="U2", channel="C0F100D01")  # no one, in the flood story
    refused = (await slack.recorder.wait_for("respond", 5))[4].body["text"]
    assert refused.startswith("Nothing in the articles this channel follows answers this closely enough"), refused

    # a briefing asked for in the channel is the channel's story; elsewhere, the whole store's
    await slack.command("", user="U2", channel="C0F100D01")
    await slack.command("", user="U2", channel="C0A7E4D02")
    briefed, whole = [text_of(r.body) for r in (await slack.recorder.wait_for("respond", 7))[5:]]
    assert titles(briefed) == (True, False), briefed
    assert titles(whole)[1], whole
