"""The Discord client: the application-command tree, mentions and DMs, each turned into one
call on the core's service and the result into embeds.

Commands: /ask, /brief, /sources, /help (``commands.py``); /subscribe, /unsubscribe,
/subscriptions come from the scheduler (``bot/scheduler/commands.py``). Nothing the bot
sends can ping: ``AllowedMentions.none()`` on the client.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Any

import discord
import yarl
from discord import app_commands

from briefings.errors import BriefingError
from briefings.service import BriefingService

from ..settings import DiscordSettings
from . import embeds
from .commands import QuestionCommands
from .markup import Names
from .sender import DiscordSender

log = logging.getLogger(__name__)
discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False  # the bot never joins voice
APOLOGY = "Sorry, something went wrong while answering. It has been logged; please try again."


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


def point_at(settings: DiscordSettings) -> None:
    """Send REST calls (webhooks and interaction callbacks too) to ``api_base_url`` and open the
    gateway at ``gateway_url``: a stand-in, a proxy, or Discord itself.

    discord.py reads both from class attributes, so this holds for the whole process (which
    runs one Discord client).
    """
    discord.http.Route.BASE = settings.api_base_url.rstrip("/")
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.gateway_url)


def track(tasks: set[asyncio.Task]) -> None:
    """Keep the running task in ``tasks`` until it ends (discord.py runs each event and each
    interaction in a task of its own)."""
    task = asyncio.current_task()
    if task is not None:
        tasks.add(task)
        task.add_done_callback(tasks.discard)


class TrackedTree(app_commands.CommandTree):
    """The command tree, keeping the task of every interaction it is handling (its command and,
    if it fails, the error message), so that stopping can wait for their follow-ups (``drain``)."""

    def __init__(self, client: discord.Client, tasks: set[asyncio.Task]):
        super().__init__(client)
        self._tasks = tasks

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        # awaited first in the task discord.py starts for each interaction, so that task is ours
        track(self._tasks)
        return True


class DiscordAdapter:
    def __init__(self, service: BriefingService, settings: DiscordSettings, subscriptions: Any = None):
        self.service = service
        self.settings = settings
        point_at(settings)
        self.client = discord.Client(intents=intents(), allowed_mentions=discord.AllowedMentions.none(),
                                     application_id=settings.application_id)
        self._answering: set[asyncio.Task] = set()  # messages and commands being answered (see ``drain``)
        self.tree = TrackedTree(self.client, self._answering)
        self.tree.on_error = self.on_tree_error
        self.sender = DiscordSender(self.client)
        self.names = Names(self.client)
        self._ready = asyncio.Event()
        self.client.event(self.on_ready)
        self.client.event(self.on_message)
        QuestionCommands(service, settings, self.names).register(self.tree)
        if subscriptions is not None:
            subscriptions.register_discord(self.tree)

    async def ready(self) -> None:
        await self._ready.wait()

    async def on_ready(self) -> None:
        self._ready.set()

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

    async def drain(self, timeout: float) -> None:
        """Let the answers being sent finish (every page of them, to mentions, DMs and slash
        commands), for at most ``timeout`` s: called before the client closes, so stopping never
        cuts an answer short."""
        if self._answering:
            await asyncio.wait(set(self._answering), timeout=timeout)

    # -- mentions and direct messages -----------------------------------------------------
    async def on_message(self, message: discord.Message) -> None:
        me = self.client.user
        if message.author.bot or me is None:
            return
        if not isinstance(message.channel, discord.DMChannel) and me not in message.mentions:
            return  # in a server, only messages that mention the bot are for it
        track(self._answering)
        await self._answer_message(message)

    async def _answer_message(self, message: discord.Message) -> None:
        try:
            text = await self.names.plain(message.content, message=message)
            if not text or text.lower() == "help":
                pages = [embeds.help_embed()]
            elif text.lower() == "sources":
                pages = embeds.sources_embeds(await self.service.list_sources())
            else:
                pages = embeds.answer_embeds(await self.service.answer(text, "discord", str(message.channel.id)))
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
