"""A briefing from the store, built from the answer engine's stages without inventing questions.

Which claims matter comes from the articles themselves: a claim is salient when it sits near
the centre of what the briefing's documents say (cosine with their mean vector) and when
other documents say the same thing. With a topic, relevance to the topic (the same
retrieval and ranking as an answer) takes the place of centrality. The salient claims are
then chosen with the answer's selection (distinct points, near-repeats cited together) into
three sections: headline figures (who says what, dated), key developments, and reactions.
Nothing repeats across sections.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Collection

import numpy as np

from ..embedding import Embedder
from ..store.port import ClaimRef, ClaimStore, IndexedClaim
from ..text import fold, terms
from ..types import Briefing, Claim, Document, Point, Quantity, Section
from .analyse import analyse
from .cite import Citer
from .compose import point_text, source_label
from .expand import enrich, expand
from .retrieve import Candidate, fill, gather
from .select import Ranked, historical, rank, relevance, select
from .weights import WEIGHTS, Weights

RECENT_DOCUMENTS = 40
CHANGES = 5
SAME_THING = 0.7  # cosine at which two claims are about the same thing (a figure can then change)
TOPIC_POOL = 200  # claims ranked in full for a briefing on a topic
FIGURES, DEVELOPMENTS, REACTIONS = 5, 5, 4
_QUOTED = re.compile(r"[“\"]\S")
SUPPORT = 0.8  # cosine at which another document's claim counts as saying the same thing
REPEAT = 0.93  # cosine at which a new claim only repeats an earlier one: not news


@dataclass
class _Scope:
    docs: dict[str, Document]
    ranked: list[Ranked]


def salience(items: list[IndexedClaim]) -> list[float]:
    """How central each claim is to the documents in hand: cosine with their mean vector plus a
    little for every other document saying the same; without vectors, how many other documents
    share its terms."""
    if items and all(i.vector is not None for i in items):
        m = np.vstack([i.vector for i in items])
        centre = m.mean(0)
        centre /= np.linalg.norm(centre) or 1.0
        central = m @ centre
        sims = m @ m.T
        docs = np.array([hash(i.claim.doc_id) for i in items])
        other_doc = docs[:, None] != docs[None, :]
        support = ((sims >= SUPPORT) & other_doc).sum(1)
        return [float(c + 0.05 * min(s, 4)) for c, s in zip(central, support)]
    doc_terms: dict[str, set[str]] = {}
    for i in items:
        doc_terms.setdefault(i.claim.doc_id, set()).update(i.terms.split())
    spread = Counter(t for terms in doc_terms.values() for t in terms)
    n = max(len(doc_terms), 1)
    out = []
    for i in items:
        terms = set(i.terms.split())
        out.append(sum(spread[t] - 1 for t in terms) / (n * (len(terms) or 1)))
    return out


def _scope(store: ClaimStore, embedder: Embedder | None, topic: str | None, since: datetime | None,
           w: Weights, story: frozenset[str] | None = None) -> _Scope:
    docs = [d for d in store.documents(since=since) if story is None or d.id in story]
    docs = sorted(docs, key=lambda d: (d.ingested_at.isoformat() if d.ingested_at else "",
                                       d.published.isoformat() if d.published else ""), reverse=True)[:RECENT_DOCUMENTS]
    by_id = {d.id: d for d in docs}
    if not docs:
        return _Scope(by_id, [])
    if topic:
        q = analyse(topic)
        qvec = embedder.embed([q.text])[0] if embedder is not None else None
        pool = gather(store, q, qvec, w=w, since=since, doc_ids=list(by_id))
        enrich(store, pool, qvec, lambda c: relevance(c, w), w)
        fill(store, pool, TOPIC_POOL, lambda c: relevance(c, w))
        expand(store, pool, lambda c: relevance(c, w), w)
        return _Scope(by_id, rank(pool, {d: by_id[d].published for d in by_id}, w))
    items = store.claims_of(list(by_id), with_vectors=embedder is not None)
    ranked = [Ranked(Candidate(ClaimRef.of(i), i.claim, loaded=True), s) for i, s in zip(items, salience(items))]
    ranked.sort(key=lambda r: (-r.score, r.claim.id))
    return _Scope(by_id, ranked)


@dataclass(frozen=True)
class Change:
    """A figure in a new claim set against an earlier claim's figure for the same thing."""

    new: Claim
    old: Claim
    new_figure: Quantity
    old_figure: Quantity
    same_source: bool  # the same source changed its figure; otherwise two sources disagree

    def text(self, new_who: str, old_who: str) -> str:
        if self.same_source:
            return f"{new_who} now gives {self.new_figure.phrase} (earlier: {self.old_figure.phrase})"
        return f"{new_who} gives {self.new_figure.phrase}; {old_who} gave {self.old_figure.phrase}"


def _who(q: Quantity, claim: Claim, doc: Document) -> str:
    return q.source or source_label(claim, doc)


def _figures(claim: Claim, published) -> list[Quantity]:
    if historical(claim, published):
        return []
    return [q for q in claim.quantities if q.measure != "duration" and q.counted]


