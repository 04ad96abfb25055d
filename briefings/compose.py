"""Compose cited points for each kind of question from scored candidate claims.

Each composer takes the analysed question, the scored candidates and a ``Citer``, and
returns points (the lead first, if any). None of them invent a number: every figure in a
point is copied from a claim the point cites.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .attribution import bare_name
from .cite import Citer, count_words, distinct, diverse, hedge, join_names, phrase_text, upper_first, when, who
from .lexicon import BENEFIT_CUES, fold, term_pattern
from .query import Concept, Query
from .retrieval import Scored
from .types import Claim, Point, Quantity

MAX_POINTS = 7
MAX_FIGURES = 8
_BREAKDOWN = re.compile(r"\b(?:including|among them|of whom|of which)\b", re.I)
_BENEFIT_HEADING = re.compile(r"\b(?:benefit|benefits|gain|gains|gets?|wins?|in it for)\b", re.I)
_GOODS = re.compile(
    r"\b(?:ammunition|munitions|shells|rockets|missiles?|weapons|arms|drones|manpower|workers|labou?r|"
    r"oil|food|fertili[sz]er|cash|money|dollars|wages|technolog\w*|know-how|aid)\b",
    re.I,
)
_REASON = re.compile(
    r"\b(?:because|since|due to|owing to|fears?|feared|worr(?:y|ied|ies)|concerns?|concerned|against|oppos\w+|"
    r"in protest|to protest|demand\w*|angry|anger|so that|in order to|reason|blame\w*|caused?|over fears)\b", re.I)
_PLACE = re.compile(r"\b(?:in|to|into|at|near|of|toward|towards)\s+(?:the\s+)?(?:[a-z-]+\s+){0,3}([A-Z][a-z]+)")


def _singular(word: str) -> str:
    word = word.lower()
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


@dataclass
class Figure:
    claim: Claim
    quantities: list[Quantity]
    relevance: float

    @property
    def source(self) -> str | None:
        """Who gives the figure: its own source in the sentence, else the claim's."""
        return self.quantities[0].source or self.claim.attributed_to

    @property
    def key(self) -> tuple[float, str, str]:
        q = self.quantities[0]
        head = q.counted.split()[-1] if q.counted else ""
        return (q.value, q.measure, _singular(head))

    def who(self, docs: dict) -> str:
        return self.quantities[0].source or who(self.claim, docs[self.claim.doc_id])


def _figures(query: Query, scored: list[Scored]) -> list[Figure]:
    """Figures of the measure asked about: one per claim and source, with the quantities that go with it."""
    counted_concepts = [c for c in query.concepts if any(
        c.search(q.counted) for s in scored for q in s.claim.quantities if q.counted)]
    out = []
    for s in scored:
        qs = [q for q in s.claim.quantities if query.measure is None or q.measure == query.measure]
        primary = [q for q in qs if any(c.search(q.counted) for c in counted_concepts)] if counted_concepts else qs
        taken: set[int] = set()
        for first in primary:
            if id(first) in taken:
                continue
            extra = [q for q in qs if q is not first and q.start > first.start and q.source == first.source
                     and id(q) not in taken and not _BREAKDOWN.search(s.claim.text[first.end:q.start])]
            taken.update(id(q) for q in (first, *extra))
            exact = any(term_pattern((c.label,)).search(first.counted) for c in query.concepts)
            named = first.source or s.claim.attributed_to
            rel = (s.score + (0.2 if hedge(s.claim) or first.qualifier else 0) + (0.2 if named else 0)
                   + (0.15 if exact else 0))  # counts exactly what was asked, not a synonym of it
            out.append(Figure(s.claim, [first, *extra], rel))
    out.sort(key=lambda f: f.relevance, reverse=True)
    return out


def _figure_text(q: Quantity) -> str:
    """A figure with its qualifier, as short as honest: "at least 1,500", "millions"."""
    text = re.sub(r"\s+of$", "", q.text)
    if q.qualifier and q.qualifier.lower() not in text.lower():
        return f"{q.qualifier} {text}"
    return text


