"""The Bolt app: a slash command, a mention or a DM becomes one call on the core's service,
and the result Block Kit messages.

/brief [question | help | sources | subscribe ... | unsubscribe | subscriptions | feeds ... | add URL]

Every request is acknowledged at once; the answer follows through the response_url
(slash commands) or chat.postMessage (mentions, DMs). Errors go only to the asker.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Any, Awaitable, Callable, Protocol

from slack_bolt.async_app import AsyncApp
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from briefings.errors import BriefingError
from briefings.service import BriefingService

from ..settings import SlackSettings
from . import blocks, markup
from .reply import Reply, api_error
from .sender import SlackSender
from .verification import StrictRequestVerification

log = logging.getLogger(__name__)


class Subscriptions(Protocol):
    """What the Slack adapter needs from the scheduler (see bot/scheduler/commands.py)."""

    async def slack_command(self, words: list[str], *, team: str, channel: str, user: str,
                            is_manager: Callable[[], Awaitable[bool]]) -> str: ...


def _adds_page(text: str) -> bool:
    """``add https://…``: a page to read (anything else starting with "add" is a question)."""
    words = text.split()
    return len(words) == 2 and words[1].startswith(("http://", "https://"))


def repeat_key(body: dict) -> str | None:
    """What makes a request the same request again: an event's ``event_id`` (Slack retries an
    event it thinks was not acknowledged, maybe to another replica) or a slash command's
    ``trigger_id`` (a replayed signed request carries the same one)."""
    if body.get("type") == "event_callback" and body.get("event_id"):
        return f"slack:event:{body['event_id']}"
    if body.get("command") and body.get("trigger_id"):
        return f"slack:command:{body['trigger_id']}"
    return None


class SlackAdapter:
    """The Bolt app and its listeners, composed around the service."""

    def __init__(self, service: BriefingService, settings: SlackSettings, subscriptions: Subscriptions | None = None):
        self.service = service
        self.settings = settings
        self.subscriptions = subscriptions
        token = settings.bot_token.get_secret_value() if settings.bot_token else None
        client = AsyncWebClient(token=token, base_url=settings.api_base_url,
                                retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=3)])
        http = settings.mode == "http"
        secret = settings.signing_secret.get_secret_value() if settings.signing_secret else None
        # in HTTP mode our verifier replaces Bolt's, in the same place (before authorisation)
        self.app = AsyncApp(client=client, signing_secret=secret if http else None,
                            request_verification_enabled=False, process_before_response=False,
                            before_authorize=StrictRequestVerification(secret) if http else None)
        self.sender = SlackSender(client)
        self.names = markup.UserNames(client)
        self.app.middleware(self._drop_repeats)
        self.app.command("/brief")(self._on_command)
        self.app.event("app_mention")(self._on_mention)
        self.app.event("message")(self._on_message)
        self.app.error(self._on_error)

    # -- listeners ----------------------------------------------------------------------
    async def _drop_repeats(self, body: dict, next: Callable[[], Awaitable[None]]) -> BoltResponse | None:
        """A request seen before, by this process or another on the same store, is acknowledged
        and dropped. Recorded before the acknowledgement: a process that dies in between loses
        only what Slack would not have retried anyway."""
        key = repeat_key(body)
        if key and await asyncio.to_thread(self.service.seen_event, key):
            log.info("ignoring a repeated request (%s)", key)
            return BoltResponse(status=200, body="")
        return await next()

    async def _on_command(self, ack, command: dict, client: AsyncWebClient, context) -> None:
        await ack()
        reply = Reply(client, channel=command.get("channel_id"), user=command.get("user_id"),
                      response_url=command.get("response_url"), public=not self.settings.ephemeral_answers)
        text = command.get("text") or ""
        if text.split(" ", 1)[0].lower() in ("feeds", "add"):
            text = markup.link_targets(text)  # these take a URL, not a link's label
        await self._handle(await self._plain(text, context), reply, command, allow_subscriptions=True)

    async def _on_mention(self, event: dict, client: AsyncWebClient, context) -> None:
        reply = Reply(client, channel=event["channel"], thread_ts=event.get("thread_ts") or event.get("ts"),
                      user=event.get("user"))
        await self._handle(await self._plain(event.get("text"), context), reply, event, allow_subscriptions=False,
                           empty_is_help=True)

    async def _on_message(self, event: dict, client: AsyncWebClient, context) -> None:
        if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id"):
            return
        reply = Reply(client, channel=event["channel"], user=event.get("user"))
        await self._handle(await self._plain(event.get("text"), context), reply, event, allow_subscriptions=False,
                           empty_is_help=True)

    async def _plain(self, text: str | None, context) -> str:
        """Slack markup (mentions, channels, links) as the plain text the core reads."""
        return await markup.plain_text(text or "", self.names, context.get("bot_user_id"))

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
            elif word in ("subscribe", "unsubscribe", "subscriptions", "feeds") or (
                    word == "add" and _adds_page(text)):
                await reply.send([blocks.notice(await self._subscriptions(text, payload, reply, allow_subscriptions))])
            elif not text:
                await reply.send(blocks.briefing_messages(await self.service.build_briefing(
                    platform="slack", channel=reply.channel)))
            else:
                answer = await self.service.answer(text, "slack", reply.channel)
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
            raise BadInput("Manage subscriptions and feeds with the /brief command in the channel itself.")
        if self.subscriptions is None:
            raise BadInput("Scheduled briefings are not enabled on this bot.")

        async def is_manager() -> bool:
            return await self._is_manager(reply.client, payload.get("user_id") or "")

        return await self.subscriptions.slack_command(
            text.split(), team=payload.get("team_id") or "", channel=payload.get("channel_id") or "",
            user=payload.get("user_id") or "", is_manager=is_manager)

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
