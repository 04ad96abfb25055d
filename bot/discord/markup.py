"""Discord's markup in a question, turned into the plain text the core should read.

    <@123>, <@!123>     the person's display name (from the message's mentions, discord.py's
                        cache, or the REST API, cached); dropped when it only addresses someone:
                        at the start, or the bot itself anywhere
    <@&123>             @role name (dropped at the start, or when the role is unknown)
    <#123>              #channel name (dropped when unknown)
    <:name:1>, <a:name:1>  dropped: a custom emoji's name is not part of a question
    <t:1730361600:R>    the date and time it stands for, e.g. 31 October 2024 08:00 UTC
    </ask:1>            /ask
    @everyone, @here    dropped at the start (they only address people)

The result is what the core answers and what the answer echoes; the embeds escape the echo.
"""
from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Awaitable, Callable, Mapping

import discord

from ..markup import Mention, NameCache, Part, drop_addressing, tidy

MARKUP = re.compile(
    r"<@!?(?P<user>\d+)>|<@&(?P<role>\d+)>|<#(?P<channel>\d+)>|<a?:(?P<emoji>\w+):\d+>"
    r"|<t:(?P<time>-?\d{1,13})(?::(?P<style>[tTdDfFR]))?>|</(?P<command>[\w -]{1,100}):\d+>"
    r"|(?P<broadcast>(?<!\S)@(?:everyone|here)\b)"
)

UserName = Callable[[int], Awaitable[str | None]]


def timestamp(seconds: int, style: str | None) -> str:
    """A ``<t:...>`` timestamp as plain text, in UTC."""
    try:
        when = datetime.fromtimestamp(seconds, timezone.utc)
    except (OverflowError, OSError, ValueError):
        return ""
    if style == "d":
        return when.date().isoformat()
    if style == "D":
        return f"{when.day} {when:%B %Y}"
    if style in ("t", "T"):
        return f"{when:%H:%M} UTC" if style == "t" else f"{when:%H:%M:%S} UTC"
    return f"{when.day} {when:%B %Y %H:%M} UTC"


def parse(text: str, roles: Mapping[int, str], channels: Mapping[int, str]) -> list[Part]:
    """The text in parts: plain strings and mentions; people still to be named."""
    parts: list[Part] = []
    pos = 0
    for m in MARKUP.finditer(text):
        parts.append(text[pos:m.start()])
        pos = m.end()
        if m["user"]:
            parts.append(Mention(user=m["user"]))
        elif m["role"]:
            name = roles.get(int(m["role"]))
            parts.append(Mention(label=f"@{name}" if name else None))
        elif m["channel"]:
            name = channels.get(int(m["channel"]))
            parts.append(f"#{name}" if name else "")
        elif m["time"]:
            parts.append(timestamp(int(m["time"]), m["style"]))
        elif m["command"]:
            parts.append(f"/{m['command']}")
        elif m["broadcast"]:
            parts.append(Mention(label=m["broadcast"]))
        # a custom emoji adds nothing
    parts.append(text[pos:])
    return [p for p in parts if p != ""]


async def plain_text(text: str, *, me: int | None, users: UserName, roles: Mapping[int, str] = {},
                     channels: Mapping[int, str] = {}) -> str:
    """``text`` with Discord markup made plain (see the module docstring)."""
    out = []
    for part in drop_addressing(parse(text, roles, channels)):
        if not isinstance(part, Mention):
            out.append(part)
        elif part.user is None:
            out.append(part.label or "")
        elif int(part.user) != me:  # the bot's own name is never part of the question
            out.append(await users(int(part.user)) or "")
    return tidy("".join(out))


class Names:
    """Names for the mentions in a question: the message's own mention data first, then
    discord.py's cache, then (people only) ``GET /users/{id}``, remembered for an hour."""

    def __init__(self, client: discord.Client):
        self.client = client
        self.fetched = NameCache(self._fetch)

    async def plain(self, text: str, *, message: discord.Message | None = None,
                    guild: discord.Guild | None = None) -> str:
        known = {u.id: u.display_name for u in message.mentions} if message else {}
        guild = guild or (message.guild if message else None)
        roles, channels = {}, {}
        for m in MARKUP.finditer(text):  # look up only what the text mentions
            if m["role"] and guild is not None and (role := guild.get_role(int(m["role"]))) is not None:
                roles[role.id] = role.name
            if m["channel"] and (channel := self.client.get_channel(int(m["channel"]))) is not None:
                if getattr(channel, "name", None):
                    channels[channel.id] = channel.name

        async def user(uid: int) -> str | None:
            if uid in known:
                return known[uid]
            member = guild.get_member(uid) if guild is not None else None
            cached = member or self.client.get_user(uid)
            return cached.display_name if cached is not None else await self.fetched(uid)

        me = self.client.user.id if self.client.user else None
        return await plain_text(text, me=me, users=user, roles=roles, channels=channels)

    async def _fetch(self, uid: int) -> str | None:
        try:
            return (await self.client.fetch_user(uid)).display_name
        except discord.NotFound:
            return None
