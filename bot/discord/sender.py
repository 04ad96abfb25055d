"""Scheduled posts to Discord channels: the scheduler's ``Sender`` for Discord."""
from __future__ import annotations

import discord

from briefings.subscriptions import Subscription
from briefings.types import Answer, Briefing

from . import embeds


class DiscordSender:
    def __init__(self, client: discord.Client):
        self.client = client

    async def post_briefing(self, sub: Subscription, briefing: Briefing, note: str | None) -> None:
        await self._post(sub.channel, embeds.briefing_embeds(briefing), note)

    async def post_answer(self, sub: Subscription, answer: Answer, note: str | None) -> None:
        await self._post(sub.channel, embeds.answer_embeds(answer), note)

    async def post_notice(self, sub: Subscription, text: str) -> None:
        await self._post(sub.channel, [], text)

    async def post_channel_notice(self, channel: str, text: str) -> None:
        await self._post(channel, [], text)

    async def _post(self, channel_id: str, pages: list[discord.Embed], note: str | None) -> None:
        from ..scheduler import ChannelGone

        channel = self.client.get_partial_messageable(int(channel_id))
        try:
            if not pages:
                await channel.send(content=embeds.escape(note or ""))
            for i, page in enumerate(pages):
                await channel.send(content=embeds.escape(note) if note and i == 0 else None, embed=page)
        except (discord.NotFound, discord.Forbidden) as e:
            raise ChannelGone(f"{e.status} {e.text or ''}".strip()) from None
