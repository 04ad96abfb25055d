"""Find the claims that may answer a question, however it is phrased.

Two sides, each scoring the same pool of candidates:

- lexical: BM25 over a claim's terms plus (discounted) its context's terms, computed here
  from the store's term statistics, so every backend ranks alike. Candidates come from the
  store's full-text index: the question's rarer terms OR-ed while their postings fit a budget,
  the commonest ANDed otherwise, so the work stays bounded on any store;
- semantic: the cosine of the question's vector with each claim's vector, for every claim of
  the documents either side finds most relevant (lexical hits, and documents whose mean
  vector is nearest the question's).

Name variants the store spells differently (Zelensky / Zelenskyy) are found by edit distance
among the store's own terms.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Callable, Iterable, Sequence

import numpy as np

from ..store.port import ClaimQuery, ClaimRef, ClaimStore, TermStats
from ..types import Claim
from .analyse import Question
from .weights import WEIGHTS, Weights


@dataclass
class Candidate:
    """A claim in the running, with what each side thinks of it. ``claim`` is fetched only for
    the candidates that rank high enough to need it (``fill``)."""

    ref: ClaimRef
    claim: Claim | None = None
    lexical: float = 0.0  # BM25 as a share of the question's IDF weight (0..1)
    semantic: float = 0.0  # cosine with the question
    neighbour: float = 0.0  # best cosine with the question of the claims beside it
    loaded: bool = False  # its whole document is in the pool
    # evidence around it and from the best candidates (set by ``expand.enrich``)
    blended: float = 0.0
    window: float = 0.0
    passage: float = 0.0
    document: float = 0.0
    feedback: float = 0.0
    expansion: float = 0.0


@dataclass
class Pool:
    question: Question
    terms: tuple[str, ...]  # the question's terms, with name variants found in the store
    stats: TermStats
    candidates: list[Candidate] = field(default_factory=list)
    unknown_names: tuple[str, ...] = ()
    vectors: bool = False  # the semantic side took part
    rest: list[Candidate] = field(default_factory=list)  # those ``fill`` left out, claims not fetched
    aliases: dict[str, str] = field(default_factory=dict)  # question terms -> the spelling the store uses


# -- lexical scoring: pure functions --------------------------------------------------------

def idf(df: int, n: int) -> float:
    """BM25's IDF, the form that never goes negative (as Lucene and bm25s use it)."""
    return math.log(1 + (n - df + 0.5) / (df + 0.5))


class BM25:
    """BM25 of claims for one question's terms, over a claim's terms plus (weighted) its context,
    divided by what a claim of average length holding each known term once would score: so 1.0
    means "covers the question", whatever the question's length. Terms the store never uses are
    left out (they cannot be matched)."""

    def __init__(self, q_terms: Sequence[str], stats: TermStats, w: Weights = WEIGHTS):
        self.known = [(t, idf(stats.df[t], stats.claims)) for t in dict.fromkeys(q_terms)
                      if stats.df.get(t, 0) > 0 and stats.claims]
        self.full = sum(weight for _, weight in self.known)
        self.avgdl = (stats.avg_terms + w.context * stats.avg_context) or 1.0
        self.w = w
        self._terms = frozenset(t for t, _ in self.known)

    def _any(self, text: str) -> bool:
        """Whether any known term is a substring: a quick test that most of a document's claims
        fail (plain substring tests: a pattern compiled for each question costs more than it saves)."""
        return any(t in text for t in self._terms)

    def _find(self, text: str) -> list[str]:
        """The known terms of a space-joined string, in order, with repeats."""
        return [t for t in text.split() if t in self._terms]

    def share(self, terms: str, context: str = "") -> float:
        return self.share_tokens(terms.split(), context.split())

    def share_of(self, ref: ClaimRef) -> float:
        """The share of a claim's terms and context, read from their strings."""
        if not self._terms or not (self._any(ref.terms) or self._any(ref.context_terms)):
            return 0.0  # (a substring test first: most claims of a document hold none of the terms)
        own, ctx = self._find(ref.terms), self._find(ref.context_terms)
        if not own and not ctx:
            return 0.0
        return self._score(own, ctx, _length(ref.terms), _length(ref.context_terms))

    def share_tokens(self, own: list[str], ctx: list[str]) -> float:
        if self._terms.isdisjoint(own) and self._terms.isdisjoint(ctx):
            return 0.0
        return self._score([t for t in own if t in self._terms], [t for t in ctx if t in self._terms],
                           len(own), len(ctx))

    def _score(self, own_hits: list[str], ctx_hits: list[str], own_len: int, ctx_len: int) -> float:
        """From the occurrences of known terms in the claim and its context, and their lengths."""
        if not self.full:
            return 0.0
        w = self.w
        norm = w.k1 * (1 - w.b + w.b * (own_len + w.context * ctx_len) / self.avgdl)
        score = 0.0
        for t, weight in self.known:
            tf = own_hits.count(t) + (w.context * ctx_hits.count(t) if ctx_hits else 0.0)
            if tf:
                score += weight * tf * (w.k1 + 1) / (tf + norm)
        return min(1.0, score / self.full)


