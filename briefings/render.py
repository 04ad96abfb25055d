"""Plain-text rendering of answers, briefings and source lists (the CLI's output).

Chat platforms have their own renderers in ``bot/``; all of them read the same
structured ``Answer`` and ``Briefing``.
"""
from __future__ import annotations

import textwrap

from .types import Answer, Briefing, Document, Point, Source


def markers(citations: tuple[int, ...]) -> str:
    return "".join(f"[{n}]" for n in citations)


def point_line(p: Point) -> str:
    return f"{p.text} {markers(p.citations)}".strip()


def source_heading(s: Source) -> str:
    d = s.document
    bits = [f"“{d.title}”"]
    if d.outlet:
        bits.append(d.outlet)
    if d.published:
        bits.append(d.published.isoformat())
    bits.append(d.url or d.path)
    return " — ".join(bits)


def _sources(sources: tuple[Source, ...], width: int) -> list[str]:
    lines = ["Sources"]
    for s in sources:
        lines.append(f"[{s.n}] {source_heading(s)}")
        who = f" ({s.claim.attributed_to})" if s.claim.attributed_to else ""
        lines += textwrap.wrap(f"“{s.claim.text}”{who}", width=width, initial_indent="    ",
                               subsequent_indent="    ")
    return lines


def _bullets(points: tuple[Point, ...], width: int) -> list[str]:
    out = []
    for p in points:
        out += textwrap.wrap(point_line(p), width=width, initial_indent="• ", subsequent_indent="  ")
    return out


def render_answer(answer: Answer, width: int = 100) -> str:
    if not answer.answered:
        return answer.message or "No answer in the store."
    lines: list[str] = []
    points = answer.points
    if points and points[0].lead:
        lines += textwrap.wrap(point_line(points[0]), width=width)
        lines.append("")
        points = points[1:]
    lines += _bullets(points, width)
    lines.append("")
    lines += _sources(answer.sources, width)
    return "\n".join(lines)


def render_briefing(briefing: Briefing, width: int = 100) -> str:
    if briefing.empty:
        since = f" since {briefing.since:%Y-%m-%d %H:%M}" if briefing.since else ""
        return f"{briefing.title}: nothing new{since}."
    lines = [briefing.title, ""]
    for section in briefing.sections:
        lines.append(section.title)
        lines += _bullets(section.points, width)
        lines.append("")
    lines += _sources(briefing.sources, width)
    return "\n".join(lines)


def render_documents(docs: list[Document]) -> str:
    if not docs:
        return "The store holds no documents. Add some with `briefbot ingest PATH`."
    rows = [("claims", "date", "outlet", "title", "path")]
    for d in docs:
        rows.append((str(d.claim_count), d.published.isoformat() if d.published else "-", d.outlet or "-",
                     d.title if len(d.title) <= 60 else d.title[:59] + "…", d.url or d.path))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    return "\n".join(
        "  ".join(r[i].ljust(widths[i]) if i < 4 else r[i] for i in range(5)).rstrip() for r in rows
    )
