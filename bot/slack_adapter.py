"""Slack adapter: Bolt listeners that turn a slash command, a mention or a DM into one call
on the core's service, and the result into Block Kit messages.

/brief [question | help | sources | subscribe ... | unsubscribe | subscriptions]

Every request is acknowledged at once; the answer follows through the response_url
(slash commands) or chat.postMessage (mentions, DMs). Errors go only to the asker.
"""
from __future__ import annotations

import logging
import re
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Protocol

from slack_bolt.async_app import AsyncApp
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from briefings.errors import BriefingError
from briefings.service import BriefingService

from . import slack_blocks as blocks
from .settings import SlackSettings

log = logging.getLogger(__name__)
MENTION = re.compile(r"<@[A-Z0-9]+(?:\|[^>]*)?>")
RESERVED = ("help", "sources", "subscribe", "unsubscribe", "subscriptions")
MAX_RESPONSE_URL_POSTS = 5  # Slack accepts up to five posts to one response_url
# Web API errors that mean the bot can no longer post in a channel
CHANNEL_GONE = {"channel_not_found", "not_in_channel", "is_archived", "channel_is_archived", "restricted_action"}
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


def _with_note(messages: list[dict], note: str | None) -> list[dict]:
    if note and messages:
        first = messages[0]
        messages[0] = {**first, "text": f"{blocks.escape(note)} {first['text']}"[:3000],
                       "blocks": [blocks.context(blocks.escape(note))] + first["blocks"][:49]}
    return messages


class Subscriptions(Protocol):
    """What the Slack adapter needs from the scheduler (see bot/subscriptions.py)."""

    async def slack_command(self, words: list[str], *, team: str, channel: str, user: str,
                            is_manager: Callable[[], Awaitable[bool]]) -> str: ...


class EventDeduper:
    """Remembers event ids for a while, so a retried event is answered once."""

    def __init__(self, ttl: float = 3600, size: int = 10_000):
        self.ttl, self.size = ttl, size
        self._seen: OrderedDict[str, float] = OrderedDict()

    def first_time(self, key: str) -> bool:
        now = time.monotonic()
        while self._seen and (len(self._seen) > self.size or next(iter(self._seen.values())) < now - self.ttl):
            self._seen.popitem(last=False)
        if key in self._seen:
            return False
        self._seen[key] = now
        return True


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


