"""Slack's markup in a question, turned into the plain text the core should read.

    <@U123>, <@U123|ana>     the person's display name (``users.info``, cached; else the label);
                             dropped when it only addresses someone: at the start, or the bot
                             itself anywhere
    <#C123|general>          #general (dropped when Slack sends no name)
    <!here>, <!channel>,     @here, @channel, @everyone, @team (dropped at the start)
    <!everyone>, <!subteam^S1|@team>
    <!date^1700000000^...|Nov 14>  its fallback text
    <https://x|label>        label; <https://x> the URL; <mailto:a@b|a@b> the address
    &amp; &lt; &gt;          & < >

The result is what the core answers and what the answer echoes; the renderers escape the echo.
"""
from __future__ import annotations

import re
from html import unescape
from typing import Awaitable, Callable

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from ..markup import Mention, NameCache, Part, drop_addressing, tidy

MARKUP = re.compile(r"<([^<>]*)>")
BROADCASTS = {"here", "channel", "everyone"}

Resolve = Callable[[str], Awaitable[str | None]]


def parse(text: str) -> list[Part]:
    """The text in parts: plain strings, and mentions still to be named."""
    parts: list[Part] = []
    pos = 0
    for m in MARKUP.finditer(text):
        parts.append(unescape(text[pos:m.start()]))
        parts.append(_token(m.group(1)))
        pos = m.end()
    parts.append(unescape(text[pos:]))
    return [p for p in parts if p != ""]


def _token(inner: str) -> str | Mention:
    target, _, label = inner.partition("|")
    label = unescape(label).strip()
    if target.startswith("@"):
        return Mention(user=target[1:], label=label or None)
    if target.startswith("#"):
        return f"#{label.lstrip('#')}" if label else ""
    if target.startswith("!"):
        name = target[1:]
        if name in BROADCASTS:
            return Mention(label=f"@{name}")
        if name.startswith("subteam^"):
            return Mention(label=label if label.startswith("@") else f"@{label or 'team'}")
        return label  # <!date^...|fallback> and anything newer: its fallback text
    if target.startswith("mailto:"):
        return label or target[len("mailto:"):]
    return label or unescape(target)  # a link


def link_targets(text: str) -> str:
    """Web links as their addresses (``<https://x|label>`` -> ``https://x``), for commands that
    take a URL; other markup is left for ``plain_text``."""
    def target(m: re.Match) -> str:
        url = m.group(1).partition("|")[0]
        return unescape(url) if url.startswith(("http://", "https://")) else m.group(0)

    return MARKUP.sub(target, text)


async def plain_text(text: str, resolve: Resolve, bot_user: str | None = None) -> str:
    """``text`` with Slack markup made plain (see the module docstring)."""
    out = []
    for part in drop_addressing(parse(text)):
        if not isinstance(part, Mention):
            out.append(part)
        elif part.user is None:
            out.append(part.label or "")
        elif part.user != bot_user:  # the bot's own name is never part of the question
            out.append(await resolve(part.user) or part.label or "")
    return tidy("".join(out))


class UserNames(NameCache):
    """Display names from ``users.info``, cached for an hour (Slack allows ~100 calls a minute)."""

    def __init__(self, client: AsyncWebClient):
        super().__init__(self._display_name)
        self.client = client

    async def _display_name(self, user: str) -> str | None:
        try:
            info = await self.client.users_info(user=user)
        except SlackApiError as e:
            if (e.response or {}).get("error") == "user_not_found":
                return None
            raise
        u = info.get("user") or {}
        profile = u.get("profile") or {}
        return profile.get("display_name") or profile.get("real_name") or u.get("real_name") or u.get("name") or None
