"""Discord embeds for answers, briefings and source lists, within Discord's limits.

The lead is the first line of the description, the points follow with their citation
markers, and the sources they cite are fields (title, outlet, date, link, quoted sentence).
A long answer becomes several messages, split between points. Sending is always done with
``AllowedMentions.none()`` so nothing quoted can ping.
"""
from __future__ import annotations

from typing import Sequence

import discord

from briefings.types import Answer, Briefing, Document, Source

from ..paging import Unit, answer_units, briefing_units, cited, paginate, point_line

TITLE = 256
DESCRIPTION = 4096
FIELDS = 25
FIELD_NAME = 256
FIELD_VALUE = 1024
FOOTER = 2048
EMBED_TOTAL = 6000
QUOTE_CHARS = 300
COLOUR = discord.Colour(0x2C3E50)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def escape(text: str) -> str:
    """Markdown and mentions shown as text (``allowed_mentions`` is none as well)."""
    return discord.utils.escape_mentions(discord.utils.escape_markdown(text))


def _line(unit: Unit) -> str:
    text = point_line(Unit(unit.kind, escape(unit.text), unit.citations), lambda n: f"[{n}]")
    if unit.kind == "heading":
        return f"\n**{escape(unit.text)}**"
    return f"**{text}**\n" if unit.kind == "lead" else f"• {text}"


def source_field(s: Source) -> tuple[str, str]:
    d = s.document
    name = _cut(f"[{s.n}] {d.title}", FIELD_NAME)
    meta = [escape(d.outlet)] if d.outlet else []
    if d.published:
        meta.append(d.published.isoformat())
    if d.url and d.url.startswith(("http://", "https://")):
        meta.append(f"[link]({d.url})")
    else:
        meta.append(f"`{_cut(d.path, 200)}`")
    who = f" — {escape(s.claim.attributed_to)}" if s.claim.attributed_to else ""
    value = " · ".join(meta) + f"\n“{escape(_cut(s.claim.text, QUOTE_CHARS))}”{who}"
    return name, _cut(value, FIELD_VALUE)


def _embed(title: str, units: list[Unit], sources: Sequence[Source], footer: str | None = None) -> discord.Embed:
    embed = discord.Embed(title=_cut(title, TITLE), colour=COLOUR,
                          description="\n".join(_line(u) for u in units).strip())
    for s in cited(units, sources):
        name, value = source_field(s)
        embed.add_field(name=name, value=value, inline=False)
    if footer:
        embed.set_footer(text=_cut(footer, FOOTER))
    return embed


def _fits(title: str, sources: Sequence[Source]):
    def fits(units: list[Unit]) -> bool:
        e = _embed(title, units, sources, footer="x" * 40)
        return (len(e.description or "") <= DESCRIPTION and len(e.fields) <= FIELDS and len(e) <= EMBED_TOTAL)

    return fits


def _pages(title: str, units: list[Unit], sources: Sequence[Source]) -> list[discord.Embed]:
    pages = paginate(units, _fits(title, sources))
    return [_embed(title if i == 0 else f"{title} (continued)", page, sources,
                   footer=f"{i + 1}/{len(pages)}" if len(pages) > 1 else None) for i, page in enumerate(pages)]


def answer_embeds(answer: Answer) -> list[discord.Embed]:
    """One embed per message; the first is titled with the question."""
    title = escape(answer.question.strip()) or "briefbot"
    if not answer.answered:
        return [discord.Embed(title=_cut(title, TITLE), description=escape(answer.message or "No answer."),
                              colour=COLOUR)]
    return _pages(title, answer_units(answer), answer.sources)


def briefing_embeds(briefing: Briefing) -> list[discord.Embed]:
    if briefing.empty:
        since = f" since {briefing.since:%Y-%m-%d %H:%M} UTC" if briefing.since else ""
        return [discord.Embed(title=_cut(briefing.title, TITLE), description=f"Nothing new{since}.", colour=COLOUR)]
    return _pages(briefing.title, briefing_units(briefing), briefing.sources)


def sources_embeds(docs: list[Document]) -> list[discord.Embed]:
    if not docs:
        return [discord.Embed(title="Sources", description="The store holds no documents yet.", colour=COLOUR)]
    lines = []
    for d in docs:
        title = f"[{escape(d.title)}]({d.url})" if d.url and d.url.startswith(("http://", "https://")) else escape(d.title)
        meta = " · ".join(x for x in (escape(d.outlet or ""), d.published.isoformat() if d.published else "",
                                      f"{d.claim_count} claims") if x)
        lines.append(_cut(f"• {title} — {meta}", 1000))
    pages = paginate(lines, lambda page: len("\n".join(page)) <= DESCRIPTION - 100)
    return [discord.Embed(title=f"Sources ({len(docs)})" if i == 0 else "Sources (continued)",
                          description="\n".join(page), colour=COLOUR) for i, page in enumerate(pages)]


HELP = """Every point cites the sentence it comes from.
**/ask** `question` — a cited answer, e.g. *troop estimates?* (`private: True` to see it alone)
**/brief** `[topic]` — today's briefing
**/sources** — the documents in the store
**/subscribe** `time` `timezone` `[topic]` — a daily briefing in this channel (**/unsubscribe**, **/subscriptions**)
**/feeds add** `url` `[every]` — follow a feed in this channel (**/feeds list**, **/feeds remove**); **/add** `url` reads one page
Mention me (`@briefbot troop estimates?`) or send me a direct message to ask as well."""


def help_embed() -> discord.Embed:
    return discord.Embed(title="briefbot", description=HELP, colour=COLOUR)