def _length(terms: str) -> int:
    """How many terms a space-joined string holds."""
    return terms.count(" ") + 1 if terms else 0


def plan(q_terms: Sequence[str], df: dict[str, int], budget: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Which terms to match on: (any_of, all_of).

    Rare terms first, OR-ed while their postings add up to at most ``budget``; when even the
    rarest is too common, the two rarest must both be present."""
    known = sorted((t for t in dict.fromkeys(q_terms) if df.get(t, 0) > 0), key=lambda t: (df[t], t))
    chosen, total = [], 0
    for t in known:
        if total + df[t] > budget:
            break
        chosen.append(t)
        total += df[t]
    if chosen:
        return tuple(chosen), ()
    return (), tuple(known[:2])


# -- name variants ----------------------------------------------------------------------

def variants(store: ClaimStore, q_terms: Sequence[str], df: dict[str, int], min_ratio: float = 80.0
             ) -> dict[str, str]:
    """For question terms the store never uses, a spelling of them it does use (by edit distance)."""
    from rapidfuzz import fuzz

    found: dict[str, str] = {}
    for t in q_terms:
        if df.get(t, 0) or len(t) < 5 or t.isdigit():
            continue
        best, best_score = None, min_ratio
        for term, _ in store.similar_terms(t[:4], 200):
            # a spelling of the same name (Zelensky / Zelenskyy), or a short form of it (Patt / Patterson)
            score = 100.0 if term.startswith(t) else fuzz.ratio(t, term)
            if score >= best_score and term != t:
                best, best_score = term, score
        if best:
            found[t] = best
    return found


# -- gathering ----------------------------------------------------------------------------

def gather(store: ClaimStore, question: Question, qvec: np.ndarray | None, *, w: Weights = WEIGHTS,
           deadline: float | None = None, since=None, doc_ids: Iterable[str] | None = None) -> Pool:
    """Candidates from both sides, each scored by both sides (references only: see ``fill``)."""
    stats = store.term_stats(question.terms)
    df = dict(stats.df)
    alias = variants(store, question.terms, df)
    if alias:
        extra = store.term_stats(alias.values())
        df.update(extra.df)
        stats = TermStats(stats.claims, stats.avg_terms, stats.avg_context, df)
    q_terms = tuple(dict.fromkeys(alias.get(t, t) for t in question.terms))
    pool = Pool(question, q_terms, stats, vectors=qvec is not None, aliases=alias)
    pool.unknown_names = _unknown_names(question, df, alias)

    scope = tuple(dict.fromkeys(doc_ids)) if doc_ids is not None else None
    any_terms, all_terms = plan(q_terms, df, w.postings_budget)
    hits = store.match(ClaimQuery(any_terms=any_terms, all_terms=all_terms, doc_ids=scope, since=since,
                                  limit=w.lexical_limit, deadline=deadline)) if (any_terms or all_terms) else []
    bm25 = BM25(q_terms, stats, w)
    by_id: dict[str, Candidate] = {}
    for h in hits:
        by_id[h.id] = Candidate(h, lexical=bm25.share_of(h))

    # the documents worth reading whole: best by lexical hits, and nearest by vector
    best_doc: dict[str, float] = {}
    for c in by_id.values():
        best_doc[c.ref.doc_id] = max(best_doc.get(c.ref.doc_id, 0.0), c.lexical)
    docs = [d for d, _ in sorted(best_doc.items(), key=lambda kv: -kv[1])[:w.documents]]
    if qvec is not None:
        docs += [h.doc_id for h in store.nearest_documents(qvec, w.documents, since=since, within=scope)]
    # when every known term was matched on and the search returned all it found, a claim it did
    # not return has none of them
    complete = (not all_terms and set(any_terms) == {t for t, _ in bm25.known}
                and len(hits) < w.lexical_limit)
    for ref in store.refs_of(list(dict.fromkeys(docs)), with_vectors=qvec is not None):
        c = by_id.get(ref.id)
        if c is None:
            lexical = 0.0 if complete else bm25.share_of(ref)
            by_id[ref.id] = Candidate(ref, lexical=lexical, loaded=True)
        else:
            c.ref, c.loaded = ref, True
    pool.candidates = list(by_id.values())
    if qvec is not None:
        _semantic(pool.candidates, qvec)
    return pool


def fill(store: ClaimStore, pool: Pool, keep: int, order, also: Callable[[Candidate], bool] | None = None) -> None:
    """Keep the ``keep`` best candidates by ``order`` (a score function), and beyond them those
    ``also`` (a test) accepts, and fetch their claims."""
    pool.candidates.sort(key=lambda c: -order(c))
    kept = [i < keep or (also is not None and also(c)) for i, c in enumerate(pool.candidates)]
    pool.rest = [c for c, k in zip(pool.candidates, kept) if not k]
    pool.candidates = [c for c, k in zip(pool.candidates, kept) if k]
    claims = store.claims_by_id(c.ref.id for c in pool.candidates)
    pool.candidates = [c for c in pool.candidates if c.ref.id in claims]
    for c in pool.candidates:
        c.claim = claims[c.ref.id]


def neighbours(cands: Sequence[Candidate], offsets: Sequence[int]) -> np.ndarray:
    """For each candidate (row) and offset (column), the index of the candidate that many claims
    away in the same document, or -1 when there is none or either's document was not read whole."""
    n = len(cands)
    out = np.full((n, len(offsets)), -1, dtype=np.int64)
    loaded = np.array([c.loaded for c in cands], dtype=bool)
    if not n or not loaded.any():
        return out
    docs: dict[str, int] = {}
    doc = np.array([docs.setdefault(c.ref.doc_id, len(docs)) for c in cands], dtype=np.int64)
    seq = np.array([c.ref.seq for c in cands], dtype=np.int64)
    # one key per (document, position), far enough apart that no offset reaches the next document
    span = int(seq.max()) + 2 * max((abs(d) for d in offsets), default=0) + 1
    key = doc * span + seq
    idx = np.flatnonzero(loaded)
    order = idx[np.argsort(key[idx], kind="stable")]
    keys = key[order]
    for j, d in enumerate(offsets):
        want = key[idx] + d
        pos = np.minimum(np.searchsorted(keys, want), len(keys) - 1)
        hit = keys[pos] == want
        out[idx[hit], j] = order[pos[hit]]
    return out


def _semantic(cands: list[Candidate], qvec: np.ndarray) -> None:
    has = np.array([c.ref.vector is not None for c in cands], dtype=bool)
    if not has.any():
        return
    rows = np.flatnonzero(has)
    sims = np.zeros(len(cands))
    sims[rows] = np.vstack([cands[i].ref.vector for i in rows]) @ qvec
    near = neighbours(cands, (-1, 1))
    ok = (near >= 0) & has[np.maximum(near, 0)]
    best = np.where(ok, sims[np.maximum(near, 0)], -np.inf).max(axis=1)
    sims_, best_ = sims.tolist(), np.where(best > -np.inf, best, 0.0).tolist()
    for i in rows.tolist():
        c = cands[i]
        c.semantic = sims_[i]
        if c.loaded:
            c.neighbour = best_[i]


def name_terms(name: str) -> tuple[str, ...]:
    """The index terms a name is found by (its numbers left out: "Interstate 695" is "interst")."""
    from ..text import terms

    return tuple(t for t in terms(name) if not t.isdigit())


def names_stand_whole(pool: Pool) -> bool:
    """Whether the question writes a name of two words or more and every name it writes stands
    whole (all its terms, in the store's spelling) in one gathered claim or its context: "East
    Palestine", not "World" in one claim and "Series" in another. A name of one word may be an
    ordinary word in lower case ("Reds" is "red")."""
    names = [tuple(pool.aliases.get(t, t) for t in name_terms(n)) for n in pool.question.names]
    names = [n for n in names if n]
    if not names or all(len(n) < 2 for n in names):
        return False
    texts = [f" {c.ref.terms} {c.ref.context_terms} " for c in pool.candidates]
    return all(any(all(f" {t} " in text for t in name) for text in texts) for name in names)


def _unknown_names(question: Question, df: dict[str, int], alias: dict[str, str]) -> tuple[str, ...]:
    """Names the question writes that no stored claim mentions, in any spelling."""
    out = []
    for name in question.names:
        found_by = name_terms(name)
        if found_by and all(df.get(alias.get(t, t), 0) == 0 for t in found_by):
            out.append(name)
    return tuple(out)
