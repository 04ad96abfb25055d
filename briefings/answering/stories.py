"""Which documents tell the same story, so an answer stays within the one it is about."""
from __future__ import annotations

import math

import numpy as np

from ..text import fold
from .retrieve import Candidate
from .weights import WEIGHTS, Weights


def document_centroids(cands: list[Candidate]) -> dict[str, np.ndarray]:
    """Mean vector of each document wholly in the pool."""
    groups: dict[str, list[np.ndarray]] = {}
    for c in cands:
        if c.loaded and c.ref.vector is not None:
            groups.setdefault(c.ref.doc_id, []).append(c.ref.vector)
    out = {}
    for doc, vecs in groups.items():
        m = np.mean(vecs, axis=0)
        n = float(np.linalg.norm(m))
        if n:
            out[doc] = m / n
    return out


def entity_overlap(a: set[str], b: set[str], idf: dict[str, float]) -> float:
    """The IDF weight of the names two documents share, as a share of the smaller one's."""
    smaller = min(sum(idf[e] for e in a), sum(idf[e] for e in b))
    return sum(idf[e] for e in a & b) / smaller if smaller else 0.0


def stories(cands: list[Candidate], w: Weights = WEIGHTS) -> dict[str, int]:
    """Documents read whole grouped into stories, by the names their best claims mention and their
    mean vectors: two documents are linked when they
    share enough rare names (people, places, organisations) or their mean vectors are very
    close, and a story is a connected group of links. Pairwise closeness alone cannot do it:
    two articles on one story can be far apart (the port's losses, the crash inquiry) and two
    on different stories close (two port disputes)."""
    names: dict[str, set[str]] = {}
    for c in cands:
        if c.loaded and c.claim is not None:
            names.setdefault(c.ref.doc_id, set()).update(fold(e) for e in c.claim.entities)
    docs = sorted(names)
    df: dict[str, int] = {}
    for ents in names.values():
        for e in ents:
            df[e] = df.get(e, 0) + 1
    idf = {e: math.log(1 + len(docs) / n) for e, n in df.items()}
    centroids = document_centroids(cands)
    parent = {d: d for d in docs}

    def root(d: str) -> str:
        while parent[d] != d:
            parent[d] = parent[parent[d]]
            d = parent[d]
        return d

    for i, a in enumerate(docs):
        for b in docs[i + 1:]:
            close = a in centroids and b in centroids and float(centroids[a] @ centroids[b]) >= w.story_vector
            if close or entity_overlap(names[a], names[b], idf) >= w.story_names:
                parent[root(a)] = root(b)
    ids: dict[str, int] = {}
    return {d: ids.setdefault(root(d), len(ids)) for d in docs}
