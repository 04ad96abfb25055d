"""Discord adapter: an application-command tree plus mentions and DMs, each turned into one
call on the core's service and the result into embeds.

/ask question [private]   /brief [topic]   /sources   /help
(/subscribe, /unsubscribe, /subscriptions come from the scheduler, see discord_subscriptions.py)

Slow commands are deferred at once (Discord wants a first response within 3 seconds) and
answered with follow-ups. Nothing the bot sends can ping: AllowedMentions.none() on the client.
"""
from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

import discord
from discord import app_commands

from briefings.errors import BriefingError
from briefings.service import BriefingService

from . import discord_embeds as embeds
from .settings import DiscordSettings

log = logging.getLogger(__name__)
APOLOGY = "Sorry, something went wrong while answering. It has been logged; please try again."
# What the bot needs in a channel: read it, post and embed, reply (needs the history), in threads too.
PERMISSIONS = discord.Permissions(view_channel=True, send_messages=True, send_messages_in_threads=True,
                                  embed_links=True, read_message_history=True)


def user_message(exc: BaseException) -> str:
    """The one place where an error becomes what a Discord user reads."""
    if isinstance(exc, app_commands.CommandInvokeError):
        exc = exc.original
    if isinstance(exc, BriefingError):
        return str(exc)
    if isinstance(exc, app_commands.CheckFailure):
        return str(exc) or "You may not use this command here."
    return APOLOGY


def intents() -> discord.Intents:
    """The smallest set that works: DMs and mentions carry their content without the privileged intent."""
    i = discord.Intents.none()
    i.guilds = True
    i.guild_messages = True
    i.dm_messages = True
    return i


