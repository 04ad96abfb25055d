"""Following feeds and adding pages from chat, for the people who may manage the channel.

Slack:   /brief feeds add URL [--every 15m]   /brief feeds list   /brief feeds remove ID
         /brief add URL
Discord: /feeds add url [every]   /feeds list   /feeds remove id   /add url

A feed added in a channel belongs to it: that channel hears when the feed keeps failing and
when it works again. Only managers add or remove feeds and pages; anyone may list them.
Fetching a page takes a while: the platform has been answered before it starts.
"""
from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Awaitable, Callable

from briefings.errors import BadInput, NotAllowed
from briefings.feeds import describe_every

from .commands import DISCORD_REFUSAL

if TYPE_CHECKING:
    from briefings.service import BriefingService

SLACK_USAGE = "usage: /brief feeds add URL [--every 15m] | /brief feeds list | /brief feeds remove ID | /brief add URL"
SLACK_REFUSAL = ("Only workspace admins and owners, or the people named in briefbot's settings, "
                 "can change this channel's feeds.")


class FeedCommands:
    def __init__(self, service: "BriefingService"):
        self.service = service

    # -- the use cases ----------------------------------------------------------------------
    async def follow(self, *, platform: str, channel: str, url: str, every: str | None = None, workspace: str = "",
                     user: str | None = None) -> str:
        added = await asyncio.to_thread(self.service.add_feed, url, every=every, platform=platform, channel=channel,
                                        workspace=workspace, created_by=user)
        f = added.feed
        if not added.created:
            return f"This channel already follows {f.url} (#{f.id}, every {describe_every(f.every_seconds)})."
        return (f"Following {f.url} (#{f.id}) every {describe_every(f.every_seconds)}. Its articles so far go "
                "into the store without being announced; new ones lead the next briefing.")

    async def unfollow(self, *, platform: str, channel: str, feed_id: int) -> str:
        feed = await asyncio.to_thread(self.service.remove_feed, feed_id, platform=platform, channel=channel)
        return f"Stopped following {feed.url} (#{feed.id})."

    async def listing(self, *, platform: str, channel: str) -> str:
        feeds = await asyncio.to_thread(self.service.feeds, platform, channel)
        if not feeds:
            return "This channel follows no feeds. Add one with feeds add URL."
        return "This channel's feeds:\n" + "\n".join(f.describe() for f in feeds)

    async def add_page(self, url: str, *, platform: str = "", channel: str = "") -> str:
        """Read one article into the store, as part of ``channel``'s story."""
        result = await self.service.ingest_url(url, platform=platform, channel=channel)
        if result.status == "failed":
            raise BadInput(f"Could not add {result.error}")
        docs = await asyncio.to_thread(self.service.find_documents, url)
        title = f"“{docs[0].title}”" if docs else url
        if result.status == "unchanged":
            return f"Already read: {title} ({url})."
        verb = "Updated" if result.status == "replaced" else "Added"
        return f"{verb} {title} ({result.claims} claims) from {url}."

    # -- Slack ------------------------------------------------------------------------------
    async def slack_command(self, words: list[str], *, team: str, channel: str, user: str,
                            is_manager: Callable[[], Awaitable[bool]]) -> str:
        verb = words[1].lower() if words[0].lower() == "feeds" and len(words) > 1 else words[0].lower()
        where = {"platform": "slack", "channel": channel}
        if words[0].lower() == "feeds" and verb in ("feeds", "list"):
            return await self.listing(**where)
        if not await is_manager():
            raise NotAllowed(SLACK_REFUSAL)
        if words[0].lower() == "add" and len(words) == 2:
            return await self.add_page(words[1], **where)
        args = words[2:]
        if verb == "add" and args:
            every = None
            if "--every" in args:
                i = args.index("--every")
                if i + 1 >= len(args):
                    raise BadInput(SLACK_USAGE)
                every = args[i + 1]
                args = args[:i] + args[i + 2:]
            if len(args) != 1:
                raise BadInput(SLACK_USAGE)
            return await self.follow(**where, url=args[0], every=every, workspace=team, user=user)
        if verb == "remove" and len(args) == 1:
            return await self.unfollow(**where, feed_id=_feed_id(args[0]))
        raise BadInput(SLACK_USAGE)

    # -- Discord ----------------------------------------------------------------------------
    def register_discord(self, tree) -> None:
        import discord
        from discord import app_commands

        def can_manage(interaction: discord.Interaction) -> bool:
            p = interaction.permissions
            if not (p.manage_channels or p.manage_guild):
                raise app_commands.CheckFailure(DISCORD_REFUSAL.replace("subscriptions", "feeds"))
            return True

        def where(interaction: discord.Interaction) -> dict:
            return {"platform": "discord", "channel": str(interaction.channel_id)}

        group = app_commands.Group(name="feeds", description="Feeds this channel follows.", guild_only=True)

        @group.command(name="add", description="Follow a feed (RSS, Atom or JSON Feed) in this channel.")
        @app_commands.describe(url="The feed's address", every="How often to read it, e.g. 15m, 1h (default 15m)")
        @app_commands.check(can_manage)
        async def add(interaction: discord.Interaction, url: str, every: str | None = None) -> None:
            await interaction.response.send_message(await self.follow(
                **where(interaction), url=url, every=every, workspace=str(interaction.guild_id or ""),
                user=str(interaction.user.id)))

        @group.command(name="list", description="The feeds this channel follows.")
        async def list_(interaction: discord.Interaction) -> None:
            await interaction.response.send_message(await self.listing(**where(interaction)), ephemeral=True)

        @group.command(name="remove", description="Stop following a feed.")
        @app_commands.describe(id="The feed's number from /feeds list")
        @app_commands.check(can_manage)
        async def remove(interaction: discord.Interaction, id: int) -> None:
            await interaction.response.send_message(await self.unfollow(**where(interaction), feed_id=id))

        tree.add_command(group)

        @tree.command(name="add", description="Read one web page (an article) into briefbot's store.")
        @app_commands.describe(url="The article's address")
        @app_commands.guild_only()
        @app_commands.check(can_manage)
        async def add_page(interaction: discord.Interaction, url: str) -> None:
            await interaction.response.defer(thinking=True)  # fetching can take longer than Discord waits
            await interaction.followup.send(await self.add_page(url, **where(interaction)))


def _feed_id(word: str) -> int:
    try:
        return int(word.lstrip("#"))
    except ValueError:
        raise BadInput(f"{word!r} is not a feed number; see /brief feeds list") from None
