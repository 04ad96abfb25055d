"""Evidence around a candidate, and from the best candidates, for ranking.

An answer often sits beside the sentence that matches the question best ("Where did it
happen?" finds the sentence naming the place; the next one says what happened there), and the
best few candidates say in the articles' own words what the question asked in other words.
So each candidate also gets, from the pool alone:

- ``blended``: the cosine of the question with the claim's vector blended with its
  neighbours' (the sentence read in its passage);
- ``window``: the best cosine of the claims up to ``w.reach`` places either side;
- ``passage``: the best first-stage relevance of those claims (for a claim of a document read
  whole that has none, a one-sentence item, both are the claim's own, as ``blended`` is);
- ``document``: 1 / (1 + its document's rank by its best claim's first-stage relevance);
- ``feedback``: the cosine with the question moved towards the mean of the best
  ``w.feedback_claims`` claims, those within ``w.feedback_floor`` of the best (pseudo-relevance
  feedback, as in Rocchio);
- ``expansion``: BM25 over the terms those best claims use most, weighted by IDF (as in
  RM3), as a share like ``lexical``;
- ``centred`` (``centred_cosines``, over the candidates ranked in full): the cosine of the
  question with the claim once the candidates' mean vector is taken from both. The candidates
  are all about the question's subject, so their mean is that subject; what is left of each
  vector is what the claim says about it (as "all-but-the-top" post-processing removes the
  direction every vector shares).

Nothing here knows a story or a kind of question.
"""
from __future__ import annotations

import math
from collections import Counter
from typing import Callable, Sequence

import numpy as np

from ..store.port import ClaimStore, TermStats
from .retrieve import BM25, Candidate, Pool, idf, neighbours
from .weights import WEIGHTS, Weights


def unit(v: np.ndarray) -> np.ndarray:
    n = float(np.linalg.norm(v))
    return v / n if n else v


def feedback_vector(qvec: np.ndarray, best: Sequence[np.ndarray], mix: float) -> np.ndarray:
    """The question's vector moved towards the mean direction of the best claims' vectors."""
    if not best:
        return qvec
    return unit(qvec + mix * unit(np.mean(best, axis=0)))


def centred_cosines(semantic: np.ndarray, vectors: np.ndarray) -> np.ndarray:
    """For each row of ``vectors`` (unit vectors; a row of zeros has none), the cosine of the
    question and the row after the mean of the rows that have a vector is taken from both, where
    ``semantic`` holds each row's cosine with the (unit) question. Computed from those cosines,
    as (q - m).(v - m) = q.v - q.m - v.m + m.m and q.m is the mean of the rows' q.v. 0 for a
    row without a vector, and for all when fewer than two rows have one (no mean to take)."""
    has = np.abs(vectors).sum(axis=1) > 0
    out = np.zeros(len(vectors))
    if has.sum() < 2:
        return out
    v = vectors[has].astype(np.float64)
    s = semantic[has].astype(np.float64)
    m = v.mean(axis=0)
    mm, qm, vm = float(m @ m), float(s.mean()), v @ m
    q_len = math.sqrt(max(1.0 - 2.0 * qm + mm, 0.0))
    v_len = np.sqrt(np.maximum((v * v).sum(axis=1) - 2.0 * vm + mm, 0.0))
    denom = q_len * v_len
    out[has] = np.where(denom > 1e-12, (s - qm - vm + mm) / np.where(denom > 1e-12, denom, 1.0), 0.0)
    return out


def expansion_terms(best_terms: Sequence[str], q_terms: Sequence[str], df: dict[str, int], claims: int,
                    limit: int) -> list[str]:
    """The terms the best claims use most, by their share of each claim's terms times IDF; not the
    question's own, not numbers, and not terms only one claim uses (those name nothing shared)."""
    asked = set(q_terms)
    weight: Counter = Counter()
    for text in best_terms:
        words = text.split()
        for t, n in Counter(words).items():
            if t not in asked and not t.isdigit():
                weight[t] += n / len(words)
    scored = {t: v * idf(df[t], claims) for t, v in weight.items() if df.get(t, 0) > 1}
    return [t for t, _ in sorted(scored.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]]


def feedback_claims(cands: Sequence[Candidate], rel: dict[int, float], limit: int, floor: float) -> list[Candidate]:
    """The best ``limit`` candidates by first-stage relevance that score at least ``floor`` times
    the best: feedback from claims far behind the best would pull the question off its subject
    (one article answers it, the rest of the store is about something else)."""
    ordered = sorted(cands, key=lambda c: (-rel[id(c)], c.ref.id))
    if not ordered:
        return []
    top = rel[id(ordered[0])]
    return [c for c in ordered[:limit] if rel[id(c)] >= floor * top]