class SlackAdapter:
    """The Bolt app and its listeners, composed around the service."""

    def __init__(self, service: BriefingService, settings: SlackSettings, subscriptions: Subscriptions | None = None):
        self.service = service
        self.settings = settings
        self.subscriptions = subscriptions
        self.deduper = EventDeduper()
        token = settings.bot_token.get_secret_value() if settings.bot_token else None
        client = AsyncWebClient(token=token, base_url=settings.api_base_url,
                                retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=3)])
        http = settings.mode == "http"
        secret = settings.signing_secret.get_secret_value() if settings.signing_secret else None
        self.app = AsyncApp(client=client, signing_secret=secret if http else None,
                            request_verification_enabled=http, process_before_response=False)
        self.app.middleware(self._drop_retried_events)
        self.app.command("/brief")(self._on_command)
        self.app.event("app_mention")(self._on_mention)
        self.app.event("message")(self._on_message)
        self.app.error(self._on_error)

    # -- listeners ----------------------------------------------------------------------
    async def _drop_retried_events(self, body: dict, next: Callable[[], Awaitable[None]]) -> BoltResponse | None:
        event_id = body.get("event_id")
        if body.get("type") == "event_callback" and event_id and not self.deduper.first_time(event_id):
            log.info("ignoring a retried event %s", event_id)
            return BoltResponse(status=200, body="")
        return await next()

    async def _on_command(self, ack, command: dict, client: AsyncWebClient) -> None:
        await ack()
        reply = Reply(client, channel=command.get("channel_id"), user=command.get("user_id"),
                      response_url=command.get("response_url"), public=not self.settings.ephemeral_answers)
        await self._handle(command.get("text") or "", reply, command, allow_subscriptions=True)

    async def _on_mention(self, event: dict, client: AsyncWebClient) -> None:
        reply = Reply(client, channel=event["channel"], thread_ts=event.get("thread_ts") or event.get("ts"),
                      user=event.get("user"))
        await self._handle(MENTION.sub(" ", event.get("text") or ""), reply, event, allow_subscriptions=False,
                           empty_is_help=True)

    async def _on_message(self, event: dict, client: AsyncWebClient) -> None:
        if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id"):
            return
        reply = Reply(client, channel=event["channel"], user=event.get("user"))
        await self._handle(MENTION.sub(" ", event.get("text") or ""), reply, event, allow_subscriptions=False,
                           empty_is_help=True)

    async def _on_error(self, error: Exception, body: dict) -> None:
        log.error("unhandled error for a %s request: %s", body.get("type") or body.get("command"), error,
                  exc_info=error)

    # -- one path for all three ---------------------------------------------------------
    async def _handle(self, text: str, reply: Reply, payload: dict[str, Any], *, allow_subscriptions: bool,
                      empty_is_help: bool = False) -> None:
        text = " ".join(text.split())
        word = text.split(" ", 1)[0].lower() if text else ""
        try:
            if (not text and empty_is_help) or word == "help":
                await reply.send([blocks.help_message()])
            elif word == "sources" and text.lower() == "sources":
                await reply.send(blocks.sources_messages(await self.service.list_sources()))
            elif word in ("subscribe", "unsubscribe", "subscriptions"):
                await reply.send([blocks.notice(await self._subscriptions(text, payload, reply, allow_subscriptions))])
            elif not text:
                await reply.send(blocks.briefing_messages(await self.service.build_briefing()))
            else:
                answer = await self.service.answer(text)
                await reply.send(blocks.answer_messages(answer, asker=reply.user if reply.response_url else None))
        except SlackApiError as e:
            log.error("Slack API error %s while answering in %s", api_error(e), reply.channel)
            await reply.error(e)
        except BriefingError as e:
            await reply.error(e)
        except Exception as e:
            log.exception("failed to answer %r in %s", text[:200], reply.channel)
            await reply.error(e)

    async def _subscriptions(self, text: str, payload: dict, reply: Reply, allowed_here: bool) -> str:
        from briefings.errors import BadInput

        if not allowed_here:
            raise BadInput("Manage subscriptions with the /brief command in the channel itself.")
        if self.subscriptions is None:
            raise BadInput("Scheduled briefings are not enabled on this bot.")

        async def is_manager() -> bool:
            return await self._is_manager(reply.client, payload.get("user_id") or "")

        return await self.subscriptions.slack_command(
            text.split(), team=payload.get("team_id") or "", channel=payload.get("channel_id") or "",
            user=payload.get("user_id") or "", is_manager=is_manager)

    # -- scheduled posts: the scheduler's Sender -----------------------------------------
    async def post_briefing(self, sub, briefing, note: str | None) -> None:
        await self._post_scheduled(sub.channel, _with_note(blocks.briefing_messages(briefing), note))

    async def post_answer(self, sub, answer, note: str | None) -> None:
        await self._post_scheduled(sub.channel, _with_note(blocks.answer_messages(answer), note))

    async def post_notice(self, sub, text: str) -> None:
        await self._post_scheduled(sub.channel, [blocks.notice(text)])

    async def _post_scheduled(self, channel: str, messages: list[dict]) -> None:
        from .scheduler import ChannelGone

        try:
            for m in messages:
                await self.app.client.chat_postMessage(channel=channel, text=m["text"], blocks=m["blocks"],
                                                       unfurl_links=False, unfurl_media=False)
        except SlackApiError as e:
            if api_error(e) in CHANNEL_GONE:
                raise ChannelGone(api_error(e)) from None
            raise

    async def _is_manager(self, client: AsyncWebClient, user: str) -> bool:
        """Workspace admins and owners, or the users and groups named in the settings."""
        allowed = set(self.settings.subscription_managers)
        if user in allowed:
            return True
        info = await client.users_info(user=user)
        u = info.get("user") or {}
        if u.get("is_admin") or u.get("is_owner") or u.get("is_primary_owner"):
            return True
        for group in (g for g in allowed if g.startswith("S")):
            members = await client.usergroups_users_list(usergroup=group)
            if user in (members.get("users") or []):
                return True
        return False