def numeric(query: Query, scored: list[Scored], citer: Citer, lead: bool = True, limit: int = MAX_FIGURES) -> list[Point]:
    """Who says which figure: one point per figure, sources side by side, never averaged."""
    if not scored:
        return []
    floor = scored[0].coverage * 0.4  # figures of the asked measure, side by side, even from terser sentences
    figures = _figures(query, [s for s in scored if s.coverage >= floor])
    groups: dict[tuple, list[Figure]] = {}
    for f in figures:
        same = next((key for key, fs in groups.items() for g in fs
                     if g.claim.group_id == f.claim.group_id and g.claim.id != f.claim.id), None)
        if same is not None:
            if f.claim.doc_id not in {g.claim.doc_id for g in groups[same]}:
                groups[same].append(f)  # the same sentence in another article: cite it too
            continue
        if len(groups) >= limit and f.key not in groups:
            continue
        groups.setdefault(f.key, []).append(f)
    if not groups:
        return []
    ordered = sorted(groups.values(), key=lambda fs: fs[0].quantities[0].value, reverse=True)
    points = []
    for fs in ordered:
        parts: dict[str, int] = {}
        for f in fs:
            doc = citer.docs[f.claim.doc_id]
            detail = [x for x in (hedge(f.claim), when(f.claim, doc)) if x]
            phrases = "; ".join(phrase_text(q.phrase, q.qualifier) for q in f.quantities)
            part = f"{upper_first(f.who(citer.docs))}: {phrases}" + (f" ({', '.join(detail)})" if detail else "")
            parts[part] = parts.get(part, 0) + 1
        text = " — ".join(p + (f" ({count_words(n)} sources agree)" if n > 1 else "") for p, n in parts.items())
        points.append((text, [f.claim for f in fs]))
    if not lead:
        return [citer.point(text, claims) for text, claims in points]
    # the lead names the five most relevant figures, largest first, each with its source
    # who says what: named sources first, then the most relevant; shown largest first
    by_source = sorted(groups.values(), key=lambda fs: not any(f.source for f in fs))
    top = sorted(by_source[:5], key=lambda fs: fs[0].quantities[0].value, reverse=True)
    lead_items = [(fs[0], fs[0].quantities[0]) for fs in top]
    if len(ordered) == 1:  # one figure: its point says it all
        return [citer.point(text, claims) for text, claims in points]
    listed = "; ".join(f"{_figure_text(q)} ({bare_name(f.source) if f.source else f.who(citer.docs)})"
                       for f, q in lead_items)
    out = [citer.point(f"Sources give different figures: {listed}.", [f.claim for f, _ in lead_items], lead=True)]
    out += [citer.point(text, claims) for text, claims in points]
    return out


def as_written(label: str, question: str) -> str:
    """A concept as the question spelled it ("EU", "North Korea"), else title-cased."""
    m = re.search(rf"(?<!\w){re.escape(label)}(?!\w)", fold(question), re.I)
    written = question[m.start():m.end()] if m and len(fold(question)) == len(question) else None
    return written if written and not written.islower() else label.title()


def _facets(pattern: re.Pattern[str], text: str) -> set[str]:
    return {m.group(0).lower() for m in pattern.finditer(text)}