def enrich(store: ClaimStore, pool: Pool, qvec: np.ndarray | None, relevance: Callable[[Candidate], float],
           w: Weights = WEIGHTS) -> None:
    """Set each candidate's ``blended``, ``window``, ``passage``, ``document`` and ``feedback``
    (see the module's docstring), from the whole pool. ``relevance`` is the first-stage score.
    ``expansion`` comes later, from ``expand``, for the candidates ranked in full only."""
    cands = pool.candidates
    if not cands:
        return
    rel_of = {id(c): relevance(c) for c in cands}
    best = feedback_claims(cands, rel_of, w.feedback_claims, w.feedback_floor)
    doc_best: dict[str, float] = {}
    for c in cands:
        doc_best[c.ref.doc_id] = max(doc_best.get(c.ref.doc_id, -math.inf), rel_of[id(c)])
    doc_rank = {d: i for i, d in enumerate(sorted(doc_best, key=lambda d: (-doc_best[d], d)))}
    for c in cands:
        c.document = 1.0 / (1 + doc_rank[c.ref.doc_id])

    # the passage: for each offset, the index of the candidate that far away in the same document
    # (-1 when there is none, or the candidate's document was not read whole)
    n = len(cands)
    offsets = [d for d in range(-w.reach, w.reach + 1) if d]
    near = neighbours(cands, offsets)
    present = near >= 0
    rel = np.array([rel_of[id(c)] for c in cands])
    passage = np.where(present, rel[near], -np.inf).max(axis=1, initial=-np.inf)
    # a claim read whole with nothing around it (a one-sentence item, as feeds send) is its own
    # passage, as ``blended`` is its own vector; a claim of a document not read is left at 0
    alone = np.array([c.loaded for c in cands], dtype=bool) & ~present.any(axis=1)
    passage = np.where(alone, rel, passage)
    for c, p in zip(cands, np.where(passage > -np.inf, passage, 0.0).tolist()):
        c.passage = p
    if qvec is None:
        return
    has = np.array([c.ref.vector is not None for c in cands])
    if not has.any():
        return
    dim = next(c.ref.vector for c in cands if c.ref.vector is not None).shape[0]
    # one row per candidate (zeros without a vector), and a last row of zeros for "none"
    zero = np.zeros(dim, dtype=np.float32)
    vecs = np.vstack([c.ref.vector if c.ref.vector is not None else zero for c in cands] + [zero])
    fb = feedback_vector(qvec, [c.ref.vector for c in best if c.ref.vector is not None], w.feedback_mix)
    feedback = vecs[:n] @ fb
    semantic = np.array([c.semantic for c in cands])
    with_vec = present & has[near]
    window = np.where(with_vec, semantic[near], -np.inf).max(axis=1, initial=-np.inf)
    window = np.where(alone & has, semantic, window)
    # the sentence read in its passage: its vector plus its neighbours' mean at the mix
    beside = np.where(with_vec, near, n)[:, [offsets.index(-1), offsets.index(1)]]
    total = vecs[beside[:, 0]] + vecs[beside[:, 1]]
    count = (beside < n).sum(axis=1)
    vecs = vecs[:n]
    mixed = vecs + w.context_mix * total / np.maximum(count, 1)[:, None]
    norms = np.linalg.norm(mixed, axis=1)
    blended_cos = np.where(count > 0, (mixed @ qvec) / np.where(norms > 0, norms, 1.0), vecs @ qvec)
    window = np.where(window > -np.inf, window, 0.0)
    for c, h, f, win, b in zip(cands, has.tolist(), feedback.tolist(), window.tolist(), blended_cos.tolist()):
        if h:
            c.feedback, c.window, c.blended = f, win, b


def expand(store: ClaimStore, pool: Pool, relevance: Callable[[Candidate], float], w: Weights = WEIGHTS) -> None:
    """Set each candidate's ``expansion``: BM25 over the terms the best candidates use most. Run
    after ``fill``, which keeps the best by the same ``relevance``, so the feedback claims are
    those ``enrich`` chose from the whole pool."""
    rel_of = {id(c): relevance(c) for c in pool.candidates}
    best = feedback_claims(pool.candidates, rel_of, w.feedback_claims, w.feedback_floor)
    words = {t for c in best for t in c.ref.terms.split()} - set(pool.terms)
    if not words or not w.expansion_terms:
        return
    stats = store.term_stats(sorted(words))
    chosen = expansion_terms([c.ref.terms for c in best], pool.terms, dict(stats.df), stats.claims,
                             w.expansion_terms)
    if not chosen:
        return
    bm25 = BM25(chosen, TermStats(stats.claims, stats.avg_terms, stats.avg_context, stats.df), w)
    for c in pool.candidates:
        c.expansion = bm25.share_of(c.ref)
