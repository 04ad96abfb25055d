"""Block Kit rendering of answers, briefings, source lists and help, within Slack's limits.

Everything that comes from an article or a user is escaped (``&``, ``<``, ``>``), so a quote
holding ``<!channel>`` or ``<@U123>`` can neither ping nor forge a link.
"""
from __future__ import annotations

from typing import Any, Sequence

from briefings.types import Answer, Briefing, Document, Source

from ..paging import Unit, answer_units, briefing_units, cited, paginate, point_line

MAX_BLOCKS = 50
MAX_SECTION_CHARS = 3000
MAX_CONTEXT_ELEMENTS = 10
MAX_TOTAL_CHARS = 11_000  # Slack refuses somewhere above ~12,000 characters of blocks
MAX_FALLBACK_CHARS = 3000
QUOTE_CHARS = 180

Message = dict[str, Any]


def mrkdwn(text: str) -> dict:
    """A mrkdwn text object that Slack shows as written: ``verbatim`` stops it from turning a bare
    @here, #channel or URL into a mention or link (our own ``<...|...>`` links still work)."""
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def escape(text: str) -> str:
    """Slack's three control characters, so text is shown as text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def _marker(sources: dict[int, Source]):
    def mark(n: int) -> str:
        s = sources.get(n)
        url = s.document.url if s else None
        return f"<{escape(url)}|[{n}]>" if url and url.startswith(("http://", "https://")) else f"[{n}]"

    return mark


def source_line(s: Source) -> str:
    d = s.document
    title = escape(d.title)
    title = f"<{escape(d.url)}|{title}>" if d.url and d.url.startswith(("http://", "https://")) else f"_{title}_"
    bits = [f"*[{s.n}]* {title}"]
    if d.outlet:
        bits.append(escape(d.outlet))
    if d.published:
        bits.append(d.published.isoformat())
    if not d.url:
        bits.append(f"`{escape(d.path)}`")
    who = f" ({escape(s.claim.attributed_to)})" if s.claim.attributed_to else ""
    return " · ".join(bits) + f"\n“{escape(_cut(s.claim.text, QUOTE_CHARS))}”{who}"


def _unit_block(unit: Unit, mark) -> dict:
    if unit.kind == "heading":
        return {"type": "header", "text": {"type": "plain_text", "text": _cut(unit.text, 150), "emoji": False}}
    text = point_line(Unit(unit.kind, escape(unit.text), unit.citations), mark)
    text = f"*{text}*" if unit.kind == "lead" else f"• {text}"
    return {"type": "section", "text": mrkdwn(_cut(text, MAX_SECTION_CHARS))}


def _source_blocks(sources: Sequence[Source]) -> list[dict]:
    blocks = []
    for i in range(0, len(sources), MAX_CONTEXT_ELEMENTS):
        chunk = sources[i:i + MAX_CONTEXT_ELEMENTS]
        blocks.append({"type": "context", "elements": [
            mrkdwn(_cut(source_line(s), 2900)) for s in chunk]})
    return blocks


def _chars(blocks: list[dict]) -> int:
    total = 0
    for b in blocks:
        if "text" in b:
            total += len(b["text"]["text"])
        for e in b.get("elements", []):
            total += len(e.get("text", "")) if isinstance(e.get("text"), str) else len(e.get("text", {}).get("text", ""))
    return total


def _page_blocks(head: list[dict], units: list[Unit], sources: Sequence[Source]) -> list[dict]:
    by_n = {s.n: s for s in sources}
    blocks = list(head) + [_unit_block(u, _marker(by_n)) for u in units]
    page_sources = cited(units, sources)
    if page_sources:
        blocks.append({"type": "divider"})
        blocks += _source_blocks(page_sources)
    return blocks


def _fits(head: list[dict], sources: Sequence[Source]):
    def fits(units: list[Unit]) -> bool:
        blocks = _page_blocks(head, units, sources)
        return len(blocks) <= MAX_BLOCKS and _chars(blocks) <= MAX_TOTAL_CHARS

    return fits


def _fallback(units: list[Unit], prefix: str = "") -> str:
    text = prefix + " ".join(point_line(u, lambda n: f"[{n}]") for u in units if u.kind != "heading")
    return _cut(escape(text), MAX_FALLBACK_CHARS)


def _messages(head: list[dict], units: list[Unit], sources: Sequence[Source], prefix: str) -> list[Message]:
    pages = paginate(units, _fits(head, sources))
    out = []
    for i, page in enumerate(pages):
        page_head = head if i == 0 else [context(f"(continued, {i + 1}/{len(pages)})")]
        out.append({"text": _fallback(page, prefix if i == 0 else ""), "blocks": _page_blocks(page_head, page, sources)})
    return out


def context(text: str) -> dict:
    return {"type": "context", "elements": [mrkdwn(text)]}


def question_context(question: str, asker: str | None = None) -> dict:
    who = f"<@{asker}> asked: " if asker and asker.isalnum() else "Question: "
    return context(who + escape(_cut(question, 500)))


def answer_messages(answer: Answer, asker: str | None = None) -> list[Message]:
    """One or more messages (blocks + fallback text) for an answer; the first echoes the question."""
    head = [question_context(answer.question, asker)] if answer.question.strip() else []
    if not answer.answered:
        text = escape(answer.message or "No answer in the store.")
        return [{"text": text, "blocks": head + [{"type": "section", "text": mrkdwn(text)}]}]
    return _messages(head, answer_units(answer), answer.sources, "")


def briefing_messages(briefing: Briefing) -> list[Message]:
    title = escape(briefing.title)
    if briefing.empty:
        since = f" since {briefing.since:%Y-%m-%d %H:%M} UTC" if briefing.since else ""
        text = f"{title}: nothing new{since}."
        return [{"text": text, "blocks": [{"type": "section", "text": mrkdwn(text)}]}]
    head = [{"type": "header", "text": {"type": "plain_text", "text": _cut(briefing.title, 150), "emoji": False}}]
    return _messages(head, briefing_units(briefing), briefing.sources, f"{briefing.title}: ")


def sources_messages(docs: list[Document]) -> list[Message]:
    if not docs:
        text = "The store holds no documents yet."
        return [{"text": text, "blocks": [{"type": "section", "text": mrkdwn(text)}]}]
    units = []
    for d in docs:
        title = f"<{escape(d.url)}|{escape(d.title)}>" if d.url and d.url.startswith(("http://", "https://")) else escape(d.title)
        meta = " · ".join(x for x in (escape(d.outlet or ""), d.published.isoformat() if d.published else "",
                                      f"{d.claim_count} claims") if x)
        units.append({"type": "section", "text": mrkdwn(_cut(f"• {title} — {meta}", MAX_SECTION_CHARS))})
    head = [{"type": "header", "text": {"type": "plain_text", "text": f"Sources ({len(docs)})", "emoji": False}}]
    pages = paginate(units, lambda page: len(head) + len(page) <= MAX_BLOCKS and _chars(head + page) <= MAX_TOTAL_CHARS)
    return [{"text": f"{len(docs)} documents in the store", "blocks": (head if i == 0 else []) + page}
            for i, page in enumerate(pages)]


HELP = """*briefbot* answers questions from the articles it has read; every point cites its sentence.
• `/brief QUESTION` — e.g. `/brief troop estimates?` or `/brief what does North Korea gain?`
• `/brief` — today's briefing
• `/brief sources` — the documents in the store
• `/brief subscribe HH:MM Area/City [topic]` — a daily briefing in this channel (`/brief unsubscribe`, `/brief subscriptions`)
• `/brief feeds add URL [--every 15m]` — follow a feed in this channel (`/brief feeds list`, `/brief feeds remove ID`); `/brief add URL` reads one page
• `/brief help` — this message
Mention me (`@briefbot troop estimates?`) to get the answer in a thread, or send me a direct message."""


def help_message() -> Message:
    return {"text": "briefbot help", "blocks": [{"type": "section", "text": mrkdwn(HELP)}]}


def notice(text: str) -> Message:
    """A short message (errors, confirmations); ``text`` is escaped here."""
    t = escape(text)
    return {"text": t, "blocks": [{"type": "section", "text": mrkdwn(_cut(t, MAX_SECTION_CHARS))}]}
