"""Every weight, limit and threshold of the answer engine, in one table.

They were set once, on the development question sets as a whole (see
``benchmarks/evaluate.py``), never to fix one question. Change them here and re-run the
evaluation on every set.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Weights:
    # -- lexical side: BM25 over a claim's terms plus, discounted, its context's terms --
    k1: float = 1.2
    b: float = 0.75
    context: float = 0.3  # one occurrence in the context counts this much of one in the claim
    postings_budget: int = 20_000  # claims the OR-ed rare terms may match before common terms are ANDed
    lexical_limit: int = 600  # claims fetched by lexical match, newest first
    # -- semantic side: every claim of the best documents is scored against the question --
    documents: int = 20  # documents taken from each side (lexical hits, vector neighbours)
    # -- fusion: a claim's relevance --
    semantic: float = 1.0  # cosine(question, claim)
    lexical: float = 0.45  # share of the question's IDF weight the claim (and context) covers
    neighbour: float = 0.15  # best cosine of the claims next to it (what it continues)
    answer_type: float = 0.12  # the claim has what the question asks for (a figure, a date, a cause, ...)
    speaker: float = 0.2  # the claim is by the person the question names
    off_story: float = 0.5  # subtracted from claims of documents about another story
    # -- selection --
    max_points: int = 8
    relative_cutoff: float = 0.72  # keep claims scoring at least this share of the best
    diversity: float = 0.25  # MMR: how much similarity to points already chosen costs
    duplicate: float = 0.9  # cosine at which two claims say the same thing (cited together)
    story: float = 0.45  # documents whose mean vectors are less alike than this are different stories
    # -- abstention: the best evidence must reach these --
    min_semantic: float = 0.3  # cosine of the best claim with the question
    min_evidence: float = 0.5  # semantic + lexical share of the best claim
    min_lexical_only: float = 0.5  # without a model: share of the question's IDF weight covered


WEIGHTS = Weights()
