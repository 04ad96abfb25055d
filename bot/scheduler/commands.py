"""Managing a channel's subscriptions from chat: the same three use cases on both platforms.

Slack:   /brief subscribe HH:MM Area/City [topic | question?] [--quiet]
         /brief unsubscribe [ID]      /brief subscriptions
Discord: /subscribe time timezone [topic] [question] [quiet]   /unsubscribe [id]   /subscriptions

Only people who may manage the channel can change its subscriptions; anyone may list them.
"""
from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Awaitable, Callable

from briefings.errors import BadInput, NotAllowed
from briefings.subscriptions import zone_suggestions

if TYPE_CHECKING:
    from .scheduler import BriefingScheduler

SLACK_USAGE = ("usage: /brief subscribe HH:MM Area/City [topic, or a question ending in ?] [--quiet], "
               "e.g. /brief subscribe 08:30 Europe/London")
SLACK_REFUSAL = ("Only workspace admins and owners, or the people named in briefbot's settings, "
                 "can change this channel's subscriptions.")
DISCORD_REFUSAL = "You need the Manage Channels (or Manage Server) permission to change this channel's subscriptions."


class SubscriptionCommands:
    def __init__(self, scheduler: "BriefingScheduler"):
        self.scheduler = scheduler
        self.service = scheduler.service

    # -- the use cases: one call on the service each, then the jobs follow ----------------
    async def subscribe(self, *, platform: str, channel: str, at_time: str, tz: str, topic: str | None = None,
                        question: str | None = None, quiet: bool = False, workspace: str = "",
                        user: str | None = None) -> str:
        made = await asyncio.to_thread(self.service.subscribe, platform=platform, channel=channel, at_time=at_time,
                                       tz=tz, topic=topic, question=question, quiet=quiet, workspace=workspace,
                                       created_by=user)
        sub = made.subscription
        if not made.created:
            return f"This channel is already subscribed to {sub.what()} (#{sub.id})."
        await self.scheduler.sync_jobs()
        return f"Subscribed this channel to {sub.what()} (#{sub.id})."

    async def unsubscribe(self, *, platform: str, channel: str, sub_id: int | None = None) -> str:
        if sub_id is not None:
            removed = [await asyncio.to_thread(self.service.unsubscribe, sub_id, platform=platform, channel=channel)]
        else:
            removed = await asyncio.to_thread(self.service.unsubscribe_channel, platform, channel)
        await self.scheduler.sync_jobs()
        if not removed:
            return "This channel has no subscriptions."
        return "Removed " + "; ".join(s.describe() for s in removed) + "."

    async def listing(self, *, platform: str, channel: str) -> str:
        subs = await asyncio.to_thread(self.service.schedule, platform, channel)
        if not subs:
            return "This channel has no subscriptions. Add one with subscribe HH:MM Area/City."
        return "This channel's subscriptions:\n" + "\n".join(s.describe() for s in subs)

    # -- Slack ----------------------------------------------------------------------------
    async def slack_command(self, words: list[str], *, team: str, channel: str, user: str,
                            is_manager: Callable[[], Awaitable[bool]]) -> str:
        verb = words[0].lower()
        if verb in ("feeds", "add"):
            from .feeds import FeedCommands

            return await FeedCommands(self.service).slack_command(words, team=team, channel=channel, user=user,
                                                                  is_manager=is_manager)
        if verb == "subscriptions":
            return await self.listing(platform="slack", channel=channel)
        if not await is_manager():
            raise NotAllowed(SLACK_REFUSAL)
        if verb == "unsubscribe":
            return await self.unsubscribe(platform="slack", channel=channel,
                                          sub_id=_sub_id(words[1]) if len(words) > 1 else None)
        quiet = "--quiet" in words
        args = [w for w in words[1:] if w != "--quiet"]
        if len(args) < 2:
            raise BadInput(SLACK_USAGE)
        rest = " ".join(args[2:]).strip() or None
        question = rest if rest and rest.endswith("?") else None
        return await self.subscribe(platform="slack", workspace=team, channel=channel, at_time=args[0], tz=args[1],
                                    topic=None if question else rest, question=question, quiet=quiet, user=user)

    # -- Discord --------------------------------------------------------------------------
    def register_discord(self, tree) -> None:
        import discord
        from discord import app_commands

        def can_manage(interaction: discord.Interaction) -> bool:
            p = interaction.permissions
            if not (p.manage_channels or p.manage_guild):
                raise app_commands.CheckFailure(DISCORD_REFUSAL)
            return True

        def where(interaction: discord.Interaction) -> dict:
            return {"platform": "discord", "channel": str(interaction.channel_id)}

        @tree.command(name="subscribe", description="Post a daily briefing (or a standing question) in this channel.")
        @app_commands.describe(time="Local time, HH:MM on a 24-hour clock, e.g. 08:30",
                               timezone="IANA time zone, e.g. Europe/London",
                               topic="Only claims about this topic",
                               question="A standing question, posted only when its answer changes",
                               quiet="Post nothing on days with nothing new")
        @app_commands.guild_only()
        @app_commands.check(can_manage)
        async def subscribe(interaction: discord.Interaction, time: str, timezone: str, topic: str | None = None,
                            question: str | None = None, quiet: bool = False) -> None:
            text = await self.subscribe(**where(interaction), workspace=str(interaction.guild_id or ""),
                                        at_time=time, tz=timezone, topic=topic, question=question, quiet=quiet,
                                        user=str(interaction.user.id))
            await interaction.response.send_message(text)

        @subscribe.autocomplete("timezone")
        async def zones(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
            return [app_commands.Choice(name=z, value=z) for z in zone_suggestions(current, 25)]

        @tree.command(name="unsubscribe", description="Stop this channel's scheduled briefings (all, or one by id).")
        @app_commands.describe(id="The subscription's number from /subscriptions (default: all of them)")
        @app_commands.guild_only()
        @app_commands.check(can_manage)
        async def unsubscribe(interaction: discord.Interaction, id: int | None = None) -> None:
            await interaction.response.send_message(await self.unsubscribe(**where(interaction), sub_id=id))

        @tree.command(name="subscriptions", description="List this channel's scheduled briefings.")
        async def subscriptions(interaction: discord.Interaction) -> None:
            await interaction.response.send_message(await self.listing(**where(interaction)), ephemeral=True)

        from .feeds import FeedCommands

        FeedCommands(self.service).register_discord(tree)


def _sub_id(word: str) -> int:
    try:
        return int(word.lstrip("#"))
    except ValueError:
        raise BadInput(f"{word!r} is not a subscription number; see /brief subscriptions") from None
