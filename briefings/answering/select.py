"""Rank candidates by relevance to the question, stay within its story, keep distinct points.

A claim's score is its semantic and lexical fit, a little of its neighbours' fit, and a
generic answer-type fit: a figure of the measure asked for a how-many question, a date for
when, a place for where, a cause for why, a named person for who, and the named speaker's
own words for "what did X say". Near-repeats are cited together as one point.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from ..extraction.attribution import looks_like_person
from ..extraction.language import CAUSAL
from ..text import fold, terms
from ..types import Claim, Quantity
from .analyse import Question
from .retrieve import Candidate, Pool
from .weights import WEIGHTS, Weights

_CAUSE = re.compile(r"\b(?:" + "|".join(re.escape(c) for c in sorted(CAUSAL, key=len, reverse=True)) + r")\b", re.I)
_PLACE = re.compile(r"\b(?:in|at|near|on|off|outside|inside|across|into|from|toward|towards|along|over|under|"
                    r"between|beneath|through|to)\s+(?:the\s+)?[A-Z][\w’'.-]+")
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")


@dataclass
class Ranked:
    cand: Candidate
    score: float
    fit: float = 0.0
    also: list[Candidate] = field(default_factory=list)  # the same thing said in other documents

    @property
    def claim(self) -> Claim:
        return self.cand.claim


def historical(claim: Claim, published: date | None) -> bool:
    """The claim dates itself to an earlier year than its article: a comparison, not today's news."""
    if published is None:
        return False
    return any(int(y) < published.year for y in _YEAR.findall(claim.text))


def figures(question: Question, claim: Claim) -> list[Quantity]:
    """The claim's numbers of the measure the question asks for."""
    return [q for q in claim.quantities if q.measure in question.measures]


def answer_fit(question: Question, claim: Claim, published: date | None = None) -> float:
    """How well the claim has the kind of thing the question asks for, 0..1."""
    kind = question.kind
    if kind == "quantity":
        qs = figures(question, claim)
        if not qs:
            return 0.0
        if historical(claim, published):
            return 0.2
        if question.focus:
            near = set(terms(" ".join(q.phrase for q in qs)))
            return 1.0 if near & set(question.focus) else 0.6
        return 1.0
    if kind == "time":
        return 1.0 if claim.dates else 0.0
    if kind == "place":
        return 1.0 if _PLACE.search(claim.text) else 0.0
    if kind == "reason":
        return 1.0 if _CAUSE.search(claim.text) else 0.0
    if kind == "person":
        named = any(looks_like_person(e) for e in claim.entities)
        return 1.0 if named or claim.attributed_to else 0.0
    return 0.0


def _surnames(name: str) -> set[str]:
    return {w for w in fold(name).replace(".", " ").split() if len(w) > 2}


def speaker_fit(question: Question, claim: Claim) -> float:
    """1 when the claim is attributed to the person the question names (by any of their names)."""
    if not claim.attributed_to:
        return 0.0
    who = _surnames(claim.attributed_to)
    wanted = [question.speaker] if question.speaker else list(question.names)
    return 1.0 if any(_surnames(name) & who for name in wanted if name) else 0.0


def relevance(c: Candidate, w: Weights = WEIGHTS) -> float:
    return w.semantic * c.semantic + w.lexical * c.lexical + w.neighbour * c.neighbour


def document_centroids(cands: list[Candidate]) -> dict[str, np.ndarray]:
    """Mean vector of each document wholly in the pool."""
    groups: dict[str, list[np.ndarray]] = {}
    for c in cands:
        if c.loaded and c.item.vector is not None:
            groups.setdefault(c.claim.doc_id, []).append(c.item.vector)
    out = {}
    for doc, vecs in groups.items():
        m = np.mean(vecs, axis=0)
        n = float(np.linalg.norm(m))
        if n:
            out[doc] = m / n
    return out


def rank(pool: Pool, published: dict[str, date | None], w: Weights = WEIGHTS) -> list[Ranked]:
    """Every candidate with its score, best first. Claims of documents about another story than
    the best claim's lose ``w.off_story``."""
    q = pool.question
    ranked = []
    for c in pool.candidates:
        fit = answer_fit(q, c.claim, published.get(c.claim.doc_id))
        score = relevance(c, w) + w.answer_type * fit + w.speaker * speaker_fit(q, c.claim)
        ranked.append(Ranked(c, score, fit))
    ranked.sort(key=lambda r: (-r.score, r.claim.id))
    if pool.vectors and ranked:
        centroids = document_centroids(pool.candidates)
        home = centroids.get(ranked[0].claim.doc_id)
        if home is not None:
            for r in ranked:
                other = centroids.get(r.claim.doc_id)
                if other is not None and float(other @ home) < w.story:
                    r.score -= w.off_story
            ranked.sort(key=lambda r: (-r.score, r.claim.id))
    return ranked


def has_evidence(pool: Pool, best: Ranked | None, w: Weights = WEIGHTS) -> bool:
    """Whether the best claim answers closely enough to say anything at all."""
    if best is None:
        return False
    c = best.cand
    if not pool.vectors:
        return c.lexical >= w.min_lexical_only
    return c.semantic >= w.min_semantic and c.semantic + c.lexical >= w.min_evidence


def _cos(a: Candidate, b: Candidate) -> float:
    if a.item.vector is None or b.item.vector is None:
        return 1.0 if a.claim.text == b.claim.text else 0.0
    return float(a.item.vector @ b.item.vector)


def select(ranked: list[Ranked], w: Weights = WEIGHTS, limit: int | None = None,
           keep: "callable | None" = None) -> list[Ranked]:
    """Distinct points, best first: within ``w.relative_cutoff`` of the best, at most ``limit``,
    chosen by maximal marginal relevance; a near-repeat from another document joins the point
    it repeats as a further citation."""
    limit = limit or w.max_points
    if not ranked:
        return []
    floor = ranked[0].score * w.relative_cutoff if ranked[0].score > 0 else ranked[0].score
    pool = [r for r in ranked if r.score >= floor and (keep is None or keep(r))]
    chosen: list[Ranked] = []
    while pool and len(chosen) < limit:
        best, best_value, dup_of = None, -1e9, None
        for r in pool:
            sims = [(_cos(r.cand, s.cand), s) for s in chosen]
            top = max(sims, key=lambda x: x[0], default=(0.0, None))
            if top[0] >= w.duplicate:
                dup_of = dup_of or (r, top[1])
                continue
            value = r.score - w.diversity * max(0.0, top[0])
            if value > best_value:
                best, best_value = r, value
        if dup_of is not None:
            r, s = dup_of
            if r.claim.doc_id != s.claim.doc_id and all(a.claim.doc_id != r.claim.doc_id for a in s.also):
                s.also.append(r.cand)
            pool.remove(r)
            continue
        if best is None:
            break
        chosen.append(best)
        pool.remove(best)
    return chosen
