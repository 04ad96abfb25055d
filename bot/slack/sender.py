"""Scheduled posts to Slack channels: the scheduler's ``Sender`` for Slack."""
from __future__ import annotations

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from briefings.subscriptions import Subscription
from briefings.types import Answer, Briefing

from . import blocks
from .reply import api_error

# Web API errors that mean the bot can no longer post in a channel
CHANNEL_GONE = {"channel_not_found", "not_in_channel", "is_archived", "channel_is_archived", "restricted_action"}


def _with_note(messages: list[dict], note: str | None) -> list[dict]:
    if note and messages:
        first = messages[0]
        messages[0] = {**first, "text": f"{blocks.escape(note)} {first['text']}"[:3000],
                       "blocks": [blocks.context(blocks.escape(note))] + first["blocks"][:49]}
    return messages


class SlackSender:
    def __init__(self, client: AsyncWebClient):
        self.client = client

    async def post_briefing(self, sub: Subscription, briefing: Briefing, note: str | None) -> None:
        await self._post(sub.channel, _with_note(blocks.briefing_messages(briefing), note))

    async def post_answer(self, sub: Subscription, answer: Answer, note: str | None) -> None:
        await self._post(sub.channel, _with_note(blocks.answer_messages(answer), note))

    async def post_notice(self, sub: Subscription, text: str) -> None:
        await self._post(sub.channel, [blocks.notice(text)])

    async def post_channel_notice(self, channel: str, text: str) -> None:
        await self._post(channel, [blocks.notice(text)])

    async def _post(self, channel: str, messages: list[dict]) -> None:
        from ..scheduler import ChannelGone

        try:
            for m in messages:
                await self.client.chat_postMessage(channel=channel, text=m["text"], blocks=m["blocks"],
                                                   unfurl_links=False, unfurl_media=False)
        except SlackApiError as e:
            if api_error(e) in CHANNEL_GONE:
                raise ChannelGone(api_error(e)) from None
            raise