class DiscordAdapter:
    def __init__(self, service: BriefingService, settings: DiscordSettings, subscriptions: Any = None):
        self.service = service
        self.settings = settings
        self.client = discord.Client(intents=intents(), allowed_mentions=discord.AllowedMentions.none(),
                                     application_id=settings.application_id)
        self.tree = app_commands.CommandTree(self.client)
        self.tree.on_error = self.on_tree_error
        self._ready = asyncio.Event()
        self.client.event(self.on_ready)
        self.client.event(self.on_message)
        self._register()
        if subscriptions is not None:
            subscriptions.register_discord(self.tree)

    async def ready(self) -> None:
        await self._ready.wait()

    async def on_ready(self) -> None:
        self._ready.set()

    # -- commands -------------------------------------------------------------------------
    def _register(self) -> None:
        @self.tree.command(name="ask", description="Ask a question; every point cites its sentence.")
        @app_commands.describe(question="What you want to know, e.g. troop estimates?",
                               private="Show the answer only to you (default: the server's setting)")
        async def ask(interaction: discord.Interaction, question: app_commands.Range[str, 1, 2000],
                      private: bool | None = None) -> None:
            ephemeral = self.settings.ephemeral_answers if private is None else private
            await interaction.response.defer(ephemeral=ephemeral, thinking=True)
            await self._follow_up(interaction, embeds.answer_embeds(await self.service.answer(question)), ephemeral)

        @self.tree.command(name="brief", description="Today's briefing, optionally on one topic.")
        @app_commands.describe(topic="Only claims about this (suggestions come from the store)")
        async def brief(interaction: discord.Interaction, topic: app_commands.Range[str, 1, 200] | None = None) -> None:
            await interaction.response.defer(thinking=True)
            briefing = await self.service.build_briefing(topic=topic)
            await self._follow_up(interaction, embeds.briefing_embeds(briefing), False)

        @brief.autocomplete("topic")
        async def topic_choices(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
            names = await self.service.suggest_topics(current, 25)
            return [app_commands.Choice(name=n[:100], value=n[:100]) for n in names]

        @self.tree.command(name="sources", description="The documents briefbot has read.")
        async def sources(interaction: discord.Interaction) -> None:
            pages = embeds.sources_embeds(await self.service.list_sources())
            await interaction.response.send_message(embed=pages[0])
            for page in pages[1:]:
                await interaction.followup.send(embed=page)

        @self.tree.command(name="help", description="How to use briefbot.")
        async def help_(interaction: discord.Interaction) -> None:
            await interaction.response.send_message(embed=embeds.help_embed(), ephemeral=True)

    async def _follow_up(self, interaction: discord.Interaction, pages: list[discord.Embed], ephemeral: bool) -> None:
        for page in pages:
            await interaction.followup.send(embed=page, ephemeral=ephemeral)

    async def on_tree_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        """Every command error ends here: a short message only the user sees, details in the log."""
        message = user_message(error)
        if message == APOLOGY:
            log.error("command %s failed", interaction.command and interaction.command.name, exc_info=error)
        try:
            if not interaction.response.is_done():
                await interaction.response.send_message(message, ephemeral=True)
                return
            if interaction.response.type == discord.InteractionResponseType.deferred_channel_message:
                # a public "thinking…" message would turn the error public: remove it first
                await interaction.delete_original_response()
            await interaction.followup.send(message, ephemeral=True)
        except discord.HTTPException:
            log.exception("could not tell the user about an error")

    # -- mentions and direct messages -----------------------------------------------------
    async def on_message(self, message: discord.Message) -> None:
        me = self.client.user
        if message.author.bot or me is None:
            return
        if not isinstance(message.channel, discord.DMChannel) and me not in message.mentions:
            return  # in a server, only messages that mention the bot are for it
        text = re.sub(rf"<@!?{me.id}>", " ", message.content)
        text = " ".join(text.split())
        try:
            if not text or text.lower() == "help":
                pages = [embeds.help_embed()]
            elif text.lower() == "sources":
                pages = embeds.sources_embeds(await self.service.list_sources())
            else:
                pages = embeds.answer_embeds(await self.service.answer(text))
            await message.reply(embed=pages[0], mention_author=False)
            for page in pages[1:]:
                await message.channel.send(embed=page)
        except Exception as e:
            if user_message(e) == APOLOGY:
                log.exception("failed to answer a message in channel %s", message.channel.id)
            try:
                await message.reply(user_message(e), mention_author=False)
            except discord.HTTPException:
                log.exception("could not tell the user about an error")


    # -- scheduled posts: the scheduler's Sender -------------------------------------------
    async def post_briefing(self, sub, briefing, note: str | None) -> None:
        await self._post_scheduled(sub.channel, embeds.briefing_embeds(briefing), note)

    async def post_answer(self, sub, answer, note: str | None) -> None:
        await self._post_scheduled(sub.channel, embeds.answer_embeds(answer), note)

    async def post_notice(self, sub, text: str) -> None:
        await self._post_scheduled(sub.channel, [], text)

    async def _post_scheduled(self, channel_id: str, pages: list[discord.Embed], note: str | None) -> None:
        from .scheduler import ChannelGone

        channel = self.client.get_partial_messageable(int(channel_id))
        try:
            if not pages:
                await channel.send(content=embeds.escape(note or ""))
            for i, page in enumerate(pages):
                await channel.send(content=embeds.escape(note) if note and i == 0 else None, embed=page)
        except (discord.NotFound, discord.Forbidden) as e:
            raise ChannelGone(f"{e.status} {e.text or ''}".strip()) from None


def invite_url(application_id: int) -> str:
    """The OAuth2 URL that adds the bot with its commands and only the permissions it uses."""
    return discord.utils.oauth_url(application_id, permissions=PERMISSIONS, scopes=("bot", "applications.commands"))


async def sync_commands(adapter: DiscordAdapter, token: str, guild_id: int | None) -> list[str]:
    """Register the command tree: to one server (instant, for development) or globally."""
    await adapter.client.login(token)
    try:
        if guild_id:
            guild = discord.Object(id=guild_id)
            adapter.tree.copy_global_to(guild=guild)
            synced = await adapter.tree.sync(guild=guild)
        else:
            synced = await adapter.tree.sync()
        return [c.name for c in synced]
    finally:
        await adapter.client.close()
