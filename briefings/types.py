"""The core's own types: documents, claims, and the answers and briefings built from them.

Nothing here knows about Slack, Discord or the database; adapters translate these
into platform messages, the store translates them into rows.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class Quantity:
    """A number a claim states: ``value`` as a float, ``text`` exactly as written."""

    value: float
    text: str  # the number as written: "12,000", "four million", "1.3 million"
    phrase: str  # qualifier + number + what is counted, verbatim: "roughly 12,000 North Korean troops"
    counted: str  # what is counted: "North Korean troops"
    qualifier: str | None = None  # "at least", "up to", "roughly", ...
    measure: str = "count"  # personnel | casualties | munitions | money | equipment | count
    start: int = 0  # offsets of ``phrase`` inside the claim text
    end: int = 0
    source: str | None = None  # who gives this figure, when the sentence quotes more than one source


@dataclass(frozen=True)
class Document:
    id: str
    path: str
    title: str
    outlet: str | None = None
    author: str | None = None
    url: str | None = None
    published: date | None = None
    opinion: bool = False
    content_hash: str = ""
    ingested_at: datetime | None = None
    text: str = ""
    claim_count: int = 0


@dataclass(frozen=True)
class Claim:
    """One checkable sentence of a document, with what the extractor learnt about it."""

    id: str
    doc_id: str
    seq: int
    text: str
    start: int
    end: int
    attributed_to: str | None = None
    attribution_how: str | None = None  # according_to | said | carried | pronoun | ...
    hedges: tuple[str, ...] = ()
    quantities: tuple[Quantity, ...] = ()
    dates: tuple[str, ...] = ()  # ISO dates or phrases the sentence names
    entities: tuple[str, ...] = ()
    heading: str | None = None  # the section heading the sentence stands under
    paragraph: int = 0


@dataclass(frozen=True)
class Source:
    """A numbered source of an answer: the cited sentence and its document."""

    n: int
    claim: Claim
    document: Document

    def to_json(self) -> dict[str, Any]:
        d = self.document
        return {
            "n": self.n,
            "quote": self.claim.text,
            "claim_id": self.claim.id,
            "attributed_to": self.claim.attributed_to,
            "document": {
                "id": d.id,
                "path": d.path,
                "title": d.title,
                "outlet": d.outlet,
                "published": d.published.isoformat() if d.published else None,
                "url": d.url,
            },
        }


@dataclass(frozen=True)
class Point:
    """One line of an answer. ``citations`` are source numbers; never empty."""

    text: str
    citations: tuple[int, ...]
    lead: bool = False  # the answer's summary line, shown first and apart from the points

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"text": self.text, "citations": list(self.citations)}
        if self.lead:
            out["lead"] = True
        return out


@dataclass(frozen=True)
class Section:
    title: str
    points: tuple[Point, ...]


@dataclass(frozen=True)
class Answer:
    question: str
    answered: bool
    points: tuple[Point, ...] = ()
    sources: tuple[Source, ...] = ()
    message: str | None = None  # why nothing was answered, for the user
    kind: str = "general"  # numeric | benefit | statements | general

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "question": self.question,
            "answered": self.answered,
            "kind": self.kind,
            "points": [p.to_json() for p in self.points],
            "sources": [s.to_json() for s in self.sources],
        }
        if self.message:
            out["message"] = self.message
        return out


@dataclass(frozen=True)
class Briefing:
    title: str
    sections: tuple[Section, ...]
    sources: tuple[Source, ...]
    since: datetime | None = None
    topic: str | None = None
    generated_at: datetime | None = None

    @property
    def points(self) -> tuple[Point, ...]:
        return tuple(p for s in self.sections for p in s.points)

    @property
    def empty(self) -> bool:
        return not self.points

    def to_json(self) -> dict[str, Any]:
        return {
            "question": self.title,
            "answered": not self.empty,
            "title": self.title,
            "topic": self.topic,
            "since": self.since.isoformat() if self.since else None,
            "points": [p.to_json() for p in self.points],
            "sections": [
                {"title": s.title, "points": [p.to_json() for p in s.points]} for s in self.sections
            ],
            "sources": [s.to_json() for s in self.sources],
        }


@dataclass(frozen=True)
class IngestResult:
    """What happened to one input file."""

    path: str
    status: str  # added | replaced | unchanged | failed
    claims: int = 0
    error: str | None = None
    doc_id: str | None = None


@dataclass
class IngestReport:
    results: list[IngestResult] = field(default_factory=list)

    @property
    def failed(self) -> list[IngestResult]:
        return [r for r in self.results if r.status == "failed"]
