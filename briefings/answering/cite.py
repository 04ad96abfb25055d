"""Number an answer's sources in the order its points first cite them, and keep every point's
numbers honest: a number a point shows must stand in a quote it cites, or in the title,
outlet or date of that quote's document."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Sequence

from ..types import Claim, Document, Point, Source

_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
_MARKER = re.compile(r"\[\d+(?:\s*[,;-]\s*\d+)*\]")


def numbers(text: str) -> set[str]:
    return {m.group(0).rstrip(",.") for m in _NUMBER.finditer(_MARKER.sub(" ", text))}


def citable_text(claim: Claim, doc: Document) -> str:
    """What a point citing ``claim`` may take its numbers from."""
    bits = [claim.text, doc.title, doc.outlet or "", doc.published.isoformat() if doc.published else ""]
    return " ".join(bits)


def faithful(text: str, cited: Sequence[tuple[Claim, Document]]) -> bool:
    """Every number in ``text`` stands in one of the cited quotes or their documents' title, outlet or date."""
    return numbers(text) <= numbers(" ".join(citable_text(c, d) for c, d in cited))


@dataclass
class Citer:
    """Numbers sources in the order points first cite them."""

    docs: dict[str, Document]
    sources: list[Source] = field(default_factory=list)
    _by_claim: dict[str, int] = field(default_factory=dict)

    def cite(self, claims: Sequence[Claim]) -> tuple[int, ...]:
        out: list[int] = []
        for c in claims:
            n = self._by_claim.get(c.id)
            if n is None:
                n = len(self.sources) + 1
                self._by_claim[c.id] = n
                self.sources.append(Source(n=n, claim=c, document=self.docs[c.doc_id]))
            if n not in out:
                out.append(n)
        return tuple(out)

    def point(self, text: str, claims: Sequence[Claim], lead: bool = False) -> Point:
        if not faithful(text, [(c, self.docs[c.doc_id]) for c in claims]):
            raise ValueError(f"a point shows a number its quotes do not: {text[:80]!r}")
        return Point(text=text, citations=self.cite(claims), lead=lead)
