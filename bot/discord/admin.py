"""Setting the bot up on Discord: the invite link and registering the command tree."""
from __future__ import annotations

import discord

from .client import DiscordAdapter

# What the bot needs in a channel: read it, post and embed, reply (needs the history), in threads too.
PERMISSIONS = discord.Permissions(view_channel=True, send_messages=True, send_messages_in_threads=True,
                                  embed_links=True, read_message_history=True)


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
