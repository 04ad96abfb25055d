"""Turn the selected claims into cited points.

Every point is a claim's own words, whole (hedges, qualifiers and all), with who says it in
front when the sentence does not name them. A figure question gets a lead line that sets
each source's figure side by side (never averaged), each with its qualifier, source and
date; a figure from an earlier year's event is shown but never leads.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..text import fold
from ..types import Claim, Document, Point
from .analyse import Question
from .cite import Citer, faithful
from .select import FigureMatch, Ranked, historical, matching_figures
from .weights import WEIGHTS, Weights

_WORDS = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine"}


def source_label(claim: Claim, doc: Document) -> str:
    """Who a claim speaks for: its speaker, else the article's outlet, else its title."""
    if claim.attributed_to:
        return claim.attributed_to
    if doc.outlet:
        return doc.outlet
    title = doc.title if len(doc.title) <= 50 else doc.title[:49].rsplit(" ", 1)[0] + "…"
    return f"“{title}”"


def _named_in(who: str, text: str) -> bool:
    low = fold(text)
    words = [w for w in fold(who).replace(".", " ").split() if len(w) > 2]
    return any(w in low for w in words) if words else fold(who) in low


def point_text(claim: Claim, doc: Document, dated: bool = False) -> str:
    """'Who: the claim', or the claim alone when it names its speaker; with the article's
    outlet and date when ``dated`` (figures carry who said them and when)."""
    who = claim.attributed_to
    text = f"{who}: {claim.text}" if who and not _named_in(who, claim.text) else claim.text
    text = _dated(text, doc) if dated else text
    return text if faithful(text, [(claim, doc)]) else claim.text


def _dated(text: str, doc: Document) -> str:
    when = ", ".join(x for x in (doc.outlet, doc.published.isoformat() if doc.published else None) if x)
    return f"{text} ({when})" if when else text


def passage_text(claims: list[Claim], doc: Document, dated: bool = False) -> str:
    """Sentences of one article read together, in its order: each with its speaker in front
    when it does not name them and the sentence before is not theirs too."""
    parts, prev = [], None
    for c in claims:
        who = c.attributed_to
        same = who and prev and fold(who) == fold(prev)
        parts.append(c.text if same else point_text(c, doc))
        prev = who
    text = " ".join(parts)
    return _dated(text, doc) if dated else text


@dataclass
class Composed:
    kind: str  # numeric | statements | general (the JSON contract's values)
    points: list[Point]


def _claims_of(r: Ranked) -> list[Claim]:
    return r.passage() + [c.claim for c in r.also]


def figure_lead(question: Question, ranked: list[Ranked], docs: dict[str, Document], citer: Citer,
                w: Weights = WEIGHTS, match: FigureMatch | None = None) -> Point | None:
    """'Sources give different figures: roughly 12,000 troops (Ukraine); some 10,000 (…)': every distinct
    figure of the measure asked, from the relevant claims, each with its own source."""
    entries: list[tuple[str, Claim]] = []
    seen: set[tuple[float, str]] = set()
    best = ranked[0].score if ranked else 0.0
    for r in ranked[:w.figure_pool]:
        doc = docs[r.claim.doc_id]
        if r.score < best * w.figure_cutoff or r.fit < 1.0 or historical(r.claim, doc.published):
            continue
        for q in matching_figures(question, r.claim, match, w):
            who = q.source or source_label(r.claim, doc)
            key = (q.value, fold(who))
            if key in seen:
                continue
            seen.add(key)
            entries.append((f"{q.phrase} ({who})", r.claim))
    if len({text for text, _ in entries}) < 2:
        return None
    entries = entries[:w.max_figures]
    text = "Sources give different figures: " + "; ".join(t for t, _ in entries)
    claims = list(dict.fromkeys(c for _, c in entries))
    if not faithful(text, [(c, docs[c.doc_id]) for c in claims]):
        return None
    return citer.point(text, claims, lead=True)


def compose(question: Question, chosen: list[Ranked], docs: dict[str, Document], citer: Citer,
            ranked: list[Ranked] | None = None, w: Weights = WEIGHTS, match: FigureMatch | None = None) -> Composed:
    kind = {"quantity": "numeric", "statement": "statements"}.get(question.kind, "general")
    points: list[Point] = []
    if question.kind == "quantity":
        lead = figure_lead(question, ranked or chosen, docs, citer, w, match)
        if lead:
            points.append(lead)
    for r in chosen:
        doc = docs[r.claim.doc_id]
        dated = question.kind == "quantity" and bool(r.claim.quantities)
        text = point_text(r.claim, doc, dated=dated) if not r.joined else passage_text(r.passage(), doc, dated)
        if r.also:  # in words: a digit in a point must come from a quote it cites
            n = len(r.also)
            text += " (also reported by " + ("another source)" if n == 1 else f"{_WORDS.get(n, 'several')} other sources)")
        points.append(citer.point(text, _claims_of(r), lead=not points))
    return Composed(kind, points)
