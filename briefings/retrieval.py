"""Find candidate claims for a question and score how well each one covers it.

The store does the full-text work; this module decides what to ask it (AND before OR,
rare concepts before common ones, always a LIMIT) so that a question made of very
common words stays fast on a million claims, then rescores the candidates in Python.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from .lexicon import BENEFIT_TAG
from .query import Concept, Query
from .types import Claim, ClaimHit

SMALL_STORE = 20_000  # below this, one OR query ranked by BM25 is fast enough
DF_CAP = 5_000  # document frequencies are counted up to this (a bounded, streaming count)
RANKED_LIMIT = 5_000  # above this many matches, take the newest instead of ranking them all
MIN_HITS = 20  # fewer candidates than this from the narrowest query: widen it
STEP_BUDGET_MS = 20.0  # each newest-first scan stops after this long with what it found
K = 300

_BENEFIT_TERMS = Concept("benefit-cues", (BENEFIT_TAG,))  # claims that speak of gains (tagged at ingest)


@dataclass(frozen=True)
class ConceptStats:
    concept: Concept
    df: int
    idf: float


def concept_stats(store, concepts: list[Concept], n: int) -> list[ConceptStats]:
    out = []
    for c in concepts:
        df = store.count_matches(c.fts(), DF_CAP)
        idf = math.log((n + 1) / (df + 0.5)) + 1.0 if df else math.log(n + 2) + 2.0
        out.append(ConceptStats(c, df, idf))
    return out


def retrieval_concepts(query: Query) -> list[Concept]:
    concepts = list(query.concepts)
    if query.subject is not None:
        concepts.insert(0, query.subject)
    return concepts


def retrieve(store, query: Query, stats: list[ConceptStats], n: int, k: int = K) -> list[ClaimHit]:
    """Candidate claims: BM25-ranked OR on small stores, narrowing ANDs on large ones."""
    known = [s for s in stats if s.df > 0]
    if not known:
        return []
    if n <= SMALL_STORE:
        expr = " OR ".join(s.concept.fts() for s in known)
        return store.search(expr, k)
    extra: list[ConceptStats] = []
    if query.intent == "numeric":
        tag = Concept("qty", (f"qty{query.measure}" if query.measure else "qtyany",))
        extra.append(ConceptStats(tag, store.count_matches(tag.fts(), DF_CAP), 0.0))
    elif query.intent == "benefit":
        extra.append(ConceptStats(_BENEFIT_TERMS, store.count_matches(_BENEFIT_TERMS.fts(), DF_CAP), 0.0))
    ordered = sorted(known, key=lambda s: s.df)
    hits: dict[str, ClaimHit] = {}
    while ordered:
        parts = ordered + [e for e in extra if e.df > 0]
        expr = " AND ".join(s.concept.fts() for s in parts)
        estimate = min(s.df for s in parts)
        order = "rank" if estimate < RANKED_LIMIT else "recent"
        budget = None if order == "rank" else STEP_BUDGET_MS
        for h in store.search(expr, k, order=order, budget_ms=budget):
            hits.setdefault(h.claim.id, h)
        if len(hits) >= MIN_HITS or len(ordered) == 1:
            break
        ordered = ordered[:-1]  # drop the most common concept and widen
    return list(hits.values())


@dataclass
class Scored:
    hit: ClaimHit
    coverage: float
    matched: frozenset[str]
    score: float

    @property
    def claim(self) -> Claim:
        return self.hit.claim


def matched_concepts(claim: Claim, concepts: list[Concept]) -> frozenset[str]:
    hay = claim.text
    return frozenset(c.label for c in concepts if c.search(hay))


def score_hits(query: Query, hits: list[ClaimHit], stats: list[ConceptStats],
               titles: dict[str, str] | None = None) -> list[Scored]:
    """Coverage of the question's concepts (IDF-weighted), plus a little BM25 to break ties.

    A concept named only by the claim's section heading counts fully; one named only by the
    document's title counts half (the sentence is about the article's subject, less surely).
    """
    total = sum(s.idf for s in stats) or 1.0
    idf = {s.concept.label: s.idf for s in stats}
    concepts = [s.concept for s in stats]
    best_bm25 = max((h.score for h in hits), default=1.0) or 1.0
    title_concepts: dict[str, set[str]] = {}  # per document: the concepts its title names
    out = []
    for h in hits:
        matched = set(matched_concepts(h.claim, concepts))
        if query.subject is not None and query.intent == "statements" and h.claim.attributed_to:
            if query.subject.search(h.claim.attributed_to):
                matched.add(query.subject.label)
        if h.claim.heading:
            for c in concepts:
                if c.label not in matched and c.search(h.claim.heading):
                    matched.add(c.label)
        in_title = title_concepts.setdefault(h.claim.doc_id, {
            c.label for c in concepts if c.search((titles or {}).get(h.claim.doc_id))})
        from_title = in_title - matched
        coverage = (sum(idf[m] for m in matched if m in idf) + 0.5 * sum(idf[m] for m in from_title)) / total
        score = coverage + 0.15 * (h.score / best_bm25)
        out.append(Scored(h, coverage, frozenset(matched), score))
    out.sort(key=lambda s: s.score, reverse=True)
    return out


def unknown_share(stats: list[ConceptStats]) -> float:
    """How much of the question (by IDF) the store has never seen."""
    total = sum(s.idf for s in stats)
    return sum(s.idf for s in stats if s.df == 0) / total if total else 1.0

