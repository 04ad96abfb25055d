"""The question commands: /ask question [private], /brief [topic], /sources, /help.

Slow commands are deferred at once (Discord wants a first response within 3 seconds) and
answered with follow-ups; each is one call on the core's service.
"""
from __future__ import annotations

import discord
from discord import app_commands

from briefings.service import BriefingService

from ..settings import DiscordSettings
from . import embeds
from .markup import Names


class QuestionCommands:
    def __init__(self, service: BriefingService, settings: DiscordSettings, names: Names):
        self.service = service
        self.settings = settings
        self.names = names  # mentions, channels, emoji in a question -> plain text

    def register(self, tree: app_commands.CommandTree) -> None:
        @tree.command(name="ask", description="Ask a question; every point cites its sentence.")
        @app_commands.describe(question="What you want to know, e.g. troop estimates?",
                               private="Show the answer only to you (default: the server's setting)")
        async def ask(interaction: discord.Interaction, question: app_commands.Range[str, 1, 2000],
                      private: bool | None = None) -> None:
            ephemeral = self.settings.ephemeral_answers if private is None else private
            await interaction.response.defer(ephemeral=ephemeral, thinking=True)
            question = await self.names.plain(question, guild=interaction.guild)
            answer = await self.service.answer(question, "discord", str(interaction.channel_id))
            await _follow_up(interaction, embeds.answer_embeds(answer), ephemeral)

        @tree.command(name="brief", description="Today's briefing, optionally on one topic.")
        @app_commands.describe(topic="Only claims about this (suggestions come from the store)")
        async def brief(interaction: discord.Interaction, topic: app_commands.Range[str, 1, 200] | None = None) -> None:
            await interaction.response.defer(thinking=True)
            topic = await self.names.plain(topic, guild=interaction.guild) if topic else None
            briefing = await self.service.build_briefing(topic=topic or None, platform="discord",
                                                         channel=str(interaction.channel_id))
            await _follow_up(interaction, embeds.briefing_embeds(briefing), False)

        @brief.autocomplete("topic")
        async def topic_choices(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
            names = await self.service.suggest_topics(current, 25)
            return [app_commands.Choice(name=n[:100], value=n[:100]) for n in names]

        @tree.command(name="sources", description="The documents briefbot has read.")
        async def sources(interaction: discord.Interaction) -> None:
            pages = embeds.sources_embeds(await self.service.list_sources())
            await interaction.response.send_message(embed=pages[0])
            for page in pages[1:]:
                await interaction.followup.send(embed=page)

        @tree.command(name="help", description="How to use briefbot.")
        async def help_(interaction: discord.Interaction) -> None:
            await interaction.response.send_message(embed=embeds.help_embed(), ephemeral=True)


async def _follow_up(interaction: discord.Interaction, pages: list[discord.Embed], ephemeral: bool) -> None:
    for page in pages:
        await interaction.followup.send(embed=page, ephemeral=ephemeral)
