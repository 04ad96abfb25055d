"""Split an answer or briefing into platform-sized messages, between points, never inside one.

Both renderers (Slack blocks, Discord embeds) lay out the same units; only the ``fits``
test differs. A point always travels with its citation markers and the sources it cites.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence, TypeVar

from briefings.types import Answer, Briefing, Source

T = TypeVar("T")


@dataclass(frozen=True)
class Unit:
    """One thing to show: a section heading, or a point (``lead`` for an answer's first line)."""

    kind: str  # "heading" | "lead" | "point"
    text: str
    citations: tuple[int, ...] = ()


def answer_units(answer: Answer) -> list[Unit]:
    points = list(answer.points)
    units: list[Unit] = []
    if points and points[0].lead:
        first = points.pop(0)
        units.append(Unit("lead", first.text, first.citations))
    units += [Unit("point", p.text, p.citations) for p in points]
    return units


def briefing_units(briefing: Briefing) -> list[Unit]:
    units: list[Unit] = []
    for section in briefing.sections:
        units.append(Unit("heading", section.title))
        units += [Unit("point", p.text, p.citations) for p in section.points]
    return units


def cited(units: Sequence[Unit], sources: Sequence[Source]) -> list[Source]:
    """The sources the units cite, in number order."""
    wanted = {n for u in units for n in u.citations}
    return [s for s in sources if s.n in wanted]


def paginate(items: Sequence[T], fits: Callable[[list[T]], bool]) -> list[list[T]]:
    """Greedy pages: each as long as ``fits`` allows; an item too big alone gets a page alone.

    A heading is never left as the last item of a page (it moves on with its first point).
    """
    pages: list[list[T]] = []
    page: list[T] = []
    for item in items:
        if page and not fits(page + [item]):
            carry: list[T] = []
            while page and isinstance(page[-1], Unit) and page[-1].kind == "heading":
                carry.insert(0, page.pop())
            if page:
                pages.append(page)
            page = carry
        page.append(item)
    if page:
        pages.append(page)
    return pages


def point_line(unit: Unit, marker: Callable[[int], str]) -> str:
    return f"{unit.text} {''.join(marker(n) for n in unit.citations)}".strip()
