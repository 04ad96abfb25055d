"""Where the answer to one Slack request goes, and the one place an error becomes what a
Slack user reads."""
from __future__ import annotations

import logging
from dataclasses import dataclass

from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from briefings.errors import BriefingError

from . import blocks

log = logging.getLogger(__name__)
MAX_RESPONSE_URL_POSTS = 5  # Slack accepts up to five posts to one response_url
APOLOGY = "Sorry, something went wrong while answering. It has been logged; please try again."


def api_error(e: SlackApiError) -> str:
    """The Web API's error code ("channel_not_found"), or the HTTP status when there is none."""
    data = getattr(e.response, "data", None)
    return data.get("error", "") if isinstance(data, dict) else f"http_{getattr(e.response, 'status_code', '?')}"


def user_message(exc: BaseException) -> str:
    """The one place where an error becomes what a Slack user reads."""
    if isinstance(exc, BriefingError):
        return str(exc)
    return APOLOGY


@dataclass
class Reply:
    """Where the answer to one request goes: a response_url, or a channel (and thread)."""

    client: AsyncWebClient
    channel: str | None = None
    thread_ts: str | None = None
    user: str | None = None
    response_url: str | None = None
    public: bool = True

    def _hook(self) -> AsyncWebhookClient:
        """The response_url client, retrying 429s after Retry-After like the Web API client."""
        return AsyncWebhookClient(self.response_url, retry_handlers=[AsyncRateLimitErrorRetryHandler(3)])

    async def send(self, messages: list[dict]) -> None:
        if self.response_url:
            hook = self._hook()
            for m in messages[:MAX_RESPONSE_URL_POSTS]:
                await hook.send(text=m["text"], blocks=m["blocks"],
                                response_type="in_channel" if self.public else "ephemeral")
            return
        for m in messages:
            await self.client.chat_postMessage(channel=self.channel, thread_ts=self.thread_ts, text=m["text"],
                                               blocks=m["blocks"], unfurl_links=False, unfurl_media=False)

    async def error(self, exc: BaseException) -> None:
        """Tell only the asker."""
        m = blocks.notice(user_message(exc))
        try:
            if self.response_url:
                await self._hook().send(text=m["text"], blocks=m["blocks"], response_type="ephemeral")
            elif self.channel and self.user:
                await self.client.chat_postEphemeral(channel=self.channel, user=self.user, thread_ts=self.thread_ts,
                                                     text=m["text"], blocks=m["blocks"])
        except Exception:
            log.exception("could not tell the user about an error (channel %s)", self.channel)