@lru_cache(maxsize=256)
def _direction_patterns(terms: tuple[str, ...]) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(receives, gives) patterns for an actor named by any of ``terms``."""
    names = "|".join(sorted({re.escape(t) for t in terms}, key=len, reverse=True))
    receives = re.compile(
        rf"\b(?:to|for)\s+(?:the\s+)?(?:{names})\b|\b(?:{names})(?:’s|'s)?\b[^.;]{{0,45}}?(?<!\bto )\b(?:gain|get|"
        rf"receiv|need|want|seek|count on|benefit|access|making|earn)", re.I)
    gives = re.compile(rf"\bfrom\s+(?:the\s+)?(?:{names})\b|\b(?:{names})\s+(?:has\s+|had\s+)?"
                       rf"(?:shipped|sent|supplied|provided|lent|delivered)\b", re.I)
    return receives, gives


def _benefit_score(s: Scored, subject: Concept, givers: list[Concept]) -> tuple[float, set[str]] | None:
    """How strongly a claim says what ``subject`` gains, and the gain words it uses; None if it does not."""
    c = s.claim
    text = fold(c.text)
    subj_text = bool(subject.search(text))
    heading_for_subject = bool(c.heading and _BENEFIT_HEADING.search(c.heading) and subject.search(c.heading))
    heading_for_other = bool(c.heading and _BENEFIT_HEADING.search(c.heading) and not heading_for_subject)
    from_giver = any(_direction_patterns(g.terms)[1].search(text) for g in givers)
    if not (subj_text or heading_for_subject or from_giver):
        return None
    facets = _facets(BENEFIT_CUES, text) | _facets(_GOODS, text)
    cues = len(facets)
    if cues == 0 and not heading_for_subject:
        return None
    receives_re, gives_re = _direction_patterns(subject.terms)
    receives = receives_re.search(text)
    gives = gives_re.search(text)
    score = 0.15 * min(cues, 3)
    score += 0.8 if receives else 0
    score += 0.6 if from_giver else 0
    score += 0.3 if heading_for_subject else 0
    score -= 0.6 if heading_for_other else 0
    score -= 0.6 if gives and not receives else 0
    return score + 0.3 * s.coverage, facets


def benefit(query: Query, scored: list[Scored], citer: Citer, lead: bool = True,
            limit: int = MAX_POINTS + 1) -> list[Point]:
    """The distinct things the subject gains, each with who says so."""
    subject = query.subject
    if subject is None:
        return []
    givers = list(query.concepts)
    pool = [s.claim for s in scored]
    ranked, facets = [], {}
    for s in scored:
        b = _benefit_score(s, subject, givers)
        if b is not None and b[0] > 0.3:
            ranked.append((b[0], s.claim))
            facets[s.claim.id] = b[1]
    chosen = diverse(ranked, lambda c: facets[c.id], limit)
    if not chosen:
        return []
    if not lead:
        return [citer.claim_point(c, pool) for c in chosen]
    points = [citer.claim_point(c, pool) for c in chosen]
    all_named = list(dict.fromkeys(bare_name(c.attributed_to) for c in chosen if c.attributed_to))
    named = all_named[:3]
    lead_claims = [c for c in chosen if c.attributed_to and bare_name(c.attributed_to) in named] or chosen[:1]
    label = as_written(subject.label, query.text)
    by = f", according to {join_names(named, more=len(all_named) > 3 or len(chosen) > len(lead_claims))}" if named else ""
    return [citer.point(f"What {label} stands to gain{by}:", lead_claims, lead=True), *points]


def statements(query: Query, scored: list[Scored], citer: Citer) -> list[Point]:
    """What the named speaker said, most relevant first."""
    subject = query.subject
    if subject is None:
        return []
    literal = Concept(subject.label, (subject.label,))
    said = [s for s in scored if s.claim.attributed_to and literal.search(s.claim.attributed_to)]
    if not said:
        return []
    said.sort(key=lambda s: (s.coverage, s.score), reverse=True)
    chosen = distinct([s.claim for s in said], MAX_POINTS)
    return [citer.claim_point(c, [s.claim for s in said]) for c in chosen]


def general(query: Query, scored: list[Scored], citer: Citer) -> list[Point]:
    """The most relevant distinct claims."""
    if not scored:
        return []
    best = scored[0].coverage
    if query.where:
        asked = list(query.concepts)
        pool = [s for s in scored if s.coverage >= max(0.4, best * 0.6)]

        def places(c: Claim) -> set[str]:
            return {m.group(1) for m in _PLACE.finditer(c.text) if not any(p.search(m.group(1)) for p in asked)}

        ranked = [(s.score + (0.3 if places(s.claim) else 0), s.claim) for s in pool]
        chosen = diverse(ranked, places, MAX_POINTS)
    elif query.why:
        pool = [s for s in scored if s.coverage >= max(0.4, best * 0.6)]
        pool.sort(key=lambda s: s.score + (0.4 if _REASON.search(s.claim.text) else 0), reverse=True)
        chosen = distinct([s.claim for s in pool], MAX_POINTS)
    else:
        pool = [s for s in scored if s.coverage >= max(0.5, best * 0.75)]
        chosen = distinct([s.claim for s in pool], MAX_POINTS)
    return [citer.claim_point(c, [s.claim for s in scored]) for c in chosen]


COMPOSERS = {"numeric": numeric, "benefit": benefit, "statements": statements, "general": general}


def compose(query: Query, scored: list[Scored], citer: Citer) -> tuple[str, list[Point]]:
    """Points for the question's intent, falling back to the general composer."""
    points = COMPOSERS[query.intent](query, scored, citer)
    if points or query.intent == "general":
        return query.intent, points
    return "general", general(query, scored, citer)
