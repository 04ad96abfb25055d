"""What a claim is found by: its own terms, its context's terms and its sentence vector.

A claim's context is its neighbours (the sentence before and after it), its document's title
and its speaker, so a question about a place also finds the sentence after the one naming the
place, and a question about a person finds what that person said by pronoun. Acronyms defined
or spelled out in a document ("National Transportation Safety Board" / "NTSB") add each form
to the context of claims that use the other.
"""
from __future__ import annotations

import re
from typing import Sequence

import numpy as np

from .embedding import Embedder
from .store.port import IndexedClaim
from .text import term_string, terms
from .types import Claim

NEIGHBOURS = 1  # sentences each side that count as a claim's context

_ACRONYM = re.compile(r"\b[A-Z](?:[A-Z&]|\.[A-Z]){1,6}\.?(?![a-z])")
_CAP_RUN = re.compile(r"(?:[A-Z][\w’'-]*)(?:\s+(?:of|the|and|for|on|&)?\s*[A-Z][\w’'-]*){1,8}")
_MINOR = {"of", "the", "and", "for", "on", "&"}


def acronyms(text: str) -> dict[str, str]:
    """Acronyms in ``text`` whose letters are the initials of a capitalised phrase in it:
    {'NTSB': 'National Transportation Safety Board'}."""
    found: dict[str, str] = {}
    candidates = {m.group(0).replace(".", "").replace("&", "") for m in _ACRONYM.finditer(text)}
    if not candidates:
        return found
    for m in _CAP_RUN.finditer(text):
        words = [w for w in m.group(0).split() if w.lower() not in _MINOR]
        for start in range(len(words)):
            for end in range(start + 2, len(words) + 1):
                initials = "".join(w[0] for w in words[start:end]).upper()
                if initials in candidates and initials not in found:
                    found[initials] = " ".join(words[start:end])
    return found


def initials(name: str) -> str:
    """'White House' -> 'WH'; names of two to five capitalised words only."""
    words = [w for w in name.split() if w.lower() not in _MINOR]
    if not 2 <= len(words) <= 5 or not all(w[:1].isupper() for w in words):
        return ""
    return "".join(w[0] for w in words)


def context_texts(claims: Sequence[Claim], title: str) -> list[str]:
    """Each claim's retrieval context: title, speaker, and the neighbouring sentences."""
    out = []
    for i, c in enumerate(claims):
        near = [claims[j].text for j in range(max(0, i - NEIGHBOURS), min(len(claims), i + NEIGHBOURS + 1)) if j != i]
        out.append(" ".join([title, c.attributed_to or "", *near]))
    return out


def index_claims(claims: Sequence[Claim], title: str, text: str, embedder: Embedder | None
                 ) -> tuple[list[IndexedClaim], np.ndarray | None]:
    """The claims with their terms, context terms and vectors, and the document's mean vector."""
    expansions = acronyms(text)
    extra: list[str] = []
    for c in claims:
        words = set(re.findall(r"[A-Z]{2,}", c.text.replace(".", "")))
        more = [full for short, full in expansions.items() if short in words]
        more += [short for short, full in expansions.items() if full in c.text]
        more += [initials(e) for e in c.entities if initials(e)]  # "North Korea" may be asked about as "NK"
        extra.append(" ".join(more))
    contexts = context_texts(claims, title)
    vectors = embedder.embed([c.text for c in claims]) if embedder is not None and claims else None
    indexed = [
        IndexedClaim(c, term_string(c.text), " ".join(terms(ctx) + terms(ex)),
                     vectors[i] if vectors is not None else None)
        for i, (c, ctx, ex) in enumerate(zip(claims, contexts, extra))
    ]
    return indexed, document_vector(vectors)


def document_vector(vectors: np.ndarray | None) -> np.ndarray | None:
    """The normalised mean of a document's claim vectors: where the document sits as a whole."""
    if vectors is None or not len(vectors):
        return None
    mean = vectors.mean(0)
    norm = float(np.linalg.norm(mean))
    return (mean / norm).astype(np.float32) if norm else None