def changes(new: list[IndexedClaim], old: list[IndexedClaim], docs: dict[str, Document]) -> list[Change]:
    """Figures in new claims that differ from an earlier claim's figure for the same thing: the
    two claims say much the same (close vectors, or many shared terms without them) and count
    the same thing with the same measure, and the values differ."""
    out: list[Change] = []
    taken: set[str] = set()
    for n in new:
        nd = docs[n.claim.doc_id]
        for nq in _figures(n.claim, nd.published):
            best: tuple[float, IndexedClaim, Quantity] | None = None
            for o in old:
                if o.claim.id in taken:
                    continue
                od = docs[o.claim.doc_id]
                alike = _alike(n, o)
                if alike < SAME_THING:
                    continue
                for oq in _figures(o.claim, od.published):
                    same_count = oq.measure == nq.measure and set(terms(oq.counted)) & set(terms(nq.counted))
                    if same_count and oq.value != nq.value and (best is None or alike > best[0]):
                        best = (alike, o, oq)
            if best is not None:
                _, o, oq = best
                od = docs[o.claim.doc_id]
                taken.add(o.claim.id)
                same = fold(_who(nq, n.claim, nd)) == fold(_who(oq, o.claim, od))
                out.append(Change(n.claim, o.claim, nq, oq, same))
                break
    return out


def _alike(a: IndexedClaim, b: IndexedClaim) -> float:
    if a.vector is not None and b.vector is not None:
        return float(a.vector @ b.vector)
    ta, tb = set(a.terms.split()), set(b.terms.split())
    return len(ta & tb) / max(1, len(ta | tb)) * 2  # a Jaccard of 0.35 counts like a cosine of 0.7


def repeats(new: list[IndexedClaim], old: list[IndexedClaim]) -> set[str]:
    """Ids of new claims that only say again what an earlier claim said, figures included: the
    same words (folded), or, with vectors, a cosine of at least ``REPEAT`` and the same numbers.
    A story that gained nothing new is not briefed again; a figure that changed is news."""
    def figures(item: IndexedClaim) -> frozenset[float]:
        return frozenset(q.value for q in item.claim.quantities)

    said = {(" ".join(terms(o.claim.text)), figures(o)) for o in old}
    out = {n.claim.id for n in new if (" ".join(terms(n.claim.text)), figures(n)) in said}
    with_vec = [o for o in old if o.vector is not None]
    rest = [n for n in new if n.vector is not None and n.claim.id not in out]
    if with_vec and rest:
        sims = np.vstack([n.vector for n in rest]) @ np.vstack([o.vector for o in with_vec]).T
        for n, row in zip(rest, sims):
            if any(figures(with_vec[j]) == figures(n) for j in np.flatnonzero(row >= REPEAT)):
                out.add(n.claim.id)
    return out


def build_briefing(store: ClaimStore, embedder: Embedder | None, *, topic: str | None = None,
                   since: datetime | None = None, now: datetime | None = None, w: Weights = WEIGHTS,
                   doc_ids: Collection[str] | None = None) -> Briefing:
    """The day's briefing. With ``since`` (a channel's last briefing) it covers only documents
    that came in after it, and leads with what changed: figures a source revised, and figures
    another source contradicts, each with both citations; new claims follow, and claims that
    only repeat an earlier document's are left out. With ``doc_ids`` (a channel's story), only
    those documents count, new and earlier."""
    story = frozenset(doc_ids) if doc_ids is not None else None
    scope = _scope(store, embedder, topic, since, w, story)
    docs = scope.docs
    citer = Citer(docs)
    used: set[str] = set()
    changed: list[Point] = []
    if since is not None and docs:
        earlier = [d for d in store.documents() if d.id not in docs and (story is None or d.id in story)
                   ][-RECENT_DOCUMENTS:]
        new_items = store.claims_of(list(docs), with_vectors=embedder is not None)
        old_items = store.claims_of([d.id for d in earlier], with_vectors=embedder is not None)
        docs = {**docs, **{d.id: d for d in earlier}}
        citer.docs = docs
        repeated = repeats(new_items, old_items)  # a figure said again is not a change
        for ch in changes([n for n in new_items if n.claim.id not in repeated], old_items, docs):
            new_who = _who(ch.new_figure, ch.new, docs[ch.new.doc_id])
            old_who = _who(ch.old_figure, ch.old, docs[ch.old.doc_id])
            changed.append(citer.point(ch.text(new_who, old_who), [ch.new, ch.old]))
            used.add(ch.new.id)
        used |= repeated

    def section(title: str, keep, limit: int, dated: bool = False) -> Section | None:
        chosen = select([r for r in scope.ranked if r.claim.id not in used], w, limit=limit, keep=keep)
        points: list[Point] = []
        for r in chosen:
            used.add(r.claim.id)
            used.update(c.claim.id for c in r.also)
            points.append(citer.point(point_text(r.claim, docs[r.claim.doc_id], dated=dated),
                                      [r.claim] + [c.claim for c in r.also]))
        return Section(title, tuple(points)) if points else None

    def figure(r: Ranked) -> bool:
        return any(q.measure != "duration" for q in r.claim.quantities) \
            and not historical(r.claim, docs[r.claim.doc_id].published)

    sections = [
        Section("What changed", tuple(changed[:CHANGES])) if changed else None,
        section("Headline figures", figure, FIGURES, dated=True),
        section("Key developments", lambda r: True, DEVELOPMENTS),
        section("Reactions", lambda r: bool(r.claim.attributed_to and _QUOTED.search(r.claim.text)), REACTIONS),
    ]
    title = f"Briefing: {topic}" if topic else "Briefing"
    return Briefing(title=title, sections=tuple(s for s in sections if s), sources=tuple(citer.sources),
                    since=since, topic=topic, generated_at=now)
